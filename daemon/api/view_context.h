// What every view reads: the program, one published state, and a few facts from the
// API server itself. Views are plain functions of these (no sockets, no clock reads),
// so tests build a PublishedState by hand and check the JSON exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/json_writer.h"
#include "core/program.h"
#include "daemon/published_state.h"

namespace mm::api {

class ActivityTracker;

struct ViewContext {
  const Program& program;
  const PublishedState& state;
  TimeUs now = 0;                               // wall clock, for the engine lag
  uint64_t processed = 0;                       // records the engine loop processed
  TimeUs stall_after = 10 * kUsPerSecond;       // lag beyond this: health is degraded
  const ActivityTracker* activity = nullptr;    // active_now per MM and market; null: unknown

  // The report has one entry per configured market and MM (false before the first record).
  bool has_report() const {
    return state.started && state.report.markets.size() == program.markets.size() &&
           state.report.mms.size() == program.mms.size();
  }
};

// Number formats shared by the views.
std::string trim_decimal(std::string s);            // "100.500000000" -> "100.5", "2.000" -> "2"
void write_price(JsonWriter& w, int64_t raw_1e9);   // null when 0 (side absent)
void write_number(JsonWriter& w, double v, int decimals);  // trimmed fixed decimals
void write_optional(JsonWriter& w, const std::optional<double>& v, int decimals);
void write_usd_ceil(JsonWriter& w, double usd);     // rounded up to the cent: what is still missing
void write_optional_string(JsonWriter& w, const std::optional<std::string>& s);
std::string error_json(std::string_view message);  // {"error":"..."}

// Month and report time, or null before the first record.
void write_month_and_as_of(JsonWriter& w, const ViewContext& ctx);

}  // namespace mm::api
