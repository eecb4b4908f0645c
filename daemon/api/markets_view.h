// GET /v1/markets and /v1/markets/<symbol>: the public book at the last snapshot, the
// month's aggregates, and per-MM rows scoped by role (ops and risk: every MM; an MM:
// its own row only, so no other MM id ever appears in its answer).
#pragma once

#include <optional>
#include <string>

#include "daemon/api/role.h"
#include "daemon/api/view_context.h"

namespace mm::api {

// The last snapshot's view of one market, in display units.
struct MarketFigures {
  bool observed = false, book_in_sync = false;
  std::optional<double> mid, spread_bps;  // both sides present
  u128 bid_depth_usd = 0, ask_depth_usd = 0;  // in band, 1e-15 USD
  uint32_t active_mms = 0;
  TimeUs instant = 0;  // 0: no snapshot yet
};
MarketFigures market_figures(const Program& program, const PublishedState& state, uint32_t market);

void write_market(JsonWriter& w, const ViewContext& ctx, uint32_t market, const Role& role);
std::string markets_json(const ViewContext& ctx, const Role& role);
std::string market_json(const ViewContext& ctx, uint32_t market, const Role& role);

}  // namespace mm::api
