// Per-snapshot evidence (SCORING.md section 15) against a hand-made journal in which
// every unobserved and inactive reason happens at a known snapshot, and the rows'
// totals against the report for every MM and market.
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "core/engine.h"
#include "core/evidence.h"
#include "core/scoring.h"
#include "engine_harness.h"

using namespace mm;
using namespace mmtest;

namespace {

struct RowLog : EvidenceSink {
  explicit RowLog(const Program& p) : program(p) {}
  void cell(const CellEvidence& e, const MmOrders& orders) override {
    rows[{e.mm, e.market, e.interval}] = make_evidence_row(program, e, orders, true);
    totals[{e.mm, e.market}].add(e);
  }
  const Program& program;
  std::map<std::tuple<uint16_t, uint32_t, uint32_t>, EvidenceRow> rows;
  std::map<std::pair<uint16_t, uint32_t>, EvidenceTotals> totals;
};

// Snapshot k is at 00:0k:00 and taken by the first record after it. Two markets (SOL mid
// 100, ETH mid 2000, band 1%), minimum side 1,000 USD; alpha quotes both sides, bravo
// starts one-sided and drops its private stream, charlie quotes asks only on SOL and
// dust on ETH.
struct Scenario {
  Program p = [] {
    Program q = make_program({{"SOL_USDC"}, {"ETH_USDC"}}, {"alpha", "bravo", "charlie"});
    q.min_side_notional_usd = 1000 * kFractionScale;
    return q;
  }();
  Engine engine{p};
  RowLog log{p};
  Feed f{engine};

  explicit Scenario(bool with_sink = true) {
    if (with_sink) engine.set_evidence_sink(&log);
    const uint32_t sol = f.market("SOL_USDC");
    f.at("2026-02-01T00:00:00Z");
    f.public_up(true);
    for (const char* id : {"alpha", "bravo", "charlie"}) f.mm_up(id, true);
    f.seed("SOL_USDC", 10, {{"99.00", "100"}}, {{"101.00", "100"}});
    f.seed("ETH_USDC", 10, {{"1990", "10"}}, {{"2010", "10"}});
    f.quote("alpha", "SOL_USDC", 1, Side::bid, "99.50", "20");   // 1,990 USD
    f.quote("alpha", "SOL_USDC", 2, Side::ask, "100.50", "20");  // 2,010 USD
    f.quote("alpha", "SOL_USDC", 3, Side::bid, "98.00", "100");  // outside the band [99, 101]
    f.quote("alpha", "ETH_USDC", 4, Side::bid, "1995", "1");
    f.quote("alpha", "ETH_USDC", 5, Side::ask, "2005", "1");
    f.quote("bravo", "SOL_USDC", 11, Side::bid, "99.50", "5");  // one-sided
    f.quote("charlie", "SOL_USDC", 21, Side::ask, "100.00", "30");
    f.quote("charlie", "ETH_USDC", 22, Side::bid, "1999", "0.1");  // 199.90 USD
    f.quote("charlie", "ETH_USDC", 23, Side::ask, "2001", "0.1");
    f.at("2026-02-01T00:00:30Z");  // snapshot 0
    f.quote("bravo", "SOL_USDC", 12, Side::ask, "100.50", "5");  // both sides, ~500 USD each
    f.at("2026-02-01T00:01:30Z");  // snapshot 1
    f.mm_up("bravo", false);
    f.at("2026-02-01T00:02:30Z");  // snapshot 2: bravo's stream down
    f.mm_up("bravo", true);
    f.at("2026-02-01T00:03:30Z");  // snapshot 3: bravo up, its orders not re-learned
    f.open_orders("bravo", {{11, sol, Side::bid, px("99.50"), qty("20")}, {12, sol, Side::ask, px("100.50"), qty("20")}});
    f.quote("alpha", "SOL_USDC", 6, Side::bid, "100.60", "1");  // above its own ask: crossed
    f.at("2026-02-01T00:04:30Z");  // snapshot 4: alpha's anomaly
    f.cancel("alpha", "SOL_USDC", 6, Side::bid);
    f.depth("SOL_USDC", 25, 25, {{"99.10", "1"}}, {});  // a sequence gap
    f.at("2026-02-01T00:05:30Z");  // snapshot 5: SOL's book out of sync
    f.seed("SOL_USDC", 30, {{"99.00", "100"}}, {{"101.00", "100"}});
    f.at("2026-02-01T00:05:40Z");
    f.public_up(false);
    f.at("2026-02-01T00:06:30Z");  // snapshot 6: the public stream down
    f.public_up(true);
    f.seed("SOL_USDC", 40, {{"99.00", "100"}}, {{"101.00", "100"}});
    f.seed("ETH_USDC", 40, {{"1990", "10"}}, {{"2010", "10"}});
    f.at("2026-02-01T00:07:30Z");  // snapshot 7: everything observed
    f.ignored();
  }

  const EvidenceRow& row(const char* mm, const char* symbol, uint32_t k) {
    return log.rows.at({f.mm(mm), f.market(symbol), k});
  }
  // "-": active; an unobserved reason; or "inactive:" + the reason.
  std::string why(const char* mm, const char* symbol, uint32_t k) {
    const CellEvidence& e = row(mm, symbol, k).cell;
    if (e.unobserved != UnobservedReason::none) return to_string(e.unobserved);
    if (!e.active) return std::string("inactive:") + to_string(e.inactive);
    return "-";
  }
};

}  // namespace

TEST_CASE("evidence names every unobserved and inactive reason at the snapshot it happened") {
  Scenario s;
  REQUIRE(s.engine.month().snapshots_taken == 8);
  REQUIRE(s.log.rows.size() == 8 * 3 * 2);
  const std::map<std::pair<std::string, std::string>, std::vector<std::string>> expected = {
      {{"alpha", "SOL_USDC"}, {"-", "-", "-", "-", "anomaly", "book_not_in_sync", "public_down", "-"}},
      {{"alpha", "ETH_USDC"}, {"-", "-", "-", "-", "-", "-", "public_down", "-"}},
      {{"bravo", "SOL_USDC"},
       {"inactive:no_ask_in_band", "inactive:below_min_side", "private_down", "orders_not_in_sync", "-",
        "book_not_in_sync", "public_down", "-"}},
      {{"bravo", "ETH_USDC"},
       {"inactive:no_bid_in_band", "inactive:no_bid_in_band", "private_down", "orders_not_in_sync",
        "inactive:no_bid_in_band", "inactive:no_bid_in_band", "public_down", "inactive:no_bid_in_band"}},
      {{"charlie", "SOL_USDC"},
       {"inactive:no_bid_in_band", "inactive:no_bid_in_band", "inactive:no_bid_in_band", "inactive:no_bid_in_band",
        "inactive:no_bid_in_band", "book_not_in_sync", "public_down", "inactive:no_bid_in_band"}},
      {{"charlie", "ETH_USDC"},
       {"inactive:below_min_side", "inactive:below_min_side", "inactive:below_min_side", "inactive:below_min_side",
        "inactive:below_min_side", "inactive:below_min_side", "public_down", "inactive:below_min_side"}},
  };
  for (const auto& [key, whys] : expected) {
    for (uint32_t k = 0; k < 8; ++k) {
      INFO(key.first << " " << key.second << " snapshot " << k);
      CHECK(s.why(key.first.c_str(), key.second.c_str(), k) == whys[k]);
    }
  }
}

TEST_CASE("an evidence row shows the mid, the band, the orders counted and the figures, as JSON and CSV") {
  Scenario s;
  const EvidenceRow& r = s.row("alpha", "SOL_USDC", 0);
  CHECK(r.bid_orders == 1);  // order 3 at 98.00 is outside the band
  CHECK(r.ask_orders == 1);
  JsonWriter w(false);
  write_evidence_json(w, s.p, r, true);
  CHECK(w.str() ==
        R"({"mm_id":"alpha","symbol":"SOL_USDC","interval":0,"instant":"2026-02-01T00:00:00.000000Z",)"
        R"("observed":true,"unobserved_reason":null,"mid":100,"band_low":99,"band_high":101,)"
        R"("bid_orders":1,"ask_orders":1,"bid_notional_usd":1990,"ask_notional_usd":2010,"size_usd":1990,)"
        // The engine's weighted spread in double (100 bps by hand), printed so that it reads
        // back as the same double.
        R"("spread_bps":100.00000000000304,"active":true,"inactive_reason":null,)"
        R"("orders":[{"order_id":1,"side":"bid","price":99.5,"quantity":20},)"
        R"({"order_id":2,"side":"ask","price":100.5,"quantity":20}]})");

  // The anomaly: looked at (both bids counted), not observed, no size or spread.
  const EvidenceRow& crossed = s.row("alpha", "SOL_USDC", 4);
  CHECK(crossed.bid_orders == 2);
  CHECK(evidence_csv_line(s.p, crossed, false) ==
        "alpha,SOL_USDC,4,2026-02-01T00:04:00.000000Z,false,anomaly,100,99,101,2,1,2090.6,2010,,,false,\n");
  // The public stream down: nothing was looked at.
  CHECK(evidence_csv_line(s.p, s.row("bravo", "ETH_USDC", 6), false) ==
        "bravo,ETH_USDC,6,2026-02-01T00:06:00.000000Z,false,public_down,,,,,,,,,,false,\n");
  // Inactive below the minimum side: the sums that fell short.
  CHECK(evidence_csv_line(s.p, s.row("charlie", "ETH_USDC", 0), true) ==
        "charlie,ETH_USDC,0,2026-02-01T00:00:00.000000Z,true,,2000,1980,2020,1,1,199.9,200.1,,,false,"
        "below_min_side,22:bid:1999:0.1;23:ask:2001:0.1\n");
  CHECK(evidence_csv_header(false) ==
        "mm_id,symbol,interval,instant,observed,unobserved_reason,mid,band_low,band_high,bid_orders,ask_orders,"
        "bid_notional_usd,ask_notional_usd,size_usd,spread_bps,active,inactive_reason\n");
}

TEST_CASE("the evidence rows of a month sum to the report's figures exactly, for every MM and market") {
  Scenario s;
  const Report r = score_month(s.p, s.engine.month(), false);
  for (uint16_t i = 0; i < s.p.mms.size(); ++i) {
    for (uint32_t m = 0; m < s.p.markets.size(); ++m) {
      INFO(s.p.mms[i].id << " " << s.p.markets[m].symbol);
      const EvidenceTotals& t = s.log.totals.at({i, m});
      const MmMarketResult& want = r.mms[i].markets[m];
      CHECK(t.rows == 8);
      CHECK(t.observed == want.snapshots_observed);
      CHECK(t.unobserved == want.snapshots_unobserved);
      CHECK(t.anomalous == want.snapshots_anomalous);
      CHECK(t.active == want.snapshots_active);
      const EvidenceFigures got = evidence_figures(s.p, m, t);
      CHECK(got.avg_size_usd == want.avg_size_usd);  // bit-exact, not approximately
      CHECK(got.avg_spread_bps == want.avg_spread_bps);
      CHECK(got.uptime == want.uptime);
    }
  }
  // Worked by hand: alpha on SOL is active at 0-3 and 7 (1,990 USD, 100 bps each).
  const EvidenceTotals& alpha_sol = s.log.totals.at({s.f.mm("alpha"), s.f.market("SOL_USDC")});
  CHECK(alpha_sol.active == 5);
  CHECK(evidence_figures(s.p, s.f.market("SOL_USDC"), alpha_sol).avg_size_usd == 1990.0);
  CHECK(evidence_figures(s.p, s.f.market("SOL_USDC"), alpha_sol).avg_spread_bps == Approx(100.0).epsilon(1e-12));
  // bravo on SOL: observed at 0, 1 (inactive), 4 and 7 (active).
  const EvidenceTotals& bravo_sol = s.log.totals.at({s.f.mm("bravo"), s.f.market("SOL_USDC")});
  CHECK(bravo_sol.observed == 4);
  CHECK(bravo_sol.active == 2);
}

TEST_CASE("without an evidence sink the engine's accumulators are the same, bit for bit") {
  Scenario with;
  Scenario without(false);
  CHECK(without.log.rows.empty());
  const MonthState& a = with.engine.month();
  const MonthState& b = without.engine.month();
  REQUIRE(a.cells.size() == b.cells.size());
  for (size_t c = 0; c < a.cells.size(); ++c) {
    CHECK(a.cells[c].snapshots_observed == b.cells[c].snapshots_observed);
    CHECK(a.cells[c].snapshots_active == b.cells[c].snapshots_active);
    CHECK(a.cells[c].snapshots_anomalous == b.cells[c].snapshots_anomalous);
    CHECK(a.cells[c].size_sum2 == b.cells[c].size_sum2);
    CHECK(a.cells[c].spread_sum_bps == b.cells[c].spread_sum_bps);
  }
}

TEST_CASE("evidence formats: exact decimals, microsecond instants") {
  CHECK(format_exact(0, 15) == "0");
  CHECK(format_exact(u128(12500), 3) == "12.5");
  CHECK(format_exact(u128(7), 2) == "0.07");
  CHECK(format_exact(u128(300), 2) == "3");
  CHECK(format_instant_us(at("2026-12-14T00:01:00Z")) == "2026-12-14T00:01:00.000000Z");
  CHECK(format_instant_us(at("2026-12-14T00:01:00.25Z")) == "2026-12-14T00:01:00.250000Z");
  CHECK(format_double_roundtrip(0.1) == "0.1");
}
