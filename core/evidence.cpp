#include "core/evidence.h"

#include <charconv>

#include "core/scoring.h"

namespace mm {

const char* to_string(UnobservedReason r) {
  switch (r) {
    case UnobservedReason::none: return nullptr;
    case UnobservedReason::public_down: return "public_down";
    case UnobservedReason::book_not_in_sync: return "book_not_in_sync";
    case UnobservedReason::private_down: return "private_down";
    case UnobservedReason::orders_not_in_sync: return "orders_not_in_sync";
    case UnobservedReason::anomaly: return "anomaly";
  }
  return nullptr;
}

const char* to_string(InactiveReason r) {
  switch (r) {
    case InactiveReason::none: return nullptr;
    case InactiveReason::no_bid_in_band: return "no_bid_in_band";
    case InactiveReason::no_ask_in_band: return "no_ask_in_band";
    case InactiveReason::below_min_side: return "below_min_side";
  }
  return nullptr;
}

std::string format_exact(u128 raw, int decimals) {
  std::string digits = u128_to_string(raw);
  if (decimals <= 0) return digits;
  if (digits.size() <= size_t(decimals)) digits.insert(0, size_t(decimals) + 1 - digits.size(), '0');
  std::string out = digits.substr(0, digits.size() - size_t(decimals)) + "." + digits.substr(digits.size() - size_t(decimals));
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string format_instant_us(TimeUs t) {
  std::string s = format_rfc3339(t);
  if (s.find('.') == std::string::npos) s.insert(s.size() - 1, ".000000");
  return s;
}

std::string format_double_roundtrip(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

namespace {

bool in_band(const Program& p, int64_t price, int64_t mid2) {
  i128 dist = i128(price) * 2 - mid2;
  if (dist < 0) dist = -dist;
  return dist * 10'000 <= i128(p.band_bps) * mid2;
}

// The fields of a row, each as text (JSON literal) or null, in the contract's order.
struct Cell {
  const char* name;
  bool null;
  std::string text;
  bool quoted;  // a JSON string
};

std::vector<Cell> row_cells(const Program& p, const EvidenceRow& row) {
  const CellEvidence& e = row.cell;
  const int64_t rate = p.markets[e.market].usd_rate;
  const bool has_mid = e.mid2 != 0;
  const bool counted = e.looked_at_orders;
  const char* unobserved = to_string(e.unobserved);
  const char* inactive = to_string(e.inactive);
  // 1e-14 units: mid x (1 -/+ band) = mid2 x (10,000 -/+ band_bps) x 5 exactly.
  auto band = [&](int64_t sign) { return format_exact(u128(i128(e.mid2) * (10'000 + sign * p.band_bps) * 5), 14); };
  auto usd = [&](u128 quote) { return format_exact(quote_to_usd(quote, rate), 15); };
  return {
      {"mm_id", false, p.mms[e.mm].id, true},
      {"symbol", false, p.markets[e.market].symbol, true},
      {"interval", false, std::to_string(e.interval), false},
      {"instant", false, format_instant_us(e.instant), true},
      {"observed", false, e.unobserved == UnobservedReason::none ? "true" : "false", false},
      {"unobserved_reason", !unobserved, unobserved ? unobserved : "", true},
      {"mid", !has_mid, has_mid ? format_exact(u128(e.mid2) * 5, 10) : "", false},
      {"band_low", !has_mid, has_mid ? band(-1) : "", false},
      {"band_high", !has_mid, has_mid ? band(1) : "", false},
      {"bid_orders", !counted, std::to_string(row.bid_orders), false},
      {"ask_orders", !counted, std::to_string(row.ask_orders), false},
      {"bid_notional_usd", !counted, usd(e.bid_notional), false},
      {"ask_notional_usd", !counted, usd(e.ask_notional), false},
      // size2 is 2 x Size: exact at 1e-16.
      {"size_usd", !e.active, format_exact(quote_to_usd(e.size2, rate) * 5, 16), false},
      {"spread_bps", !e.active, format_double_roundtrip(e.spread_bps), false},
      {"active", false, e.active ? "true" : "false", false},
      {"inactive_reason", !inactive, inactive ? inactive : "", true},
  };
}

std::string order_text(const CountedOrder& o) {
  return std::to_string(o.order_id) + ":" + (o.side == Side::bid ? "bid" : "ask") + ":" +
         format_exact(u128(o.price), kPriceDecimals) + ":" + format_exact(u128(o.quantity), kQtyDecimals);
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

EvidenceRow make_evidence_row(const Program& p, const CellEvidence& e, const MmOrders& orders, bool with_orders) {
  EvidenceRow row;
  row.cell = e;
  if (!e.looked_at_orders) return row;
  for (const RestingOrder& o : orders.all()) {
    if (o.mm != e.mm || o.market != e.market || !in_band(p, o.price, e.mid2)) continue;
    ++(o.side == Side::bid ? row.bid_orders : row.ask_orders);
    if (with_orders) row.orders.push_back({o.order_id, o.side, o.price, o.remaining});
  }
  return row;
}

void write_evidence_json(JsonWriter& w, const Program& p, const EvidenceRow& row, bool with_orders) {
  w.begin_object();
  for (const Cell& c : row_cells(p, row)) {
    w.key(c.name);
    if (c.null) w.null();
    else if (c.quoted) w.value(c.text);
    else w.raw(c.text);
  }
  if (with_orders) {
    w.key("orders").begin_array();
    for (const CountedOrder& o : row.orders) {
      w.begin_object();
      w.key("order_id").value(o.order_id);
      w.key("side").value(o.side == Side::bid ? "bid" : "ask");
      w.key("price").raw(format_exact(u128(o.price), kPriceDecimals));
      w.key("quantity").raw(format_exact(u128(o.quantity), kQtyDecimals));
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

std::string evidence_csv_header(bool with_orders) {
  std::string out;
  EvidenceRow dummy;
  Program p;  // names only: a one-market, one-MM program for an empty row
  p.markets.resize(1);
  p.mms.resize(1);
  for (const Cell& c : row_cells(p, dummy)) out += (out.empty() ? "" : ",") + std::string(c.name);
  if (with_orders) out += ",orders";
  return out + "\n";
}

std::string evidence_csv_line(const Program& p, const EvidenceRow& row, bool with_orders) {
  std::string out;
  bool first = true;
  for (const Cell& c : row_cells(p, row)) {
    if (!first) out += ',';
    first = false;
    if (!c.null) out += csv_escape(c.text);
  }
  if (with_orders) {
    out += ',';
    std::string list;
    for (const CountedOrder& o : row.orders) list += (list.empty() ? "" : ";") + order_text(o);
    out += csv_escape(list);
  }
  return out + "\n";
}

void EvidenceTotals::add(const CellEvidence& e) {
  ++rows;
  if (e.unobserved != UnobservedReason::none) {
    ++unobserved;
    if (e.unobserved == UnobservedReason::anomaly) ++anomalous;
    return;
  }
  ++observed;
  if (!e.active) return;
  ++active;
  size_sum2 += e.size2;
  spread_sum_bps += e.spread_bps;
}

// The same expressions as the report's (core/scoring.cpp fill_liquidity), so equal bits.
EvidenceFigures evidence_figures(const Program& p, uint32_t market, const EvidenceTotals& t) {
  EvidenceFigures f;
  const uint32_t size_count = p.average_over == AverageOver::active ? t.active : t.observed;
  const u128 size_sum2_usd = quote_to_usd(t.size_sum2, p.markets[market].usd_rate);
  if (size_count > 0) f.avg_size_usd = notional_to_double(size_sum2_usd) / 2.0 / double(size_count);
  if (t.active > 0) f.avg_spread_bps = t.spread_sum_bps / double(t.active);
  if (t.observed > 0) f.uptime = double(t.active) / double(t.observed);
  return f;
}

void write_evidence_totals_json(JsonWriter& w, const Program& p, uint32_t market, const EvidenceTotals& t) {
  const EvidenceFigures f = evidence_figures(p, market, t);
  w.begin_object();
  w.key("symbol").value(p.markets[market].symbol);
  w.key("snapshots").value(t.rows);
  w.key("snapshots_observed").value(t.observed);
  w.key("snapshots_unobserved").value(t.unobserved);
  w.key("snapshots_anomalous").value(t.anomalous);
  w.key("snapshots_active").value(t.active);
  w.key("avg_size_usd").fixed(f.avg_size_usd, 2);
  w.key("avg_spread_bps").fixed(f.avg_spread_bps, 9);  // as printed in the report
  w.key("uptime").fixed(f.uptime, 9);
  w.end_object();
}

}  // namespace mm
