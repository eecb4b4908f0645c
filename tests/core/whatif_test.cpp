// What-if projections (core/whatif.h, issue 13), worked out by hand: one perp market
// (its tier takes the whole 300,000 USD pool) and two MMs, half-way through April 2026
// (15 of 30 days, 100 of 200 snapshots): every month-to-date figure doubles by the end.
#include "core/whatif.h"

#include "core/report_format.h"
#include "tests/core/scoring_test_util.h"

using namespace scoring_test;

namespace {

constexpr uint32_t kSnapshots = 200;

struct Case {
  Fixture f;
  uint32_t aaa = 0;
  uint16_t alpha = 0, bravo = 0;
  TimeUs half = 0;
  Case() {
    aaa = f.market("AAA_USDC_PERP", Category::perp);
    f.tier(Category::perp, 1, 30'000'000, {"AAA_USDC_PERP"});
    alpha = f.mm("alpha");
    bravo = f.mm("bravo");
    f.fee_tier("MM1", 10'000'000, -0.5);   // 1 %
    f.fee_tier("MM2", 350'000'000, -1.0);  // 35 %
    f.start();
    half = f.month.start() + 15 * kUsPerDay;
    f.s.snapshots_taken = 100;
    f.s.markets[aaa].snapshots_observed = 100;
    f.all_volume(aaa, units(1'000'000));
    f.volume(alpha, aaa, units(300'000));
    f.volume(bravo, aaa, units(100'000));
    f.liquidity(alpha, aaa, 100, 80, units(10'000), 10);
    f.liquidity(bravo, aaa, 100, 50, units(1'500), 20);  // avg size 1,500 < 2,000: ineligible
  }
  Projection project(const WhatIfPlan& plan, TimeUs as_of = 0) const {
    auto p = project_month(f.p, f.s, as_of ? as_of : half, kSnapshots, plan);
    REQUIRE(p);
    return *p;
  }
  Report score(const Projection& p) const { return score_month(f.p, p.month, false); }
  const MmMarketResult& entry(const Report& r, uint32_t mm) const { return r.mms[mm].markets[aaa]; }
};

}  // namespace

TEST_CASE("what-if: the plain projection doubles every figure at half-time, and the rewards stay") {
  Case c;
  const Projection p = c.project(WhatIfPlan{c.alpha, {}});
  CHECK(p.snapshots_remaining == 100);
  CHECK(p.month.snapshots_taken == 200);
  CHECK(p.month.markets[c.aaa].maker_volume == units(2'000'000));
  CHECK(p.month.markets[c.aaa].snapshots_observed == 200);
  const MmMarketMonth& a = p.month.cell(c.alpha, c.aaa);
  CHECK(a.maker_volume == units(600'000));
  CHECK(a.snapshots_observed == 200);
  CHECK(a.snapshots_active == 160);
  CHECK(a.size_sum2 == 2 * 160 * units(10'000));
  CHECK(a.spread_sum_bps == near(1'600));
  CHECK(p.month.cell(c.bravo, c.aaa).maker_volume == units(200'000));

  // Same averages, uptime and volume shares: the same rewards, to the cent.
  const Report now = c.f.run(), later = c.score(p);
  check_accounting(c.f.p, later);
  CHECK(later.mms[c.alpha].total_reward == now.mms[c.alpha].total_reward);
  CHECK(later.mms[c.alpha].total_reward > 0);
  CHECK(c.entry(later, c.alpha).uptime == near(0.8));
  CHECK(has_reason(c.entry(later, c.bravo), kReasonAvgSize));
}

TEST_CASE("what-if: self and cross-MM trades and the dense grid go on at their rates, also under a plan") {
  Case c;
  MmMarketMonth& so_far = c.f.s.cell(c.alpha, c.aaa);
  so_far.self_trade_volume = units(20'000);
  so_far.cross_mm_trade_volume = units(7'500);
  so_far.dense_observed = 1'000;  // of the 1 s grid
  so_far.dense_active = 400;
  const Projection plain = c.project(WhatIfPlan{c.alpha, {}});
  const MmMarketMonth& a = plain.month.cell(c.alpha, c.aaa);
  CHECK(a.self_trade_volume == units(40'000));
  CHECK(a.cross_mm_trade_volume == units(15'000));
  CHECK(a.dense_observed == 2'000);
  CHECK(a.dense_active == 800);
  const Report r = c.score(plain);
  CHECK(c.entry(r, c.alpha).self_trade_volume_usd == units(40'000));  // USD = quote units here
  CHECK(c.entry(r, c.alpha).cross_mm_trade_volume_usd == units(15'000));
  CHECK(*c.entry(r, c.alpha).dense_uptime == near(0.4));

  // Quoting half the rest: 15 days of the 1 s grid remain, 648,000 of them active; the
  // trades still go on as projected (not reset to the month to date by the plan).
  const WhatIfPlan plan{c.alpha, {MarketPlan{c.aaa, 0, QuotePlan{units(10'000), 10, 0.5}}}};
  const Projection quoted = c.project(plan);
  const MmMarketMonth& q = quoted.month.cell(c.alpha, c.aaa);
  CHECK(q.dense_observed == 1'000 + 1'296'000);
  CHECK(q.dense_active == 400 + 648'000);
  CHECK(q.self_trade_volume == units(40'000));
  CHECK(q.cross_mm_trade_volume == units(15'000));
  CHECK(q.maker_volume == units(600'000));

  // A 100 ms grid: 6,480,000 instants in 7.5 days, doubled by time (no 64-bit overflow:
  // the count times the month in microseconds is 1.7e19).
  so_far.dense_observed = 6'480'000;
  so_far.dense_active = 3'240'000;
  const Projection tenth = c.project(WhatIfPlan{c.alpha, {}});
  CHECK(tenth.month.cell(c.alpha, c.aaa).dense_observed == 12'960'000);
  CHECK(tenth.month.cell(c.alpha, c.aaa).dense_active == 6'480'000);
}

TEST_CASE("what-if: a quoting plan crosses the size cliff and makes the MM eligible") {
  Case c;
  WhatIfPlan plan{c.bravo, {MarketPlan{c.aaa, 0, QuotePlan{units(3'000), 20, 1.0}}}};
  const Projection p = c.project(plan);
  const MmMarketMonth& b = p.month.cell(c.bravo, c.aaa);
  // Its 100 snapshots so far, then 100 more, all active at 3,000 a side and 20 bps.
  CHECK(b.snapshots_observed == 200);
  CHECK(b.snapshots_active == 150);
  CHECK(b.size_sum2 == 2 * (50 * units(1'500) + 100 * units(3'000)));  // avg (75,000 + 300,000) / 150 = 2,500
  CHECK(b.spread_sum_bps == near(3'000));
  CHECK(b.maker_volume == units(200'000));  // volume still at its month-to-date rate

  const Report r = c.score(p);
  check_accounting(c.f.p, r);
  CHECK(c.entry(r, c.bravo).avg_size_usd == near(2'500));
  CHECK(c.entry(r, c.bravo).uptime == near(0.75));
  CHECK(c.entry(r, c.bravo).eligible());
  CHECK(r.mms[c.bravo].total_reward > 0);
  CHECK(r.mms[c.alpha].total_reward + r.mms[c.bravo].total_reward + r.unallocated == 30'000'000);

  // Half of the remaining snapshots active: 50 more, avg (75,000 + 150,000) / 100 = 2,250.
  plan.markets[0].quotes->active_share = 0.5;
  const Projection halfway = c.project(plan);
  const MmMarketMonth& half = halfway.month.cell(c.bravo, c.aaa);
  CHECK(half.snapshots_active == 100);
  CHECK(half.snapshots_observed == 200);
  CHECK(half.size_sum2 == 2 * (50 * units(1'500) + 50 * units(3'000)));
}

TEST_CASE("what-if: extra maker volume crosses a fee tier threshold") {
  Case c;
  // Plain: 600,000 / 2,000,000 = 30 %: MM1.
  const Report plain = c.score(c.project(WhatIfPlan{c.alpha, {}}));
  CHECK(plain.mms[c.alpha].fee[int(Category::perp)].tier == std::optional<std::string>("MM1"));
  // 200,000 USD more: (600,000 + 200,000) / (2,000,000 + 200,000) = 36.36 %: MM2.
  const Projection p = c.project(WhatIfPlan{c.alpha, {MarketPlan{c.aaa, units(200'000), std::nullopt}}});
  CHECK(p.month.cell(c.alpha, c.aaa).maker_volume == units(800'000));
  CHECK(p.month.markets[c.aaa].maker_volume == units(2'200'000));
  const Report r = c.score(p);
  const FeeTierStanding& fee = r.mms[c.alpha].fee[int(Category::perp)];
  CHECK(fee.total_maker_share == near(800'000.0 / 2'200'000.0));
  CHECK(fee.tier == std::optional<std::string>("MM2"));
}

TEST_CASE("what-if: in renormalize mode a newly eligible MM takes its share from the others") {
  Case c;
  c.f.p.redistribution = Redistribution::renormalize;
  const Report plain = c.score(c.project(WhatIfPlan{c.bravo, {}}));
  check_accounting(c.f.p, plain);
  CHECK(plain.mms[c.alpha].total_reward == 30'000'000);  // the only eligible MM: the whole pair pool
  CHECK(plain.mms[c.bravo].total_reward == 0);
  const Report planned = c.score(c.project(WhatIfPlan{c.bravo, {MarketPlan{c.aaa, 0, QuotePlan{units(3'000), 20, 1}}}}));
  check_accounting(c.f.p, planned);
  CHECK(planned.mms[c.bravo].total_reward > 0);
  CHECK(planned.mms[c.alpha].total_reward + planned.mms[c.bravo].total_reward == 30'000'000);
}

TEST_CASE("what-if: an empty plan at the month end is the month itself") {
  Case c;
  c.f.s.snapshots_taken = kSnapshots;
  const TimeUs end = c.f.month.end();
  const Projection p = c.project(WhatIfPlan{c.alpha, {}}, end);
  CHECK(p.snapshots_remaining == 0);
  c.f.s.last_ts = end;
  CHECK(report_json(c.f.p, score_month(c.f.p, p.month, true)) == report_json(c.f.p, c.f.run(true)));
}

TEST_CASE("what-if: a plan for an unknown market, a market twice or out-of-range quotes is refused") {
  Case c;
  auto error = [&](WhatIfPlan plan) { return project_month(c.f.p, c.f.s, c.half, kSnapshots, plan).message(); };
  CHECK(error(WhatIfPlan{7, {}}) == "unknown MM 7");
  CHECK(error(WhatIfPlan{c.alpha, {MarketPlan{9, 0, std::nullopt}}}) == "unknown market 9");
  CHECK(error(WhatIfPlan{c.alpha, {MarketPlan{c.aaa, 0, std::nullopt}, MarketPlan{c.aaa, 0, std::nullopt}}}) ==
        "AAA_USDC_PERP: planned twice");
  CHECK(error(WhatIfPlan{c.alpha, {MarketPlan{c.aaa, 0, QuotePlan{units(1), 0, 1}}}}) ==
        "AAA_USDC_PERP: spread_bps must be > 0");
  CHECK(error(WhatIfPlan{c.alpha, {MarketPlan{c.aaa, 0, QuotePlan{units(1), 5, 1.5}}}}) ==
        "AAA_USDC_PERP: active_share must be within 0..1");
}
