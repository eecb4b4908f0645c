#include "core/whatif.h"

#include <algorithm>
#include <cmath>

namespace mm {

namespace {

// floor(v x num / den) without the product overflowing (num, den < 2^44).
u128 scale(u128 v, uint64_t num, uint64_t den) {
  if (den == 0 || num == den) return v;
  return v / den * num + v % den * num / den;
}

// In 128 bits: num may be a month in microseconds (2.7e12), v a count of dense instants.
uint32_t scale(uint32_t v, uint64_t num, uint64_t den) {
  if (den == 0) return v;
  return uint32_t(std::min<u128>(u128(v) * num / den, UINT32_MAX));
}

// The month-to-date rates continued to the month end.
struct Rates {
  uint64_t snapshots_all, snapshots_taken;  // by snapshots
  uint64_t month_us, elapsed_us;            // by time

  void project(MarketMonth& m) const {
    m.maker_volume = scale(m.maker_volume, month_us, elapsed_us);
    m.trades = uint64_t(scale(u128(m.trades), month_us, elapsed_us));
    m.snapshots_observed = scale(m.snapshots_observed, snapshots_all, snapshots_taken);
    m.snapshots_unobserved = scale(m.snapshots_unobserved, snapshots_all, snapshots_taken);
  }
  void project(MmMarketMonth& c) const {
    c.maker_volume = scale(c.maker_volume, month_us, elapsed_us);
    c.fills = uint64_t(scale(u128(c.fills), month_us, elapsed_us));
    // Self and cross-MM trades go on as the maker volume does (with exclude_self_trades
    // that volume is already net of them); the dense grid is by time too.
    c.self_trade_volume = scale(c.self_trade_volume, month_us, elapsed_us);
    c.cross_mm_trade_volume = scale(c.cross_mm_trade_volume, month_us, elapsed_us);
    c.dense_observed = scale(c.dense_observed, month_us, elapsed_us);
    c.dense_active = scale(c.dense_active, month_us, elapsed_us);
    c.snapshots_observed = scale(c.snapshots_observed, snapshots_all, snapshots_taken);
    c.snapshots_unobserved = scale(c.snapshots_unobserved, snapshots_all, snapshots_taken);
    c.snapshots_active = scale(c.snapshots_active, snapshots_all, snapshots_taken);
    c.snapshots_anomalous = scale(c.snapshots_anomalous, snapshots_all, snapshots_taken);
    c.size_sum2 = scale(c.size_sum2, snapshots_all, snapshots_taken);
    if (snapshots_taken > 0) c.spread_sum_bps = c.spread_sum_bps * double(snapshots_all) / double(snapshots_taken);
  }
};

// USD (1e-15) to the market's quote units (1e-15): usd_rate is USD per quote unit, 1e-9.
u128 usd_to_quote(u128 usd, int64_t usd_rate) { return usd * u128(kFractionScale) / u128(uint64_t(usd_rate)); }

// The remaining snapshots (and instants of the dense grid) as the plan says: all
// observed, `active_share` of them active with the planned size and spread.
void apply_quotes(const QuotePlan& q, int64_t usd_rate, uint32_t remaining, uint32_t dense_remaining,
                  MmMarketMonth& c) {
  const auto active = uint32_t(std::llround(q.active_share * double(remaining)));
  c.snapshots_observed += remaining;
  c.snapshots_active += active;
  c.size_sum2 += u128(active) * 2 * usd_to_quote(q.size_per_side_usd, usd_rate);
  c.spread_sum_bps += double(active) * q.spread_bps;
  c.dense_observed += dense_remaining;
  c.dense_active += uint32_t(std::llround(q.active_share * double(dense_remaining)));
}

Result<> check_plan(const Program& p, const WhatIfPlan& plan) {
  if (plan.mm >= p.mms.size()) return make_error("unknown MM " + std::to_string(plan.mm));
  std::vector<bool> seen(p.markets.size());
  for (const MarketPlan& mp : plan.markets) {
    if (mp.market >= p.markets.size()) return make_error("unknown market " + std::to_string(mp.market));
    if (seen[mp.market]) return make_error(p.markets[mp.market].symbol + ": planned twice");
    seen[mp.market] = true;
    if (!mp.quotes) continue;
    const QuotePlan& q = *mp.quotes;
    if (!(q.spread_bps > 0) || !std::isfinite(q.spread_bps))
      return make_error(p.markets[mp.market].symbol + ": spread_bps must be > 0");
    if (!(q.active_share >= 0 && q.active_share <= 1))
      return make_error(p.markets[mp.market].symbol + ": active_share must be within 0..1");
  }
  return {};
}

}  // namespace

Result<Projection> project_month(const Program& program, const MonthState& now, TimeUs as_of,
                                 uint32_t snapshots_in_month, const WhatIfPlan& plan) {
  if (auto ok = check_plan(program, plan); !ok) return ok.error();
  const TimeUs start = now.month.start(), end = now.month.end();
  const TimeUs elapsed = std::clamp(as_of, start, end) - start;
  const uint32_t taken = std::min(now.snapshots_taken, snapshots_in_month);
  const Rates rates{snapshots_in_month, taken, uint64_t(end - start), uint64_t(elapsed)};
  const auto dense_remaining =
      uint32_t(program.dense_interval > 0 ? (end - start - elapsed) / program.dense_interval : 0);

  Projection out{now, snapshots_in_month - taken};
  MonthState& m = out.month;
  for (MarketMonth& mk : m.markets) rates.project(mk);
  for (MmMarketMonth& c : m.cells) rates.project(c);
  m.snapshots_taken = snapshots_in_month;
  m.last_ts = end;
  for (const MarketPlan& mp : plan.markets) {
    const int64_t usd_rate = program.markets[mp.market].usd_rate;
    MmMarketMonth& c = m.cell(plan.mm, mp.market);
    if (mp.quotes) {  // its own quoting so far, then the plan's; its trading as projected
      MmMarketMonth quoted = now.cell(plan.mm, mp.market);
      quoted.maker_volume = c.maker_volume, quoted.fills = c.fills;
      quoted.self_trade_volume = c.self_trade_volume, quoted.cross_mm_trade_volume = c.cross_mm_trade_volume;
      apply_quotes(*mp.quotes, usd_rate, out.snapshots_remaining, dense_remaining, quoted);
      c = quoted;
    }
    const u128 extra = usd_to_quote(mp.extra_maker_volume_usd, usd_rate);
    c.maker_volume += extra;
    m.markets[mp.market].maker_volume += extra;  // a maker fill is in the all-user volume too
  }
  return out;
}

}  // namespace mm
