// The synthetic exchange's trade history: the bounded ring, retention with its fills, the
// fill selection (order, bounds, paging) on hand-made trades, the REST JSON against the
// recording, and the history of a running exchange against its own trade frames.
#include <simdjson.h>

#include <map>
#include <set>

#include "feeds/sim/model/bounded_ring.h"
#include "feeds/sim/model/history_json.h"
#include "sim_test_support.h"

using namespace mm;
using namespace mm::sim;
using namespace mm::simtest;

namespace {

std::vector<int> contents(const BoundedRing<int>& r) {
  std::vector<int> out;
  for (size_t k = 0; k < r.size(); ++k) out.push_back(r[k]);
  return out;
}

SimTrade trade_at(TimeUs time, int32_t maker_owner, int32_t taker_owner) {
  SimTrade t;
  t.price = 1'000'000'000;
  t.qty = 1'000'000;
  t.time = time;
  t.maker_owner = maker_owner;
  t.taker_owner = taker_owner;
  return t;
}

FillQuery all_fills_of(uint32_t account, std::vector<uint32_t> markets) {
  FillQuery q;
  q.account = account;
  q.markets = std::move(markets);
  q.limit = 1000;
  return q;
}

}  // namespace

TEST_CASE("bounded ring: the newest values, oldest first, across growth and wrap-around", "[sim][history]") {
  BoundedRing<int> small(5);
  for (int v = 1; v <= 3; ++v) small.push(v);
  small.pop_oldest();                            // {2, 3}
  for (int v = 4; v <= 9; ++v) small.push(v);   // full at 6, then 7, 8, 9 push out 2, 3, 4
  CHECK(contents(small) == std::vector<int>{5, 6, 7, 8, 9});
  CHECK(small.full());

  BoundedRing<int> big(40);  // grows 16 -> 32 -> 40 while the ring has wrapped
  for (int v = 1; v <= 20; ++v) big.push(v);
  for (int i = 0; i < 5; ++i) big.pop_oldest();  // 6..20
  for (int v = 21; v <= 45; ++v) big.push(v);    // 6..45: 40 values
  REQUIRE(big.size() == 40);
  for (size_t k = 0; k < 40; ++k) REQUIRE(big[k] == int(6 + k));
  big.push(46);
  CHECK(big.oldest() == 7);
  CHECK(big.newest() == 46);
}

TEST_CASE("trade history: retention drops the oldest trades and their fills", "[sim][history]") {
  TradeHistory h(2, 2, 3);  // 2 markets, 2 accounts, 3 trades per market
  h.record(0, 100, trade_at(1'000'000, 0, -1));  // account 0 made
  h.record(0, 101, trade_at(2'000'000, -1, 1));  // account 1 took
  h.record(0, 102, trade_at(3'000'000, 1, 0));   // both
  CHECK(h.retained(0) == 3);
  CHECK(h.fill_count(0, 0) == 2);
  CHECK(h.fill_count(1, 0) == 2);
  CHECK(h.retained(1) == 0);

  h.record(0, 103, trade_at(4'000'000, -1, -1));  // 100 leaves, with account 0's fill
  CHECK(h.oldest_id(0) == 101);
  CHECK(h.newest_id(0) == 103);
  CHECK(h.find(0, 100) == nullptr);
  CHECK(h.find(0, 104) == nullptr);
  REQUIRE(h.find(0, 101) != nullptr);
  CHECK(h.find(0, 101)->time == 2'000'000);
  CHECK(h.newest(0, 0).time == 4'000'000);
  CHECK(h.newest(0, 2).time == 2'000'000);
  CHECK(h.fill_count(0, 0) == 1);
  CHECK(h.fill_count(1, 0) == 2);
  h.record(0, 104, trade_at(5'000'000, -1, -1));  // 101 leaves, with account 1's fill
  CHECK(h.fill_count(1, 0) == 1);
  CHECK(h.select_fills(all_fills_of(1, {0, 1})) == std::vector<TradeRef>{{0, 102}});
  CHECK_THROWS_AS(h.record(0, 106, trade_at(6'000'000, -1, -1)), std::logic_error);  // ids are consecutive
  CHECK_THROWS_AS(TradeHistory(1, 1, 0), std::invalid_argument);
}

TEST_CASE("trade history: fills ordered by time, market and id, inclusive bounds, pages", "[sim][history]") {
  TradeHistory h(2, 2, 100);
  h.record(0, 10, trade_at(1'000'000, 0, -1));  // 1000 ms
  h.record(0, 11, trade_at(2'000'000, 1, 0));   // 2000 ms, account 0 took
  h.record(0, 12, trade_at(3'000'000, 1, -1));  // not account 0's
  h.record(1, 50, trade_at(2'000'999, -1, 0));  // 2000 ms (999 us later than 11)
  h.record(1, 51, trade_at(2'500'000, 0, -1));  // 2500 ms
  const std::vector<TradeRef> newest_first = {{1, 51}, {1, 50}, {0, 11}, {0, 10}};

  FillQuery q = all_fills_of(0, {0, 1});
  CHECK(h.select_fills(q) == newest_first);
  q.ascending = true;
  CHECK(h.select_fills(q) == std::vector<TradeRef>(newest_first.rbegin(), newest_first.rend()));
  q.ascending = false;
  q.offset = 1;
  q.limit = 2;
  CHECK(h.select_fills(q) == std::vector<TradeRef>{{1, 50}, {0, 11}});
  q.offset = 4;
  CHECK(h.select_fills(q).empty());

  q = all_fills_of(0, {0, 1});
  q.from_ms = 2000;
  q.to_ms = 2000;  // both ends count; 2'000'999 us is 2000 ms
  CHECK(h.select_fills(q) == std::vector<TradeRef>{{1, 50}, {0, 11}});
  q.from_ms = 2001;
  q.to_ms = 2500;
  CHECK(h.select_fills(q) == std::vector<TradeRef>{{1, 51}});
  q.from_ms = 2600;
  CHECK(h.select_fills(q).empty());
  CHECK(h.select_fills(all_fills_of(0, {0})) == std::vector<TradeRef>{{0, 11}, {0, 10}});
  CHECK(h.select_fills(all_fills_of(1, {0, 1})) == std::vector<TradeRef>{{0, 12}, {0, 11}});
}

TEST_CASE("history JSON: trades as recorded, fills of both sides, ISO timestamps", "[sim][history]") {
  const MarketText sol = make_market_text(make_sim_market("SOL_USDC", "98.90", "0.01", "0.01"));
  SimTrade t;
  t.price = 100'670'000'000;  // 100.67
  t.qty = 220'000;            // 0.22
  t.time = 1'788'285'123'140'512;
  t.buyer_is_maker = false;
  std::string out;
  append_history_trade(out, sol, 381731418, t);
  // The first trade of data/backpack/rest_trades_SOL_USDC.json, minified.
  CHECK(out == R"({"id":381731418,"isBuyerMaker":false,"price":"100.67","quantity":"0.22","quoteQuantity":"22.1474",)"
               R"("timestamp":1788285123140})");
  out.clear();
  t.price = 100'700'000'000;  // REST trims: 100.70 x 1.00
  t.qty = 1'000'000;
  append_history_trade(out, sol, 1, t);
  CHECK(out == R"({"id":1,"isBuyerMaker":false,"price":"100.7","quantity":"1","quoteQuantity":"100.7",)"
               R"("timestamp":1788285123140})");

  t.price = 100'670'000'000;
  t.qty = 2'050'000;  // 2.05: notional 206.3735, taker fee 10 bps = 0.20637350 -> "0.2063" at 4 decimals
  t.time = 1'788'285'119'299'000;
  t.buyer_is_maker = true;
  t.maker_order = 59887375336;
  t.taker_order = 59887375340;
  out.clear();
  append_history_fill(out, sol, 381731417, t, true, false);
  CHECK(out == R"({"clientId":null,"fee":"0","feeSymbol":"USDC","isMaker":true,"orderId":"59887375336",)"
               R"("price":"100.67","quantity":"2.05","side":"Bid","symbol":"SOL_USDC","systemOrderType":null,"timestamp":1788285119299,)"
               R"("tradeId":381731417})");
  out.clear();
  append_history_fill(out, sol, 381731417, t, false, true);
  CHECK(out == R"({"clientId":null,"fee":"0.2063","feeSymbol":"USDC","isMaker":false,"orderId":"59887375340",)"
               R"("price":"100.67","quantity":"2.05","side":"Ask","symbol":"SOL_USDC","systemOrderType":null,)"
               R"("timestamp":"2026-09-01T17:51:59.299","tradeId":381731417})");
}

namespace {

struct StreamedTrade {
  std::string price, qty;
  uint64_t time;
  bool buyer_is_maker;
};
struct StreamedFill {
  uint32_t market;
  uint64_t trade_id;
  std::string order_id, side;
  bool maker;
};

}  // namespace

TEST_CASE("exchange history: exactly the newest trades of each market, as their frames said", "[sim][history]") {
  ExchangeOptions options = small_options(5);
  constexpr size_t kRetention = 400;
  options.history_retention = kRetention;
  SyntheticExchange ex(options);
  std::vector<std::map<uint64_t, StreamedTrade>> trades(ex.market_count());
  std::vector<StreamedFill> fills_of_alpha;  // account 0
  simdjson::dom::parser parser;
  for (int i = 0; i < 20'000; ++i) {
    ex.step(kStart + i * 1000, [&](const Frame& f) {
      const simdjson::dom::element data = parser.parse(f.json)["data"];
      if (f.kind == FrameKind::trade) {
        trades[f.market][uint64_t(data["t"])] = {std::string(data["p"].get_string().value()),
                                                 std::string(data["q"].get_string().value()), uint64_t(data["T"]),
                                                 bool(data["m"])};
      } else if (f.kind == FrameKind::order_update && f.account == 0 && std::string_view(data["e"]) == "orderFill") {
        fills_of_alpha.push_back({f.market, uint64_t(data["t"]), std::string(data["i"].get_string().value()),
                                  std::string(data["S"].get_string().value()), bool(data["m"])});
      }
    });
  }
  for (uint32_t m = 0; m < ex.market_count(); ++m) {
    INFO("market " << m);
    REQUIRE(trades[m].size() > 2 * kRetention);
    const uint64_t newest = trades[m].rbegin()->first;
    const HistoryPage page = ex.trade_history(m, 1000, 0);
    REQUIRE(page.trades.size() == kRetention);
    simdjson::dom::array items = parser.parse(page.body).get_array();
    size_t k = 0;
    for (simdjson::dom::element item : items) {
      const uint64_t id = uint64_t(item["id"]);
      REQUIRE(id == newest - k);
      REQUIRE(page.trades[k] == TradeRef{m, id});
      const StreamedTrade& s = trades[m].at(id);
      CHECK(bool(item["isBuyerMaker"]) == s.buyer_is_maker);
      CHECK(uint64_t(item["timestamp"]) == s.time / 1000);
      int64_t hp = 0, hq = 0, sp = 0, sq = 0;  // same values, trimmed or not
      REQUIRE(parse_price(std::string_view(item["price"]), hp) == DecimalError::ok);
      REQUIRE(parse_qty(std::string_view(item["quantity"]), hq) == DecimalError::ok);
      REQUIRE(parse_price(s.price, sp) == DecimalError::ok);
      REQUIRE(parse_qty(s.qty, sq) == DecimalError::ok);
      CHECK(hp == sp);
      CHECK(hq == sq);
      ++k;
    }
    CHECK(ex.trade_history(m, 10, kRetention - 5).trades.size() == 5);  // 5 left after the skipped ones
    CHECK(ex.trade_history(m, 10, kRetention).body == "[]");
  }

  // Alpha's fills: exactly its orderFill frames whose trade is still retained.
  FillQuery q;
  q.account = 0;
  q.markets = {0, 1, 2};
  q.limit = 1000;
  q.ascending = true;
  std::set<std::pair<uint32_t, uint64_t>> expected;
  std::map<std::pair<uint32_t, uint64_t>, const StreamedFill*> by_trade;
  for (const StreamedFill& f : fills_of_alpha) {
    by_trade[{f.market, f.trade_id}] = &f;
    if (f.trade_id >= ex.history().oldest_id(f.market)) expected.insert({f.market, f.trade_id});
  }
  REQUIRE(expected.size() > 20);
  REQUIRE(expected.size() < fills_of_alpha.size());  // some fills were dropped with their trades
  const HistoryPage page = ex.fill_history(q);
  std::set<std::pair<uint32_t, uint64_t>> served;
  simdjson::dom::array items = parser.parse(page.body).get_array();
  size_t k = 0;
  for (simdjson::dom::element item : items) {
    const TradeRef ref = page.trades[k++];
    served.insert({ref.market, ref.id});
    const StreamedFill& f = *by_trade.at({ref.market, ref.id});
    CHECK(uint64_t(item["tradeId"]) == ref.id);
    CHECK(std::string_view(item["orderId"]) == f.order_id);
    CHECK(std::string_view(item["side"]) == f.side);
    CHECK(bool(item["isMaker"]) == f.maker);
    CHECK(std::string_view(item["symbol"]) == options.markets[ref.market].symbol);
  }
  CHECK(served == expected);
}
