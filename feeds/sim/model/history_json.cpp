#include "feeds/sim/model/history_json.h"

#include "core/decimal.h"
#include "feeds/sim/model/number_text.h"

namespace mm::sim {

namespace {

void append_quoted_trimmed(std::string& out, u128 units, int decimals) {
  out.push_back('"');
  append_trimmed(out, units, decimals);
  out.push_back('"');
}
void append_price(std::string& out, const MarketText& m, int64_t raw) {
  append_quoted_trimmed(out, u128(uint64_t(raw / m.price_unit)), m.price_decimals);
}
void append_qty(std::string& out, const MarketText& m, int64_t raw) {
  append_quoted_trimmed(out, u128(uint64_t(raw / m.qty_unit)), m.qty_decimals);
}
// A quote amount (1e-15 units) at price decimals + quantity decimals, trimmed ("22.1474").
void append_quote(std::string& out, const MarketText& m, u128 raw) {
  const u128 unit = u128(uint64_t(m.price_unit)) * u128(uint64_t(m.qty_unit));
  append_quoted_trimmed(out, raw / unit, m.price_decimals + m.qty_decimals);
}

// "2026-02-10T12:00:00.123": UTC without a zone, as some versions of the endpoint write it.
void append_iso_ms(std::string& out, int64_t ms) {
  const int64_t second_ms = ms - ((ms % 1000) + 1000) % 1000;
  std::string text = format_rfc3339(second_ms * 1000);
  text.pop_back();  // the 'Z'
  const int64_t frac = ms - second_ms;
  out.push_back('"');
  out.append(text);
  out.push_back('.');
  out.push_back(char('0' + frac / 100));
  out.push_back(char('0' + frac / 10 % 10));
  out.push_back(char('0' + frac % 10));
  out.push_back('"');
}

}  // namespace

void append_history_trade(std::string& out, const MarketText& m, uint64_t id, const SimTrade& t) {
  out.append("{\"id\":");
  append_uint(out, id);
  out.append(",\"isBuyerMaker\":");
  out.append(t.buyer_is_maker ? "true" : "false");
  out.append(",\"price\":");
  append_price(out, m, t.price);
  out.append(",\"quantity\":");
  append_qty(out, m, t.qty);
  out.append(",\"quoteQuantity\":");
  append_quote(out, m, notional(t.price, t.qty));
  out.append(",\"timestamp\":");
  append_uint(out, uint64_t(t.time / 1000));
  out.push_back('}');
}

void append_history_fill(std::string& out, const MarketText& m, uint64_t trade_id, const SimTrade& t, bool maker,
                         bool iso_timestamp) {
  // The maker bought when the buyer is the maker; the taker did the opposite.
  const bool bought = maker == t.buyer_is_maker;
  out.append("{\"clientId\":null,\"fee\":");
  if (maker) out.append("\"0\"");
  else append_quote(out, m, notional(t.price, t.qty) * u128(kTakerFeeBps) / 10'000);
  out.append(",\"feeSymbol\":\"");
  out.append(m.quote_asset);
  out.append("\",\"isMaker\":");
  out.append(maker ? "true" : "false");
  out.append(",\"orderId\":\"");
  append_uint(out, maker ? t.maker_order : t.taker_order);
  out.append("\",\"price\":");
  append_price(out, m, t.price);
  out.append(",\"quantity\":");
  append_qty(out, m, t.qty);
  out.append(",\"side\":\"");
  out.append(bought ? "Bid" : "Ask");
  out.append("\",\"symbol\":\"");
  out.append(m.symbol);
  out.append("\",\"systemOrderType\":null,\"timestamp\":");
  if (iso_timestamp) append_iso_ms(out, t.time / 1000);
  else append_uint(out, uint64_t(t.time / 1000));
  out.append(",\"tradeId\":");
  append_uint(out, trade_id);
  out.push_back('}');
}

}  // namespace mm::sim
