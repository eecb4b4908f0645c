// THE KEY CHECK: everything the exchange sends, fed through the journal parser into a
// real Engine, gives exactly the exchange's ground truth: per MM and market the maker
// volume, per market the all-user volume (u128 equality, no tolerance).
#include "sim_test_support.h"

using namespace mm;
using namespace mm::simtest;

namespace {

struct Baseline {
  std::vector<u128> maker;   // [account * markets + market]
  std::vector<u128> market;
};

Baseline baseline(const SyntheticExchange& ex) {
  Baseline b;
  for (uint32_t a = 0; a < ex.account_count(); ++a)
    for (uint32_t m = 0; m < ex.market_count(); ++m) b.maker.push_back(ex.maker_volume(a, m));
  for (uint32_t m = 0; m < ex.market_count(); ++m) b.market.push_back(ex.market_volume(m));
  return b;
}

// Compares the engine's month against the exchange's volume since `base`.
void check_volumes(const SyntheticExchange& ex, EngineRig& rig, const Baseline& base) {
  const SimProgram& sim = rig.sim();
  const MonthState& month = rig.engine().month();
  const size_t n_markets = ex.market_count();
  u128 program_total = 0;
  for (uint32_t m = 0; m < n_markets; ++m) {
    const uint32_t pm = sim.market_of[m];
    INFO("market " << sim.program.markets[pm].symbol);
    CHECK(u128_to_string(month.markets[pm].maker_volume) == u128_to_string(ex.market_volume(m) - base.market[m]));
    for (uint16_t mm = 0; mm < sim.program.mms.size(); ++mm) {
      u128 expected = 0;
      for (uint32_t a = 0; a < ex.account_count(); ++a)
        if (sim.mm_of[a] == mm) expected += ex.maker_volume(a, m) - base.maker[a * n_markets + m];
      INFO("mm " << sim.program.mms[mm].id);
      CHECK(u128_to_string(month.cell(mm, pm).maker_volume) == u128_to_string(expected));
      program_total += expected;
    }
  }
  CHECK(program_total > 0);
}

}  // namespace

TEST_CASE("engine maker volumes equal the exchange's ground truth exactly") {
  const uint64_t seed = GENERATE(31, 32, 33);
  ExchangeOptions options = small_options(seed);
  // One run with many MM takers, so maker=false private fills are frequent.
  if (seed == 33) options.mix = {30, 40, 30, 400};
  SyntheticExchange ex(options);
  warm_up(ex, 5000, kStart - 10 * kUsPerSecond);  // books and quotes at steady state
  const Baseline base = baseline(ex);

  EngineRig rig(options, 10 * kUsPerSecond, true);
  rig.connect_all(ex, kStart);
  uint64_t maker_fills = 0, taker_fills = 0;
  rig.run(ex, 100'000, kStart + 1000, 200, [&](const Frame& f) {
    if (f.kind != FrameKind::order_update || f.json.find("orderFill") == std::string_view::npos) return;
    (f.json.find("\"m\":true") != std::string_view::npos ? maker_fills : taker_fills)++;
  });
  INFO("seed " << seed << ": " << rig.first_refusal());
  REQUIRE(rig.refused() == 0);
  CHECK(maker_fills > 100);
  CHECK(taker_fills > 10);
  check_volumes(ex, rig, base);
  const EngineCounters& c = rig.engine().counters();
  CHECK(c.depth_gaps == 0);
  CHECK(c.trades_attributed > 0);  // public trades matched to MM orders (then deduplicated)
  CHECK(c.fills_duplicate > 0);
  CHECK(rig.engine().month().snapshots_taken >= 1);
}

TEST_CASE("a skipped depth update breaks the engine's book, a REST seed repairs it") {
  const ExchangeOptions options = small_options(41);
  SyntheticExchange ex(options);
  warm_up(ex, 3000, kStart - 10 * kUsPerSecond);
  const Baseline base = baseline(ex);
  EngineRig rig(options, 10 * kUsPerSecond);
  rig.connect_all(ex, kStart);
  TimeUs t = rig.run(ex, 2000, kStart + 1000, 200);
  const uint32_t m = 1;
  const Book& book = rig.engine().book(rig.sim().market_of[m]);
  REQUIRE(book.in_sync());
  REQUIRE(rig.engine().counters().depth_gaps == 0);

  const uint64_t id_before = ex.last_update_id(m);
  ex.skip_next_depth_update(m);
  for (int i = 0; i < 20000 && rig.engine().counters().depth_gaps == 0; ++i) t = rig.run(ex, 1, t, 200);
  CHECK(rig.engine().counters().depth_gaps == 1);
  CHECK_FALSE(book.in_sync());
  CHECK(ex.last_update_id(m) >= id_before + 2);  // the skipped id was consumed

  t = rig.run(ex, 500, t, 200);  // frames arrive while the book waits for a seed
  CHECK_FALSE(book.in_sync());
  rig.reseed(ex, m, t);
  CHECK(book.in_sync());
  t = rig.run(ex, 5000, t + 200, 200);
  CHECK(book.in_sync());
  CHECK(rig.engine().counters().depth_gaps == 1);
  CHECK(book.last_update_id() == ex.last_update_id(m));
  // Volumes do not depend on the book: still exact.
  REQUIRE(rig.refused() == 0);
  check_volumes(ex, rig, base);
}
