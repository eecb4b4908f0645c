// One MM's standing: GET /v1/mms/<mm_id> (full, with what is still missing to each
// eligibility threshold) and the compact summary of GET /v1/mms and the stream.
#pragma once

#include <optional>
#include <string>

#include "daemon/api/role.h"
#include "daemon/api/view_context.h"

namespace mm::api {

// Means over one MM's markets, for the compact summary and the history charts:
// volume_share over markets with program volume, uptime over markets with observed
// snapshots, avg_spread_bps over markets with active snapshots (nullopt: none).
struct MmFigures {
  std::optional<double> volume_share, uptime, avg_spread_bps;
};
MmFigures mm_figures(const Report& report, uint32_t mm);

// `missing.cause` of a market with no active snapshot, besides the ineligible reasons.
inline constexpr const char* kCauseNoActiveSnapshot = "no_active_snapshot";    // observed, never active
inline constexpr const char* kCauseNoObservedSnapshot = "no_observed_snapshot";  // nothing observed

// Program thresholds in display units.
Cents min_allocation_cents(const Program& program);  // pool x min_allocation_share, rounded up

std::string mm_standing_json(const ViewContext& ctx, uint32_t mm);
void write_mm_summary(JsonWriter& w, const ViewContext& ctx, uint32_t mm);
std::string mm_list_json(const ViewContext& ctx, const Role& role);  // GET /v1/mms
// GET /v1/mms/<mm_id>?format=csv: the report's CSV rows of that MM only (header first).
std::string mm_standing_csv(const ViewContext& ctx, uint32_t mm);

}  // namespace mm::api
