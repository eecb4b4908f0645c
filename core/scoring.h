// Month report (SCORING.md sections 5-10) computed from a month's accumulators: pair
// pools, scores, eligibility, redistribution, rewards in whole cents, fee tiers. A
// pure function: the same state always gives the same report, bit for bit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/month_state.h"
#include "core/program.h"

namespace mm {

inline constexpr const char* kReasonAvgSize = "avg_size_below_min";
inline constexpr const char* kReasonVolumeScore = "volume_score_below_min";
inline constexpr const char* kReasonMinAllocation = "below_min_allocation";

struct MarketResult {
  uint32_t market = 0;
  int reward_tier = 0;  // 0: none
  double active_days = 0;
  Cents pair_pool = 0;
  u128 maker_volume_usd = 0;          // all users, 1e-15 USD
  u128 program_maker_volume_usd = 0;  // program MMs
  uint32_t snapshots_observed = 0, snapshots_unobserved = 0;
  Cents unallocated = 0;
  uint64_t trades_missing = 0;  // SCORING.md section 13
  uint64_t trade_id_jumps = 0;  // anomalies: ids far ahead of the market's (not missing trades)
  uint64_t late_trades = 0, late_fills = 0;
  u128 late_volume_usd = 0;  // 1e-15 USD
  double reward_hhi = 0;     // SCORING.md section 16: sum of squared reward shares (0: nothing paid)
};

struct MmMarketResult {
  uint32_t market = 0;
  u128 maker_volume_usd = 0;
  double volume_score = 0;
  uint32_t snapshots_active = 0, snapshots_observed = 0, snapshots_unobserved = 0, snapshots_anomalous = 0;
  double avg_size_usd = 0, avg_spread_bps = 0, uptime = 0, liquidity_metric = 0;
  double liquidity_score = 0, blended_score = 0;
  std::vector<const char*> ineligible_reasons;
  bool eligible() const { return ineligible_reasons.empty(); }
  double reward_usd_exact = 0;  // before rounding to cents
  Cents reward = 0;
  // Integrity screens (section 16): flagged, never paid on (unless exclude_self_trades).
  u128 self_trade_volume_usd = 0, cross_mm_trade_volume_usd = 0;  // 1e-15 USD
  std::optional<double> dense_uptime;  // none: no dense grid instant observed
  bool flicker = false;                // uptime > dense_uptime + flicker_margin
};

struct FeeTierStanding {
  bool has_markets = false;           // the category has configured markets
  u128 maker_volume_usd = 0;          // the MM's, 1e-15 USD
  u128 all_maker_volume_usd = 0;      // all users'
  double total_maker_share = 0, adjusted_maker_share = 0;
  std::optional<std::string> tier;         // what applies (holiday tier in the first month)
  std::optional<std::string> earned_tier;  // by share alone
  bool fee_holiday = false;
  std::optional<std::string> next_tier;    // the next tier above the earned one
  double share_to_next_tier = 0;           // missing share to reach it
  double volume_to_next_tier_usd = 0;      // missing share x current all-user volume
};

struct MmResult {
  uint32_t mm = 0;
  Cents total_reward = 0;
  double total_reward_exact = 0;
  bool meets_min_allocation = false;
  FeeTierStanding fee[kCategoryCount];  // indexed by Category
  std::vector<MmMarketResult> markets;  // one per configured market, in symbol order
};

struct Report {
  YearMonth month;
  bool final = false;
  TimeUs as_of = 0;
  std::string config_hash;
  // Set by a replay under --allow-config-change: the config hash its journals were written under.
  std::optional<std::string> journal_config_hash;
  Redistribution redistribution = Redistribution::none;
  Cents pool = 0;
  Cents unallocated = 0;
  uint32_t snapshots_taken = 0;
  InputCounters input;
  std::vector<MarketResult> markets;
  std::vector<MmResult> mms;
};

Report score_month(const Program& program, const MonthState& state, bool final);

// USD value of an exact quote-unit amount: amount x usd_rate (1e-15 USD).
u128 quote_to_usd(u128 quote_amount, int64_t usd_rate);

}  // namespace mm
