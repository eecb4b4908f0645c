// Backfill (SCORING.md section 13): what the engine asks for after (re)connects and gaps,
// and how history pages count: all-user volume only for trades, MM credit for maker
// fills, late items of an earlier month counted apart and never credited.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "core/engine.h"
#include "engine_harness.h"

using namespace mm;
using namespace mmtest;

namespace {

struct Requests : EngineObserver {
  struct Trades {
    uint32_t market;
    TradeBackfillTarget target;
  };
  struct Fills {
    uint16_t mm, account;
    TimeUs from;
  };
  std::vector<Trades> trades;
  std::vector<Fills> fills;
  void trades_backfill_needed(uint32_t market, const TradeBackfillTarget& target) override {
    trades.push_back({market, target});
  }
  void fills_backfill_needed(uint16_t mm, uint16_t account, TimeUs from) override { fills.push_back({mm, account, from}); }
};

HistoryTrade ht(uint64_t id, const char* price, const char* quantity, TimeUs t) {
  return HistoryTrade{id, px(price), qty(quantity), t};
}
HistoryFill hf(uint32_t market, uint64_t id, const char* price, const char* quantity, bool maker, TimeUs t) {
  return HistoryFill{market, id, px(price), qty(quantity), maker, t};
}

}  // namespace

TEST_CASE("public (re)connect asks for each market's history: month start, then the newest id seen") {
  Program p = make_program({{"SOL_USDC"}, {"BTC_USDC"}}, {"alpha"});
  Requests rq;
  Engine e(p, &rq);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.at("2026-02-10T00:00:00Z");
  f.public_up(true);  // nothing seen yet: both markets back to the month start
  REQUIRE(rq.trades.size() == 2);
  for (const auto& r : rq.trades) {
    CHECK(!r.target.down_to_id);
    CHECK(r.target.since == at("2026-02-01T00:00:00Z"));
  }
  rq.trades.clear();
  f.trade("SOL_USDC", 100, "10", "1", 0);
  f.trade("SOL_USDC", 101, "10", "1", 0);
  f.public_up(false);
  f.public_up(true);
  REQUIRE(rq.trades.size() == 2);
  CHECK(rq.trades[sol].target.down_to_id == 102);  // what came after the newest id seen
  CHECK(!rq.trades[sol].target.since);
  CHECK(!rq.trades[1 - sol].target.down_to_id);  // BTC: still nothing this month
  CHECK(rq.trades[1 - sol].target.since == at("2026-02-01T00:00:00Z"));

  // A hole inside the month: from its first id.
  f.trade("SOL_USDC", 105, "10", "1", 0);
  rq.trades.clear();
  f.public_up(false);
  f.public_up(true);
  CHECK(rq.trades[sol].target.down_to_id == 102);
}

TEST_CASE("a public trade after a hole asks for the history down to the hole, a jump does not") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  p.max_trade_id_jump = 1000;
  Requests rq;
  Engine e(p, &rq);
  Feed f(e);
  f.at("2026-02-10T00:00:00Z");
  f.trade("SOL_USDC", 100, "10", "1", 0);
  f.trade("SOL_USDC", 101, "10", "1", 0);
  CHECK(rq.trades.empty());
  f.trade("SOL_USDC", 105, "10", "1", 0);  // 102..104 never came
  REQUIRE(rq.trades.size() == 1);
  CHECK(rq.trades[0].target.down_to_id == 102);
  CHECK(e.counters().trade_gaps == 1);
  f.trade("SOL_USDC", 1'000'000, "10", "1", 0);  // far ahead: an anomaly, no backfill
  f.trade("SOL_USDC", 106, "10", "1", 0);        // the stream goes on from 105
  CHECK(rq.trades.size() == 1);
  // A reconnect fetches down to the hole, then what came after the stream's 106, not
  // after the far-ahead id (a page that reaches 1,000,001 would end the backfill at once).
  f.public_up(false);
  f.public_up(true);
  REQUIRE(rq.trades.size() == 2);
  CHECK(rq.trades[1].target.down_to_id == 102);
  f.apply({SourceKind::rest}, TradeHistoryEvent{f.market("SOL_USDC"), std::vector<HistoryTrade>{
                                                    ht(104, "10", "1", f.now()), ht(103, "10", "1", f.now()),
                                                    ht(102, "10", "1", f.now())}});
  f.public_up(false);
  f.public_up(true);
  REQUIRE(rq.trades.size() == 3);
  CHECK(rq.trades[2].target.down_to_id == 107);
  // Ids an MM fill brought in are not a gap of the stream.
  f.mm_up("alpha", true);
  f.fill("alpha", "SOL_USDC", 7, Side::ask, "10", 107, "1", false, "0");
  f.trade("SOL_USDC", 108, "10", "1", 0);
  CHECK(rq.trades.size() == 3);
}

TEST_CASE("private (re)connect asks for fills from the last private record minus the overlap") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  p.backfill_overlap = 60 * kUsPerSecond;
  Requests rq;
  Engine e(p, &rq);
  Feed f(e);
  f.at("2026-02-10T00:00:00Z");
  f.mm_up("alpha", true);  // no private record this month: from the month start
  REQUIRE(rq.fills.size() == 1);
  CHECK(rq.fills[0].from == at("2026-02-01T00:00:00Z"));
  f.at("2026-02-10T01:00:00Z");
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "10", "5");
  f.at("2026-02-10T02:00:00Z");
  f.mm_up("alpha", false);
  f.mm_up("alpha", true);
  REQUIRE(rq.fills.size() == 2);
  CHECK(rq.fills[1].from == at("2026-02-10T00:59:00Z"));
}

TEST_CASE("trade history adds unseen trades to the all-user volume only and fills the holes") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.at("2026-02-10T00:00:00Z");
  f.mm_up("alpha", true);
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "10", "100");
  f.trade("SOL_USDC", 100, "10", "1", 11);  // 10 to alpha
  f.trade("SOL_USDC", 104, "10", "2", 11);  // 20 to alpha; 101..103 missing
  CHECK(e.month().markets[sol].trades_missing == 3);
  const TimeUs t = at("2026-02-09T23:59:00Z");
  std::vector<HistoryTrade> page = {ht(104, "10", "2", t), ht(103, "10", "3", t), ht(102, "10", "4", t),
                                    ht(101, "10.5", "2", t), ht(100, "10", "1", t)};
  f.apply({SourceKind::rest}, TradeHistoryEvent{sol, page});
  const MarketMonth& mk = e.month().markets[sol];
  CHECK(mk.trades_missing == 0);
  CHECK(mk.trades == 5);
  CHECK(mk.maker_volume == usd(10 + 20 + 30 + 40 + 21));
  CHECK(e.month().cell(0, sol).maker_volume == usd(30));  // history never attributes
  CHECK(e.counters().trades_backfilled == 3);
  f.apply({SourceKind::rest}, TradeHistoryEvent{sol, page});  // again: nothing new
  CHECK(mk.maker_volume == usd(121));
}

TEST_CASE("fill history credits maker fills not yet credited and counts every trade once") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha", "bravo"});
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  const uint16_t alpha = f.mm("alpha");
  f.at("2026-02-10T00:00:00Z");
  f.mm_up("alpha", true);
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "10", 200, "1", true, "4");  // on the stream: 10
  const TimeUs t = at("2026-02-10T00:00:00Z");
  std::vector<HistoryFill> page = {hf(sol, 203, "10", "3", false, t), hf(sol, 202, "10", "2", true, t),
                                   hf(sol, 200, "10", "1", true, t)};
  f.apply({SourceKind::mm_rest, alpha, 0}, FillHistoryEvent{page});
  CHECK(e.month().cell(alpha, sol).maker_volume == usd(10 + 20));
  CHECK(e.month().cell(alpha, sol).fills == 2);
  CHECK(e.month().markets[sol].maker_volume == usd(10 + 20 + 30));  // the taker fill's trade too
  CHECK(e.counters().fills_backfilled == 1);
  // The public trade of 202 later: neither counted nor credited again.
  f.trade("SOL_USDC", 202, "10", "2", 11);
  CHECK(e.month().markets[sol].maker_volume == usd(60));
  CHECK(e.month().cell(alpha, sol).maker_volume == usd(30));
}

TEST_CASE("history older than the open month is late: counted apart, never credited") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  const uint16_t alpha = f.mm("alpha");
  f.at("2026-01-31T23:59:00Z");
  f.mm_up("alpha", true);
  f.trade("SOL_USDC", 500, "10", "1", 0);  // January, seen live
  f.at("2026-02-01T00:01:00Z");
  f.trade("SOL_USDC", 506, "10", "1", 0);  // February opens at the first record after the 1st
  REQUIRE(e.month().month == YearMonth{2026, 2});
  const TimeUs jan = at("2026-01-31T23:59:30Z"), feb = at("2026-02-01T00:00:30Z");
  std::vector<HistoryTrade> page = {ht(506, "10", "1", feb), ht(505, "10", "2", feb), ht(504, "10", "3", jan),
                                    ht(503, "10", "4", jan), ht(502, "10", "5", jan), ht(501, "10", "6", jan),
                                    ht(500, "10", "1", jan)};
  f.apply({SourceKind::rest}, TradeHistoryEvent{sol, page});
  const MarketMonth& mk = e.month().markets[sol];
  CHECK(mk.maker_volume == usd(10 + 20));
  CHECK(mk.late_trades == 4);  // 501..504; 500 was counted in January
  CHECK(mk.late_volume == usd(30 + 40 + 50 + 60));
  CHECK(mk.trades_missing == 0);

  // alpha's January fills: 503 maker (late, once), 502 taker (no late fill), 499 maker
  // (its trade was never seen: a late trade too).
  std::vector<HistoryFill> fills = {hf(sol, 503, "10", "4", true, jan), hf(sol, 502, "10", "5", false, jan),
                                    hf(sol, 499, "10", "7", true, jan)};
  f.apply({SourceKind::mm_rest, alpha, 0}, FillHistoryEvent{fills});
  f.apply({SourceKind::mm_rest, alpha, 0}, FillHistoryEvent{fills});  // again: nothing more
  CHECK(mk.late_fills == 2);
  CHECK(mk.late_trades == 5);
  CHECK(mk.late_volume == usd(180 + 70));
  CHECK(e.month().cell(alpha, sol).maker_volume == 0);
  CHECK(mk.maker_volume == usd(30));
}
