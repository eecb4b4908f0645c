// Self and cross-MM trades (SCORING.md section 16) from hand-made records: each way a
// leg can arrive, in either order, repeated, and with program.exclude_self_trades.
#include <catch2/catch.hpp>

#include "core/engine.h"
#include "engine_harness.h"

using namespace mm;
using namespace mmtest;

namespace {

// alpha's ask 11 and bravo's bid 21 rest; the trades below pair them up.
void trade_pairs(Feed& f) {
  f.connected("2026-02-10T00:00:00Z", {"alpha", "bravo"});
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "100");
  f.quote("bravo", "SOL_USDC", 21, Side::bid, "99.00", "100");
  // 600: alpha's maker fill, then alpha's own taker fill (order 12): self, 200.
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 600, "2", true, "98");
  f.fill("alpha", "SOL_USDC", 12, Side::bid, "100.00", 600, "2", false, "0");
  // 601: the public trade names alpha's order as maker and bravo's resting order as taker: cross, 300.
  f.trade("SOL_USDC", 601, "100.00", "3", 11, 21);
  // 602: bravo's taker fill first, then the public trade on alpha's order: cross, 100.
  f.fill("bravo", "SOL_USDC", 22, Side::bid, "100.00", 602, "1", false, "0");
  f.trade("SOL_USDC", 602, "100.00", "1", 11);
  // 603: alpha's taker fill twice, its maker fill twice, the public trade too: self once, 400.
  f.fill("alpha", "SOL_USDC", 13, Side::bid, "100.00", 603, "4", false, "0");
  f.fill("alpha", "SOL_USDC", 13, Side::bid, "100.00", 603, "4", false, "0");
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 603, "4", true, "94");
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 603, "4", true, "94");
  f.trade("SOL_USDC", 603, "100.00", "4", 11, 13);
  // 604: an outside taker: neither.
  f.trade("SOL_USDC", 604, "100.00", "5", 11, 999);
}

}  // namespace

TEST_CASE("self trades: each leg from each source, once, on the maker's entry") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha", "bravo"});
  Engine e(p);
  Feed f(e);
  trade_pairs(f);
  const uint32_t sol = f.market("SOL_USDC");
  const MmMarketMonth& alpha = e.month().cell(f.mm("alpha"), sol);
  const MmMarketMonth& bravo = e.month().cell(f.mm("bravo"), sol);
  CHECK(alpha.maker_volume == usd(200 + 300 + 100 + 400 + 500));  // flagged only: still paid on
  CHECK(alpha.self_trade_volume == usd(200 + 400));
  CHECK(alpha.cross_mm_trade_volume == usd(300 + 100));
  CHECK(bravo.self_trade_volume == 0);  // the maker side carries it
  CHECK(bravo.cross_mm_trade_volume == 0);
  CHECK(e.counters().self_trades == 2);
  CHECK(e.counters().cross_mm_trades == 2);
  CHECK(e.month().markets[sol].maker_volume == usd(1500));  // all users: every trade once
}

TEST_CASE("self trades: exclude_self_trades takes exactly them out of the maker's volume") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha", "bravo"});
  p.exclude_self_trades = true;
  Engine e(p);
  Feed f(e);
  trade_pairs(f);
  const uint32_t sol = f.market("SOL_USDC");
  const MmMarketMonth& alpha = e.month().cell(f.mm("alpha"), sol);
  CHECK(alpha.maker_volume == usd(300 + 100 + 500));
  CHECK(alpha.self_trade_volume == usd(600));
  CHECK(alpha.cross_mm_trade_volume == usd(400));
  CHECK(e.month().markets[sol].maker_volume == usd(1500));  // the trades happened
}

TEST_CASE("self trades: a checkpoint between the two legs pairs them after the restore") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha", "bravo"});
  Engine e(p);
  Feed f(e);
  f.connected("2026-02-10T00:00:00Z", {"alpha"});
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "100");
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 700, "2", true, "98");
  StateWriter w;
  e.save_state(w);
  Engine restored(p);
  REQUIRE(restored.load_state(w.bytes()));
  Feed g(restored);
  g.at("2026-02-10T00:00:01Z");
  g.fill("alpha", "SOL_USDC", 12, Side::bid, "100.00", 700, "2", false, "0");
  CHECK(restored.month().cell(0, 0).self_trade_volume == usd(200));
}

TEST_CASE("self trades: legs on both sides of the month end are not paired") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  f.connected("2026-02-28T23:59:59Z", {"alpha"});
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "100");
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 800, "2", true, "98");
  f.at("2026-03-01T00:00:01Z");
  f.fill("alpha", "SOL_USDC", 12, Side::bid, "100.00", 800, "2", false, "0");
  CHECK(e.month().month == YearMonth{2026, 3});
  CHECK(e.month().cell(0, 0).self_trade_volume == 0);
  CHECK(e.month().cell(0, 0).maker_volume == 0);
}
