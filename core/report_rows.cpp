#include "core/report_rows.h"

#include <cstddef>

namespace mm {

namespace {

template <class Row, class Id>
struct Field {
  Id id;
  std::string_view name;
  FieldValue (*get)(const Row&);
};

// Each table lists every field of its enum, in enum order (checked at compile time).
template <class Row, class Id, size_t N>
constexpr bool in_enum_order(const Field<Row, Id> (&table)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (size_t(table[i].id) != i) return false;
  return true;
}

FieldValue optional_text(const std::optional<std::string>& s) {
  if (s) return std::string_view(*s);
  return std::monostate{};
}

using MF = MarketField;
constexpr Field<MarketRow, MF> kMarketFields[] = {
    {MF::symbol, "symbol", [](const MarketRow& r) -> FieldValue { return std::string_view(r.program.markets[r.result.market].symbol); }},
    {MF::category, "category",
     [](const MarketRow& r) -> FieldValue { return std::string_view(to_string(r.program.markets[r.result.market].category)); }},
    {MF::reward_tier, "reward_tier",
     [](const MarketRow& r) -> FieldValue {
       if (r.result.reward_tier) return uint64_t(r.result.reward_tier);
       return std::monostate{};
     }},
    {MF::active_days, "active_days", [](const MarketRow& r) -> FieldValue { return FixedValue{r.result.active_days, 9}; }},
    {MF::pair_pool_usd, "pair_pool_usd", [](const MarketRow& r) -> FieldValue { return CentsValue{r.result.pair_pool}; }},
    {MF::maker_volume_usd, "maker_volume_usd",
     [](const MarketRow& r) -> FieldValue { return UsdValue{r.result.maker_volume_usd}; }},
    {MF::program_maker_volume_usd, "program_maker_volume_usd",
     [](const MarketRow& r) -> FieldValue { return UsdValue{r.result.program_maker_volume_usd}; }},
    {MF::snapshots_observed, "snapshots_observed",
     [](const MarketRow& r) -> FieldValue { return uint64_t(r.result.snapshots_observed); }},
    {MF::snapshots_unobserved, "snapshots_unobserved",
     [](const MarketRow& r) -> FieldValue { return uint64_t(r.result.snapshots_unobserved); }},
    {MF::unallocated_usd, "unallocated_usd", [](const MarketRow& r) -> FieldValue { return CentsValue{r.result.unallocated}; }},
    {MF::trades_missing, "trades_missing", [](const MarketRow& r) -> FieldValue { return r.result.trades_missing; }},
    {MF::late_trades, "late_trades", [](const MarketRow& r) -> FieldValue { return r.result.late_trades; }},
    {MF::late_fills, "late_fills", [](const MarketRow& r) -> FieldValue { return r.result.late_fills; }},
    {MF::late_volume_usd, "late_volume_usd", [](const MarketRow& r) -> FieldValue { return UsdValue{r.result.late_volume_usd}; }},
    {MF::reward_hhi, "reward_hhi", [](const MarketRow& r) -> FieldValue { return FixedValue{r.result.reward_hhi, 9}; }},
};
static_assert(in_enum_order(kMarketFields));

using MmF = MmField;
constexpr Field<MmRow, MmF> kMmFields[] = {
    {MmF::mm_id, "mm_id", [](const MmRow& r) -> FieldValue { return std::string_view(r.program.mms[r.result.mm].id); }},
    {MmF::total_reward_usd, "total_reward_usd", [](const MmRow& r) -> FieldValue { return CentsValue{r.result.total_reward}; }},
    {MmF::meets_min_allocation, "meets_min_allocation",
     [](const MmRow& r) -> FieldValue { return r.result.meets_min_allocation; }},
};
static_assert(in_enum_order(kMmFields));

using EF = MmMarketField;
using ER = MmMarketRow;
constexpr Field<ER, EF> kMmMarketFields[] = {
    {EF::symbol, "symbol", [](const ER& r) -> FieldValue { return std::string_view(r.program.markets[r.result.market].symbol); }},
    {EF::maker_volume_usd, "maker_volume_usd", [](const ER& r) -> FieldValue { return UsdValue{r.result.maker_volume_usd}; }},
    {EF::volume_score, "volume_score", [](const ER& r) -> FieldValue { return FixedValue{r.result.volume_score, 9}; }},
    {EF::snapshots_active, "snapshots_active", [](const ER& r) -> FieldValue { return uint64_t(r.result.snapshots_active); }},
    {EF::snapshots_observed, "snapshots_observed",
     [](const ER& r) -> FieldValue { return uint64_t(r.result.snapshots_observed); }},
    {EF::snapshots_unobserved, "snapshots_unobserved",
     [](const ER& r) -> FieldValue { return uint64_t(r.result.snapshots_unobserved); }},
    {EF::snapshots_anomalous, "snapshots_anomalous",
     [](const ER& r) -> FieldValue { return uint64_t(r.result.snapshots_anomalous); }},
    {EF::avg_size_usd, "avg_size_usd", [](const ER& r) -> FieldValue { return FixedValue{r.result.avg_size_usd, 2}; }},
    {EF::avg_spread_bps, "avg_spread_bps", [](const ER& r) -> FieldValue { return FixedValue{r.result.avg_spread_bps, 9}; }},
    {EF::uptime, "uptime", [](const ER& r) -> FieldValue { return FixedValue{r.result.uptime, 9}; }},
    {EF::liquidity_metric, "liquidity_metric",
     [](const ER& r) -> FieldValue { return FixedValue{r.result.liquidity_metric, 9}; }},
    {EF::liquidity_score, "liquidity_score", [](const ER& r) -> FieldValue { return FixedValue{r.result.liquidity_score, 9}; }},
    {EF::blended_score, "blended_score", [](const ER& r) -> FieldValue { return FixedValue{r.result.blended_score, 9}; }},
    {EF::eligible, "eligible", [](const ER& r) -> FieldValue { return r.result.eligible(); }},
    {EF::ineligible_reasons, "ineligible_reasons", [](const ER& r) -> FieldValue { return TextList{&r.result.ineligible_reasons}; }},
    {EF::reward_usd, "reward_usd", [](const ER& r) -> FieldValue { return CentsValue{r.result.reward}; }},
    {EF::self_trade_volume_usd, "self_trade_volume_usd",
     [](const ER& r) -> FieldValue { return UsdValue{r.result.self_trade_volume_usd}; }},
    {EF::cross_mm_trade_volume_usd, "cross_mm_trade_volume_usd",
     [](const ER& r) -> FieldValue { return UsdValue{r.result.cross_mm_trade_volume_usd}; }},
    {EF::dense_uptime, "dense_uptime", [](const ER& r) -> FieldValue {
       if (!r.result.dense_uptime) return std::monostate{};
       return FixedValue{*r.result.dense_uptime, 9};
     }},
    {EF::flicker, "flicker", [](const ER& r) -> FieldValue { return r.result.flicker; }},
};
static_assert(in_enum_order(kMmMarketFields));

using FF = FeeTierField;
using FR = FeeTierRow;
constexpr Field<FR, FF> kFeeTierFields[] = {
    {FF::total_maker_share, "total_maker_share", [](const FR& f) -> FieldValue { return FixedValue{f.total_maker_share, 9}; }},
    {FF::adjusted_maker_share, "adjusted_maker_share",
     [](const FR& f) -> FieldValue { return FixedValue{f.adjusted_maker_share, 9}; }},
    {FF::tier, "tier", [](const FR& f) { return optional_text(f.tier); }},
    {FF::earned_tier, "earned_tier", [](const FR& f) { return optional_text(f.earned_tier); }},
    {FF::fee_holiday, "fee_holiday", [](const FR& f) -> FieldValue { return f.fee_holiday; }},
    {FF::maker_volume_usd, "maker_volume_usd", [](const FR& f) -> FieldValue { return UsdValue{f.maker_volume_usd}; }},
    {FF::all_maker_volume_usd, "all_maker_volume_usd",
     [](const FR& f) -> FieldValue { return UsdValue{f.all_maker_volume_usd}; }},
    {FF::next_tier, "next_tier", [](const FR& f) { return optional_text(f.next_tier); }},
    {FF::share_to_next_tier, "share_to_next_tier", [](const FR& f) -> FieldValue { return FixedValue{f.share_to_next_tier, 9}; }},
    {FF::volume_to_next_tier_usd, "volume_to_next_tier_usd",
     [](const FR& f) -> FieldValue { return FixedValue{f.volume_to_next_tier_usd, 2}; }},
    {FF::has_markets, "has_markets", [](const FR& f) -> FieldValue { return f.has_markets; }},
};
static_assert(in_enum_order(kFeeTierFields));

template <class Row, class Id, size_t N>
void write_all(JsonWriter& w, const Row& row, const Field<Row, Id> (&table)[N]) {
  w.begin_object();
  for (const auto& f : table) {
    w.key(f.name);
    write_value(w, f.get(row));
  }
  w.end_object();
}

void csv_field(std::string& out, std::string_view s) {
  const bool quote = s.find_first_of(",\"\n") != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

void write_value(JsonWriter& w, const FieldValue& v) {
  struct Visit {
    JsonWriter& w;
    void operator()(std::monostate) { w.null(); }
    void operator()(std::string_view s) { w.value(s); }
    void operator()(bool b) { w.value(b); }
    void operator()(uint64_t n) { w.value(n); }
    void operator()(FixedValue f) { w.fixed(f.v, f.decimals); }
    void operator()(CentsValue c) { w.cents(c.c); }
    void operator()(UsdValue u) { w.usd(u.v); }
    void operator()(TextList l) {
      w.begin_array();
      for (const char* s : *l.items) w.value(s);
      w.end_array();
    }
  };
  std::visit(Visit{w}, v);
}

std::string csv_cell(const FieldValue& v) {
  struct Visit {
    std::string operator()(std::monostate) { return {}; }
    std::string operator()(std::string_view s) { return std::string(s); }
    std::string operator()(bool b) { return b ? "true" : "false"; }
    std::string operator()(uint64_t n) { return std::to_string(n); }
    std::string operator()(FixedValue f) { return format_double_fixed(f.v, f.decimals); }
    std::string operator()(CentsValue c) { return format_fixed(c.c, 2); }
    std::string operator()(UsdValue u) { return format_usd(u.v); }
    std::string operator()(TextList l) {
      std::string out;
      for (const char* s : *l.items) out += (out.empty() ? "" : ";") + std::string(s);
      return out;
    }
  };
  return std::visit(Visit{}, v);
}

std::string_view field_name(MarketField f) { return kMarketFields[size_t(f)].name; }
std::string_view field_name(MmField f) { return kMmFields[size_t(f)].name; }
std::string_view field_name(MmMarketField f) { return kMmMarketFields[size_t(f)].name; }
std::string_view field_name(FeeTierField f) { return kFeeTierFields[size_t(f)].name; }
FieldValue field_value(const MarketRow& row, MarketField f) { return kMarketFields[size_t(f)].get(row); }
FieldValue field_value(const MmRow& row, MmField f) { return kMmFields[size_t(f)].get(row); }
FieldValue field_value(const MmMarketRow& row, MmMarketField f) { return kMmMarketFields[size_t(f)].get(row); }
FieldValue field_value(const FeeTierRow& row, FeeTierField f) { return kFeeTierFields[size_t(f)].get(row); }

void write_market_row(JsonWriter& w, const MarketRow& row) { write_all(w, row, kMarketFields); }
void write_mm_market_row(JsonWriter& w, const MmMarketRow& row) { write_all(w, row, kMmMarketFields); }

void write_report_fee_tier(JsonWriter& w, const FeeTierStanding& f) {
  w.begin_object();
  write_fields(w, f,
               {FF::total_maker_share, FF::adjusted_maker_share, FF::tier, FF::earned_tier, FF::fee_holiday,
                FF::maker_volume_usd, FF::all_maker_volume_usd, FF::next_tier, FF::share_to_next_tier,
                FF::volume_to_next_tier_usd});
  w.end_object();
}

void write_mm_row(JsonWriter& w, const MmRow& row) {
  w.begin_object();
  write_fields(w, row, {MmF::mm_id, MmF::total_reward_usd, MmF::meets_min_allocation});
  write_fee_tiers(w, row.result, write_report_fee_tier);
  w.key("markets").begin_array();
  for (const MmMarketResult& e : row.result.markets) write_mm_market_row(w, MmMarketRow{row.program, e});
  w.end_array();
  w.end_object();
}

std::string csv_header() {
  std::string out(field_name(MmF::mm_id));
  for (const auto& f : kMmMarketFields) out += "," + std::string(f.name);
  return out + "\n";
}

void append_csv_row(std::string& out, const MmRow& mm, const MmMarketRow& row) {
  csv_field(out, csv_cell(field_value(mm, MmF::mm_id)));
  for (const auto& f : kMmMarketFields) {
    out.push_back(',');
    csv_field(out, csv_cell(f.get(row)));
  }
  out.push_back('\n');
}

}  // namespace mm
