#include "daemon/api/token_store.h"

#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include "feeds/file_io.h"

namespace mm::api {

namespace {

Result<TokenTable> read_token_file(const std::string& path, const Program& program) {
  if (path.empty()) return TokenTable();
  const Result<std::string> text = read_file(path);
  if (!text) return text.error();
  Result<TokenTable> parsed = TokenTable::parse(*text, path, program);
  if (!parsed) return parsed.error();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
    spdlog::warn("api: {} is readable by other users; chmod 600 it", path);
  return parsed;
}

}  // namespace

Result<> TokenStore::load(const std::string& path) {
  Result<TokenTable> parsed = read_token_file(path, program_);
  if (!parsed) {
    reloads_failed_.fetch_add(1);
    return parsed.error();
  }
  auto table = std::make_shared<const TokenTable>(std::move(*parsed));
  {
    std::lock_guard lock(mutex_);
    table_ = std::move(table);
  }
  reloads_ok_.fetch_add(1);
  return {};
}

std::shared_ptr<const TokenTable> TokenStore::table() const {
  std::lock_guard lock(mutex_);
  return table_;
}

}  // namespace mm::api
