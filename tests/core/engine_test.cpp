#include <catch2/catch.hpp>

#include "core/engine.h"
#include "core/scoring.h"
#include "engine_harness.h"

using namespace mm;
using namespace mmtest;

namespace {
struct MonthLog : EngineObserver {
  std::vector<MonthState> closed;
  std::vector<uint32_t> seeds_requested;
  std::vector<std::pair<uint32_t, TimeUs>> snapshots;
  void month_closed(const MonthState& s) override { closed.push_back(s); }
  void book_needs_seed(uint32_t m) override { seeds_requested.push_back(m); }
  void snapshot_taken(uint32_t k, TimeUs t) override { snapshots.push_back({k, t}); }
};
}  // namespace

TEST_CASE("a fill seen on the private stream and as a public trade counts once") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  f.connected("2026-02-01T00:00:00Z", {"alpha"});
  f.quote("alpha", "SOL_USDC", 11, Side::ask, "100.00", "10");
  const uint32_t sol = f.market("SOL_USDC");

  f.trade("SOL_USDC", 500, "100.00", "2", 11);                             // public first: 200 to alpha
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 500, "2", true, "8");  // same fill: not again
  f.fill("alpha", "SOL_USDC", 11, Side::ask, "100.00", 501, "3", true, "5");  // private first: 300
  f.trade("SOL_USDC", 501, "100.00", "3", 11);                             // same fill: not again
  f.trade("SOL_USDC", 502, "100.00", "1", 999);                            // someone else's maker order
  f.trade("SOL_USDC", 502, "100.00", "1", 999);                            // repeated frame: ignored
  f.fill("alpha", "SOL_USDC", 77, Side::bid, "100.00", 503, "1", false, "0");  // alpha was the taker
  f.trade("SOL_USDC", 503, "100.00", "1", 999);

  // All users: 200 + 300 + 100 + 100 = 700. Alpha as maker: 200 + 300 = 500.
  CHECK(e.month().markets[sol].maker_volume == usd(700));
  CHECK(e.month().cell(0, sol).maker_volume == usd(500));
  CHECK(e.month().cell(0, sol).fills == 2);
  // Public trades whose id was counted before, by any source: 501 and 503 (private fills
  // first) and the repeated 502.
  CHECK(e.counters().trades_duplicate == 3);
  CHECK(e.counters().fills_duplicate == 2);
}

TEST_CASE("public trades are attributed only through live orders of the MM") {
  Program p = make_program({{"SOL_USDC"}, {"ETH_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  f.at("2026-02-01T00:00:00Z");
  f.quote("alpha", "SOL_USDC", 11, Side::bid, "99.00", "10");
  f.trade("SOL_USDC", 1, "99.00", "1", 11);  // 99 to alpha
  f.trade("ETH_USDC", 2, "99.00", "1", 11);  // order 11 rests on SOL, not ETH: no attribution
  f.cancel("alpha", "SOL_USDC", 11, Side::bid);
  f.trade("SOL_USDC", 3, "99.00", "1", 11);  // cancelled: no attribution
  CHECK(e.month().cell(0, f.market("SOL_USDC")).maker_volume == usd(99));
  CHECK(e.month().cell(0, f.market("ETH_USDC")).maker_volume == 0);
  CHECK(e.month().markets[f.market("SOL_USDC")].maker_volume == usd(198));
}

TEST_CASE("unobserved snapshots (public outage, gap, MM stream down) leave uptime unchanged") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha", "beta"});
  MonthLog log;
  Engine e(p, &log);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  // Snapshots every minute on the minute (no jitter); each record below at hh:mm:30
  // first takes the snapshot of hh:mm:00, then applies.
  f.connected("2026-02-01T00:00:30Z", {"alpha", "beta"});
  f.seed("SOL_USDC", 10, {{"99.00", "100"}}, {{"101.00", "100"}});  // mid 100
  f.quote("alpha", "SOL_USDC", 1, Side::bid, "99.50", "30");        // 2,985 USD
  f.quote("alpha", "SOL_USDC", 2, Side::ask, "100.50", "30");       // 3,015 USD
  f.quote("beta", "SOL_USDC", 3, Side::bid, "99.90", "50");         // one-sided: never active

  f.at("2026-02-01T00:01:30Z");  // snapshot 1: all observed; alpha active
  f.public_up(false);
  f.at("2026-02-01T00:02:30Z");  // snapshot 2: public down -> unobserved for everyone
  f.public_up(true);
  f.seed("SOL_USDC", 20, {{"99.00", "100"}}, {{"101.00", "100"}});
  f.at("2026-02-01T00:03:30Z");  // snapshot 3: observed; then a sequence gap
  f.depth("SOL_USDC", 25, 25, {{"99.10", "1"}}, {});
  f.at("2026-02-01T00:04:30Z");  // snapshot 4: book out of sync -> unobserved
  f.mm_up("alpha", false);
  f.at("2026-02-01T00:05:30Z");  // snapshot 5: still out of sync; re-seeded now
  f.seed("SOL_USDC", 30, {{"99.00", "100"}}, {{"101.00", "100"}});
  f.at("2026-02-01T00:06:30Z");  // snapshot 6: alpha's stream down -> unobserved for alpha
  f.mm_up("alpha", true);
  f.at("2026-02-01T00:07:30Z");  // snapshot 7: alpha up, orders not re-learned yet -> unobserved
  f.ignored();
  f.at("2026-02-01T00:08:30Z");  // snapshot 8: same; open orders arrive now
  f.open_orders("alpha", {{1, sol, Side::bid, px("99.50"), qty("30")}, {2, sol, Side::ask, px("100.50"), qty("30")}});
  f.at("2026-02-01T00:09:30Z");  // snapshot 9: alpha observed and active again
  f.ignored();

  REQUIRE(e.month().snapshots_taken == 9);
  const MarketMonth& m = e.month().markets[sol];
  CHECK(m.snapshots_observed == 6);    // 1, 3, 6, 7, 8, 9
  CHECK(m.snapshots_unobserved == 3);  // 2, 4, 5
  const MmMarketMonth& alpha = e.month().cell(f.mm("alpha"), sol);
  CHECK(alpha.snapshots_observed == 3);    // 1, 3, 9
  CHECK(alpha.snapshots_active == 3);
  CHECK(alpha.snapshots_unobserved == 6);  // 2, 4, 5, 6, 7, 8
  CHECK(alpha.size_sum2 == usd(3 * 2 * 2985));
  CHECK(alpha.spread_sum_bps == Approx(3 * 100.0));  // (100.50 - 99.50) / 100 = 100 bps
  const MmMarketMonth& beta = e.month().cell(f.mm("beta"), sol);
  CHECK(beta.snapshots_observed == 6);
  CHECK(beta.snapshots_active == 0);
  CHECK(beta.snapshots_unobserved == 3);

  const Report r = score_month(p, e.month(), false);
  const MmMarketResult& a = r.mms[f.mm("alpha")].markets[sol];
  CHECK(a.uptime == 1.0);  // outages did not lower it
  CHECK(a.avg_size_usd == 2985.0);
  CHECK(a.avg_spread_bps == Approx(100.0));
  // Seeds were asked for at the first connect, at the reconnect, and after the gap.
  CHECK(std::count(log.seeds_requested.begin(), log.seeds_requested.end(), sol) == 3);
}

TEST_CASE("an MM with two accounts is observed only while both are connected and in sync") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  p.mms[0].accounts = {"main", "hedge"};
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.at("2026-02-01T00:00:30Z");
  f.public_up(true);
  f.seed("SOL_USDC", 1, {{"99.00", "100"}}, {{"101.00", "100"}});
  f.mm_up("alpha", true, 0);
  f.quote("alpha", "SOL_USDC", 1, Side::bid, "99.50", "30", 0);
  f.quote("alpha", "SOL_USDC", 2, Side::ask, "100.50", "30", 1);  // a frame of "hedge": it is up now
  f.at("2026-02-01T00:01:30Z");  // snapshot 1: both accounts up -> observed, active across accounts
  f.mm_up("alpha", false, 1);
  f.at("2026-02-01T00:02:30Z");  // snapshot 2: hedge down -> unobserved
  f.ignored();
  const MmMarketMonth& c = e.month().cell(0, sol);
  CHECK(c.snapshots_observed == 1);
  CHECK(c.snapshots_active == 1);
  CHECK(c.snapshots_unobserved == 1);
}

TEST_CASE("band, size and spread at a snapshot") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.connected("2026-02-01T00:00:30Z", {"alpha"});
  f.seed("SOL_USDC", 1, {{"99.00", "100"}}, {{"101.00", "100"}});  // mid 100, band 99..101 inclusive
  f.quote("alpha", "SOL_USDC", 1, Side::bid, "99.50", "10");   // 995
  f.quote("alpha", "SOL_USDC", 2, Side::bid, "99.00", "10");   // 990, exactly on the band edge: counts
  f.quote("alpha", "SOL_USDC", 3, Side::bid, "98.99", "1000");  // outside the band
  f.quote("alpha", "SOL_USDC", 4, Side::ask, "100.50", "10");  // 1005
  f.quote("alpha", "SOL_USDC", 5, Side::ask, "101.01", "1000");  // outside
  f.at("2026-02-01T00:01:30Z");
  f.ignored();
  const MmMarketMonth& c = e.month().cell(0, sol);
  REQUIRE(c.snapshots_active == 1);
  // Size = min(995 + 990, 1005) = 1005.
  CHECK(c.size_sum2 == usd(2 * 1005));
  // Weighted bid = (99.5 x 995 + 99 x 990) / 1985 = 99.250629723; ask = 100.5.
  // Spread = (100.5 - 99.250629723) / 100 x 10,000 = 124.937027708 bps.
  CHECK(c.spread_sum_bps == Approx(124.937027708).epsilon(1e-9));
  const MarketView& v = e.market_views()[sol];
  CHECK(v.observed);
  CHECK(v.active_mms == 1);
  CHECK(v.bid_depth_in_band == usd(9900));  // the public book: 99.00 x 100
  CHECK(v.ask_depth_in_band == usd(10100));  // 101.00 x 100, on the band edge
}

TEST_CASE("band edge counts on the ask side as well, spread_mode best and mean_side size") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  p.spread_mode = SpreadMode::best;
  p.size_mode = SizeMode::mean_side;
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.connected("2026-02-01T00:00:30Z", {"alpha"});
  f.seed("SOL_USDC", 1, {{"99.00", "100"}}, {{"101.00", "100"}});
  f.quote("alpha", "SOL_USDC", 1, Side::bid, "99.80", "10");   // 998
  f.quote("alpha", "SOL_USDC", 2, Side::ask, "101.00", "20");  // 2020, on the edge
  f.quote("alpha", "SOL_USDC", 3, Side::ask, "100.20", "1");   // 100.2: dust at the top
  f.at("2026-02-01T00:01:30Z");
  f.ignored();
  const MmMarketMonth& c = e.month().cell(0, sol);
  REQUIRE(c.snapshots_active == 1);
  // mean_side: (998 + 2020 + 100.2) / 2 -> size_sum2 = 3118.2
  CHECK(c.size_sum2 == usd(3118) + kNotionalScale / 5);
  // best: 100.20 - 99.80 = 0.40 over mid 100 = 40 bps
  CHECK(c.spread_sum_bps == Approx(40.0));
  CHECK(e.market_views()[sol].ask_depth_in_band == usd(10100));
}

TEST_CASE("crossed own quotes are an anomaly: counted and unobserved") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  Feed f(e);
  const uint32_t sol = f.market("SOL_USDC");
  f.connected("2026-02-01T00:00:30Z", {"alpha"});
  f.seed("SOL_USDC", 1, {{"99.00", "100"}}, {{"101.00", "100"}});
  f.quote("alpha", "SOL_USDC", 1, Side::bid, "100.50", "10");
  f.quote("alpha", "SOL_USDC", 2, Side::ask, "100.40", "10");
  f.at("2026-02-01T00:01:30Z");
  f.ignored();
  const MmMarketMonth& c = e.month().cell(0, sol);
  CHECK(c.snapshots_anomalous == 1);
  CHECK(c.snapshots_unobserved == 1);
  CHECK(c.snapshots_observed == 0);
  CHECK(e.counters().anomalies == 1);
}

TEST_CASE("snapshots come from timestamps, or only from ticks once a journal has them") {
  SECTION("no ticks: every instant before a record's ts is taken, gaps included") {
    Program p = make_program({{"SOL_USDC"}}, {"alpha"});
    MonthLog log;
    Engine e(p, &log);
    Feed f(e);
    f.at("2026-02-01T00:00:30Z");
    f.ignored();
    f.at("2026-02-01T00:10:30Z");  // instants 00:01 .. 00:10
    f.ignored();
    CHECK(e.month().snapshots_taken == 10);
    REQUIRE(log.snapshots.size() == 10);
    CHECK(log.snapshots.front() == std::pair<uint32_t, TimeUs>{1, at("2026-02-01T00:01:00Z")});
    CHECK(log.snapshots.back().first == 10);
  }
  SECTION("a record exactly at an instant is part of that snapshot") {
    Program p = make_program({{"SOL_USDC"}}, {"alpha"});
    Engine e(p);
    Feed f(e);
    f.at("2026-02-01T00:00:30Z");
    f.ignored();
    f.at("2026-02-01T00:01:00Z");  // ts == instant: not after it
    f.ignored();
    CHECK(e.month().snapshots_taken == 0);
    f.at(f.now() + 1);
    f.ignored();
    CHECK(e.month().snapshots_taken == 1);
  }
  SECTION("with ticks: only the ticked intervals") {
    Program p = make_program({{"SOL_USDC"}}, {"alpha"});
    MonthLog log;
    Engine e(p, &log);
    Feed f(e);
    f.at("2026-02-01T00:00:30Z");
    f.ignored();
    f.at("2026-02-01T00:01:00Z");
    f.tick(1);
    f.at("2026-02-01T00:10:30Z");
    f.ignored();
    f.at("2026-02-01T00:11:00Z");
    f.tick(11);  // the recorder skipped 2..10 (it was down): not taken
    f.tick(11);  // repeated: nothing
    f.tick(5);   // stale: nothing
    CHECK(e.month().snapshots_taken == 2);
    REQUIRE(log.snapshots.size() == 2);
    CHECK(log.snapshots[1].first == 11);
  }
}

TEST_CASE("jittered instants are deterministic, inside their interval, the same for all markets") {
  SnapshotSchedule a(YearMonth{2026, 2}, 60 * kUsPerSecond, true, 7);
  SnapshotSchedule b(YearMonth{2026, 2}, 60 * kUsPerSecond, true, 7);
  SnapshotSchedule c(YearMonth{2026, 2}, 60 * kUsPerSecond, true, 8);
  CHECK(a.count() == 28 * 24 * 60);
  int differs = 0;
  for (uint32_t k = 0; k < a.count(); ++k) {
    const TimeUs begin = YearMonth{2026, 2}.start() + TimeUs(k) * 60 * kUsPerSecond;
    REQUIRE(a.instant(k) >= begin);
    REQUIRE(a.instant(k) < begin + 60 * kUsPerSecond);
    REQUIRE(a.instant(k) == b.instant(k));
    differs += a.instant(k) != c.instant(k);
  }
  CHECK(differs > int(a.count()) - 10);  // another seed, other instants
  // A 7-minute interval does not divide the month: the last interval is short.
  SnapshotSchedule odd(YearMonth{2026, 2}, 7 * 60 * kUsPerSecond, true, 7);
  CHECK(odd.count() == (28 * 24 * 60 + 6) / 7);
  CHECK(odd.instant(odd.count() - 1) < YearMonth{2026, 2}.end());
  CHECK(odd.first_at_or_after(YearMonth{2026, 2}.start()) == 0);
}

TEST_CASE("month rollover: final state handed over, new month restarts, first trade carried") {
  Program p = make_program({{"NEW_USDC", Category::spot, kFractionScale, true}, {"SOL_USDC"}}, {"alpha"});
  MonthLog log;
  Engine e(p, &log);
  Feed f(e);
  const uint32_t fresh = f.market("NEW_USDC");
  f.at("2026-02-10T00:00:00Z");
  f.ignored();
  CHECK_FALSE(e.month().first_trade_seen[fresh]);
  f.at("2026-02-20T00:00:00Z");
  f.trade("NEW_USDC", 1, "2.00", "50", 0);  // listing's first trade (T = now)
  f.at("2026-02-20T01:00:00Z");
  f.trade("NEW_USDC", 2, "2.00", "25", 0);  // not the first any more
  {
    const Report feb = score_month(p, e.month(), false);
    CHECK(feb.markets[fresh].active_days == Approx(9.0));  // Feb 20 -> Mar 1
  }
  f.at("2026-03-01T00:00:00Z");  // at the boundary: belongs to March
  f.trade("NEW_USDC", 3, "2.00", "10", 0);

  REQUIRE(log.closed.size() == 1);
  const MonthState& feb = log.closed[0];
  CHECK(feb.month == YearMonth{2026, 2});
  CHECK(feb.markets[fresh].maker_volume == usd(150));
  CHECK(feb.snapshots_taken == 19 * 24 * 60);  // 2026-02-10T00:00 (= first record) .. 02-28T23:59
  CHECK(score_month(p, feb, true).markets[fresh].active_days == Approx(9.0));

  CHECK(e.month().month == YearMonth{2026, 3});
  CHECK(e.month().markets[fresh].maker_volume == usd(20));
  CHECK(e.month().first_trade_seen[fresh] == at("2026-02-20T00:00:00Z"));
  CHECK(score_month(p, e.month(), false).markets[fresh].active_days == Approx(31.0));
}

TEST_CASE("a refused record changes nothing, not even the clock") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"});
  Engine e(p);
  e.reject();
  CHECK_FALSE(e.started());
  Feed f(e);
  f.at("2026-02-01T00:00:30Z");
  f.ignored();
  const TimeUs clock = e.clock();
  e.reject();
  CHECK(e.clock() == clock);
  CHECK(e.month().input.records == 3);
  CHECK(e.month().input.rejected == 2);
  CHECK(e.month().input.ignored == 1);
}

TEST_CASE("live timer closes the month and takes due snapshots without records") {
  Program p = make_program({{"SOL_USDC"}}, {"alpha"}, 3600 * kUsPerSecond);
  MonthLog log;
  Engine e(p, &log);
  Feed f(e);
  f.at("2026-02-28T22:30:00Z");
  f.ignored();
  CHECK(e.next_deadline() == at("2026-02-28T23:00:00Z"));
  e.advance_clock(at("2026-02-28T23:00:01Z"));
  CHECK(log.snapshots.size() == 1);
  CHECK(e.next_deadline() == at("2026-03-01T00:00:00Z"));  // no instant left: the month end
  e.advance_clock(at("2026-03-01T00:00:00Z"));
  REQUIRE(log.closed.size() == 1);
  CHECK(e.month().month == YearMonth{2026, 3});
  CHECK(e.next_deadline() == at("2026-03-01T00:00:00Z"));  // instant 0 of March, at its start
}
