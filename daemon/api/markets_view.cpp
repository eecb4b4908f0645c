#include "daemon/api/markets_view.h"

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

namespace {

void write_mm_row(JsonWriter& w, const ViewContext& ctx, uint32_t mm, uint32_t market) {
  const MmMarketResult& e = ctx.state.report.mms[mm].markets[market];
  w.begin_object();
  w.key("mm_id").value(ctx.program.mms[mm].id);
  w.key("maker_volume_usd").usd(e.maker_volume_usd);
  w.key("volume_score").fixed(e.volume_score);
  w.key("liquidity_score").fixed(e.liquidity_score);
  w.key("blended_score").fixed(e.blended_score);
  w.key("uptime").fixed(e.uptime);
  w.key("avg_size_usd").fixed(e.avg_size_usd, 2);
  w.key("avg_spread_bps").fixed(e.avg_spread_bps);
  w.key("snapshots_active").value(e.snapshots_active);
  w.key("eligible").value(e.eligible());
  w.key("reward_usd").cents(e.reward);
  w.key("active_now");
  const std::optional<bool> now = ctx.activity ? ctx.activity->active_now(mm, market) : std::nullopt;
  if (now) w.value(*now);
  else w.null();
  w.end_object();
}

}  // namespace

void write_market(JsonWriter& w, const ViewContext& ctx, uint32_t market, const Role& role) {
  const MarketSpec& spec = ctx.program.markets[market];
  const MarketResult& r = ctx.state.report.markets[market];
  const MarketFigures f = market_figures(ctx.program, ctx.state, market);
  w.begin_object();
  w.key("symbol").value(spec.symbol);
  w.key("category").value(to_string(spec.category));
  w.key("reward_tier");
  if (spec.reward_tier) w.value(spec.reward_tier);
  else w.null();
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
  w.key("snapshots_observed").value(r.snapshots_observed);
  w.key("snapshots_unobserved").value(r.snapshots_unobserved);
  w.key("active_days").fixed(r.active_days);
  w.key("maker_volume_usd").usd(r.maker_volume_usd);
  w.key("program_maker_volume_usd").usd(r.program_maker_volume_usd);
  w.key("pair_pool_usd").cents(r.pair_pool);
  w.key("mms").begin_array();
  for (uint32_t i = 0; i < ctx.program.mms.size(); ++i)
    if (role.sees_mm(i)) write_mm_row(w, ctx, i, market);
  w.end_array();
  w.end_object();
}

std::string markets_json(const ViewContext& ctx, const Role& role) {
  JsonWriter w(false);
  w.begin_object();
  write_month_and_as_of(w, ctx);
  w.key("markets").begin_array();
  for (uint32_t m = 0; m < ctx.program.markets.size(); ++m) write_market(w, ctx, m, role);
  w.end_array();
  w.end_object();
  return w.take();
}

std::string market_json(const ViewContext& ctx, uint32_t market, const Role& role) {
  JsonWriter w(false);
  w.begin_object();
  write_month_and_as_of(w, ctx);
  w.key("market");
  write_market(w, ctx, market, role);
  w.end_object();
  return w.take();
}

}  // namespace mm::api
