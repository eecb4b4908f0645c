// JSON text of the frames and REST bodies the synthetic exchange sends, field for field
// as in the recordings of BACKPACK.md (keys sorted, E/T integers in µs, order ids as
// digit strings, trade and update ids as integers). Appends to a reused buffer.
#pragma once

#include <cstdint>
#include <string>

#include "core/decimal.h"
#include "feeds/sim/model/order_book.h"
#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

// How one market's names and numbers are written.
struct MarketText {
  std::string symbol, quote_asset, trade_stream, depth_stream;
  int price_decimals = 0;  // of the tick
  int qty_decimals = 0;    // of the step
  int64_t price_unit = 1;  // raw 1e-9 per last price digit
  int64_t qty_unit = 1;    // raw 1e-6 per last quantity digit
};
MarketText make_market_text(const SimMarket& m);

inline constexpr const char* kOrderUpdateStream = "account.orderUpdate";

struct TradeFields {
  TimeUs event_time, engine_time;
  uint64_t buyer_order, seller_order;
  bool buyer_is_maker;
  int64_t price, qty;
  uint64_t trade_id;
};
void append_trade_frame(std::string& out, const MarketText& m, const TradeFields& t);

// Real-time depth: one level of one side, U == u; quantity 0 removes the level.
void append_depth_frame(std::string& out, const MarketText& m, TimeUs event_time, TimeUs engine_time,
                        uint64_t update_id, Side side, int64_t price, int64_t qty);

enum class OrderEventKind : uint8_t { accepted, cancelled, expired, fill };

struct OrderFields {
  OrderEventKind kind;
  const SimOrder* order;  // its state after the event
  bool immediate_or_cancel;
  TimeUs event_time, engine_time;
  // orderFill only
  int64_t fill_price = 0, fill_qty = 0;
  bool maker = false;
  uint64_t trade_id = 0;
  u128 fee = 0;  // 1e-15 quote units
};
void append_order_frame(std::string& out, const MarketText& m, const OrderFields& f);

// REST /api/v1/depth body; both sides ascending, REST-style (trimmed) numbers.
void append_depth_body(std::string& out, const MarketText& m, const OrderBook& book,
                       uint64_t last_update_id, TimeUs timestamp);
// One element of the REST /api/v1/orders array.
void append_open_order(std::string& out, const MarketText& m, const SimOrder& o);

}  // namespace mm::sim
