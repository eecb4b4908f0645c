#include "core/scoring.h"

#include <algorithm>
#include <cmath>

#include "core/apportion.h"

namespace mm {

u128 quote_to_usd(u128 quote_amount, int64_t usd_rate) {
  u128 out = 0;
  if (!scale_by_fraction(quote_amount, usd_rate, out)) out = ~u128(0);  // 3e23 USD: unreachable
  return out;
}

namespace {

constexpr uint64_t kFraction = uint64_t(kFractionScale);

// ---- pair pools (section 7) -------------------------------------------------------------

// Microseconds a market is active this month: from max(month start, first trade) to the
// month end, assuming it stays listed ("if the month ended now" still counts to the end).
TimeUs active_us(const Program& p, const MonthState& s, uint32_t m) {
  const MarketSpec& spec = p.markets[m];
  const TimeUs month_start = s.month.start(), month_end = s.month.end();
  TimeUs start = month_start;
  if (spec.first_trade) {
    start = std::max(start, *spec.first_trade);
  } else if (spec.is_new) {
    if (!s.first_trade_seen[m]) return 0;  // not traded yet
    start = std::max(start, *s.first_trade_seen[m]);
  }
  if (start >= month_end) return 0;
  const TimeUs us = month_end - start;
  if (p.active_days_rounding == DaysRounding::ceil) return (us + kUsPerDay - 1) / kUsPerDay * kUsPerDay;
  return us;
}

void assign_pair_pools(const Program& p, const MonthState& s, Report& r) {
  for (const CategorySpec& c : p.categories) {
    for (const TierSpec& t : c.tiers) {
      std::vector<u128> weights;
      for (uint32_t m : t.markets) weights.push_back(u128(active_us(p, s, m)));
      const std::vector<int64_t> pools = apportion_exact(t.pool, weights);
      for (size_t k = 0; k < t.markets.size(); ++k) r.markets[t.markets[k]].pair_pool = pools[k];
    }
  }
  for (uint32_t m = 0; m < p.markets.size(); ++m)
    r.markets[m].active_days = double(active_us(p, s, m)) / double(kUsPerDay);
}

// ---- per MM and market figures (section 4) ----------------------------------------------

struct CellFacts {
  bool size_ok = false;    // avg_size_usd >= min, decided exactly
  bool volume_ok = false;  // volume_score >= min, decided exactly
};

void fill_liquidity(const Program& p, const MmMarketMonth& c, int64_t usd_rate, MmMarketResult& out,
                    CellFacts& facts) {
  out.snapshots_active = c.snapshots_active;
  out.snapshots_observed = c.snapshots_observed;
  out.snapshots_unobserved = c.snapshots_unobserved;
  out.snapshots_anomalous = c.snapshots_anomalous;
  const uint32_t size_count = p.average_over == AverageOver::active ? c.snapshots_active : c.snapshots_observed;
  const u128 size_sum2_usd = quote_to_usd(c.size_sum2, usd_rate);  // 2 x sum of sizes, 1e-15 USD
  if (size_count > 0) out.avg_size_usd = notional_to_double(size_sum2_usd) / 2.0 / double(size_count);
  if (c.snapshots_active > 0) out.avg_spread_bps = c.spread_sum_bps / double(c.snapshots_active);
  if (c.snapshots_observed > 0) out.uptime = double(c.snapshots_active) / double(c.snapshots_observed);
  if (c.snapshots_active > 0 && out.avg_spread_bps > 0)
    out.liquidity_metric = out.avg_size_usd / out.avg_spread_bps * out.uptime;
  // avg >= min  <=>  sum2 >= 2 x min x count (min in 1e-9 USD, sums in 1e-15 USD).
  out.self_trade_volume_usd = quote_to_usd(c.self_trade_volume, usd_rate);
  out.cross_mm_trade_volume_usd = quote_to_usd(c.cross_mm_trade_volume, usd_rate);
  if (c.dense_observed > 0) {
    out.dense_uptime = double(c.dense_active) / double(c.dense_observed);
    out.flicker = c.snapshots_observed > 0 && out.uptime > *out.dense_uptime + p.flicker_margin;
  }
  const u128 min2 = u128(uint64_t(p.min_avg_size_usd)) * 2'000'000;
  facts.size_ok = size_count > 0 ? mul_ge(size_sum2_usd, 1, min2, size_count) : p.min_avg_size_usd == 0;
}

// ---- rewards (sections 5 and 6) ---------------------------------------------------------

// Scores of one market over the MMs in `members`; the others get 0.
void market_scores(const Program& p, const MonthState& s, const Report& r, uint32_t m,
                   const std::vector<uint8_t>& members, std::vector<double>& volume,
                   std::vector<double>& liquidity) {
  const size_t n = p.mms.size();
  u128 total_volume = 0;
  double total_lm = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!members[i]) continue;
    total_volume += s.cell(i, m).maker_volume;
    total_lm += r.mms[i].markets[m].liquidity_metric;
  }
  for (size_t i = 0; i < n; ++i) {
    volume[i] = liquidity[i] = 0;
    if (!members[i]) continue;
    if (total_volume > 0) volume[i] = to_double(s.cell(i, m).maker_volume) / to_double(total_volume);
    if (total_lm > 0) liquidity[i] = r.mms[i].markets[m].liquidity_metric / total_lm;
  }
}

double min_allocation_usd(const Program& p) {
  return double(p.min_allocation_share) * double(p.pool) / double(kFraction) / 100.0;
}

// Sets reward_usd_exact on every entry; returns per-MM "meets the monthly minimum".
std::vector<uint8_t> compute_rewards(const Program& p, const MonthState& s, Report& r,
                                     const std::vector<std::vector<uint8_t>>& market_ok) {
  const size_t n = p.mms.size(), n_markets = p.markets.size();
  const double threshold = min_allocation_usd(p);
  std::vector<uint8_t> meets(n, 1);
  std::vector<double> vol(n), liq(n);
  auto pay = [&](uint32_t m, double vs, double ls) {
    const double blended = p.weight_volume * vs + p.weight_liquidity * ls;
    return blended * double(r.markets[m].pair_pool) / 100.0;
  };

  if (p.redistribution == Redistribution::none) {
    // Scores over all program MMs; forfeited money stays unallocated.
    std::vector<uint8_t> all(n, 1);
    for (uint32_t m = 0; m < n_markets; ++m)
      for (size_t i = 0; i < n; ++i) {
        MmMarketResult& e = r.mms[i].markets[m];
        e.reward_usd_exact = market_ok[i][m] ? pay(m, e.volume_score, e.liquidity_score) : 0.0;
      }
    for (size_t i = 0; i < n; ++i) {
      double total = 0;
      for (const MmMarketResult& e : r.mms[i].markets) total += e.reward_usd_exact;
      meets[i] = total >= threshold;
    }
  } else {
    // Renormalize: rescore over the eligible MMs until nobody drops below the monthly
    // minimum. Dropping MMs only raises the others, so this ends within n passes.
    while (true) {
      for (uint32_t m = 0; m < n_markets; ++m) {
        std::vector<uint8_t> members(n);
        for (size_t i = 0; i < n; ++i) members[i] = market_ok[i][m] && meets[i];
        market_scores(p, s, r, m, members, vol, liq);
        for (size_t i = 0; i < n; ++i)
          r.mms[i].markets[m].reward_usd_exact = members[i] ? pay(m, vol[i], liq[i]) : 0.0;
      }
      bool dropped = false;
      for (size_t i = 0; i < n; ++i) {
        if (!meets[i]) continue;
        double total = 0;
        for (const MmMarketResult& e : r.mms[i].markets) total += e.reward_usd_exact;
        if (total < threshold) {
          meets[i] = 0;
          dropped = true;
        }
      }
      if (!dropped) break;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!meets[i])
      for (MmMarketResult& e : r.mms[i].markets) e.reward_usd_exact = 0;
  return meets;
}

// Whole cents per market: MMs' rewards plus the unallocated rest sum to the pair pool.
void round_to_cents(const Program& p, Report& r) {
  const size_t n = p.mms.size();
  for (uint32_t m = 0; m < p.markets.size(); ++m) {
    MarketResult& mk = r.markets[m];
    std::vector<double> weights(n + 1);
    double paid = 0;
    for (size_t i = 0; i < n; ++i) {
      weights[i] = r.mms[i].markets[m].reward_usd_exact;
      paid += weights[i];
    }
    weights[n] = std::max(0.0, double(mk.pair_pool) / 100.0 - paid);
    const std::vector<int64_t> cents = apportion(mk.pair_pool, weights);
    Cents given = 0;
    for (size_t i = 0; i < n; ++i) {
      r.mms[i].markets[m].reward = cents[i];
      given += cents[i];
    }
    mk.unallocated = mk.pair_pool - given;
  }
}

// ---- fee tiers (section 8) --------------------------------------------------------------

bool share_at_least(u128 part, u128 whole, int64_t min_share) {
  if (whole == 0) return min_share == 0;
  return mul_ge(part, kFraction, whole, uint64_t(min_share));
}

void fee_tiers(const Program& p, const MonthState& s, MmResult& mm) {
  for (int ci = 0; ci < kCategoryCount; ++ci) {
    FeeTierStanding& f = mm.fee[ci];
    u128 adjusted = 0, all_adjusted = 0;
    for (uint32_t m = 0; m < p.markets.size(); ++m) {
      const MarketSpec& spec = p.markets[m];
      if (int(spec.category) != ci) continue;
      f.has_markets = true;
      const u128 mine = quote_to_usd(s.cell(mm.mm, m).maker_volume, spec.usd_rate);
      const u128 all = quote_to_usd(s.markets[m].maker_volume, spec.usd_rate);
      f.maker_volume_usd += mine;
      f.all_maker_volume_usd += all;
      adjusted += quote_to_usd(mine, spec.multiplier);
      all_adjusted += quote_to_usd(all, spec.multiplier);
    }
    if (f.all_maker_volume_usd > 0) f.total_maker_share = to_double(f.maker_volume_usd) / to_double(f.all_maker_volume_usd);
    if (all_adjusted > 0) f.adjusted_maker_share = to_double(adjusted) / to_double(all_adjusted);
    const FeeTierSpec* earned = nullptr;
    const FeeTierSpec* next = nullptr;
    for (const FeeTierSpec& t : p.fee_tiers) {  // ascending: the last qualifying is the best
      if (share_at_least(f.maker_volume_usd, f.all_maker_volume_usd, t.min_share) ||
          share_at_least(adjusted, all_adjusted, t.min_share)) {
        earned = &t;
        next = nullptr;
      } else if (!next) {
        next = &t;
      }
    }
    if (earned) f.earned_tier = earned->name;
    f.tier = f.earned_tier;
    if (p.mms[mm.mm].joined == s.month && p.fee_tier(p.fee_holiday_tier)) {
      f.fee_holiday = true;
      f.tier = p.fee_holiday_tier;
    }
    if (next) {
      f.next_tier = next->name;
      const double best = std::max(f.total_maker_share, f.adjusted_maker_share);
      f.share_to_next_tier = std::max(0.0, double(next->min_share) / double(kFraction) - best);
      f.volume_to_next_tier_usd = f.share_to_next_tier * notional_to_double(f.all_maker_volume_usd);
    }
  }
}

// Per market, reward_hhi = sum over MMs of (reward / market's rewards)^2, from the whole
// cents paid: sum r^2 / (sum r)^2, exact integers up to the one division.
void concentration(Report& r) {
  for (MarketResult& mk : r.markets) {
    u128 sum = 0, squares = 0;
    for (const MmResult& mm : r.mms) {
      const u128 c = u128(uint64_t(std::max<Cents>(0, mm.markets[mk.market].reward)));
      sum += c;
      squares += c * c;
    }
    mk.reward_hhi = sum == 0 ? 0 : to_double(squares) / (to_double(sum) * to_double(sum));
  }
}

}  // namespace

Report score_month(const Program& p, const MonthState& s, bool final) {
  const size_t n = p.mms.size(), n_markets = p.markets.size();
  Report r;
  r.month = s.month;
  r.final = final;
  r.as_of = s.last_ts;
  r.config_hash = p.config_hash;
  r.redistribution = p.redistribution;
  r.pool = p.pool;
  r.snapshots_taken = s.snapshots_taken;
  r.input = s.input;

  r.markets.resize(n_markets);
  for (uint32_t m = 0; m < n_markets; ++m) {
    MarketResult& mk = r.markets[m];
    mk.market = m;
    mk.reward_tier = p.markets[m].reward_tier;
    mk.maker_volume_usd = quote_to_usd(s.markets[m].maker_volume, p.markets[m].usd_rate);
    mk.snapshots_observed = s.markets[m].snapshots_observed;
    mk.snapshots_unobserved = s.markets[m].snapshots_unobserved;
    mk.trades_missing = s.markets[m].trades_missing;
    mk.trade_id_jumps = s.markets[m].trade_id_jumps;
    mk.late_trades = s.markets[m].late_trades;
    mk.late_fills = s.markets[m].late_fills;
    mk.late_volume_usd = quote_to_usd(s.markets[m].late_volume, p.markets[m].usd_rate);
  }
  assign_pair_pools(p, s, r);

  // Per-cell liquidity figures and exact eligibility facts.
  std::vector<std::vector<CellFacts>> facts(n, std::vector<CellFacts>(n_markets));
  r.mms.resize(n);
  for (size_t i = 0; i < n; ++i) {
    r.mms[i].mm = uint32_t(i);
    r.mms[i].markets.resize(n_markets);
    for (uint32_t m = 0; m < n_markets; ++m) {
      MmMarketResult& e = r.mms[i].markets[m];
      e.market = m;
      e.maker_volume_usd = quote_to_usd(s.cell(i, m).maker_volume, p.markets[m].usd_rate);
      r.markets[m].program_maker_volume_usd += e.maker_volume_usd;
      fill_liquidity(p, s.cell(i, m), p.markets[m].usd_rate, e, facts[i][m]);
    }
  }

  // Reported scores are over all program MMs, whatever the redistribution policy.
  std::vector<uint8_t> everyone(n, 1);
  std::vector<double> vol(n), liq(n);
  for (uint32_t m = 0; m < n_markets; ++m) {
    market_scores(p, s, r, m, everyone, vol, liq);
    u128 total_volume = 0;
    for (size_t i = 0; i < n; ++i) total_volume += s.cell(i, m).maker_volume;
    for (size_t i = 0; i < n; ++i) {
      MmMarketResult& e = r.mms[i].markets[m];
      e.volume_score = vol[i];
      e.liquidity_score = liq[i];
      e.blended_score = p.weight_volume * vol[i] + p.weight_liquidity * liq[i];
      facts[i][m].volume_ok = share_at_least(s.cell(i, m).maker_volume, total_volume, p.min_volume_score);
    }
  }

  std::vector<std::vector<uint8_t>> market_ok(n, std::vector<uint8_t>(n_markets));
  for (size_t i = 0; i < n; ++i)
    for (uint32_t m = 0; m < n_markets; ++m) {
      MmMarketResult& e = r.mms[i].markets[m];
      if (!facts[i][m].size_ok) e.ineligible_reasons.push_back(kReasonAvgSize);
      if (!facts[i][m].volume_ok) e.ineligible_reasons.push_back(kReasonVolumeScore);
      market_ok[i][m] = e.ineligible_reasons.empty();
    }

  const std::vector<uint8_t> meets = compute_rewards(p, s, r, market_ok);
  round_to_cents(p, r);

  Cents paid = 0;
  for (size_t i = 0; i < n; ++i) {
    MmResult& mm = r.mms[i];
    mm.meets_min_allocation = meets[i];
    for (MmMarketResult& e : mm.markets) {
      if (!meets[i]) e.ineligible_reasons.push_back(kReasonMinAllocation);
      mm.total_reward += e.reward;
      mm.total_reward_exact += e.reward_usd_exact;
    }
    paid += mm.total_reward;
    fee_tiers(p, s, mm);
  }
  r.unallocated = r.pool - paid;
  concentration(r);
  return r;
}

}  // namespace mm
