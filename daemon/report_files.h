// Writes report files atomically (temp file + rename), so readers never see half a report.
#pragma once

#include <string>

#include "core/program.h"
#include "core/scoring.h"

namespace mm {

// Writes DIR/report-YYYY-MM.json (and .csv when asked). Returns the JSON path, or an
// error message through `error` (and an empty path).
std::string write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                               std::string& error);
bool ensure_directory(const std::string& dir, std::string& error);
bool write_file_atomic(const std::string& path, const std::string& content, std::string& error);

}  // namespace mm
