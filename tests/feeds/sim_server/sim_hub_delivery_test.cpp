// The delivery ground truth: which trades reached a client by any path (trade frame,
// orderFill frame, a history body that was sent), trades_never_served, and the
// history-only trades behind the daemon's late_trades checks. One deterministic scenario:
// a public outage while alpha's private stream stays up, then history requests.
#include <catch2/catch.hpp>

#include <set>

#include "tests/feeds/sim_server/history_test_support.h"

using namespace mm;
using namespace mm::sim;
using namespace mm::simtest;

namespace {

std::vector<uint64_t> ids_of(const std::vector<HistoryOnlyTrade>& trades) {
  std::vector<uint64_t> ids;
  for (const HistoryOnlyTrade& t : trades) ids.push_back(t.id);
  return ids;
}

// Ids in (after, up_to] that are not in `seen`, ascending.
std::vector<uint64_t> unseen_ids(uint64_t after, uint64_t up_to, const std::set<uint64_t>& seen) {
  std::vector<uint64_t> ids;
  for (uint64_t id = after + 1; id <= up_to; ++id) {
    if (!seen.contains(id)) ids.push_back(id);
  }
  return ids;
}

}  // namespace

TEST_CASE("hub truth: a public outage leaves exactly its trades no orderFill carried unserved, and history serves them",
          "[sim_server][history][truth]") {
  HubRig rig;
  const TradeHistory& history = rig.hub->exchange().history();
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& pub = rig.connect(sessions);
  FakeSession& alpha = rig.connect(sessions);
  rig.hub->on_text(pub, subscribe({"trade.SOL_USDC", "trade.BTC_USDC_PERP"}), now_us());
  rig.hub->on_text(alpha, subscribe_private(rig.setup.keys[0]), now_us());
  rig.steps(300);
  const GroundTruth streaming = rig.hub->ground_truth();
  uint64_t before_outage[2];
  for (uint32_t m = 0; m < 2; ++m) {
    REQUIRE(streaming.trades[m] > 0);
    CHECK(streaming.trades_never_served[m] == 0);  // everything was streamed
    before_outage[m] = history.newest_id(m);
  }
  CHECK(streamed_trade_ids(pub.frames, "SOL_USDC").back() == before_outage[0]);

  // The outage: nobody follows trade.<S>; alpha's private stream still carries its fills.
  auto faults = *parse_fault_schedule("drop_public@1s");
  REQUIRE(resolve_fault_targets(faults, rig.setup.options.exchange));
  rig.hub->fire(faults[0], now_us());
  const size_t alpha_mark = alpha.frames.size();
  rig.steps(400);
  std::set<uint64_t> seen_by_alpha[2];
  for (const StreamedFill& f : streamed_fills(alpha.frames, alpha_mark)) seen_by_alpha[f.market].insert(f.trade_id);
  const uint64_t outage_end[2] = {history.newest_id(0), history.newest_id(1)};
  FakeSession& pub2 = rig.connect(sessions);  // the public stream is back
  rig.hub->on_text(pub2, subscribe({"trade.SOL_USDC", "trade.BTC_USDC_PERP"}), now_us());
  rig.steps(300);

  const GroundTruth after = rig.hub->ground_truth();
  uint64_t never_served = 0, seen = 0;
  for (uint32_t m = 0; m < 2; ++m) {
    INFO("market " << m);
    const uint64_t outage_trades = outage_end[m] - before_outage[m];
    REQUIRE(outage_trades > 0);
    CHECK(after.trades[m] == rig.hub->exchange().trade_count(m));
    CHECK(after.trades_never_served[m] == outage_trades - seen_by_alpha[m].size());
    CHECK(after.history_only[m].empty());
    never_served += after.trades_never_served[m];
    seen += seen_by_alpha[m].size();
  }
  CHECK(never_served > 0);
  CHECK(seen > 0);  // both paths of the scenario are exercised

  // A response built but never written delivers nothing.
  (void)rig.rest("/api/v1/trades/history?symbol=SOL_USDC&limit=1000");
  CHECK(rig.hub->ground_truth().trades_never_served[0] == after.trades_never_served[0]);

  // Written: every SOL trade is delivered; the outage's unseen ones are history-only.
  REQUIRE(after.trades[0] <= 1000);
  const std::vector<ServedTrade> page =
      parse_trades_body(rig.rest_sent("/api/v1/trades/history?symbol=SOL_USDC&limit=1000").body);
  const std::vector<uint64_t> sol_only = unseen_ids(before_outage[0], outage_end[0], seen_by_alpha[0]);
  const GroundTruth served = rig.hub->ground_truth();
  CHECK(served.trades_never_served[0] == 0);
  CHECK(ids_of(served.history_only[0]) == sol_only);
  CHECK(served.history_only_untracked[0] == 0);

  // The late tally at a bound T, from the served body: ts_ms * 1000 < T, notional exact.
  std::vector<const ServedTrade*> only;  // ascending ids
  for (auto it = page.rbegin(); it != page.rend(); ++it) {
    if (std::binary_search(sol_only.begin(), sol_only.end(), it->id)) only.push_back(&*it);
  }
  REQUIRE(only.size() == sol_only.size());
  const int64_t bound_ms = only[only.size() / 2]->timestamp_ms;
  HistoryOnlyTally expected, all;
  for (const ServedTrade* t : only) {
    int64_t price = 0, qty = 0;
    REQUIRE(parse_price(t->price, price) == DecimalError::ok);
    REQUIRE(parse_qty(t->quantity, qty) == DecimalError::ok);
    ++all.trades;
    all.notional += notional(price, qty);
    if (t->timestamp_ms < bound_ms) {
      ++expected.trades;
      expected.notional += notional(price, qty);
    }
  }
  CHECK(expected.trades < all.trades);  // the one at the bound itself is not before it
  const HistoryOnlyTally at_bound = history_only_before(served, 0, bound_ms * 1000);
  CHECK(at_bound.trades == expected.trades);
  CHECK(at_bound.notional == expected.notional);
  const HistoryOnlyTally whole = history_only_before(served, 0, INT64_MAX);
  CHECK(whole.trades == all.trades);
  CHECK(whole.notional == all.notional);
  CHECK(history_only_before(served, 1, INT64_MAX).trades == 0);

  // BTC through beta's fill history: its fills among the outage's unseen trades.
  const std::vector<uint64_t> btc_unseen = unseen_ids(before_outage[1], outage_end[1], seen_by_alpha[1]);
  const RestReply fills = fills_request(rig, rig.setup.keys[1], {{"symbol", "BTC_USDC_PERP"}, {"limit", "1000"}});
  REQUIRE(fills.status == 200);
  std::set<uint64_t> newly;
  for (const ServedFill& f : parse_fills_body(fills.body)) {
    if (std::binary_search(btc_unseen.begin(), btc_unseen.end(), f.trade_id)) newly.insert(f.trade_id);
  }
  REQUIRE_FALSE(newly.empty());
  const GroundTruth final_truth = rig.hub->ground_truth();
  CHECK(final_truth.trades_never_served[1] == after.trades_never_served[1] - newly.size());
  CHECK(ids_of(final_truth.history_only[1]) == std::vector<uint64_t>(newly.begin(), newly.end()));
  // Serving the same ids again changes nothing.
  (void)fills_request(rig, rig.setup.keys[1], {{"symbol", "BTC_USDC_PERP"}, {"limit", "1000"}});
  CHECK(rig.hub->ground_truth().history_only[1].size() == newly.size());
}

TEST_CASE("hub truth: unstreamed trades that leave the retention are never history-only",
          "[sim_server][history][truth]") {
  HubRig rig([](SimServerOptions& o) { o.exchange.history_retention = 10; });
  rig.steps(2000);  // nobody listening
  const GroundTruth gt = rig.hub->ground_truth();
  CHECK(gt.trades_never_served[0] == gt.trades[0]);
  const RestReply page = rig.rest_sent("/api/v1/trades/history?symbol=SOL_USDC&limit=1000");
  const std::vector<ServedTrade> served = parse_trades_body(page.body);
  REQUIRE(served.size() == 10);
  const GroundTruth after = rig.hub->ground_truth();
  CHECK(after.trades_never_served[0] == gt.trades[0] - 10);  // only the retained ten were served
  std::vector<uint64_t> retained_ten;
  for (uint64_t k = 0; k < 10; ++k) retained_ten.push_back(served.back().id + k);
  CHECK(ids_of(after.history_only[0]) == retained_ten);
  CHECK(served.front().id == served.back().id + 9);
}
