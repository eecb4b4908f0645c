// GET /v1/markets and /v1/markets/<symbol>: the public book at the last snapshot, the
// month's aggregates, and per-MM rows scoped by role (ops and risk: every MM; an MM:
// its own row only, so no other MM id ever appears in its answer).
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

// The views' envelope: {"month", "as_of", "<key>": <what write_value writes>}.
template <class WriteValue>
std::string month_envelope(const ViewContext& ctx, std::string_view key, WriteValue&& write_value) {
  JsonWriter w(false);
  w.begin_object();
  write_month_and_as_of(w, ctx);
  w.key(key);
  write_value(w);
  w.end_object();
  return w.take();
}

// "active_now": whether the MM was active at the last snapshot (null: unknown).
void write_active_now(JsonWriter& w, const ViewContext& ctx, uint32_t mm, uint32_t market);

// One market: the report's market row fields, the book, and the MM rows the role sees.
void write_market(JsonWriter& w, const ViewContext& ctx, uint32_t market, const Role& role);
std::string markets_json(const ViewContext& ctx, const Role& role);
std::string market_json(const ViewContext& ctx, uint32_t market, const Role& role);

}  // namespace mm::api
