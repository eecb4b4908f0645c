#include "daemon/report_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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
  const std::string tmp = path + ".tmp";
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

std::string write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                               std::string& error) {
  if (!ensure_directory(dir, error)) return {};
  const std::string stem = (std::filesystem::path(dir) / report_file_stem(report)).string();
  if (!write_file_atomic(stem + ".json", report_json(program, report), error)) return {};
  if (csv && !write_file_atomic(stem + ".csv", report_csv(program, report), error)) return {};
  return stem + ".json";
}

}  // namespace mm
