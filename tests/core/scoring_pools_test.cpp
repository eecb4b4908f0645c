// SCORING.md section 7: pair pools by active days. All expectations worked out by hand.
#include "tests/core/scoring_test_util.h"

using namespace scoring_test;

namespace {

// One MM fully alone and active on a market: volume_score 1, liquidity_score 1, blended 1,
// avg size 5,000 USD >= 2,000, so reward = 1 x pair pool.
void sole_quoter(Fixture& f, uint32_t mm_i, uint32_t m) {
  f.all_volume(m, units(10'000));
  f.volume(mm_i, m, units(1'000));
  f.liquidity(mm_i, m, 100, 100, units(5'000), 10.0);
}

}  // namespace

TEST_CASE("pair pools: 30, 30 and 10 active days split a tier 3/7, 3/7, 1/7", "[scoring][pools]") {
  // The seed's own example prints 37.5% / 37.5% / 25% for 30, 30 and 10 days of 70, which
  // contradicts its own formula "Pair's Active Days / Sum of All Pairs' Active Days":
  // 30/70 = 42.857%, 10/70 = 14.286% (37.5/37.5/25 would be 30:30:20). SCORING.md section 7:
  // the formula wins, tests assert 3/7, 3/7, 1/7.
  Fixture f(5'000'000);  // program pool 50,000 USD, all of it in perp tier 3
  const uint32_t a = f.market("A_USDC_PERP", Category::perp);
  const uint32_t b = f.market("B_USDC_PERP", Category::perp);
  const uint32_t c = f.market("C_USDC_PERP", Category::perp);
  const uint32_t d = f.market("D_USDC_PERP", Category::perp);  // in no tier
  // April 2026 has 30 days; C's first trade is 20 days after 2026-04-01T00:00Z -> 10 days.
  f.p.markets[c].first_trade = at("2026-04-21T00:00:00Z");
  f.tier(Category::perp, 3, 5'000'000, {"A_USDC_PERP", "B_USDC_PERP", "C_USDC_PERP"});
  const uint32_t x = f.mm("x");
  f.start();
  sole_quoter(f, x, a);
  sole_quoter(f, x, d);
  // Running estimate in mid-month (last_ts = 2026-04-15T12:00Z): every listed market is
  // assumed active until the month end, so A and B still count 30 days.
  const Report r = f.run(false);

  CHECK(r.markets[a].active_days == 30.0);
  CHECK(r.markets[b].active_days == 30.0);
  CHECK(r.markets[c].active_days == 10.0);
  // 5,000,000 cents x 30/70 = 2,142,857.142857 -> 2,142,857 (21,428.57 USD)
  // 5,000,000 cents x 10/70 =   714,285.714286 ->   714,286 ( 7,142.86 USD)
  // 2,142,857 + 2,142,857 + 714,286 = 5,000,000: exactly the tier amount.
  CHECK(r.markets[a].pair_pool == 2'142'857);
  CHECK(r.markets[b].pair_pool == 2'142'857);
  CHECK(r.markets[c].pair_pool == 714'286);
  CHECK(r.markets[a].pair_pool + r.markets[b].pair_pool + r.markets[c].pair_pool == 5'000'000);
  CHECK(double(r.markets[a].pair_pool) / 5e6 == Approx(3.0 / 7.0).margin(1e-6));  // 42.857%
  CHECK(double(r.markets[c].pair_pool) / 5e6 == Approx(1.0 / 7.0).margin(1e-6));  // 14.286%
  CHECK(r.markets[a].reward_tier == 3);
  CHECK(r.markets[c].reward_tier == 3);

  // A market in no tier has pair pool 0 and pays nothing, even to an eligible MM.
  CHECK(r.markets[d].reward_tier == 0);
  CHECK(r.markets[d].pair_pool == 0);
  CHECK(r.mms[x].markets[d].eligible());  // vs 1 >= 1.5%, avg size 5,000 >= 2,000
  CHECK(r.mms[x].markets[d].reward == 0);

  // reward = blended x pair pool: x alone on A, blended 1 -> 21,428.57 USD.
  CHECK(r.mms[x].markets[a].blended_score == near(1.0));
  CHECK(r.mms[x].markets[a].reward == 2'142'857);
  CHECK(r.mms[x].total_reward == 2'142'857);
  // unallocated = B + C pools nobody earned: 2,142,857 + 714,286 = 2,857,143.
  CHECK(r.markets[b].unallocated == 2'142'857);
  CHECK(r.markets[c].unallocated == 714'286);
  CHECK(r.unallocated == 2'857'143);
  check_accounting(f.p, r);
}

TEST_CASE("pair pools: active_days_rounding exact vs ceil", "[scoring][pools]") {
  Fixture f(5'000'000);
  const uint32_t a = f.market("A_USDC_PERP", Category::perp);
  const uint32_t b = f.market("B_USDC_PERP", Category::perp);
  const uint32_t c = f.market("C_USDC_PERP", Category::perp);
  // From 2026-04-20T12:00Z to 2026-05-01T00:00Z: 10.5 days.
  f.p.markets[c].first_trade = at("2026-04-20T12:00:00Z");
  f.tier(Category::perp, 3, 5'000'000, {"A_USDC_PERP", "B_USDC_PERP", "C_USDC_PERP"});
  f.mm("x");
  f.start();

  SECTION("exact (default): fractional days") {
    REQUIRE(f.p.active_days_rounding == DaysRounding::exact);
    const Report r = f.run();
    CHECK(r.markets[a].active_days == 30.0);
    CHECK(r.markets[c].active_days == 10.5);
    // 5,000,000 x 30/70.5 = 2,127,659.574..., x 10.5/70.5 = 744,680.851...
    // Rounding each to the nearest cent would give 5,000,001, so one part rounds down;
    // which one the spec does not say: each part within a cent, the sum exact.
    check_within_a_cent(r.markets[a].pair_pool, 50'000.0 * 30.0 / 70.5);
    check_within_a_cent(r.markets[b].pair_pool, 50'000.0 * 30.0 / 70.5);
    check_within_a_cent(r.markets[c].pair_pool, 50'000.0 * 10.5 / 70.5);
    CHECK(r.markets[a].pair_pool + r.markets[b].pair_pool + r.markets[c].pair_pool == 5'000'000);
    check_accounting(f.p, r);
  }
  SECTION("ceil: 10.5 days count as 11, whole days stay") {
    f.p.active_days_rounding = DaysRounding::ceil;
    const Report r = f.run();
    CHECK(r.markets[a].active_days == 30.0);
    CHECK(r.markets[b].active_days == 30.0);
    CHECK(r.markets[c].active_days == 11.0);
    // 5,000,000 x 30/71 = 2,112,676.056 -> 2,112,676; x 11/71 = 774,647.887 -> 774,648;
    // 2 x 2,112,676 + 774,648 = 5,000,000.
    CHECK(r.markets[a].pair_pool == 2'112'676);
    CHECK(r.markets[b].pair_pool == 2'112'676);
    CHECK(r.markets[c].pair_pool == 774'648);
    check_accounting(f.p, r);
  }
}

TEST_CASE("pair pools: active days in February 2026 (28 days), seed's first_trade example", "[scoring][pools]") {
  Fixture f(2'800'000);
  f.month = YearMonth{2026, 2};
  const uint32_t a = f.market("A_USDC_PERP", Category::perp);
  const uint32_t s = f.market("SOL_USDC_PERP", Category::perp);
  // SCORING.md section 12 example: first_trade = "2026-02-10T12:00:00Z":
  // 2026-02-10T12:00Z .. 2026-03-01T00:00Z = 18.5 days.
  f.p.markets[s].first_trade = at("2026-02-10T12:00:00Z");
  f.tier(Category::perp, 1, 2'800'000, {"A_USDC_PERP", "SOL_USDC_PERP"});
  f.mm("x");
  f.start();
  const Report r = f.run();
  CHECK(r.markets[a].active_days == 28.0);
  CHECK(r.markets[s].active_days == 18.5);
  // 2,800,000 x 28/46.5 = 1,686,021.505 -> 1,686,022; 2,800,000 x 18.5/46.5 = 1,113,978.495
  // -> 1,113,978; 1,686,022 + 1,113,978 = 2,800,000.
  CHECK(r.markets[a].pair_pool == 1'686'022);
  CHECK(r.markets[s].pair_pool == 1'113'978);
  check_accounting(f.p, r);
}

TEST_CASE("pair pools: `new` markets take their start from the first trade seen", "[scoring][pools]") {
  // Program 90,000 USD: perp tier 3 (50,000) = A (listed all month) + N (new);
  // perp tier 2 (40,000) = X1 (new, no trade seen) + X2 (config first trade after the month).
  Fixture f(9'000'000);
  const uint32_t a = f.market("A_USDC_PERP", Category::perp);
  const uint32_t n = f.market("N_USDC_PERP", Category::perp);
  const uint32_t x1 = f.market("X1_USDC_PERP", Category::perp);
  const uint32_t x2 = f.market("X2_USDC_PERP", Category::perp);
  f.p.markets[n].is_new = true;
  f.p.markets[x1].is_new = true;
  // Listed after April: April has no active day of it. (start = first trade lies after the
  // month end; (month end - start) would be negative, and 0 days is the only sensible
  // reading.)
  f.p.markets[x2].first_trade = at("2026-05-03T00:00:00Z");
  f.tier(Category::perp, 3, 5'000'000, {"A_USDC_PERP", "N_USDC_PERP"});
  f.tier(Category::perp, 2, 4'000'000, {"X1_USDC_PERP", "X2_USDC_PERP"});
  const uint32_t x = f.mm("x");
  f.start();
  sole_quoter(f, x, a);  // threshold 1% of 90,000 = 900 USD: x earns far more

  SECTION("first trade not seen: 0 days; a tier whose markets all have 0 days pays nothing") {
    const Report r = f.run();
    CHECK(r.markets[a].active_days == 30.0);
    CHECK(r.markets[n].active_days == 0.0);
    CHECK(r.markets[x1].active_days == 0.0);
    CHECK(r.markets[x2].active_days == 0.0);
    CHECK(r.markets[a].pair_pool == 5'000'000);  // 30 / (30 + 0) of 50,000 USD
    CHECK(r.markets[n].pair_pool == 0);
    CHECK(r.markets[x1].pair_pool == 0);
    CHECK(r.markets[x2].pair_pool == 0);
    CHECK(r.mms[x].markets[a].reward == 5'000'000);
    // Paid 50,000; the 40,000 of tier 2 is unallocated: 9,000,000 - 5,000,000.
    CHECK(r.unallocated == 4'000'000);
    check_accounting(f.p, r);
  }
  SECTION("first trade seen 15 days before the month end") {
    f.s.first_trade_seen[n] = at("2026-04-16T00:00:00Z");  // 15 days to 2026-05-01
    const Report r = f.run();
    CHECK(r.markets[n].active_days == 15.0);
    // 5,000,000 x 30/45 = 3,333,333.33 -> 3,333,333; x 15/45 = 1,666,666.67 -> 1,666,667.
    CHECK(r.markets[a].pair_pool == 3'333'333);
    CHECK(r.markets[n].pair_pool == 1'666'667);
    CHECK(r.mms[x].markets[a].reward == 3'333'333);
    // Unallocated: N's 1,666,667 + tier 2's 4,000,000 = 5,666,667.
    CHECK(r.unallocated == 5'666'667);
    check_accounting(f.p, r);
  }
  SECTION("first trade seen in an earlier month (carried over): active from the month start") {
    f.s.first_trade_seen[n] = at("2026-03-20T08:00:00Z");
    const Report r = f.run();
    CHECK(r.markets[n].active_days == 30.0);
    CHECK(r.markets[a].pair_pool == 2'500'000);  // 30:30
    CHECK(r.markets[n].pair_pool == 2'500'000);
    check_accounting(f.p, r);
  }
}
