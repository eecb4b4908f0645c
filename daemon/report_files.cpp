#include "daemon/report_files.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/report_format.h"

namespace mm {

bool ensure_directory(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = dir + ": cannot create directory: " + ec.message();
    return false;
  }
  return true;
}

bool write_file_atomic(const std::string& path, const std::string& content, std::string& error) {
  // A temp name of its own per write: two threads writing one path never share it.
  static std::atomic<uint64_t> writes{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writes);
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    error = tmp + ": " + std::strerror(errno);
    return false;
  }
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() && std::fflush(f) == 0;
  const int saved = errno;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(ok ? errno : saved);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool is_final_report_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[1024];
  in.read(head, sizeof head);  // "final" is one of the first keys of report_json()
  const std::string_view text(head, size_t(in.gcount()));
  const size_t key = text.find("\"final\":");
  if (key == std::string_view::npos) return false;
  const size_t value = text.find_first_not_of(" \t\r\n", key + 8);
  return value != std::string_view::npos && text.substr(value, 4) == "true";
}

std::string write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                               std::string& error, ReplaceReport replace) {
  if (!ensure_directory(dir, error)) return {};
  const std::string stem = (std::filesystem::path(dir) / report_file_stem(report)).string();
  // Check and write as one step against the other writers of this process.
  static std::mutex writing;
  std::lock_guard lock(writing);
  if (replace == ReplaceReport::unless_final && !report.final && is_final_report_file(stem + ".json")) {
    error = stem + ".json: the month is closed; its final report is kept";
    return {};
  }
  if (!write_file_atomic(stem + ".json", report_json(program, report), error)) return {};
  if (csv && !write_file_atomic(stem + ".csv", report_csv(program, report), error)) return {};
  return stem + ".json";
}

}  // namespace mm
