// Serializations of a Report: the JSON of SCORING.md section 10 (names are part of the
// contract) and a CSV with one row per MM and market for spreadsheets.
#pragma once

#include <string>

#include "core/program.h"
#include "core/scoring.h"

namespace mm {

std::string report_json(const Program& program, const Report& report);
std::string report_csv(const Program& program, const Report& report);
std::string report_file_stem(const Report& report);  // "report-2026-02"

}  // namespace mm
