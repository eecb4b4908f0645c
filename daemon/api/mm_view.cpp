#include "daemon/api/mm_view.h"

#include <algorithm>
#include <cstring>

#include "core/report_rows.h"
#include "core/scoring.h"
#include "daemon/api/markets_view.h"

namespace mm::api {

namespace {

constexpr double kFraction = double(kFractionScale);

bool has_reason(const MmMarketResult& e, const char* reason) {
  for (const char* r : e.ineligible_reasons)
    if (std::strcmp(r, reason) == 0) return true;
  return false;
}

// Maker volume x that lifts v / V to the share s: (v + x) / (V + x) = s.
double volume_to_reach(double v, double total, double s) {
  if (s >= 1.0) return 0.0;  // unreachable by volume; never configured so
  return std::max(0.0, (s * total - v) / (1.0 - s));
}

// The report's fee tier fields in the view's order, with the applied fee and, in the full
// standing, the next tier's threshold.
void write_fee_tier(JsonWriter& w, const Program& p, const FeeTierStanding& f, bool compact) {
  using F = FeeTierField;
  w.begin_object();
  write_fields(w, f, {F::tier});
  w.key("maker_fee_bps");
  const FeeTierSpec* applied = f.tier ? p.fee_tier(*f.tier) : nullptr;
  if (applied) write_number(w, applied->maker_fee_bps, 4);
  else w.null();
  write_fields(w, f,
               {F::earned_tier, F::fee_holiday, F::total_maker_share, F::adjusted_maker_share, F::next_tier,
                F::share_to_next_tier, F::volume_to_next_tier_usd});
  if (!compact) {
    write_fields(w, f, {F::has_markets, F::maker_volume_usd, F::all_maker_volume_usd});
    const FeeTierSpec* next = f.next_tier ? p.fee_tier(*f.next_tier) : nullptr;
    w.key("next_tier_min_share");
    if (next) w.fixed(double(next->min_share) / kFraction);
    else w.null();
  }
  w.end_object();
}

void write_view_fee_tiers(JsonWriter& w, const Program& p, const MmResult& r, bool compact) {
  write_fee_tiers(w, r, [&](JsonWriter& out, const FeeTierStanding& f) { write_fee_tier(out, p, f, compact); });
}

// The first thing to fix in one market, or nullptr when it is eligible. Without an active
// snapshot (one-sided, or nothing within the band) the average size is over nothing, so
// that comes before the size rule; the monthly minimum is the MM's, said once per MM.
const char* missing_cause(const MmMarketResult& e) {
  if (e.eligible()) return nullptr;
  if (e.snapshots_active == 0)
    return e.snapshots_observed > 0 ? kCauseNoActiveSnapshot : kCauseNoObservedSnapshot;
  for (const char* reason : {kReasonAvgSize, kReasonVolumeScore, kReasonMinAllocation})
    if (has_reason(e, reason)) return reason;
  return e.ineligible_reasons.empty() ? nullptr : e.ineligible_reasons.front();
}

// What is still missing to each per-market rule, under the names of the fields it is
// missing from; 0 where the rule is met, and avg size 0 without an active snapshot (the
// cause then is quoting both sides in the band, not size). Amounts are rounded up to the
// cent, so adding them is enough.
void write_missing(JsonWriter& w, const Program& p, const MmMarketResult& e, const MarketResult& market) {
  using F = MmMarketField;
  const double min_size = double(p.min_avg_size_usd) / kFraction;
  const double min_score = double(p.min_volume_score) / kFraction;
  const bool size_short = has_reason(e, kReasonAvgSize) && e.snapshots_active > 0;
  const bool volume_short = has_reason(e, kReasonVolumeScore);
  w.key("missing").begin_object();
  w.key("cause");
  if (const char* cause = missing_cause(e)) w.value(cause);
  else w.null();
  w.key(field_name(F::avg_size_usd));
  write_usd_ceil(w, size_short ? std::max(min_size - e.avg_size_usd, 0.01) : 0.0);
  w.key(field_name(F::volume_score)).fixed(volume_short ? std::max(0.0, min_score - e.volume_score) : 0.0);
  w.key(field_name(F::maker_volume_usd));
  const double volume = notional_to_double(e.maker_volume_usd);
  const double program_volume = notional_to_double(market.program_maker_volume_usd);
  write_usd_ceil(w, volume_short ? std::max(volume_to_reach(volume, program_volume, min_score), 0.01) : 0.0);
  w.end_object();
}

// The report's MM-market fields, with the market's category, pool and program volume
// from its market row, then active_now and what is missing.
void write_standing_market(JsonWriter& w, const ViewContext& ctx, uint32_t mm, const MmMarketResult& e) {
  using F = MmMarketField;
  using M = MarketField;
  const MarketResult& market = ctx.state.report.markets[e.market];
  const MmMarketRow row{ctx.program, e};
  const MarketRow market_row{ctx.program, market};
  w.begin_object();
  write_fields(w, row, {F::symbol});
  write_fields(w, market_row, {M::category, M::pair_pool_usd});
  write_fields(w, row, {F::maker_volume_usd});
  write_fields(w, market_row, {M::program_maker_volume_usd});
  write_fields(w, row,
               {F::volume_score, F::liquidity_score, F::blended_score, F::uptime, F::avg_size_usd, F::avg_spread_bps,
                F::liquidity_metric, F::snapshots_active, F::snapshots_observed, F::snapshots_unobserved,
                F::eligible, F::ineligible_reasons, F::reward_usd, F::dense_uptime, F::flicker,
                F::self_trade_volume_usd, F::cross_mm_trade_volume_usd});
  write_active_now(w, ctx, mm, e.market);
  write_missing(w, ctx.program, e, market);
  w.end_object();
}

}  // namespace

MmFigures mm_figures(const Report& report, uint32_t mm) {
  MmFigures f;
  double share = 0, uptime = 0, spread = 0;
  int n_share = 0, n_uptime = 0, n_spread = 0;
  for (const MmMarketResult& e : report.mms[mm].markets) {
    if (e.market < report.markets.size() && report.markets[e.market].program_maker_volume_usd > 0) {
      share += e.volume_score;
      ++n_share;
    }
    if (e.snapshots_observed > 0) {
      uptime += e.uptime;
      ++n_uptime;
    }
    if (e.snapshots_active > 0) {
      spread += e.avg_spread_bps;
      ++n_spread;
    }
  }
  if (n_share) f.volume_share = share / n_share;
  if (n_uptime) f.uptime = uptime / n_uptime;
  if (n_spread) f.avg_spread_bps = spread / n_spread;
  return f;
}

Cents min_allocation_cents(const Program& p) {
  const i128 scaled = i128(p.pool) * p.min_allocation_share;
  return Cents((scaled + kFractionScale - 1) / kFractionScale);
}

std::string mm_standing_json(const ViewContext& ctx, uint32_t mm) {
  const Program& p = ctx.program;
  const MmResult& r = ctx.state.report.mms[mm];
  // The rewards the per-market rules allow, before the monthly minimum (at the scores
  // over all MMs: with `renormalize` the real figure can only be higher).
  double before_min = 0;
  for (const MmMarketResult& e : r.markets)
    if (!has_reason(e, kReasonAvgSize) && !has_reason(e, kReasonVolumeScore))
      before_min += e.blended_score * double(ctx.state.report.markets[e.market].pair_pool) / 100.0;
  const double min_allocation = double(min_allocation_cents(p)) / 100.0;

  JsonWriter w(false);
  w.begin_object();
  write_fields(w, MmRow{p, r}, {MmField::mm_id});
  write_month_and_as_of(w, ctx);
  w.key("final").value(ctx.state.report.final);
  write_fields(w, MmRow{p, r}, {MmField::total_reward_usd, MmField::meets_min_allocation});
  w.key("min_allocation_usd").cents(min_allocation_cents(p));
  w.key("reward_before_min_allocation_usd").fixed(r.meets_min_allocation ? r.total_reward_exact : before_min, 2);
  w.key("missing_to_min_allocation_usd");
  write_usd_ceil(w, r.meets_min_allocation ? 0.0 : std::max(min_allocation - before_min, 0.01));
  w.key("thresholds").begin_object();
  w.key("min_avg_size_usd").fixed(double(p.min_avg_size_usd) / kFraction, 2);
  w.key("min_volume_score").fixed(double(p.min_volume_score) / kFraction);
  w.key("min_allocation_share").fixed(double(p.min_allocation_share) / kFraction);
  w.end_object();
  w.key("markets").begin_array();
  for (const MmMarketResult& e : r.markets) write_standing_market(w, ctx, mm, e);
  w.end_array();
  write_view_fee_tiers(w, p, r, false);
  w.end_object();
  return w.take();
}

void write_mm_summary(JsonWriter& w, const ViewContext& ctx, uint32_t mm) {
  const MmResult& r = ctx.state.report.mms[mm];
  const MmFigures f = mm_figures(ctx.state.report, mm);
  w.begin_object();
  write_fields(w, MmRow{ctx.program, r}, {MmField::mm_id, MmField::total_reward_usd, MmField::meets_min_allocation});
  w.key("volume_share");
  write_optional(w, f.volume_share, 9);
  w.key("uptime");
  write_optional(w, f.uptime, 9);
  w.key("avg_spread_bps");
  write_optional(w, f.avg_spread_bps, 4);
  write_view_fee_tiers(w, ctx.program, r, true);
  w.end_object();
}

std::string mm_list_json(const ViewContext& ctx, const Role& role) {
  return month_envelope(ctx, "mms", [&](JsonWriter& w) {
    w.begin_array();
    for (uint32_t i = 0; i < ctx.program.mms.size(); ++i)
      if (role.sees_mm(i)) write_mm_summary(w, ctx, i);
    w.end_array();
  });
}

}  // namespace mm::api

namespace mm::api {

std::string mm_standing_csv(const ViewContext& ctx, uint32_t mm) {
  std::string out = csv_header();
  if (!ctx.has_report()) return out;
  const MmResult& r = ctx.state.report.mms[mm];
  for (const MmMarketResult& e : r.markets) append_csv_row(out, MmRow{ctx.program, r}, MmMarketRow{ctx.program, e});
  return out;
}

}  // namespace mm::api
