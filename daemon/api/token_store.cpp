#include "daemon/api/token_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace mm::api {

bool read_text_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = path + ": read error";
    return false;
  }
  out = ss.str();
  return true;
}

bool TokenStore::load(const std::string& path, std::string& error) {
  auto table = std::make_shared<TokenTable>();
  if (!path.empty()) {
    std::string text;
    if (!read_text_file(path, text, error)) {
      reloads_failed_.fetch_add(1);
      return false;
    }
    std::optional<TokenTable> parsed = TokenTable::parse(text, path, program_, error);
    if (!parsed) {
      reloads_failed_.fetch_add(1);
      return false;
    }
    *table = std::move(*parsed);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
      spdlog::warn("api: {} is readable by other users; chmod 600 it", path);
  }
  {
    std::lock_guard lock(mutex_);
    table_ = std::move(table);
  }
  reloads_ok_.fetch_add(1);
  return true;
}

std::shared_ptr<const TokenTable> TokenStore::table() const {
  std::lock_guard lock(mutex_);
  return table_;
}

}  // namespace mm::api
