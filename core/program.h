// The market-maker program as the scoring engine sees it: everything of SCORING.md
// section 12 after validation. Filled by config/ (or by tests directly); read-only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time_utc.h"

namespace mm {

enum class Category : uint8_t { spot, perp };
inline constexpr int kCategoryCount = 2;
inline const char* to_string(Category c) { return c == Category::spot ? "spot" : "perp"; }

enum class Redistribution : uint8_t { none, renormalize };
enum class SizeMode : uint8_t { min_side, mean_side };
enum class SpreadMode : uint8_t { weighted, best };
enum class AverageOver : uint8_t { active, observed };
enum class DaysRounding : uint8_t { exact, ceil };

using Cents = int64_t;

struct MarketSpec {
  std::string symbol;
  Category category = Category::perp;
  std::string quote;                // quote asset, e.g. "USDC"
  int64_t usd_rate = 1'000'000'000; // USD per quote unit, 1e-9 fraction
  int64_t multiplier = 1'000'000'000;  // adjusted-volume multiplier, 1e-9 fraction
  std::optional<TimeUs> first_trade;   // from config
  bool is_new = false;                 // first trade taken from the feed
  int reward_tier = 0;                 // 0: in no tier (no pool); else the tier number
};

struct TierSpec {
  int tier = 1;
  Cents pool = 0;
  std::vector<uint32_t> markets;  // indices into Program::markets
};

struct CategorySpec {
  Category category = Category::perp;
  Cents pool = 0;
  std::vector<TierSpec> tiers;
};

struct FeeTierSpec {
  std::string name;
  int64_t min_share = 0;       // 1e-9 fraction
  double maker_fee_bps = 0.0;  // negative = rebate; reported, never summed
};

struct MmSpec {
  std::string id;
  YearMonth joined;
  std::vector<std::string> accounts{"main"};  // exchange accounts; private streams are per account
};

struct Program {
  Cents pool = 30'000'000;  // 300,000 USD
  Redistribution redistribution = Redistribution::none;
  int64_t band_bps = 100;
  SizeMode size_mode = SizeMode::min_side;
  SpreadMode spread_mode = SpreadMode::weighted;
  AverageOver average_over = AverageOver::active;
  int64_t min_side_notional_usd = 0;  // 1e-9 USD (exact), 0 = strictly positive
  DaysRounding active_days_rounding = DaysRounding::exact;
  std::string fee_holiday_tier = "MM5";
  double weight_volume = 0.8;
  double weight_liquidity = 0.2;
  int64_t min_avg_size_usd = 2000 * 1'000'000'000LL;  // 1e-9 USD
  int64_t min_volume_score = 15'000'000;              // 1e-9 fraction (0.015)
  int64_t min_allocation_share = 10'000'000;          // 1e-9 fraction (0.01)

  TimeUs snapshot_interval = 60 * kUsPerSecond;
  bool snapshot_jitter = true;
  uint64_t snapshot_seed = 7;

  // Integrity screens (SCORING.md section 16).
  bool exclude_self_trades = false;          // true: a self trade adds nothing to its maker's volume
  TimeUs dense_interval = kUsPerSecond;      // risk.dense_interval: the dense uptime grid
  double flicker_margin = 0.10;              // risk.flicker_margin

  std::vector<MarketSpec> markets;      // sorted by symbol (report order)
  std::vector<CategorySpec> categories;
  std::vector<FeeTierSpec> fee_tiers;   // ascending min_share
  std::vector<MmSpec> mms;              // sorted by id (report order)
  std::string config_hash;              // hex SHA-256 of the scoring-relevant settings

  // Not a scoring key ([feed] max_trade_id_jump, outside the config hash): a hole in a
  // market's trade ids longer than this is an anomaly, not missing trades.
  uint64_t max_trade_id_jump = 1'000'000;
  // Not a scoring key ([feed] backfill_overlap): an account's fill history is fetched
  // from its last private record this long before (section 13).
  TimeUs backfill_overlap = 60 * kUsPerSecond;

  // Lookups; built by index().
  std::optional<uint32_t> market_index(std::string_view symbol) const;
  std::optional<uint32_t> mm_index(std::string_view id) const;
  std::optional<uint32_t> account_index(uint32_t mm, std::string_view account) const;
  const FeeTierSpec* fee_tier(std::string_view name) const;
  void index();  // call after filling markets and mms

 private:
  struct SvHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, SvHash, std::equal_to<>> market_by_symbol_;
  std::unordered_map<std::string, uint32_t, SvHash, std::equal_to<>> mm_by_id_;
};

}  // namespace mm
