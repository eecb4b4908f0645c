// Builds programs and feeds hand-made records into an Engine, so engine tests read
// like the scenario they check. Prices and quantities are written as the exchange
// writes them ("99.50").
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/engine.h"
#include "core/program.h"
#include "core/time_utc.h"

namespace mmtest {

using namespace mm;

inline int64_t px(const char* s) {
  int64_t v = 0;
  REQUIRE(parse_price(s, v) == DecimalError::ok);
  return v;
}
inline int64_t qty(const char* s) {
  int64_t v = 0;
  REQUIRE(parse_qty(s, v) == DecimalError::ok);
  return v;
}
inline u128 usd(int64_t whole) { return u128(whole) * kNotionalScale; }
inline TimeUs at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

struct MarketDef {
  std::string symbol;
  Category category = Category::spot;
  int64_t usd_rate = kFractionScale;
  bool is_new = false;
};

// A program with every market in one tier per category; pools sized to the tiers.
inline Program make_program(std::vector<MarketDef> markets, std::vector<std::string> mm_ids,
                            TimeUs interval = 60 * kUsPerSecond) {
  Program p;
  std::sort(markets.begin(), markets.end(), [](auto& a, auto& b) { return a.symbol < b.symbol; });
  for (const MarketDef& d : markets) {
    MarketSpec s;
    s.symbol = d.symbol;
    s.category = d.category;
    s.quote = "USDC";
    s.usd_rate = d.usd_rate;
    s.is_new = d.is_new;
    p.markets.push_back(s);
  }
  std::sort(mm_ids.begin(), mm_ids.end());
  for (const std::string& id : mm_ids) p.mms.push_back(MmSpec{id, YearMonth{2025, 1}, {"main"}});
  p.snapshot_interval = interval;
  p.snapshot_jitter = false;
  p.index();
  return p;
}

// Feeds records at a settable time. Sources: the public stream, rest, MM accounts.
class Feed {
 public:
  explicit Feed(Engine& engine) : engine_(engine), program_(engine.program()) {}

  void at(TimeUs t) { now_ = t; }
  void at(const char* rfc3339) { now_ = mmtest::at(rfc3339); }
  TimeUs now() const { return now_; }

  uint32_t market(const char* symbol) const { return *program_.market_index(symbol); }
  uint16_t mm(const char* id) const { return uint16_t(*program_.mm_index(id)); }

  void public_up(bool up) { apply({SourceKind::market}, ConnectionEvent{up}); }
  // The usual start of a scenario: at `when`, the public stream and these MMs connect.
  void connected(const char* when, std::initializer_list<const char*> mms) {
    at(when);
    public_up(true);
    for (const char* id : mms) mm_up(id, true);
  }
  void mm_up(const char* id, bool up, uint16_t account = 0) {
    apply({SourceKind::mm, mm(id), account}, ConnectionEvent{up});
  }

  void seed(const char* symbol, uint64_t last_update_id, std::vector<std::pair<const char*, const char*>> bids,
            std::vector<std::pair<const char*, const char*>> asks) {
    auto b = levels(bids), a = levels(asks);
    apply({SourceKind::rest}, DepthSnapshotEvent{market(symbol), last_update_id, b, a});
  }
  void depth(const char* symbol, uint64_t first, uint64_t last, std::vector<std::pair<const char*, const char*>> bids,
             std::vector<std::pair<const char*, const char*>> asks) {
    auto b = levels(bids), a = levels(asks);
    apply({SourceKind::market}, DepthEvent{market(symbol), first, last, b, a});
  }
  void trade(const char* symbol, uint64_t trade_id, const char* price, const char* quantity, uint64_t maker_order,
             uint64_t taker_order = 0) {
    apply({SourceKind::market},
          TradeEvent{market(symbol), trade_id, px(price), qty(quantity), maker_order, now_, taker_order});
  }
  // A resting limit order of an MM (orderAccepted / orderModified).
  void quote(const char* id, const char* symbol, uint64_t order_id, Side side, const char* price,
             const char* remaining, uint16_t account = 0) {
    OrderEvent e{market(symbol), order_id, side, true, px(price), qty(remaining), false, false, 0, 0, 0};
    apply({SourceKind::mm, mm(id), account}, e);
  }
  void cancel(const char* id, const char* symbol, uint64_t order_id, Side side) {
    OrderEvent e{market(symbol), order_id, side, false, 0, 0, false, false, 0, 0, 0};
    apply({SourceKind::mm, mm(id), 0}, e);
  }
  // orderFill; `remaining` after the fill ("0" when filled completely).
  void fill(const char* id, const char* symbol, uint64_t order_id, Side side, const char* price,
            uint64_t trade_id, const char* fill_qty, bool maker, const char* remaining) {
    const int64_t left = qty(remaining);
    OrderEvent e{market(symbol), order_id, side, left > 0, px(price), left, true, maker, trade_id, px(price),
                 qty(fill_qty)};
    apply({SourceKind::mm, mm(id), 0}, e);
  }
  void open_orders(const char* id, std::vector<OpenOrder> orders, uint16_t account = 0) {
    apply({SourceKind::mm_rest, mm(id), account}, OpenOrdersEvent{orders, false, 0});
  }
  void tick(uint32_t interval) { apply({SourceKind::none}, TickEvent{interval}); }
  void ignored() { apply({SourceKind::market}, IgnoredEvent{}); }

  void apply(Source s, Payload p) { engine_.apply(Record{now_, s, p}); }

 private:
  static std::vector<Level> levels(const std::vector<std::pair<const char*, const char*>>& in) {
    std::vector<Level> out;
    for (auto& [p, q] : in) out.push_back({px(p), qty(q)});
    return out;
  }

  Engine& engine_;
  const Program& program_;
  TimeUs now_ = 0;
};

}  // namespace mmtest
