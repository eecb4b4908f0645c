// SCORING.md section 8: MM fee tiers by total and adjusted maker share, the fee holiday,
// and the gap to the next tier. All expectations worked out by hand.
#include "tests/core/scoring_test_util.h"

using namespace scoring_test;

namespace {

std::optional<std::string> tier(const char* name) { return std::string(name); }

// Perp markets: AAA (multiplier 1, in reward tier 1) and BBB (multiplier 3, in no reward
// tier: it still counts for fee tiers, section 12). All-user maker volume: AAA 100,000 USD,
// BBB 10,000 USD -> total 110,000; adjusted 100,000 + 3 x 10,000 = 130,000.
// Fee tiers: MM1 0.5%, MM2 1%, MM3 2%, MM4 3.5%, MM5 5%.
struct FeeCase {
  Fixture f;
  uint32_t p1 = 0, p2 = 0;
  uint32_t holiday = 0, low = 0, mid = 0, top = 0, edge = 0, adj = 0, old = 0;
  FeeCase() {
    p1 = f.market("AAA_USDC_PERP", Category::perp);
    p2 = f.market("BBB_USDC_PERP", Category::perp, F, 3 * F);
    f.tier(Category::perp, 1, 30'000'000, {"AAA_USDC_PERP"});
    holiday = f.mm("holiday", YearMonth{2026, 4});  // joined this month
    low = f.mm("low");
    mid = f.mm("mid");
    top = f.mm("top");
    edge = f.mm("w_edge");
    adj = f.mm("x_adj");
    old = f.mm("y_old", YearMonth{2026, 3});  // joined last month: no holiday
    f.fee_tier("MM1", 5'000'000, -0.5);
    f.fee_tier("MM2", 10'000'000, -1.0);
    f.fee_tier("MM3", 20'000'000, -1.5);
    f.fee_tier("MM4", 35'000'000, -2.0);
    f.fee_tier("MM5", 50'000'000, -2.5);
    f.start();
    f.all_volume(p1, units(100'000));
    f.all_volume(p2, units(10'000));
    f.volume(holiday, p1, units(100));
    f.volume(low, p1, units(400));
    f.volume(mid, p1, units(3'000));
    f.volume(top, p1, units(6'000));
    f.volume(edge, p1, units(2'200));
    f.volume(adj, p1, units(1'000));
    f.volume(adj, p2, units(1'200));
    f.volume(old, p1, units(100));
  }
};

}  // namespace

TEST_CASE("fee tiers: total vs adjusted maker share, the higher one picks the tier", "[scoring][fees]") {
  FeeCase fc;
  const Report r = fc.f.run();
  const auto& perp = [&](uint32_t i) -> const FeeTierStanding& { return r.mms[i].fee[int(Category::perp)]; };

  // x_adj: total (1,000 + 1,200) / 110,000 = 0.02 (MM3);
  // adjusted (1,000 + 3 x 1,200) / 130,000 = 4,600 / 130,000 = 0.0353846 (MM4) -> MM4.
  CHECK(perp(fc.adj).maker_volume_usd == units(2'200));
  CHECK(perp(fc.adj).all_maker_volume_usd == units(110'000));
  CHECK(perp(fc.adj).total_maker_share == near(0.02));
  CHECK(perp(fc.adj).adjusted_maker_share == near(4'600.0 / 130'000.0));
  CHECK(perp(fc.adj).tier == tier("MM4"));
  CHECK_FALSE(perp(fc.adj).fee_holiday);

  // w_edge: total 2,200 / 110,000 = 0.02 exactly = MM3's minimum (minimum <= share);
  // adjusted 2,200 / 130,000 = 0.0169 is lower.
  CHECK(perp(fc.edge).total_maker_share == near(0.02));
  CHECK(perp(fc.edge).adjusted_maker_share == near(2'200.0 / 130'000.0));
  CHECK(perp(fc.edge).tier == tier("MM3"));

  // mid: total 3,000 / 110,000 = 0.0272727 (MM3) > adjusted 0.0230769 -> MM3.
  // Next: MM4 at 3.5%: missing 0.035 - 0.0272727 = 0.0077273; x 110,000 = 850.00 USD.
  CHECK(perp(fc.mid).total_maker_share == near(3'000.0 / 110'000.0));
  CHECK(perp(fc.mid).adjusted_maker_share == near(3'000.0 / 130'000.0));
  CHECK(perp(fc.mid).tier == tier("MM3"));
  CHECK(perp(fc.mid).next_tier == tier("MM4"));
  CHECK(perp(fc.mid).share_to_next_tier == Approx(0.035 - 3'000.0 / 110'000.0).epsilon(1e-9));
  CHECK(perp(fc.mid).volume_to_next_tier_usd == Approx(850.0).epsilon(1e-9));

  // low: 400 / 110,000 = 0.0036364 < 0.5%: tier null. Next MM1: missing
  // 0.005 - 0.0036364 = 0.0013636; x 110,000 = 150.00 USD.
  CHECK(perp(fc.low).total_maker_share == near(400.0 / 110'000.0));
  CHECK_FALSE(perp(fc.low).tier.has_value());
  CHECK(perp(fc.low).next_tier == tier("MM1"));
  CHECK(perp(fc.low).share_to_next_tier == Approx(0.005 - 400.0 / 110'000.0).epsilon(1e-9));
  CHECK(perp(fc.low).volume_to_next_tier_usd == Approx(150.0).epsilon(1e-9));

  // top: 6,000 / 110,000 = 0.0545 >= 5%: MM5, the best; no next tier, nothing missing.
  CHECK(perp(fc.top).tier == tier("MM5"));
  CHECK_FALSE(perp(fc.top).next_tier.has_value());
  CHECK(perp(fc.top).share_to_next_tier == 0.0);
  CHECK(perp(fc.top).volume_to_next_tier_usd == 0.0);

  // y_old joined 2026-03: 100 / 110,000 = 0.09% -> null, no holiday in its second month.
  CHECK_FALSE(perp(fc.old).tier.has_value());
  CHECK_FALSE(perp(fc.old).fee_holiday);
}

TEST_CASE("fee tiers: the fee holiday gives MM5 in the first program month", "[scoring][fees]") {
  FeeCase fc;
  const Report r = fc.f.run();
  const FeeTierStanding& h = r.mms[fc.holiday].fee[int(Category::perp)];
  // 100 / 110,000 = 0.0909% would be below MM1, but joined = 2026-04 = the report month.
  CHECK(h.total_maker_share == near(100.0 / 110'000.0));
  CHECK(h.tier == tier("MM5"));
  CHECK(h.fee_holiday);
  CHECK_FALSE(h.earned_tier.has_value());

  // The same MM scored for May (its second month) has no holiday.
  fc.f.s.month = YearMonth{2026, 5};
  const Report may = fc.f.run();
  CHECK_FALSE(may.mms[fc.holiday].fee[int(Category::perp)].tier.has_value());
  CHECK_FALSE(may.mms[fc.holiday].fee[int(Category::perp)].fee_holiday);

  // The holiday tier is a knob (fee_holiday_tier).
  fc.f.s.month = YearMonth{2026, 4};
  fc.f.p.fee_holiday_tier = "MM2";
  const Report knob = fc.f.run();
  CHECK(knob.mms[fc.holiday].fee[int(Category::perp)].tier == tier("MM2"));
}

TEST_CASE("fee tiers: no fee tier table means tier null", "[scoring][fees]") {
  // Section 12: "fee_tiers omitted: no fee tiers, `tier` is null". Read as applying to the
  // MM in its holiday month too (there is no MM5 to give it) - a reading, flagged.
  FeeCase fc;
  fc.f.p.fee_tiers.clear();
  const Report r = fc.f.run();
  for (const MmResult& mm : r.mms) {
    INFO(fc.f.p.mms[mm.mm].id);
    CHECK_FALSE(mm.fee[int(Category::perp)].tier.has_value());
  }
  // Shares are still reported.
  CHECK(r.mms[fc.mid].fee[int(Category::perp)].total_maker_share == near(3'000.0 / 110'000.0));
}
