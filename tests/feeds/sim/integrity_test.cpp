// Integrity screens (SCORING.md section 16) against the synthetic exchange's ground truth:
// self and cross-MM trades (the exchange knows both owners of every fill), and dense
// uptime with the flicker flag (a sample_timed account quotes only around the instants).
#include "sim_test_support.h"

#include "core/scoring.h"

using namespace mm;
using namespace mm::simtest;

namespace {

struct Volumes {
  u128 maker = 0, self = 0, cross = 0;
};

// The engine's figures of one MM in one market after a run of `steps` events.
struct IntegrityRun {
  std::vector<Volumes> engine, truth;  // [mm * markets + market]
  size_t markets = 0;
};

IntegrityRun run_with(bool exclude_self_trades, uint64_t steps) {
  ExchangeOptions options = small_options(61);
  options.mix.mm_taker_permille = 400;  // MMs take often: many of their fills hit another MM
  SyntheticExchange ex(options);
  warm_up(ex, 2000, kStart - 10 * kUsPerSecond);
  EngineRig rig(options, 5 * kUsPerSecond, true, [&](Program& p) { p.exclude_self_trades = exclude_self_trades; });
  const SimProgram& sim = rig.sim();
  IntegrityRun out;
  out.markets = ex.market_count();
  out.engine.resize(sim.program.mms.size() * out.markets);
  out.truth.resize(out.engine.size());
  // The exchange's figures count from its start: the warm-up's fills come off.
  auto add_truth = [&](bool subtract) {
    for (uint32_t a = 0; a < ex.account_count(); ++a)
      for (uint32_t m = 0; m < out.markets; ++m) {
        Volumes& t = out.truth[sim.mm_of[a] * out.markets + m];
        const Volumes v{ex.maker_volume(a, m), ex.self_trade_volume(a, m), ex.cross_mm_trade_volume(a, m)};
        if (subtract) t.maker -= v.maker, t.self -= v.self, t.cross -= v.cross;
        else t.maker += v.maker, t.self += v.self, t.cross += v.cross;
      }
  };
  add_truth(true);
  rig.connect_all(ex, kStart);
  rig.run(ex, steps, kStart + 1000, 10'000);
  REQUIRE(rig.refused() == 0);
  add_truth(false);
  for (size_t mm = 0; mm < sim.program.mms.size(); ++mm)
    for (size_t m = 0; m < out.markets; ++m) {
      const MmMarketMonth& c = rig.engine().month().cell(mm, sim.market_of[m]);
      out.engine[mm * out.markets + m] = {c.maker_volume, c.self_trade_volume, c.cross_mm_trade_volume};
    }
  return out;
}

}  // namespace

TEST_CASE("self trades: the exact self and cross-MM volumes of the exchange, excluded on request") {
  const IntegrityRun flagged = run_with(false, 30'000);
  const IntegrityRun excluded = run_with(true, 30'000);
  u128 self_total = 0, cross_total = 0;
  for (size_t i = 0; i < flagged.engine.size(); ++i) {
    INFO("mm " << i / flagged.markets << " market " << i % flagged.markets);
    const Volumes& e = flagged.engine[i];
    const Volumes& t = flagged.truth[i];
    CHECK(e.maker == t.maker);  // every fill seen: nothing lost
    CHECK(e.self == t.self);
    CHECK(e.cross == t.cross);
    self_total += t.self;
    cross_total += t.cross;
    // exclude_self_trades: the maker volume drops by exactly the self trades, nothing else moves.
    const Volumes& x = excluded.engine[i];
    CHECK(x.maker == t.maker - t.self);
    CHECK(x.self == t.self);
    CHECK(x.cross == t.cross);
  }
  CHECK(self_total > 0);   // alpha's main took from its hedge account: the check can fail
  CHECK(cross_total > 0);  // and MMs took from each other
}

TEST_CASE("flicker: quotes timed to the samples are flagged on every market, honest styles never") {
  ExchangeOptions options = small_options(62);
  options.markets.resize(2);
  const TimeUs interval = 5 * kUsPerSecond;
  options.sample_timing = {interval, true, 7, 500'000};  // the program's seed (7): it knows the instants
  options.accounts.push_back({"zeta", "main", QuoteStyle::sample_timed, {}});
  SyntheticExchange ex(options);
  warm_up(ex, 2000, kStart - 10 * kUsPerSecond);
  EngineRig rig(options, interval, true);
  rig.connect_all(ex, kStart);
  rig.run(ex, 360'000, kStart + 1000, 10'000);  // an hour: 720 snapshots, 3,600 dense instants
  REQUIRE(rig.refused() == 0);
  const Program& program = rig.sim().program;
  const Report report = score_month(program, rig.engine().month(), false);
  for (const MmResult& mm : report.mms) {
    const std::string& id = program.mms[mm.mm].id;
    for (const MmMarketResult& r : mm.markets) {
      const MmMarketMonth& c = rig.engine().month().cell(mm.mm, r.market);
      INFO(id << " on " << program.markets[r.market].symbol << ": uptime " << r.uptime << ", dense "
              << r.dense_uptime.value_or(-1) << " (" << c.dense_active << "/" << c.dense_observed << ")");
      REQUIRE(r.dense_uptime);
      CHECK(c.dense_observed >= 3500);  // nearly every second of the hour observed
      CHECK(*r.dense_uptime == double(c.dense_active) / double(c.dense_observed));
      if (id == "zeta") {
        CHECK(r.snapshots_active * 10 >= r.snapshots_observed * 8);  // there at the samples
        CHECK(*r.dense_uptime < 0.5);                                // and mostly gone otherwise
        CHECK(r.flicker);
      } else {
        CHECK_FALSE(r.flicker);
        CHECK(std::abs(r.uptime - *r.dense_uptime) < 0.06);
      }
    }
  }
}

TEST_CASE("dense uptime: every grid second, counted once however far apart the records are") {
  ExchangeOptions options = small_options(63);
  options.markets.resize(1);
  options.accounts = {{"alpha", "main", QuoteStyle::tight, {}}};
  SyntheticExchange ex(options);
  warm_up(ex, 2000, kStart - 10 * kUsPerSecond);
  // The same events, once 10 ms apart and once as the same 1,000 events with the clock
  // jumping: the dense grid counts the seconds in between once each, at the state then.
  EngineRig rig(options, 60 * kUsPerSecond, false);
  rig.connect_all(ex, kStart);  // records at kStart: the grid starts at kStart (a whole second)
  rig.run(ex, 1000, kStart + 1000, 10'000);  // the last record at kStart + 9.991 s
  const MmMarketMonth& c = rig.engine().month().cell(0, 0);
  // Instants kStart .. kStart + 9 s: 10, each before a later record.
  CHECK(c.dense_observed == 10);
  CHECK(c.dense_active <= c.dense_observed);
  rig.run(ex, 1, kStart + 100 * kUsPerSecond, 1);  // one record 90 s later
  CHECK(c.dense_observed == 100);  // kStart + 10 s .. + 99 s at the state before it: 90 more
}
