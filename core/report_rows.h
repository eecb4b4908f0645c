// The contract's objects (SCORING.md section 10), one field table each: a field's name is
// written once, here, and is the JSON key in the report and the API views and the CSV
// column name. Every writer picks fields from these tables (the report all of them, in
// table order; a view the ones it shows, in its own order, around its own extras), so a
// rename can never reach one output and miss another.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json_writer.h"
#include "core/program.h"
#include "core/scoring.h"

namespace mm {

// A field's value, printed the same way in every output (JSON and CSV).
struct FixedValue {
  double v;
  int decimals;
};
struct CentsValue {
  Cents c;
};
struct UsdValue {  // 1e-15 USD, rounded half-up to cents
  u128 v;
};
struct TextList {
  const std::vector<const char*>* items;
};
using FieldValue =
    std::variant<std::monostate, std::string_view, bool, uint64_t, FixedValue, CentsValue, UsdValue, TextList>;

void write_value(JsonWriter& w, const FieldValue& v);  // monostate: null
std::string csv_cell(const FieldValue& v);             // unquoted; null: empty, a list: joined with ';'

// The objects. Each enum lists its fields in the report's order.
struct MarketRow {  // report "markets" entry
  const Program& program;
  const MarketResult& result;
};
enum class MarketField {
  symbol, category, reward_tier, active_days, pair_pool_usd, maker_volume_usd, program_maker_volume_usd,
  snapshots_observed, snapshots_unobserved, unallocated_usd, trades_missing, late_trades, late_fills,
  late_volume_usd, reward_hhi,
};

struct MmRow {  // report "mms" entry (fee_tiers and markets are written by write_fee_tiers / rows)
  const Program& program;
  const MmResult& result;
};
enum class MmField { mm_id, total_reward_usd, meets_min_allocation };

struct MmMarketRow {  // report "mms[].markets" entry and one CSV row
  const Program& program;
  const MmMarketResult& result;
};
enum class MmMarketField {
  symbol, maker_volume_usd, volume_score, snapshots_active, snapshots_observed, snapshots_unobserved,
  snapshots_anomalous, avg_size_usd, avg_spread_bps, uptime, liquidity_metric, liquidity_score, blended_score,
  eligible, ineligible_reasons, reward_usd, self_trade_volume_usd, cross_mm_trade_volume_usd, dense_uptime,
  flicker,
};

using FeeTierRow = FeeTierStanding;  // "fee_tiers.spot" / "fee_tiers.perp"
enum class FeeTierField {
  total_maker_share, adjusted_maker_share, tier, earned_tier, fee_holiday, maker_volume_usd, all_maker_volume_usd,
  next_tier, share_to_next_tier, volume_to_next_tier_usd, has_markets,
};

std::string_view field_name(MarketField f);
std::string_view field_name(MmField f);
std::string_view field_name(MmMarketField f);
std::string_view field_name(FeeTierField f);
FieldValue field_value(const MarketRow& row, MarketField f);
FieldValue field_value(const MmRow& row, MmField f);
FieldValue field_value(const MmMarketRow& row, MmMarketField f);
FieldValue field_value(const FeeTierRow& row, FeeTierField f);

// `"name": value` for each field, in the order given.
template <class Row, class Fields>
void write_fields(JsonWriter& w, const Row& row, const Fields& fields) {
  for (auto f : fields) {
    w.key(field_name(f));
    write_value(w, field_value(row, f));
  }
}
template <class Row, class Field>
void write_fields(JsonWriter& w, const Row& row, std::initializer_list<Field> fields) {
  write_fields<Row, std::initializer_list<Field>>(w, row, fields);
}

// `"fee_tiers": {"spot": {...}, "perp": {...}}`; write_tier(w, standing) writes one object.
template <class WriteTier>
void write_fee_tiers(JsonWriter& w, const MmResult& mm, WriteTier&& write_tier) {
  w.key("fee_tiers").begin_object();
  for (Category c : {Category::spot, Category::perp}) {
    w.key(to_string(c));
    write_tier(w, mm.fee[int(c)]);
  }
  w.end_object();
}

// The report's objects, whole.
void write_market_row(JsonWriter& w, const MarketRow& row);
void write_mm_market_row(JsonWriter& w, const MmMarketRow& row);
void write_report_fee_tier(JsonWriter& w, const FeeTierStanding& f);
void write_mm_row(JsonWriter& w, const MmRow& row);

// The CSV: one row per MM and market, the columns mm_id and the MM-market fields.
std::string csv_header();
void append_csv_row(std::string& out, const MmRow& mm, const MmMarketRow& row);

}  // namespace mm
