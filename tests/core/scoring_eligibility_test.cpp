// SCORING.md section 6: eligibility per market and per month, reason strings, and what
// happens to forfeited money (`redistribution` none | renormalize). All expectations worked
// out by hand.
#include "tests/core/scoring_test_util.h"

using namespace scoring_test;

namespace {
const std::set<std::string> kNone{};
const std::set<std::string> kSize{"avg_size_below_min"};
const std::set<std::string> kVolume{"volume_score_below_min"};
const std::set<std::string> kMonthly{"below_min_allocation"};
std::set<std::string> operator+(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}
}  // namespace

TEST_CASE("eligibility: avg_size_usd exactly 2,000.00 is eligible, one cent less is not", "[scoring][eligibility]") {
  Fixture f;
  const uint32_t e = f.market("E_USDC_PERP", Category::perp);
  f.tier(Category::perp, 1, 1'000'000, {"E_USDC_PERP"});  // 10,000 USD
  f.filler();
  f.p.min_allocation_share = 0;  // isolate the per-market rules (threshold 0 USD)
  const uint32_t a = f.mm("a"), b = f.mm("b");
  f.start();
  f.all_volume(e, units(300));
  f.volume(a, e, units(100));
  f.volume(b, e, units(200));
  // a: 7 active snapshots summing to 14,000 USD: size_sum2 = 28,000 USD -> avg exactly 2,000.
  f.cell(a, e).snapshots_observed = f.cell(a, e).snapshots_active = 7;
  f.cell(a, e).size_sum2 = units(28'000);
  f.cell(a, e).spread_sum_bps = 7.0;  // 1 bps
  // b: one active snapshot of 1,999.99 USD: size_sum2 = 3,999.98 USD.
  f.cell(b, e).snapshots_observed = f.cell(b, e).snapshots_active = 1;
  f.cell(b, e).size_sum2 = hundredths(399'998);
  f.cell(b, e).spread_sum_bps = 1.0;
  const Report r = f.run();
  const MmMarketResult &ea = r.mms[a].markets[e], &eb = r.mms[b].markets[e];
  CHECK(ea.avg_size_usd == near(2'000.0));
  CHECK(eb.avg_size_usd == near(1'999.99));
  CHECK(reasons(ea) == kNone);  // 2,000 is not < 2,000
  CHECK(ea.eligible());
  CHECK(reasons(eb) == kSize);  // 1,999.99 < 2,000; vs 2/3 is fine
  CHECK_FALSE(eb.eligible());
  // a: vs 1/3, ls 2,000 / (2,000 + 1,999.99); reward = blended x 10,000; b forfeits (none).
  const double ls_a = 2'000.0 / 3'999.99;
  check_within_a_cent(ea.reward, 10'000.0 * (0.8 / 3.0 + 0.2 * ls_a));
  CHECK(eb.reward == 0);
  CHECK(r.mms[a].meets_min_allocation);  // threshold 0 with min_allocation_share = 0
  CHECK(r.mms[b].meets_min_allocation);
  check_accounting(f.p, r);
}

TEST_CASE("eligibility: volume_score exactly 1.5% is eligible, slightly below is not", "[scoring][eligibility]") {
  Fixture f;
  const uint32_t v1 = f.market("V1_USDC_PERP", Category::perp);
  const uint32_t v2 = f.market("V2_USDC_PERP", Category::perp);
  const uint32_t v3 = f.market("V3_USDC_PERP", Category::perp);
  f.tier(Category::perp, 1, 1'000'000, {"V1_USDC_PERP"});  // 10,000 USD each
  f.tier(Category::perp, 2, 1'000'000, {"V2_USDC_PERP"});
  f.tier(Category::perp, 3, 1'000'000, {"V3_USDC_PERP"});
  f.filler();
  f.p.min_allocation_share = 0;
  const uint32_t big = f.mm("big"), small = f.mm("small");
  f.start();
  for (uint32_t m : {v1, v2, v3}) {
    f.all_volume(m, units(5'000));
    f.liquidity(big, m, 10, 10, units(3'000), 1.0);
    f.liquidity(small, m, 10, 10, units(3'000), 1.0);  // ls 0.5 each where both quote alike
  }
  // V1: 15 and 985 -> small's volume score = 15 / 1,000 = 1.5% exactly.
  f.volume(small, v1, units(15));
  f.volume(big, v1, units(985));
  // V2: 14.99 and 985.01 -> 1.499%.
  f.volume(small, v2, hundredths(1'499));
  f.volume(big, v2, hundredths(98'501));
  // V3: small fails both rules: 10 of 1,000 = 1% and avg size 1,000 USD.
  f.volume(small, v3, units(10));
  f.volume(big, v3, units(990));
  f.liquidity(small, v3, 10, 10, units(1'000), 1.0);
  const Report r = f.run();

  CHECK(r.mms[small].markets[v1].volume_score == near(0.015));
  CHECK(reasons(r.mms[small].markets[v1]) == kNone);
  CHECK(r.mms[small].markets[v1].eligible());
  // V1: small 0.8 x 0.015 + 0.2 x 0.5 = 0.112 -> 1,120.00; big 0.788 + 0.1 = 0.888 -> 8,880.00.
  CHECK(r.mms[small].markets[v1].reward == 112'000);
  CHECK(r.mms[big].markets[v1].reward == 888'000);
  CHECK(r.markets[v1].unallocated == 0);

  CHECK(r.mms[small].markets[v2].volume_score == near(0.01499));
  CHECK(reasons(r.mms[small].markets[v2]) == kVolume);
  CHECK_FALSE(r.mms[small].markets[v2].eligible());
  // V2: big 0.8 x 0.98501 + 0.1 = 0.888008 -> 8,880.08; small's 0.111992 -> 1,119.92 forfeited.
  CHECK(r.mms[big].markets[v2].reward == 888'008);
  CHECK(r.mms[small].markets[v2].reward == 0);
  CHECK(r.markets[v2].unallocated == 111'992);

  // Both per-market reasons on one entry.
  CHECK(reasons(r.mms[small].markets[v3]) == kSize + kVolume);
  CHECK_FALSE(r.mms[small].markets[v3].eligible());
  CHECK(reasons(r.mms[big].markets[v3]) == kNone);
  check_accounting(f.p, r);
}

TEST_CASE("eligibility is decided on the exact sums: one 1e-15 unit below the minimum fails",
          "[scoring][eligibility][exact-boundary]") {
  // Possible ambiguity: section 2 says ratios are "computed from the exact sums in double
  // precision", and in double both averages below round to exactly 2,000 / 0.015, which a
  // double comparison would accept. The brief (and section 2's "never compare ... as binary
  // floating point" spirit) asks for the exact decision: 1999.999...9 < 2,000 is ineligible.
  Fixture f;
  const uint32_t e = f.market("E_USDC_PERP", Category::perp);
  const uint32_t v = f.market("V_USDC_PERP", Category::perp);
  f.tier(Category::perp, 1, 1'000'000, {"E_USDC_PERP"});
  f.tier(Category::perp, 2, 1'000'000, {"V_USDC_PERP"});
  f.filler();
  f.p.min_allocation_share = 0;
  const uint32_t a = f.mm("a"), b = f.mm("b");
  f.start();
  // E: b's 7 snapshots sum to 14,000 USD - 0.5e-15: size_sum2 = 28,000 USD - 1e-15,
  // avg = 1,999.99999999999999992857 < 2,000. a quotes 3,000 USD.
  f.all_volume(e, units(300));
  f.volume(a, e, units(100));
  f.volume(b, e, units(200));
  f.liquidity(a, e, 7, 7, units(3'000), 1.0);
  f.cell(b, e).snapshots_observed = f.cell(b, e).snapshots_active = 7;
  f.cell(b, e).size_sum2 = units(28'000) - 1;
  f.cell(b, e).spread_sum_bps = 7.0;
  // V: b's volume 15 USD - 1e-15 of 1,000 USD: share 0.014999999999999999999 < 0.015.
  f.all_volume(v, units(5'000));
  f.volume(b, v, units(15) - 1);
  f.volume(a, v, units(985) + 1);
  f.liquidity(a, v, 10, 10, units(3'000), 1.0);
  f.liquidity(b, v, 10, 10, units(3'000), 1.0);
  const Report r = f.run();
  CHECK(r.mms[b].markets[e].avg_size_usd == near(2'000.0));  // prints as 2000.00
  CHECK(reasons(r.mms[b].markets[e]) == kSize);
  CHECK(r.mms[b].markets[e].reward == 0);
  CHECK(reasons(r.mms[b].markets[v]) == kVolume);
  CHECK(r.mms[b].markets[v].reward == 0);
  check_accounting(f.p, r);
}

TEST_CASE("eligibility: size_mode mean_side, half a 1e-15 unit below 2,000 fails", "[scoring][eligibility][exact-boundary]") {
  // mean_side Size = (bid + ask) / 2, so size_sum2 = sum of (bid + ask) may be odd. One
  // snapshot with bid + ask = 4,000 USD - 1e-15: avg 1,999.9999999999999995 < 2,000.
  // (Same double-vs-exact remark as above.)
  Fixture f;
  const uint32_t m = f.market("M_USDC_PERP", Category::perp);
  f.tier(Category::perp, 1, 1'000'000, {"M_USDC_PERP"});
  f.filler();
  f.p.size_mode = SizeMode::mean_side;
  f.p.min_allocation_share = 0;
  const uint32_t a = f.mm("a"), b = f.mm("b");
  f.start();
  f.all_volume(m, units(1'000));
  f.volume(a, m, units(500));
  f.volume(b, m, units(500));
  f.cell(a, m).snapshots_observed = f.cell(a, m).snapshots_active = 1;
  f.cell(a, m).size_sum2 = units(4'000);  // exactly 2,000: eligible
  f.cell(a, m).spread_sum_bps = 10.0;
  f.cell(b, m).snapshots_observed = f.cell(b, m).snapshots_active = 1;
  f.cell(b, m).size_sum2 = units(4'000) - 1;
  f.cell(b, m).spread_sum_bps = 10.0;
  const Report r = f.run();
  CHECK(reasons(r.mms[a].markets[m]) == kNone);
  CHECK(reasons(r.mms[b].markets[m]) == kSize);
  check_accounting(f.p, r);
}

namespace {

// Monthly rule (1% of the 300,000 USD program pool = 3,000 USD). x earns 25% of M (8,000 USD
// pool) and 50% of N: liquidity is made proportional to volume, so ls = vs and
// blended = 0.8 vs + 0.2 vs = vs.
struct MonthlyCase {
  Fixture f;
  uint32_t m = 0, n = 0, z = 0, x = 0, y = 0;
  explicit MonthlyCase(Cents n_pool) {
    m = f.market("M_USDC_PERP", Category::perp);
    n = f.market("N_USDC_PERP", Category::perp);
    f.tier(Category::perp, 1, 800'000, {"M_USDC_PERP"});
    f.tier(Category::perp, 2, n_pool, {"N_USDC_PERP"});
    z = f.filler();
    x = f.mm("x");
    y = f.mm("y");
    f.start();
    f.all_volume(m, units(5'000));
    f.all_volume(n, units(5'000));
    f.volume(x, m, units(250));  // vs 0.25
    f.volume(y, m, units(750));
    f.liquidity(x, m, 100, 100, units(2'500), 1.0);  // metric 2,500: ls 0.25
    f.liquidity(y, m, 100, 100, units(7'500), 1.0);  // metric 7,500
    f.volume(x, n, units(500));  // vs 0.5
    f.volume(y, n, units(500));
    f.liquidity(x, n, 100, 100, units(3'000), 1.0);
    f.liquidity(y, n, 100, 100, units(3'000), 1.0);
  }
};

}  // namespace

TEST_CASE("eligibility: monthly minimum of 1% of the program pool (3,000 USD)", "[scoring][eligibility]") {
  SECTION("2,000.00 + 999.99 = 2,999.99: nothing, below_min_allocation on all entries") {
    MonthlyCase c(199'998);  // N pool 1,999.98 USD: x's half is 999.99
    const Report r = c.f.run();
    const MmResult& x = r.mms[c.x];
    CHECK_FALSE(x.meets_min_allocation);
    CHECK(x.total_reward == 0);
    CHECK(x.markets[c.m].reward == 0);
    CHECK(x.markets[c.n].reward == 0);
    CHECK(reasons(x.markets[c.m]) == kMonthly);  // per-market rules pass on M and N
    CHECK(reasons(x.markets[c.n]) == kMonthly);
    CHECK(reasons(x.markets[c.z]) == kSize + kVolume + kMonthly);  // did nothing on the filler
    for (const MmMarketResult& e : x.markets) CHECK_FALSE(e.eligible());
    // Reported scores are untouched.
    CHECK(x.markets[c.m].volume_score == near(0.25));
    CHECK(x.markets[c.m].blended_score == near(0.25));
    // y: 0.75 x 8,000 = 6,000.00 + 0.5 x 1,999.98 = 999.99 -> 6,999.99, keeps it.
    const MmResult& y = r.mms[c.y];
    CHECK(y.meets_min_allocation);
    CHECK(y.markets[c.m].reward == 600'000);
    CHECK(y.markets[c.n].reward == 99'999);
    CHECK(y.total_reward == 699'999);
    CHECK(reasons(y.markets[c.m]) == kNone);
    // none: x's 2,000.00 and 999.99 are unallocated on their markets.
    CHECK(r.markets[c.m].unallocated == 200'000);
    CHECK(r.markets[c.n].unallocated == 99'999);
    CHECK(r.unallocated == 30'000'000 - 699'999);  // 293,000.01
    check_accounting(c.f.p, r);
  }
  SECTION("2,000.00 + 1,000.00 = 3,000.00 exactly: keeps its rewards") {
    MonthlyCase c(200'000);  // N pool 2,000.00 USD
    const Report r = c.f.run();
    const MmResult& x = r.mms[c.x];
    CHECK(x.meets_min_allocation);  // 3,000 is not below 3,000
    CHECK(x.markets[c.m].reward == 200'000);  // 0.25 x 8,000
    CHECK(x.markets[c.n].reward == 100'000);  // 0.5 x 2,000
    CHECK(x.total_reward == 300'000);
    CHECK(reasons(x.markets[c.m]) == kNone);
    CHECK(reasons(x.markets[c.n]) == kNone);
    CHECK(reasons(x.markets[c.z]) == kSize + kVolume);  // no below_min_allocation
    CHECK(r.mms[c.y].total_reward == 700'000);
    CHECK(r.unallocated == 29'000'000);  // the filler's 290,000 only
    check_accounting(c.f.p, r);
  }
}

namespace {

// M (perp tier 1, 10,000 USD): a 600 / b 390 / c 10 of volume; liquidity metrics 500 / 300
// / 200 (sizes 5,000 / 3,000 / 2,000 USD at 10 bps, always active). N (spot tier 1, 5,000
// USD): only a, with avg size 1,000 USD. Filler: 285,000 USD.
struct RedistributionCase {
  Fixture f;
  uint32_t m = 0, n = 0, z = 0, a = 0, b = 0, c = 0;
  RedistributionCase() {
    m = f.market("M_USDC_PERP", Category::perp);
    n = f.market("N_USDC", Category::spot);
    f.tier(Category::perp, 1, 1'000'000, {"M_USDC_PERP"});
    f.tier(Category::spot, 1, 500'000, {"N_USDC"});
    z = f.filler();
    a = f.mm("a");
    b = f.mm("b");
    c = f.mm("c");
    f.start();
    f.all_volume(m, units(2'000));
    f.volume(a, m, units(600));
    f.volume(b, m, units(390));
    f.volume(c, m, units(10));
    f.liquidity(a, m, 100, 100, units(5'000), 10.0);
    f.liquidity(b, m, 100, 100, units(3'000), 10.0);
    f.liquidity(c, m, 100, 100, units(2'000), 10.0);
    f.all_volume(n, units(500));
    f.volume(a, n, units(100));
    f.liquidity(a, n, 100, 100, units(1'000), 10.0);
  }
  // Reported (all-MM) scores, the same under both policies.
  void check_reported(const Report& r) const {
    CHECK(r.mms[a].markets[m].volume_score == near(0.6));
    CHECK(r.mms[b].markets[m].volume_score == near(0.39));
    CHECK(r.mms[c].markets[m].volume_score == near(0.01));
    CHECK(r.mms[a].markets[m].liquidity_score == near(0.5));  // 500 / 1,000
    CHECK(r.mms[b].markets[m].liquidity_score == near(0.3));
    CHECK(r.mms[c].markets[m].liquidity_score == near(0.2));
    CHECK(r.mms[a].markets[m].blended_score == near(0.58));   // 0.48 + 0.1
    CHECK(r.mms[b].markets[m].blended_score == near(0.372));  // 0.312 + 0.06
    CHECK(r.mms[c].markets[m].blended_score == near(0.048));  // 0.008 + 0.04
    CHECK(r.mms[a].markets[n].volume_score == near(1.0));
    CHECK(r.mms[a].markets[n].blended_score == near(1.0));
    CHECK(reasons(r.mms[a].markets[m]) == kNone);
    CHECK(reasons(r.mms[a].markets[n]) == kSize);
    CHECK(reasons(r.mms[b].markets[m]) == kNone);
    // c: 1% < 1.5% (its size is exactly 2,000: fine); total 0 < 3,000 -> monthly too.
    CHECK(reasons(r.mms[c].markets[m]) == kVolume + kMonthly);
    CHECK(reasons(r.mms[c].markets[z]) == kSize + kVolume + kMonthly);
    CHECK(r.mms[a].meets_min_allocation);
    CHECK(r.mms[b].meets_min_allocation);
    CHECK_FALSE(r.mms[c].meets_min_allocation);
  }
};

}  // namespace

TEST_CASE("redistribution none: forfeited rewards are unallocated, scores over all MMs", "[scoring][redistribution]") {
  RedistributionCase rc;
  REQUIRE(rc.f.p.redistribution == Redistribution::none);
  const Report r = rc.f.run();
  rc.check_reported(r);
  // reward = all-MM blended x 10,000: a 5,800.00, b 3,720.00; c's 480.00 is forfeited.
  CHECK(r.mms[rc.a].markets[rc.m].reward == 580'000);
  CHECK(r.mms[rc.b].markets[rc.m].reward == 372'000);
  CHECK(r.mms[rc.c].markets[rc.m].reward == 0);
  CHECK(r.markets[rc.m].unallocated == 48'000);
  // N: a alone, blended 1, but avg size 1,000 < 2,000: all 5,000.00 unallocated.
  CHECK(r.mms[rc.a].markets[rc.n].reward == 0);
  CHECK(r.markets[rc.n].unallocated == 500'000);
  CHECK(r.mms[rc.a].total_reward == 580'000);
  CHECK(r.mms[rc.b].total_reward == 372'000);
  // Total unallocated: 480 + 5,000 + 285,000 = 290,480.00.
  CHECK(r.unallocated == 29'048'000);
  check_accounting(rc.f.p, r);
}

TEST_CASE("redistribution renormalize: scores recomputed over eligible MMs, whole pool paid", "[scoring][redistribution]") {
  RedistributionCase rc;
  rc.f.p.redistribution = Redistribution::renormalize;
  const Report r = rc.f.run();
  rc.check_reported(r);  // the reported scores stay the all-MM ones
  // Over {a, b}: vs a = 600/990, b = 390/990; ls a = 500/800 = 0.625, b = 0.375.
  // a: 0.8 x 0.606060... + 0.2 x 0.625 = 0.6098484... x 10,000 = 6,098.4848 -> 6,098.48
  // b: 0.8 x 0.393939... + 0.2 x 0.375 = 0.3901515... x 10,000 = 3,901.5152 -> 3,901.52
  CHECK(r.mms[rc.a].markets[rc.m].reward == 609'848);
  CHECK(r.mms[rc.b].markets[rc.m].reward == 390'152);
  CHECK(r.mms[rc.c].markets[rc.m].reward == 0);
  CHECK(r.markets[rc.m].unallocated == 0);  // someone is eligible: the whole pool is paid
  // N: nobody eligible, so its pool stays unallocated.
  CHECK(r.markets[rc.n].unallocated == 500'000);
  CHECK(r.unallocated == 29'000'000);  // 5,000 + 285,000
  check_accounting(rc.f.p, r);
}

namespace {

// One market M (10,000 USD) + filler (290,000 USD). Liquidity metrics equal the volumes in
// USD (metric = size / spread x 1), so every liquidity score equals the volume score over
// the same set of MMs and blended = volume share.
//   a 5,000 (5,000 USD / 1 bps)   b 3,000 (3,000 / 1)   d 1,000 (2,000 / 2)
//   e   800 (2,400 / 3)           f 2,000 (1,000 / 0.5: avg size < 2,000)
//   g   150 (3,000 / 20: 150 / 11,950 = 1.255% < 1.5%)
// Program volume 11,950.
struct CascadeCase {
  Fixture f;
  uint32_t m = 0, z = 0, a = 0, b = 0, d = 0, e = 0, ff = 0, g = 0;
  CascadeCase() {
    m = f.market("M_USDC_PERP", Category::perp);
    f.tier(Category::perp, 1, 1'000'000, {"M_USDC_PERP"});
    z = f.filler();
    a = f.mm("a");
    b = f.mm("b");
    d = f.mm("d");
    e = f.mm("e");
    ff = f.mm("f");
    g = f.mm("g");
    f.start();
    f.all_volume(m, units(20'000));
    auto set = [&](uint32_t i, uint64_t vol, uint64_t size, double spread) {
      f.volume(i, m, units(vol));
      f.liquidity(i, m, 100, 100, units(size), spread);
    };
    set(a, 5'000, 5'000, 1.0);
    set(b, 3'000, 3'000, 1.0);
    set(d, 1'000, 2'000, 2.0);
    set(e, 800, 2'400, 3.0);
    set(ff, 2'000, 1'000, 0.5);
    set(g, 150, 3'000, 20.0);
  }
};

}  // namespace

TEST_CASE("redistribution renormalize: cascade through the monthly rule", "[scoring][redistribution]") {
  CascadeCase cc;
  cc.f.p.redistribution = Redistribution::renormalize;
  const Report r = cc.f.run();
  // Per-market eligibility on the all-MM scores: f fails the size rule, g the volume rule
  // (1.255%; g would reach 150 / 9,950 = 1.508% once f is gone, but the spec decides it on
  // the all-MM scores).
  CHECK(reasons(r.mms[cc.ff].markets[cc.m]) == kSize + kMonthly);
  CHECK(reasons(r.mms[cc.g].markets[cc.m]) == kVolume + kMonthly);
  // Pass 1 over {a, b, d, e} (9,800): a 5,102.04, b 3,061.22, d 1,020.41, e 816.33;
  // d and e are below 3,000 and drop out. (Dropping only the lowest, e, first gives d
  // 1,000 / 9,000 x 10,000 = 1,111.11: still below, it drops next: the same end.)
  // Pass 2 over {a, b} (8,000): a 6,250.00, b 3,750.00, both above: done.
  // A single pass without recomputation would pay a 5,102.04 + b 3,061.22 and leave
  // 1,836.74 unpaid; applying the monthly rule to the all-MM rewards first would drop b
  // (3,000 / 11,950 x 10,000 = 2,510.46). Both are wrong under section 6.
  CHECK(r.mms[cc.a].markets[cc.m].reward == 625'000);
  CHECK(r.mms[cc.b].markets[cc.m].reward == 375'000);
  for (uint32_t i : {cc.d, cc.e, cc.ff, cc.g}) {
    INFO("mm " << cc.f.p.mms[i].id);
    CHECK(r.mms[i].total_reward == 0);
    CHECK_FALSE(r.mms[i].meets_min_allocation);
    CHECK(has_reason(r.mms[i].markets[cc.m], "below_min_allocation"));
    CHECK(has_reason(r.mms[i].markets[cc.z], "below_min_allocation"));
  }
  CHECK(reasons(r.mms[cc.d].markets[cc.m]) == kMonthly);
  CHECK(reasons(r.mms[cc.e].markets[cc.m]) == kMonthly);
  CHECK(r.mms[cc.a].meets_min_allocation);
  CHECK(r.mms[cc.b].meets_min_allocation);
  CHECK(r.markets[cc.m].unallocated == 0);
  CHECK(r.unallocated == 29'000'000);
  // Reported scores stay over all six MMs: a = 5,000 / 11,950, ls = vs, blended = vs.
  CHECK(r.mms[cc.a].markets[cc.m].volume_score == near(5'000.0 / 11'950.0));
  CHECK(r.mms[cc.a].markets[cc.m].liquidity_score == near(5'000.0 / 11'950.0));
  CHECK(r.mms[cc.a].markets[cc.m].blended_score == near(5'000.0 / 11'950.0));
  CHECK(r.mms[cc.d].markets[cc.m].volume_score == near(1'000.0 / 11'950.0));
  check_accounting(cc.f.p, r);
}

TEST_CASE("redistribution none on the cascade data: monthly rule on the all-MM rewards", "[scoring][redistribution]") {
  CascadeCase cc;
  const Report r = cc.f.run();
  // a: 5,000 / 11,950 x 10,000 = 4,184.1004 -> 4,184.10, kept.
  // b: 2,510.46, d: 836.82, e: 669.46 -> all below 3,000: forfeited; f, g per market.
  CHECK(r.mms[cc.a].markets[cc.m].reward == 418'410);
  CHECK(r.mms[cc.a].meets_min_allocation);
  CHECK_FALSE(r.mms[cc.b].meets_min_allocation);
  CHECK(reasons(r.mms[cc.b].markets[cc.m]) == kMonthly);
  for (uint32_t i : {cc.b, cc.d, cc.e, cc.ff, cc.g}) CHECK(r.mms[i].total_reward == 0);
  CHECK(r.markets[cc.m].unallocated == 581'590);  // 10,000.00 - 4,184.10
  check_accounting(cc.f.p, r);
}

TEST_CASE("redistribution renormalize: everyone below the minimum in a pass drops together",
          "[scoring][redistribution][ambiguous]") {
  // AMBIGUOUS under SCORING.md section 6: "the monthly rule is applied, and the
  // recomputation repeats until no MM drops out". Read literally (asserted here), the rule
  // is applied to every MM of the pass, so all MMs below 3,000 drop at once. Another reading
  // ("at most one pass per MM": drop one MM per pass, the lowest first) can rescue an MM.
  // Note that under the literal reading the repeat never drops anyone after the first
  // recomputation, since removing MMs only raises the others' rewards.
  Fixture f;
  const uint32_t m = f.market("M_USDC_PERP", Category::perp);
  f.tier(Category::perp, 1, 1'000'000, {"M_USDC_PERP"});
  f.filler();
  f.p.redistribution = Redistribution::renormalize;
  const uint32_t a = f.mm("a"), d = f.mm("d"), e = f.mm("e");
  f.start();
  f.all_volume(m, units(10'000));
  f.volume(a, m, units(6'000));
  f.volume(d, m, units(2'900));
  f.volume(e, m, units(1'100));
  f.liquidity(a, m, 100, 100, units(6'000), 1.0);  // metric 6,000
  f.liquidity(d, m, 100, 100, units(2'900), 1.0);  // metric 2,900
  f.liquidity(e, m, 100, 100, units(2'200), 2.0);  // metric 1,100
  const Report r = f.run();
  // Pass 1 (all eligible per market): a 6,000.00, d 2,900.00, e 1,100.00 -> d, e drop.
  // Pass 2 over {a}: a 10,000.00. (Lowest-first would drop e only, then d = 2,900 / 8,900
  // x 10,000 = 3,258.43 >= 3,000 stays, a = 6,741.57.)
  CHECK(r.mms[a].markets[m].reward == 1'000'000);
  CHECK(r.mms[d].total_reward == 0);
  CHECK(r.mms[e].total_reward == 0);
  CHECK(has_reason(r.mms[d].markets[m], "below_min_allocation"));
  CHECK(has_reason(r.mms[e].markets[m], "below_min_allocation"));
  CHECK(r.markets[m].unallocated == 0);
  check_accounting(f.p, r);
}
