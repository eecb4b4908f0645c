// Quote styles as the scoring sees them (SCORING.md section 4): snapshots of a run
// through a real Engine, then score_month.
#include "sim_test_support.h"

#include "core/scoring.h"

using namespace mm;
using namespace mm::simtest;

TEST_CASE("quote styles: tight mostly active, one_sided never, tiny below 2,000 USD") {
  ExchangeOptions options = small_options(51);
  options.markets.resize(1);  // SOL_USDC only: every account re-quotes often
  for (SimAccount& a : options.accounts) a.markets.clear();
  SyntheticExchange ex(options);
  warm_up(ex, 2000, kStart - 10 * kUsPerSecond);
  EngineRig rig(options, 500'000, true);  // a snapshot every 0.5 s
  rig.connect_all(ex, kStart);
  rig.run(ex, 8000, kStart + 1000, 10'000);  // 80 s
  REQUIRE(rig.refused() == 0);

  const SimProgram& sim = rig.sim();
  const Report report = score_month(sim.program, rig.engine().month(), false);
  auto cell = [&](const char* mm_id) -> const MmMarketResult& {
    return report.mms[*sim.program.mm_index(mm_id)].markets[0];
  };
  const MmMarketResult& alpha = cell("alpha");      // tight main + wide hedge
  const MmMarketResult& beta = cell("beta");        // intermittent
  const MmMarketResult& gamma = cell("gamma");      // one_sided
  const MmMarketResult& delta = cell("delta");      // tiny
  const MmMarketResult& epsilon = cell("epsilon");  // tight
  INFO("observed " << epsilon.snapshots_observed << " active: tight " << epsilon.snapshots_active << ", alpha "
                   << alpha.snapshots_active << ", intermittent " << beta.snapshots_active << ", one_sided "
                   << gamma.snapshots_active << ", tiny " << delta.snapshots_active << " (avg "
                   << delta.avg_size_usd << " USD)");
  REQUIRE(epsilon.snapshots_observed >= 120);
  CHECK(epsilon.snapshots_active * 10 >= epsilon.snapshots_observed * 6);  // most
  CHECK(alpha.snapshots_active * 10 >= alpha.snapshots_observed * 6);
  CHECK(beta.snapshots_active < epsilon.snapshots_active);  // pulls its quotes often
  CHECK(beta.snapshots_active > 0);
  CHECK(gamma.snapshots_active == 0);
  CHECK(delta.snapshots_active > 0);
  CHECK(delta.avg_size_usd < 2000.0);
  CHECK(epsilon.avg_size_usd >= 2000.0);
  CHECK(epsilon.avg_spread_bps < 45.0);  // 5-20 bps each side
  CHECK(epsilon.avg_spread_bps > 5.0);
  CHECK(report.markets[0].snapshots_observed == epsilon.snapshots_observed);
}

TEST_CASE("wide quotes sit 60-95 bps out, inside the 100 bps band") {
  ExchangeOptions options = small_options(52);
  options.markets.resize(1);
  options.accounts = {{"wide", "main", QuoteStyle::wide, {}}, {"tight", "main", QuoteStyle::tight, {}}};
  SyntheticExchange ex(options);
  warm_up(ex, 2000, kStart - 10 * kUsPerSecond);
  EngineRig rig(options, 500'000, true);
  rig.connect_all(ex, kStart);
  rig.run(ex, 6000, kStart + 1000, 10'000);
  REQUIRE(rig.refused() == 0);
  const Report report = score_month(rig.sim().program, rig.engine().month(), false);
  const MmMarketResult& wide = report.mms[*rig.sim().program.mm_index("wide")].markets[0];
  const MmMarketResult& tight = report.mms[*rig.sim().program.mm_index("tight")].markets[0];
  INFO("wide: active " << wide.snapshots_active << "/" << wide.snapshots_observed << " spread "
                       << wide.avg_spread_bps);
  CHECK(wide.snapshots_active * 2 >= wide.snapshots_observed);
  CHECK(wide.avg_spread_bps > 110.0);
  CHECK(wide.avg_spread_bps < 200.0);
  CHECK(tight.avg_spread_bps < wide.avg_spread_bps);
}
