#include "feeds/sim/model/frame_json.h"

#include "feeds/sim/model/number_text.h"

namespace mm::sim {

namespace {

void append_price(std::string& out, const MarketText& m, int64_t raw) {
  append_fixed(out, u128(uint64_t(raw / m.price_unit)), m.price_decimals);
}
void append_qty(std::string& out, const MarketText& m, int64_t raw) {
  append_fixed(out, u128(uint64_t(raw / m.qty_unit)), m.qty_decimals);
}
// A quote amount (1e-15) at price decimals + quantity decimals, e.g. "20.1520".
u128 quote_units(const MarketText& m, u128 raw) {
  return raw / (u128(uint64_t(m.price_unit)) * u128(uint64_t(m.qty_unit)));
}
int quote_decimals(const MarketText& m) { return m.price_decimals + m.qty_decimals; }

void append_quoted_uint(std::string& out, uint64_t v) {
  out.push_back('"');
  append_uint(out, v);
  out.push_back('"');
}

void append_stream_tail(std::string& out, std::string_view stream) {
  out.append("},\"stream\":\"");
  out.append(stream);
  out.append("\"}");
}

const char* side_text(Side s) { return s == Side::bid ? "Bid" : "Ask"; }

}  // namespace

MarketText make_market_text(const SimMarket& m) {
  MarketText t;
  t.symbol = m.symbol;
  const size_t first = m.symbol.find('_');
  const size_t second = first == std::string::npos ? first : m.symbol.find('_', first + 1);
  t.quote_asset = first == std::string::npos ? "USDC" : m.symbol.substr(first + 1, second - first - 1);
  t.trade_stream = "trade." + m.symbol;
  t.depth_stream = "depth." + m.symbol;
  t.price_decimals = decimals_of(m.tick, kPriceDecimals);
  t.qty_decimals = decimals_of(m.step, kQtyDecimals);
  t.price_unit = pow10_i64(kPriceDecimals - t.price_decimals);
  t.qty_unit = pow10_i64(kQtyDecimals - t.qty_decimals);
  return t;
}

void append_trade_frame(std::string& out, const MarketText& m, const TradeFields& t) {
  out.append("{\"data\":{\"E\":");
  append_uint(out, uint64_t(t.event_time));
  out.append(",\"T\":");
  append_uint(out, uint64_t(t.engine_time));
  out.append(",\"a\":");
  append_quoted_uint(out, t.seller_order);
  out.append(",\"b\":");
  append_quoted_uint(out, t.buyer_order);
  out.append(",\"e\":\"trade\",\"m\":");
  out.append(t.buyer_is_maker ? "true" : "false");
  out.append(",\"p\":\"");
  append_price(out, m, t.price);
  out.append("\",\"q\":\"");
  append_qty(out, m, t.qty);
  out.append("\",\"s\":\"");
  out.append(m.symbol);
  out.append("\",\"t\":");
  append_uint(out, t.trade_id);
  append_stream_tail(out, m.trade_stream);
}

void append_depth_frame(std::string& out, const MarketText& m, TimeUs event_time, TimeUs engine_time,
                        uint64_t update_id, Side side, int64_t price, int64_t qty) {
  out.append("{\"data\":{\"E\":");
  append_uint(out, uint64_t(event_time));
  out.append(",\"T\":");
  append_uint(out, uint64_t(engine_time));
  out.append(",\"U\":");
  append_uint(out, update_id);
  auto level = [&] {
    out.append("[[\"");
    append_price(out, m, price);
    out.append("\",\"");
    append_qty(out, m, qty);
    out.append("\"]]");
  };
  out.append(",\"a\":");
  if (side == Side::ask) level(); else out.append("[]");
  out.append(",\"b\":");
  if (side == Side::bid) level(); else out.append("[]");
  out.append(",\"e\":\"depth\",\"s\":\"");
  out.append(m.symbol);
  out.append("\",\"u\":");
  append_uint(out, update_id);
  append_stream_tail(out, m.depth_stream);
}

void append_order_frame(std::string& out, const MarketText& m, const OrderFields& f) {
  const SimOrder& o = *f.order;
  const bool fill = f.kind == OrderEventKind::fill;
  const char* event = "orderAccepted";
  const char* state = "New";
  switch (f.kind) {
    case OrderEventKind::accepted: break;
    case OrderEventKind::cancelled: event = "orderCancelled"; state = "Cancelled"; break;
    case OrderEventKind::expired: event = "orderExpired"; state = "Expired"; break;
    case OrderEventKind::fill:
      event = "orderFill";
      state = o.remaining() == 0 ? "Filled" : "PartiallyFilled";
      break;
  }
  out.append("{\"data\":{\"E\":");
  append_uint(out, uint64_t(f.event_time));
  if (fill) {
    out.append(",\"L\":\"");
    append_price(out, m, f.fill_price);
    out.append("\",\"N\":\"");
    out.append(m.quote_asset);
    out.push_back('"');
  }
  out.append(",\"O\":\"USER\",\"Q\":\"");
  append_fixed(out, quote_units(m, notional(o.price, o.quantity)), quote_decimals(m));
  out.append("\",\"S\":\"");
  out.append(side_text(o.side));
  out.append("\",\"T\":");
  append_uint(out, uint64_t(f.engine_time));
  out.append(",\"V\":\"RejectTaker\",\"X\":\"");
  out.append(state);
  out.append("\",\"Z\":\"");
  // The recording writes an untouched executed quote amount as a bare "0".
  if (o.executed_quote == 0) out.push_back('0');
  else append_fixed(out, quote_units(m, o.executed_quote), quote_decimals(m));
  out.append("\",\"e\":\"");
  out.append(event);
  out.append("\",\"f\":\"");
  out.append(f.immediate_or_cancel ? "IOC" : "GTC");
  out.append("\",\"i\":");
  append_quoted_uint(out, o.id);
  if (fill) {
    out.append(",\"l\":\"");
    append_qty(out, m, f.fill_qty);
    out.append("\",\"m\":");
    out.append(f.maker ? "true" : "false");
    out.append(",\"n\":\"");
    if (f.fee == 0) out.push_back('0');
    else append_fixed(out, quote_units(m, f.fee), quote_decimals(m));
    out.push_back('"');
  }
  out.append(",\"o\":\"LIMIT\",\"p\":\"");
  append_price(out, m, o.price);
  out.append("\",\"q\":\"");
  append_qty(out, m, o.quantity);
  out.append("\",\"r\":false,\"s\":\"");
  out.append(m.symbol);
  out.append("\",\"t\":");
  if (fill) append_uint(out, f.trade_id); else out.append("null");
  out.append(",\"y\":false,\"z\":\"");
  append_qty(out, m, o.executed);
  out.push_back('"');
  append_stream_tail(out, kOrderUpdateStream);
}

void append_depth_body(std::string& out, const MarketText& m, const OrderBook& book,
                       uint64_t last_update_id, TimeUs timestamp) {
  auto side = [&](Side s) {
    out.push_back('[');
    bool first = true;
    book.for_each_ascending(s, [&](int64_t price, int64_t qty) {
      if (!first) out.push_back(',');
      first = false;
      out.append("[\"");
      append_trimmed(out, u128(uint64_t(price / m.price_unit)), m.price_decimals);
      out.append("\",\"");
      append_trimmed(out, u128(uint64_t(qty / m.qty_unit)), m.qty_decimals);
      out.append("\"]");
    });
    out.push_back(']');
  };
  out.append("{\"asks\":");
  side(Side::ask);
  out.append(",\"bids\":");
  side(Side::bid);
  out.append(",\"lastUpdateId\":");
  append_quoted_uint(out, last_update_id);
  out.append(",\"timestamp\":");
  append_uint(out, uint64_t(timestamp));
  out.push_back('}');
}

void append_open_order(std::string& out, const MarketText& m, const SimOrder& o) {
  auto trimmed = [&](u128 units, int decimals) {
    out.push_back('"');
    append_trimmed(out, units, decimals);
    out.push_back('"');
  };
  out.append("{\"clientId\":null,\"createdAt\":");
  append_uint(out, uint64_t(o.created / 1000));
  out.append(",\"executedQuantity\":");
  trimmed(u128(uint64_t(o.executed / m.qty_unit)), m.qty_decimals);
  out.append(",\"executedQuoteQuantity\":");
  trimmed(quote_units(m, o.executed_quote), quote_decimals(m));
  out.append(",\"id\":");
  append_quoted_uint(out, o.id);
  out.append(",\"orderType\":\"Limit\",\"postOnly\":false,\"price\":");
  trimmed(u128(uint64_t(o.price / m.price_unit)), m.price_decimals);
  out.append(",\"quantity\":");
  trimmed(u128(uint64_t(o.quantity / m.qty_unit)), m.qty_decimals);
  out.append(",\"reduceOnly\":null,\"relatedOrderId\":null,\"selfTradePrevention\":\"RejectTaker\",\"side\":\"");
  out.append(side_text(o.side));
  out.append("\",\"status\":\"");
  out.append(o.executed == 0 ? "New" : "PartiallyFilled");
  out.append("\",\"symbol\":\"");
  out.append(m.symbol);
  out.append("\",\"timeInForce\":\"GTC\",\"triggerBy\":null,\"triggerPrice\":null,\"triggerQuantity\":null}");
}

}  // namespace mm::sim
