// Parsed, validated records: what feeds/ hands to the engine. Plain data; spans point
// into the parser's reusable buffers and are valid only during Engine::apply().
#pragma once

#include <cstdint>
#include <span>
#include <variant>

#include "core/time_utc.h"

namespace mm {

enum class Side : uint8_t { bid, ask };

struct Level {
  int64_t price;  // 1e-9
  int64_t qty;    // 1e-6; 0 removes the level
};

// Public `trade.<symbol>`.
struct TradeEvent {
  uint32_t market;
  uint64_t trade_id;
  int64_t price;
  int64_t qty;
  uint64_t maker_order_id;  // `b` when the buyer is the maker, else `a`
  TimeUs engine_time;       // `T`
  uint64_t taker_order_id = 0;  // the other one (a program account's order: a self or cross-MM trade)
};

// Public `depth.<symbol>` update.
struct DepthEvent {
  uint32_t market;
  uint64_t first_id;  // U
  uint64_t last_id;   // u
  std::span<const Level> bids;
  std::span<const Level> asks;
};

// REST `/api/v1/depth` body: the whole book.
struct DepthSnapshotEvent {
  uint32_t market;
  uint64_t last_update_id;
  std::span<const Level> bids;
  std::span<const Level> asks;
};

// Private `account.orderUpdate`. The frame carries the order's full state, so every
// event re-learns the order: `rests` says whether it is on the book afterwards.
struct OrderEvent {
  uint32_t market;
  uint64_t order_id;
  Side side;
  bool rests;            // LIMIT order in state New/PartiallyFilled with quantity left
  int64_t price;         // 0 when absent (market orders)
  int64_t remaining;     // q - z
  bool is_fill;
  bool maker;            // fill only
  uint64_t trade_id;     // fill only
  int64_t fill_price;    // fill only (`L`)
  int64_t fill_qty;      // fill only (`l`)
};

struct OpenOrder {
  uint64_t order_id;
  uint32_t market;
  Side side;
  int64_t price;
  int64_t remaining;  // quantity - executedQuantity, > 0
};

// REST `/api/v1/orders` body for one MM account: its open orders. With `only_market`
// set (the request named a symbol), it replaces that market's orders only.
struct OpenOrdersEvent {
  std::span<const OpenOrder> orders;
  bool has_market_filter;
  uint32_t only_market;
};

// REST `/api/v1/trades/history` page of one market, newest first. History trades carry
// no order ids: they only ever add to the all-user volume (SCORING.md section 13).
struct HistoryTrade {
  uint64_t trade_id;
  int64_t price;
  int64_t qty;
  TimeUs time;  // `timestamp` (ms on the wire)
};
struct TradeHistoryEvent {
  uint32_t market;
  std::span<const HistoryTrade> trades;
};

// REST `/wapi/v1/history/fills` page of one MM account (src "rest:mm:<id>"): its fills
// on configured markets that have a trade id.
struct HistoryFill {
  uint32_t market;
  uint64_t trade_id;
  int64_t price;
  int64_t qty;
  bool maker;
  TimeUs time;
};
struct FillHistoryEvent {
  std::span<const HistoryFill> fills;
};

struct ConnectionEvent {
  bool up;
};

// Journal `tick` record: the live daemon took snapshot `interval` of the month here.
struct TickEvent {
  uint32_t interval;
};

// Well-formed record the scoring does not use (other streams, unconfigured symbols,
// balance updates, exchange error frames).
struct IgnoredEvent {};

using Payload = std::variant<IgnoredEvent, TradeEvent, DepthEvent, DepthSnapshotEvent, OrderEvent,
                             OpenOrdersEvent, ConnectionEvent, TickEvent, TradeHistoryEvent,
                             FillHistoryEvent>;

enum class SourceKind : uint8_t {
  none,       // tick records
  market,     // public streams (src "public")
  rest,       // public REST (src "rest")
  mm,         // private stream of an MM account (src "mm:<id>")
  mm_rest,    // signed REST of an MM account (src "rest:mm:<id>")
};

struct Source {
  SourceKind kind = SourceKind::none;
  uint16_t mm = 0;
  uint16_t account = 0;
};

struct Record {
  TimeUs ts = 0;
  Source source;
  Payload payload;
};

}  // namespace mm
