// Names and number formats shared by the summary and the canonical hash text. Internal to config/.
#pragma once

#include <string>

#include "core/program.h"

namespace mm::config_detail {

inline const char* name_of(Redistribution v) { return v == Redistribution::none ? "none" : "renormalize"; }
inline const char* name_of(SizeMode v) { return v == SizeMode::min_side ? "min_side" : "mean_side"; }
inline const char* name_of(SpreadMode v) { return v == SpreadMode::weighted ? "weighted" : "best"; }
inline const char* name_of(AverageOver v) { return v == AverageOver::active ? "active" : "observed"; }
inline const char* name_of(DaysRounding v) { return v == DaysRounding::exact ? "exact" : "ceil"; }

// raw / 10^decimals without trailing zeros: 15000000 at 9 -> "0.015", 2000e9 -> "2000".
std::string trimmed_decimal(int64_t raw, int decimals);
// Largest unit that divides exactly: "500ms", "60s", "5m", "1h"; odd values in µs ("1500us").
std::string duration_text(TimeUs d);
// Shortest text that reads back as the same double.
std::string double_text(double v);

}  // namespace mm::config_detail
