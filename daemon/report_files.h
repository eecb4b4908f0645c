// Writes report files atomically (temp file + rename), so readers never see half a report.
#pragma once

#include <string>

#include "core/program.h"
#include "core/result.h"
#include "core/scoring.h"

namespace mm {

// What a write may replace. The daemon writes running reports from two threads (the API's
// snapshot, the stop) while the engine may be writing a month's final report: a running
// report must never replace a final one.
enum class ReplaceReport { always, unless_final };

// Writes DIR/report-YYYY-MM.json (and .csv when asked). Returns the JSON path.
Result<std::string> write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                                       ReplaceReport replace = ReplaceReport::always);
Result<> ensure_directory(const std::string& dir);
Result<> write_file_atomic(const std::string& path, const std::string& content);
// Whether PATH holds a report with "final": true (false when absent or unreadable).
bool is_final_report_file(const std::string& path);

}  // namespace mm
