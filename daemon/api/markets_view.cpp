#include "daemon/api/markets_view.h"

#include "core/report_rows.h"
#include "core/scoring.h"
#include "daemon/api/activity_tracker.h"

namespace mm::api {

MarketFigures market_figures(const Program& program, const PublishedState& state, uint32_t market) {
  MarketFigures f;
  if (market < state.book_in_sync.size()) f.book_in_sync = state.book_in_sync[market] != 0;
  if (market >= state.markets.size()) return f;
  const MarketView& v = state.markets[market];
  const int64_t usd_rate = program.markets[market].usd_rate;
  f.observed = v.observed;
  f.instant = v.instant;
  f.active_mms = v.active_mms;
  f.bid_depth_usd = quote_to_usd(v.bid_depth_in_band, usd_rate);
  f.ask_depth_usd = quote_to_usd(v.ask_depth_in_band, usd_rate);
  if (v.best_bid > 0 && v.best_ask > 0) {
    const double bid = double(v.best_bid), ask = double(v.best_ask);
    f.mid = (bid + ask) / 2.0 / double(kPriceScale);
    f.spread_bps = (ask - bid) / ((bid + ask) / 2.0) * 10'000.0;
  }
  return f;
}

void write_active_now(JsonWriter& w, const ViewContext& ctx, uint32_t mm, uint32_t market) {
  w.key("active_now");
  const std::optional<bool> now = ctx.activity ? ctx.activity->active_now(mm, market) : std::nullopt;
  if (now) w.value(*now);
  else w.null();
}

namespace {

// The report's MM and MM-market fields this row shows, and active_now.
void write_mm_row(JsonWriter& w, const ViewContext& ctx, uint32_t mm, uint32_t market) {
  using F = MmMarketField;
  const MmResult& r = ctx.state.report.mms[mm];
  w.begin_object();
  write_fields(w, MmRow{ctx.program, r}, {MmField::mm_id});
  write_fields(w, MmMarketRow{ctx.program, r.markets[market]},
               {F::maker_volume_usd, F::volume_score, F::liquidity_score, F::blended_score, F::uptime,
                F::avg_size_usd, F::avg_spread_bps, F::snapshots_active, F::eligible, F::reward_usd, F::dense_uptime,
                F::flicker, F::self_trade_volume_usd, F::cross_mm_trade_volume_usd});
  write_active_now(w, ctx, mm, market);
  w.end_object();
}

// The last snapshot's book, between the report row's identity and its aggregates.
void write_book(JsonWriter& w, const ViewContext& ctx, uint32_t market) {
  const MarketFigures f = market_figures(ctx.program, ctx.state, market);
  w.key("observed").value(f.observed);
  w.key("book_in_sync").value(f.book_in_sync);
  w.key("snapshot_at");
  if (f.instant) w.value(format_rfc3339(f.instant));
  else w.null();
  const MarketView* v = market < ctx.state.markets.size() ? &ctx.state.markets[market] : nullptr;
  w.key("best_bid");
  write_price(w, v ? v->best_bid : 0);
  w.key("best_ask");
  write_price(w, v ? v->best_ask : 0);
  w.key("mid");
  write_optional(w, f.mid, 10);
  w.key("spread_bps");
  write_optional(w, f.spread_bps, 4);
  w.key("bid_depth_usd").usd(f.bid_depth_usd);
  w.key("ask_depth_usd").usd(f.ask_depth_usd);
  w.key("active_mms").value(f.active_mms);
}

}  // namespace

void write_market(JsonWriter& w, const ViewContext& ctx, uint32_t market, const Role& role) {
  using F = MarketField;
  const MarketRow row{ctx.program, ctx.state.report.markets[market]};
  w.begin_object();
  write_fields(w, row, {F::symbol, F::category, F::reward_tier});
  write_book(w, ctx, market);
  write_fields(w, row,
               {F::snapshots_observed, F::snapshots_unobserved, F::active_days, F::maker_volume_usd,
                F::program_maker_volume_usd, F::pair_pool_usd, F::trades_missing, F::late_trades,
                F::late_fills, F::late_volume_usd});
  w.key("mms").begin_array();
  for (uint32_t i = 0; i < ctx.program.mms.size(); ++i)
    if (role.sees_mm(i)) write_mm_row(w, ctx, i, market);
  w.end_array();
  w.end_object();
}

std::string markets_json(const ViewContext& ctx, const Role& role) {
  return month_envelope(ctx, "markets", [&](JsonWriter& w) {
    w.begin_array();
    for (uint32_t m = 0; m < ctx.program.markets.size(); ++m) write_market(w, ctx, m, role);
    w.end_array();
  });
}

std::string market_json(const ViewContext& ctx, uint32_t market, const Role& role) {
  return month_envelope(ctx, "market", [&](JsonWriter& w) { write_market(w, ctx, market, role); });
}

}  // namespace mm::api
