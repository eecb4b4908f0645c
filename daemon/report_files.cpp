#include "daemon/report_files.h"

#include <simdjson.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/report_format.h"
#include "core/result.h"

namespace mm {

Result<> ensure_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(dir + ": cannot create directory: " + ec.message());
  return {};
}

Result<> write_file_atomic(const std::string& path, const std::string& content) {
  // A temp name of its own per write: two threads writing one path never share it.
  static std::atomic<uint64_t> writes{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writes);
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error(tmp + ": " + std::strerror(errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() && std::fflush(f) == 0;
  const int saved = errno;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int failed = ok ? errno : saved;
    std::remove(tmp.c_str());
    return make_error(path + ": " + std::strerror(failed));
  }
  return {};
}

namespace {

// The top-level "final" of the report at PATH (SCORING.md section 10), by a full parse:
// any key order, and a "final" nested in another value does not count. An error when the
// file cannot be read, is not JSON, is not an object or has no boolean "final".
Result<bool> read_final_flag(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return make_error(path + ": cannot read");
  simdjson::dom::parser parser;  // a file per call, off the hot path
  simdjson::dom::element root;
  if (const auto err = parser.parse(text).get(root)) {
    return make_error(path + ": not JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::object report;
  if (root.get_object().get(report)) return make_error(path + ": not a JSON object");
  bool final = false;
  if (report["final"].get_bool().get(final)) return make_error(path + ": no boolean \"final\"");
  return final;
}

}  // namespace

bool is_final_report_file(const std::string& path) {
  const Result<bool> final = read_final_flag(path);
  return final && *final;
}

Result<std::string> write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                                       ReplaceReport replace) {
  if (auto made = ensure_directory(dir); !made) return made.error();
  const std::string stem = (std::filesystem::path(dir) / report_file_stem(report)).string();
  // Check and write as one step against the other writers of this process.
  static std::mutex writing;
  std::lock_guard lock(writing);
  if (replace == ReplaceReport::unless_final && !report.final && is_final_report_file(stem + ".json"))
    return make_error(stem + ".json: the month is closed; its final report is kept");
  if (auto written = write_file_atomic(stem + ".json", report_json(program, report)); !written) return written.error();
  if (csv) {
    if (auto written = write_file_atomic(stem + ".csv", report_csv(program, report)); !written) return written.error();
  }
  return stem + ".json";
}

}  // namespace mm
