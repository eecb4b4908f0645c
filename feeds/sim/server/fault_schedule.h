// The simulator's fault schedule: "kind[:arg]@time,..." with times relative to the
// server's start (grammar and effects: feeds/sim/server/README.md, "Fault schedule").
// Pure parsing and name resolution; the server fires them (sim_hub.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_utc.h"
#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

enum class FaultKind : uint8_t { drop_public, drop_private, gap, stale_depth, malformed, delay_rest };
inline constexpr size_t kFaultKindCount = 6;
const char* to_string(FaultKind k);

struct Fault {
  FaultKind kind = FaultKind::drop_public;
  TimeUs at = 0;         // after start()
  std::string target;    // drop_private: "mm_id/account"; gap: symbol; otherwise empty
  TimeUs duration = 0;   // delay_rest only
  uint32_t index = 0;    // resolved target: account (drop_private) or market (gap)
  std::string text;      // the item as written, for logs
};

// Parses the whole schedule (empty or blank: no faults). Items are sorted by time, ties
// in written order. An error names the item and the problem.
Result<std::vector<Fault>> parse_fault_schedule(std::string_view text);

// "250ms", "30s", "2m" (a non-negative integer and a unit) -> µs.
std::optional<TimeUs> parse_fault_time(std::string_view text);

// Fills Fault::index from the exchange's accounts and markets; an error when a target
// names neither.
Result<> resolve_fault_targets(std::vector<Fault>& faults, const ExchangeOptions& exchange);

}  // namespace mm::sim
