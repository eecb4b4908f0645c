#include "feeds/frame_parser.h"

#include "core/decimal.h"

namespace mm::feedjson {

using simdjson::error_code;

namespace {

enum class StreamKind { trade, depth, order_update, other };

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "200ms.SOL_USDC" -> "SOL_USDC"; "SOL_USDC" -> itself. Symbols may hold dots
// ("MU.US_USDC_PERP"), so only a leading "<digits>ms." is an interval.
std::string_view depth_symbol(std::string_view tail) {
  size_t i = 0;
  while (i < tail.size() && is_digit(tail[i])) ++i;
  if (i > 0 && tail.substr(i, 3) == "ms.") return tail.substr(i + 3);
  return tail;
}

// The symbol part of a public stream name is returned in `symbol`.
StreamKind classify_stream(std::string_view stream, std::string_view& symbol) {
  if (stream.starts_with("trade.")) {
    symbol = stream.substr(6);
    return StreamKind::trade;
  }
  if (stream.starts_with("depth.")) {
    symbol = depth_symbol(stream.substr(6));
    return StreamKind::depth;
  }
  if (stream == "account.orderUpdate") return StreamKind::order_update;
  return StreamKind::other;
}

// Looks up the market after the record has been fully validated, so that whether a
// record is malformed never depends on the config.
bool finish_market_event(std::string_view symbol, ParseContext& ctx, Payload& out, auto event) {
  std::optional<uint32_t> market = ctx.program.market_index(symbol);
  if (!market) return ctx.ignore(out, "symbol not configured");
  event.market = *market;
  out = event;
  return true;
}

bool parse_trade(od::object& data, std::string_view stream_symbol, ParseContext& ctx, Payload& out) {
  ObjectFields f(data, "data", ctx.failure);
  TradeEvent trade{};
  uint64_t seller_order = 0;
  uint64_t buyer_order = 0;
  bool buyer_is_maker = false;
  std::string_view symbol;
  // Wire order (keys sorted): each lookup is a forward scan.
  if (!f.time("T", trade.engine_time) || !f.uint("a", seller_order) || !f.uint("b", buyer_order) ||
      !f.boolean("m", buyer_is_maker) || !f.price("p", trade.price) || !f.positive_qty("q", trade.qty) ||
      !f.string("s", symbol) || !f.uint("t", trade.trade_id)) {
    return false;
  }
  if (symbol != stream_symbol) return f.fail("s", "does not match the stream name");
  if (notional(trade.price, trade.qty) > kMaxSingleNotional) {
    return f.fail("q", "notional above the single-trade limit");
  }
  trade.maker_order_id = buyer_is_maker ? buyer_order : seller_order;
  trade.taker_order_id = buyer_is_maker ? seller_order : buyer_order;
  return finish_market_event(symbol, ctx, out, trade);
}

bool parse_depth(od::object& data, std::string_view stream_symbol, ParseContext& ctx, Payload& out) {
  ObjectFields f(data, "data", ctx.failure);
  DepthEvent depth{};
  std::string_view symbol;
  if (!f.uint("U", depth.first_id) ||
      !f.levels("a", ctx.asks) || !f.levels("b", ctx.bids) ||
      !f.string("s", symbol) || !f.uint("u", depth.last_id)) {
    return false;
  }
  if (symbol != stream_symbol) return f.fail("s", "does not match the stream name");
  if (depth.first_id > depth.last_id) return f.fail("U", "greater than u");
  depth.bids = ctx.bids;
  depth.asks = ctx.asks;
  return finish_market_event(symbol, ctx, out, depth);
}

bool order_event_kind(std::string_view e, bool& is_fill) {
  is_fill = (e == "orderFill");
  return is_fill || e == "orderAccepted" || e == "orderCancelled" || e == "orderExpired" ||
         e == "orderModified" || e == "triggerPlaced" || e == "triggerFailed";
}

// Reads an optional decimal (absent or null -> not present). `reader` validates it.
bool optional_decimal(ObjectFields& f, std::string_view key, int64_t& out, bool& present,
                      const char* (*reader)(od::value&, int64_t&)) {
  od::value v;
  if (!f.find_nullable(key, v, present)) return false;
  return !present || f.check(key, reader(v, out));
}

bool parse_order_update(od::object& data, ParseContext& ctx, Payload& out) {
  ObjectFields f(data, "data", ctx.failure);
  OrderEvent order{};
  std::string_view state, event, type, symbol;
  bool is_fill = false;
  // Wire order: S, X, e, i, o, p, q, s, t, z (fills add L, l, m before those).
  if (!f.side("S", order.side) || !f.string("X", state) || !f.string("e", event)) return false;
  if (!order_event_kind(event, is_fill)) return f.fail("e", "unknown order event");
  if (!f.uint("i", order.order_id) || !f.string("o", type)) return false;
  const bool is_limit = (type == "LIMIT");

  // Only a LIMIT order needs a price and a quantity; other types (market orders sized in
  // quote, triggers) may omit them, and their price is never used, so 0 is tolerated.
  bool has_price = false;
  if (!optional_decimal(f, "p", order.price, has_price, is_limit ? read_price : read_price_or_zero)) {
    return false;
  }
  if (!has_price && is_limit) return f.fail("p", "missing (required for LIMIT orders)");
  int64_t quantity = 0;
  bool has_quantity = false;
  if (!optional_decimal(f, "q", quantity, has_quantity, read_qty)) return false;
  if (!has_quantity && is_limit) return f.fail("q", "missing (required for LIMIT orders)");
  if (has_quantity && is_limit && quantity == 0) return f.fail("q", "quantity must be > 0");

  if (!f.string("s", symbol)) return false;
  od::value v;
  bool has_trade_id = false;
  uint64_t trade_id = 0;
  if (!f.find_nullable("t", v, has_trade_id)) return false;
  if (has_trade_id && !f.check("t", read_uint(v, trade_id))) return false;
  int64_t executed = 0;
  bool has_executed = false;
  if (!optional_decimal(f, "z", executed, has_executed, read_qty)) return false;
  // A LIMIT order cannot fill beyond its quantity; market orders sized in quote may
  // report z in ways the recordings do not show, and never rest, so they are not checked.
  if (is_limit && executed > quantity) return f.fail("z", "executed quantity exceeds q");

  order.remaining = has_quantity && quantity > executed ? quantity - executed : 0;
  order.rests = is_limit && (state == "New" || state == "PartiallyFilled") && order.remaining > 0;
  if (order.rests && notional(order.price, order.remaining) > kMaxSingleNotional) {
    return f.fail("q", "order notional above the single-order limit");
  }
  if (is_fill) {
    if (!has_trade_id) return f.fail("t", "missing or null (required on orderFill)");
    order.is_fill = true;
    order.trade_id = trade_id;
    if (!f.price("L", order.fill_price) || !f.positive_qty("l", order.fill_qty) ||
        !f.boolean("m", order.maker)) {
      return false;
    }
    if (notional(order.fill_price, order.fill_qty) > kMaxSingleNotional) {
      return f.fail("l", "fill notional above the single-fill limit");
    }
  }
  return finish_market_event(symbol, ctx, out, order);
}

}  // namespace

bool parse_frame(od::object& frame, ParseContext& ctx, Payload& out) {
  ObjectFields f(frame, "", ctx.failure);
  od::value v;
  bool has_stream = false;
  if (!f.find("stream", v, has_stream)) return false;
  if (!has_stream) {
    // {"id":null,"error":{"code":4006,...}}: the exchange refusing a request.
    bool has_error = false;
    if (!f.find("error", v, has_error)) return false;
    if (has_error) return ctx.ignore(out, "exchange error frame");
    return f.fail("stream", "missing");
  }
  std::string_view stream;
  if (!f.check("stream", read_string(v, stream))) return false;

  od::value data_value;
  if (!f.require("data", data_value)) return false;
  od::object data;
  if (error_code e = data_value.get_object().get(data)) {
    if (e == simdjson::INCORRECT_TYPE) return f.fail("data", "expected an object");
    return ctx.failure.json_error("data", "", e);
  }

  std::string_view stream_symbol;
  switch (classify_stream(stream, stream_symbol)) {
    case StreamKind::trade: return parse_trade(data, stream_symbol, ctx, out);
    case StreamKind::depth: return parse_depth(data, stream_symbol, ctx, out);
    case StreamKind::order_update: return parse_order_update(data, ctx, out);
    case StreamKind::other: break;
  }
  // bookTicker, ticker, markPrice, kline, balanceUpdate, ...: deliberately not validated.
  return ctx.ignore(out, "stream not scored");
}

void apply_source_rules(SourceKind kind, ParseContext& ctx, Payload& out) {
  if (kind == SourceKind::market) {
    if (std::holds_alternative<OrderEvent>(out)) ctx.ignore(out, "private stream on a public source");
  } else if (std::holds_alternative<TradeEvent>(out) || std::holds_alternative<DepthEvent>(out)) {
    ctx.ignore(out, "public stream on a private source");
  }
}

}  // namespace mm::feedjson
