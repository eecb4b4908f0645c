// Seen trade ids (SCORING.md sections 3 and 13): one count per (market, trade id) in the
// all-user volume and one credit per id to an MM, whichever source shows it and however
// late; trades_missing and id jumps.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/engine.h"
#include "core/report_rows.h"
#include "core/scoring.h"
#include "engine_harness.h"

using namespace mm;
using namespace mmtest;

namespace {
struct Notices : EngineObserver {
  std::vector<std::string> lines;
  void notice(std::string_view what) override { lines.emplace_back(what); }
};
}  // namespace

TEST_CASE("a far-ahead trade id does not make a later fill count twice") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Notices log;
  Engine e(p, &log);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.connected("2026-02-01T00:00:00Z", {"alpha"});
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "10");
  for (uint64_t id = 560'000'000; id < 560'000'003; ++id) f.trade("SOL_USDC", id, "100.00", "1", 999);  // 300
  f.trade("SOL_USDC", 960'000'000, "100.00", "1", 999);  // far ahead (through a proxy): 100, a jump
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 560'000'003, "2", true, "8");  // 200 to alpha
  f.trade("SOL_USDC", 560'000'003, "100.00", "2", 11);                               // same trade: nothing
  f.trade("SOL_USDC", 560'000'004, "100.00", "1", 11);                               // 100 to alpha
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 560'000'004, "1", true, "7");  // same trade: nothing

  // A 2^20 window below the highest id would have taken 560'000'003 and 560'000'004 as
  // new on each sighting: alpha 600 instead of 300.
  CHECK(e.month().cell(0, sol).maker_volume == usd(300));
  CHECK(e.month().cell(0, sol).fills == 2);
  CHECK(e.month().markets[sol].maker_volume == usd(300 + 100 + 200 + 100));
  CHECK(e.month().markets[sol].trades == 6);
  CHECK(e.month().markets[sol].trade_id_jumps == 1);
  CHECK(e.month().markets[sol].trades_missing == 0);  // the 399,999,996 ids of the jump are not missing
  CHECK(e.counters().trade_id_jumps == 1);
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0].find("trade id jump on SOL_USDC: 960000000") == 0);
}

TEST_CASE("a private fill counts in the all-user volume once, its public trade adds nothing") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha", "bravo"});
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  const size_t alpha = *p.mm_index("alpha"), bravo = *p.mm_index("bravo");
  f.at("2026-02-01T00:00:00Z");
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "10");

  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 700, "3", true, "7");  // maker, never public yet
  CHECK(e.month().markets[sol].maker_volume == usd(300));
  CHECK(e.month().cell(alpha, sol).maker_volume == usd(300));
  f.trade("SOL_USDC", 700, "100.00", "3", 11);  // its public copy
  CHECK(e.month().markets[sol].maker_volume == usd(300));
  CHECK(e.month().cell(alpha, sol).maker_volume == usd(300));

  f.fill("alpha", "SOL_USDC", 12, Side::bid, "100.00", 701, "1", false, "0");  // alpha the taker: 100
  f.trade("SOL_USDC", 701, "100.00", "1", 999);
  CHECK(e.month().markets[sol].maker_volume == usd(400));
  CHECK(e.month().cell(alpha, sol).maker_volume == usd(300));

  // Both sides program MMs, never public: alpha's maker fill and bravo's taker fill, 200.
  f.fill("bravo", "SOL_USDC", 21, Side::bid, "100.00", 702, "2", false, "0");
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 702, "2", true, "5");
  CHECK(e.month().markets[sol].maker_volume == usd(600));
  CHECK(e.month().cell(alpha, sol).maker_volume == usd(500));
  CHECK(e.month().cell(bravo, sol).maker_volume == 0);
  CHECK(e.month().markets[sol].trades == 3);
  CHECK(e.month().markets[sol].trades_missing == 0);
}

TEST_CASE("trades_missing: holes between the month's lowest and highest id, jumps left out") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  p.max_trade_id_jump = 10;
  Notices log;
  Engine e(p, &log);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.at("2026-02-01T00:00:00Z");
  auto t = [&](uint64_t id) { f.trade("SOL_USDC", id, "1.00", "1", 999); };
  t(100), t(101);
  const MarketMonth& mk = e.month().markets[sol];  // the month is open from the first record
  CHECK(mk.trades_missing == 0);
  t(105);  // 102..104
  CHECK(mk.trades_missing == 3);
  t(103);  // 102 and 104
  CHECK(mk.trades_missing == 2);
  t(103);  // a repeat changes nothing
  CHECK(mk.trades_missing == 2);
  t(98);  // 99 as well
  CHECK(mk.trades_missing == 3);
  t(200);  // 94 ids after 105: a jump, not missing
  CHECK(mk.trades_missing == 3);
  CHECK(mk.trade_id_jumps == 1);
  t(150);  // splits the jump into 44 and 49 ids: both still longer than 10
  CHECK(mk.trades_missing == 3);
  t(110);  // 106..109 are now a hole of 4 inside the limit
  CHECK(mk.trades_missing == 7);
  t(5);  // 92 ids below 98: a jump downwards
  CHECK(mk.trades_missing == 7);
  CHECK(mk.trade_id_jumps == 2);
  t(201), t(211);  // 202..210: 9 ids, within the limit
  CHECK(mk.trades_missing == 16);
  CHECK(e.counters().trade_id_jumps == 2);
  CHECK(log.lines.size() == 2);

  // The report's market row carries it.
  const Report r = score_month(p, e.month(), false);
  CHECK(r.markets[sol].trades_missing == 16);
  CHECK(std::get<uint64_t>(field_value(MarketRow{p, r.markets[sol]}, MarketField::trades_missing)) == 16);
  CHECK(field_name(MarketField::trades_missing) == "trades_missing");
}

TEST_CASE("ids of a closed month count nothing when they come again in the next one") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  std::vector<MonthState> closed;
  struct Log : EngineObserver {
    std::vector<MonthState>* closed;
    void month_closed(const MonthState& s) override { closed->push_back(s); }
  } log;
  log.closed = &closed;
  Engine e(p, &log);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.at("2026-02-28T23:59:00Z");
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "10");
  f.trade("SOL_USDC", 10, "100.00", "1", 999);
  f.trade("SOL_USDC", 20, "100.00", "1", 999);
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 21, "2", true, "8");
  f.at("2026-03-01T00:00:01Z");  // March: late copies of February's trades and fill
  f.trade("SOL_USDC", 10, "100.00", "1", 999);
  f.trade("SOL_USDC", 21, "100.00", "2", 11);
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 21, "2", true, "8");

  REQUIRE(closed.size() == 1);
  CHECK(closed[0].markets[sol].maker_volume == usd(400));
  CHECK(closed[0].cell(0, sol).maker_volume == usd(200));
  CHECK(closed[0].markets[sol].trades_missing == 9);  // 11..19
  CHECK(e.month().markets[sol].maker_volume == 0);
  CHECK(e.month().markets[sol].trades == 0);
  CHECK(e.month().cell(0, sol).maker_volume == 0);
  CHECK(e.month().cell(0, sol).fills == 0);

  // March's span is its own: 5 then 25 holds February's 10, 20 and 21, which are not missing.
  f.trade("SOL_USDC", 5, "100.00", "1", 999);
  CHECK(e.month().markets[sol].trades_missing == 0);
  f.trade("SOL_USDC", 25, "100.00", "1", 999);  // 6..9, 11..19, 22..24
  CHECK(e.month().markets[sol].trades_missing == 4 + 9 + 3);
  CHECK(e.month().markets[sol].maker_volume == usd(200));
}
