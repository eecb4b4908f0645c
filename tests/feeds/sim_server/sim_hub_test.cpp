// SimHub without sockets: subscriptions, signatures, fan-out, REST, faults and the
// knowable-volume ground truth, driven step by step with fake sessions.
#include <catch2/catch.hpp>

#include "core/book.h"
#include "feeds/sim/server/frame_fields.h"
#include "feeds/sim/server/sim_hub.h"
#include "feeds/sim/server/sim_rest.h"
#include "tests/feeds/sim_server/hub_test_support.h"

using namespace mm;
using namespace mm::sim;
using namespace mm::simtest;

namespace {

const std::string kError4003 = R"({"id":null,"error":{"code":4003,"message":"Invalid signature"}})";
const std::string kError4006 = R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})";

}  // namespace

TEST_CASE("hub: public subscriptions get exactly their streams, no ack", "[sim_server][hub]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& s = rig.connect(sessions);
  rig.hub->on_text(s, subscribe({"trade.SOL_USDC", "depth.SOL_USDC"}), now_us());
  CHECK(s.frames.empty());
  CHECK(rig.stats.subscriptions == 2);
  rig.steps(300);
  CHECK(s.count_stream("trade.SOL_USDC") > 0);
  CHECK(s.count_stream("depth.SOL_USDC") > 0);
  CHECK(s.count_stream("depth.SOL_USDC") + s.count_stream("trade.SOL_USDC") == s.frames.size());
  CHECK(rig.stats.frames_queued == s.frames.size());

  rig.hub->on_text(s, R"({"method":"UNSUBSCRIBE","params":["depth.SOL_USDC"]})", now_us());
  CHECK(rig.stats.subscriptions == 1);
  s.frames.clear();
  rig.steps(300);
  CHECK(s.count_stream("depth.SOL_USDC") == 0);
  CHECK(s.count_stream("trade.SOL_USDC") == s.frames.size());

  rig.hub->remove_session(s);
  CHECK(rig.stats.subscriptions == 0);
  rig.hub->remove_session(s);  // idempotent
}

TEST_CASE("hub: bad requests and streams get error frames and subscribe nothing", "[sim_server][hub]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& s = rig.connect(sessions);
  const std::string invalid_request = R"({"id":null,"error":{"code":4000,"message":"Invalid request"}})";
  for (const char* bad : {"not json", "[]", R"({"params":["trade.SOL_USDC"]})", R"({"method":"SUBSCRIBE"})",
                          R"({"method":"LIST","params":[]})", R"({"method":"SUBSCRIBE","params":"trade.SOL_USDC"})"}) {
    s.frames.clear();
    rig.hub->on_text(s, bad, now_us());
    INFO(bad);
    REQUIRE(s.frames.size() == 1);
    CHECK(s.frames[0] == invalid_request);
  }
  for (const char* bad : {R"({"method":"SUBSCRIBE","params":["trade.SOL_USDC","trade.ETH_USDC"]})",
                          R"({"method":"SUBSCRIBE","params":["ticker.SOL_USDC"]})",
                          R"({"method":"SUBSCRIBE","params":["trade"]})",
                          R"({"method":"SUBSCRIBE","params":["account.balanceUpdate"]})",
                          R"({"method":"SUBSCRIBE","params":[5]})"}) {
    s.frames.clear();
    rig.hub->on_text(s, bad, now_us());
    INFO(bad);
    REQUIRE(s.frames.size() == 1);
    CHECK(s.frames[0] == kError4006);
  }
  CHECK(rig.stats.subscriptions == 0);
  CHECK(rig.stats.error_frames == 11);
}

TEST_CASE("hub: private subscriptions need a valid signature of a configured key", "[sim_server][hub]") {
  HubRig rig;
  const auto& keys = rig.setup.keys;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& bad = rig.connect(sessions);
  const int64_t ts = now_ms();
  const std::string good = subscribe_private(keys[0], ts);
  std::vector<std::string> refused = {
      subscribe({"account.orderUpdate"}),                               // no signature
      subscribe_private(keys[2], ts),                                   // gamma: key not configured
      subscribe_private(keys[0], ts - 10'000),                          // outside its 5 s window
      subscribe_private(keys[0], ts + 10'000),                          // from the future
      subscribe_private(keys[0], ts, 60'001),                           // window too large
      subscribe_private(keys[0], ts, 0),                                // window too small
      replace_first(good, "\"" + std::to_string(ts) + "\"", "\"" + std::to_string(ts + 1) + "\""),  // signed other ts
      replace_first(good, R"("signature":[)", R"("signature":[1,)"),    // not four strings
  };
  for (const std::string& request : refused) {
    bad.frames.clear();
    rig.hub->on_text(bad, request, now_us());
    INFO(request);
    REQUIRE(bad.frames.size() == 1);
    CHECK(bad.frames[0] == kError4003);
  }
  CHECK(rig.stats.signature_failures == refused.size());
  // A public stream in the same message is refused too (all or nothing).
  bad.frames.clear();
  rig.hub->on_text(bad, subscribe_frame({"trade.SOL_USDC", "account.orderUpdate"}, &keys[2], ts, 5000), now_us());
  CHECK(bad.frames == std::vector<std::string>{kError4003});
  CHECK(rig.stats.subscriptions == 0);

  FakeSession& alpha = rig.connect(sessions);
  FakeSession& beta = rig.connect(sessions);
  rig.hub->on_text(alpha, good, now_us());
  rig.hub->on_text(beta, subscribe_private(keys[1]), now_us());
  CHECK(alpha.frames.empty());
  rig.steps(500);
  CHECK(bad.frames.size() == 1);
  REQUIRE(alpha.frames.size() > 10);
  REQUIRE(beta.frames.size() > 10);
  FrameChecker checker(rig.setup.options.exchange);
  for (const auto& f : alpha.frames) CHECK(checker.private_frame(f, 0));
  for (const auto& f : beta.frames) CHECK(checker.private_frame(f, 1));
  INFO(checker.first_refusal());
  CHECK(checker.refused() == 0);
  // Each got its own account's orders only: no order id in both.
  for (const auto& f : alpha.frames) {
    const auto id = own_json_field(f, "i");
    for (const auto& g : beta.frames) REQUIRE(own_json_field(g, "i") != id);
  }
}

TEST_CASE("hub: knowable volume follows what was queued", "[sim_server][hub][truth]") {
  SECTION("nobody listening: nothing is knowable, the tracked total matches the model") {
    HubRig rig;
    rig.steps(3000);
    const GroundTruth gt = rig.hub->ground_truth();
    u128 total = 0;
    for (uint32_t a = 0; a < 3; ++a) {
      for (uint32_t m = 0; m < 2; ++m) {
        CHECK(rig.hub->knowable().all(a, m) == gt.maker_volume[a][m]);
        CHECK(gt.knowable_maker_volume[a][m] == 0);
        total += gt.maker_volume[a][m];
      }
    }
    CHECK(total > 0);
    CHECK(rig.hub->knowable().unparsed_frames() == 0);
  }
  SECTION("private streams from the start: everything is knowable") {
    HubRig rig;
    std::vector<std::unique_ptr<FakeSession>> sessions;
    rig.hub->on_text(rig.connect(sessions), subscribe_private(rig.setup.keys[0]), now_us());
    rig.hub->on_text(rig.connect(sessions), subscribe_private(rig.setup.keys[1]), now_us());
    rig.steps(3000);
    const GroundTruth gt = rig.hub->ground_truth();
    for (uint32_t a = 0; a < 2; ++a) {
      for (uint32_t m = 0; m < 2; ++m) {
        CHECK(gt.maker_volume[a][m] > 0);
        CHECK(gt.knowable_maker_volume[a][m] == gt.maker_volume[a][m]);
      }
    }
    CHECK(gt.knowable_maker_volume[2][0] == 0);  // gamma has no key
  }
  SECTION("public trades count for orders revealed by REST open orders") {
    HubRig rig;
    std::vector<std::unique_ptr<FakeSession>> sessions;
    rig.hub->on_text(rig.connect(sessions), subscribe({"trade.SOL_USDC", "trade.BTC_USDC_PERP"}), now_us());
    for (int i = 0; i < 3000; ++i) {
      rig.steps(1);
      // Alpha's open orders after every event: every order is revealed before it can fill.
      const RestReply reply = rig.rest("/api/v1/orders", signed_headers(rig.setup.keys[0]));
      REQUIRE(reply.status == 200);
      rig.hub->on_rest_sent(reply);
    }
    const GroundTruth gt = rig.hub->ground_truth();
    for (uint32_t m = 0; m < 2; ++m) {
      CHECK(gt.maker_volume[0][m] > 0);
      CHECK(gt.knowable_maker_volume[0][m] == gt.maker_volume[0][m]);
      CHECK(gt.maker_volume[1][m] > 0);
      CHECK(gt.knowable_maker_volume[1][m] == 0);  // never revealed
    }
  }
  SECTION("a session that refuses frames learns nothing") {
    HubRig rig;
    std::vector<std::unique_ptr<FakeSession>> sessions;
    FakeSession& s = rig.connect(sessions);
    rig.hub->on_text(s, subscribe_frame({"account.orderUpdate", "trade.SOL_USDC"}, &rig.setup.keys[0], now_ms(), 5000),
                     now_us());
    s.refuse = true;
    rig.steps(2000);
    const GroundTruth gt = rig.hub->ground_truth();
    CHECK(gt.maker_volume[0][0] > 0);
    CHECK(gt.knowable_maker_volume[0][0] == 0);
  }
}

TEST_CASE("hub: drop faults close the right sessions and stop queuing at once", "[sim_server][hub][faults]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& pub = rig.connect(sessions);
  FakeSession& alpha = rig.connect(sessions);
  FakeSession& beta = rig.connect(sessions);
  rig.hub->on_text(pub, subscribe({"depth.SOL_USDC"}), now_us());
  rig.hub->on_text(alpha, subscribe_private(rig.setup.keys[0]), now_us());
  rig.hub->on_text(beta, subscribe_private(rig.setup.keys[1]), now_us());

  auto faults = *parse_fault_schedule("drop_private:alpha/main@1s,drop_public@2s");
  REQUIRE(resolve_fault_targets(faults, rig.setup.options.exchange));
  rig.hub->fire(faults[0], now_us());
  CHECK(alpha.drained);
  CHECK_FALSE(beta.drained);
  CHECK_FALSE(pub.drained);
  alpha.drained = false;  // even if it were still willing, it gets nothing more
  const size_t alpha_frames = alpha.frames.size();
  rig.steps(300);
  CHECK(alpha.frames.size() == alpha_frames);
  CHECK(beta.frames.size() > 0);

  rig.hub->fire(faults[1], now_us());
  CHECK(pub.drained);
  CHECK_FALSE(beta.drained);
  CHECK(rig.stats.faults_fired == 2);
  CHECK(rig.stats.faults(FaultKind::drop_public) == 1);
  CHECK(rig.stats.subscriptions == 1);
}

TEST_CASE("hub: malformed, gap, delay_rest and stale_depth faults", "[sim_server][hub][faults]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& pub = rig.connect(sessions);
  FakeSession& priv = rig.connect(sessions);
  rig.hub->on_text(pub, subscribe({"depth.SOL_USDC", "depth.BTC_USDC_PERP"}), now_us());
  rig.hub->on_text(priv, subscribe_private(rig.setup.keys[0]), now_us());
  auto faults = *parse_fault_schedule("malformed@1s,gap:SOL_USDC@1s,delay_rest:3s@1s,stale_depth@1s");
  REQUIRE(resolve_fault_targets(faults, rig.setup.options.exchange));

  SECTION("malformed: two frames the parser refuses, to public sessions only") {
    rig.hub->fire(faults[0], now_us());
    REQUIRE(pub.frames.size() == 2);
    CHECK(priv.frames.empty());
    FrameChecker checker(rig.setup.options.exchange);
    CHECK_FALSE(checker.public_frame(pub.frames[0]));
    CHECK_FALSE(checker.public_frame(pub.frames[1]));
    CHECK(pub.frames[1].find(R"("p":"1e3")") != std::string::npos);
  }
  SECTION("gap: one depth update id of that market is never sent") {
    auto ids = [&](std::string_view stream) {
      std::vector<uint64_t> out;
      for (const auto& f : pub.frames) {
        if (own_json_field(f, "stream") == stream) out.push_back(*own_json_uint(f, "u"));
      }
      return out;
    };
    rig.steps(200);
    rig.hub->fire(faults[1], now_us());
    rig.steps(400);
    auto holes = [](const std::vector<uint64_t>& v) {
      size_t n = 0;
      for (size_t i = 1; i < v.size(); ++i) n += v[i] - v[i - 1] - 1;
      return n;
    };
    CHECK(holes(ids("depth.SOL_USDC")) == 1);
    CHECK(holes(ids("depth.BTC_USDC_PERP")) == 0);
  }
  SECTION("delay_rest: requests inside the window are answered late") {
    const TimeUs fired = now_us();
    rig.hub->fire(faults[2], fired);
    CHECK(rig.hub->handle_rest({"GET", "/api/v1/markets", {}, {}, {}, {}}, fired + 2'999'000).delay == 3 * kUsPerSecond);
    CHECK(rig.hub->handle_rest({"GET", "/nope", {}, {}, {}, {}}, fired).delay == 3 * kUsPerSecond);
    CHECK(rig.hub->handle_rest({"GET", "/api/v1/markets", {}, {}, {}, {}}, fired + 3'000'000).delay == 0);
  }
  SECTION("stale_depth: the next snapshot per symbol is one captured >= 2 s earlier") {
    const TimeUs t0 = now_us();
    FrameChecker checker(rig.setup.options.exchange);
    auto last_id = [&](const RestReply& r, std::string_view symbol) {
      REQUIRE(r.status == 200);
      REQUIRE(checker.depth_body(symbol, r.body));
      return std::get<DepthSnapshotEvent>(checker.record().payload).last_update_id;
    };
    std::vector<uint64_t> id_at;  // SOL_USDC's update id at each capture
    for (int i = 0; i <= 6; ++i) {  // captures at t0 + 0, 0.5, ... 3 s
      rig.steps(100);
      rig.hub->capture_depth(t0 + i * 500'000);
      id_at.push_back(rig.hub->exchange().last_update_id(0));
    }
    rig.hub->fire(faults[3], t0 + 3'000'000);
    const RestRequest sol{"GET", "/api/v1/depth?symbol=SOL_USDC", {}, {}, {}, {}};
    CHECK(last_id(rig.hub->handle_rest(sol, t0 + 3'200'000), "SOL_USDC") == id_at[2]);  // captured at 1.0 s
    CHECK(last_id(rig.hub->handle_rest(sol, t0 + 3'200'000), "SOL_USDC") == rig.hub->exchange().last_update_id(0));
    const RestRequest btc{"GET", "/api/v1/depth?symbol=BTC_USDC_PERP", {}, {}, {}, {}};
    CHECK(last_id(rig.hub->handle_rest(btc, t0 + 3'200'000), "BTC_USDC_PERP") < rig.hub->exchange().last_update_id(1));
  }
}

TEST_CASE("hub: REST routes, statuses and bodies", "[sim_server][hub][rest]") {
  HubRig rig;
  rig.steps(500);
  FrameChecker checker(rig.setup.options.exchange);

  const RestReply depth = rig.rest("/api/v1/depth?symbol=SOL_USDC");
  CHECK(depth.status == 200);
  CHECK(checker.depth_body("SOL_USDC", depth.body));
  CHECK(rig.rest("/api/v1/depth?symbol=ETH_USDC").status == 400);
  CHECK(rig.rest("/api/v1/depth").status == 400);
  CHECK(rig.rest("/api/v1/depth?symbol=%zz").status == 400);
  CHECK(rig.rest("/api/v1/trades?symbol=SOL_USDC").status == 404);
  CHECK(rig.rest("/").status == 404);
  CHECK(rig.hub->handle_rest({"POST", "/api/v1/depth?symbol=SOL_USDC", {}, {}, {}, {}}, now_us()).status == 404);
  CHECK(rig.rest("/api/v1/depth?symbol=ETH_USDC").body ==
        R"({"code":"INVALID_CLIENT_REQUEST","message":"Invalid symbol"})");

  CHECK(rig.rest("/api/v1/markets").body ==
        R"([{"baseSymbol":"SOL","createdAt":"2025-01-21T06:34:54.691858","filters":{"price":{"tickSize":"0.01"},)"
        R"("quantity":{"stepSize":"0.01"}},"marketType":"SPOT","orderBookState":"Open","quoteSymbol":"USDC",)"
        R"("symbol":"SOL_USDC"},{"baseSymbol":"BTC","createdAt":"2025-01-21T06:34:54.691858","filters":{"price":)"
        R"({"tickSize":"0.1"},"quantity":{"stepSize":"0.00001"}},"marketType":"PERP","orderBookState":"Open",)"
        R"("quoteSymbol":"USDC","symbol":"BTC_USDC_PERP"}])");

  const auto& keys = rig.setup.keys;
  const RestReply all = rig.rest("/api/v1/orders", signed_headers(keys[0]));
  REQUIRE(all.status == 200);
  CHECK(checker.orders_body(0, all.body));
  CHECK(all.listed_account == 0u);
  CHECK(all.listed_orders.size() == std::get<OpenOrdersEvent>(checker.record().payload).orders.size());
  CHECK_FALSE(all.listed_orders.empty());
  const RestReply one = rig.rest("/api/v1/orders?symbol=BTC_USDC_PERP", signed_headers(keys[0], {{"symbol", "BTC_USDC_PERP"}}));
  REQUIRE(one.status == 200);
  CHECK(one.listed_orders.size() < all.listed_orders.size());

  auto no_window = signed_headers(keys[0]);
  no_window.pop_back();  // X-Window defaults to 5000, which is what it was signed with
  CHECK(rig.rest("/api/v1/orders", no_window).status == 200);
  CHECK(rig.rest("/api/v1/orders").status == 401);                                       // unsigned
  CHECK(rig.rest("/api/v1/orders", signed_headers(keys[2])).status == 401);              // unknown key
  CHECK(rig.rest("/api/v1/orders?symbol=SOL_USDC", signed_headers(keys[0])).status == 401);  // param not signed
  CHECK(rig.rest("/api/v1/orders", signed_headers(keys[0], {}, now_ms() - 60'000)).status == 401);  // expired
  CHECK(rig.rest("/api/v1/orders?symbol=ETH_USDC", signed_headers(keys[1], {{"symbol", "ETH_USDC"}})).status == 400);

  CHECK(rig.stats.rest_requests(RestRoute::depth, 200) == 1);
  CHECK(rig.stats.rest_requests(RestRoute::depth, 400) == 4);
  CHECK(rig.stats.rest_requests(RestRoute::depth, 404) == 1);
  CHECK(rig.stats.rest_requests(RestRoute::other, 404) == 2);
  CHECK(rig.stats.rest_requests(RestRoute::markets, 200) == 1);
  CHECK(rig.stats.rest_requests(RestRoute::orders, 200) == 3);
  CHECK(rig.stats.rest_requests(RestRoute::orders, 401) == 4);
  CHECK(rig.stats.rest_requests(RestRoute::orders, 400) == 1);
  CHECK(rig.stats.signature_failures == 4);
}

TEST_CASE("REST helpers: listed order ids", "[sim_server][rest]") {
  CHECK(listed_order_ids(R"([{"clientId":null,"id":"123","relatedOrderId":null},{"id":"45"}])") ==
        std::vector<uint64_t>{123, 45});
  CHECK(listed_order_ids("[]").empty());
}

TEST_CASE("ground truth JSON: exact 15-decimal quote volumes", "[sim_server][truth]") {
  SimSetup setup;
  GroundTruth gt;
  gt.market_volume = {u128(1234567890) * 1'000'000'000ULL + 1, 0};
  gt.maker_volume = {{5, 0}, {0, 0}, {0, u128(10) * 1'000'000'000'000'000ULL}};
  gt.knowable_maker_volume = {{4, 0}, {0, 0}, {0, 0}};
  gt.trades = {12, 3};
  gt.trades_never_served = {2, 0};
  CHECK(ground_truth_json(gt, setup.options.exchange) ==
        R"({"markets":[{"symbol":"SOL_USDC","volume":"1234.567890000000001","trades":12,"trades_never_served":2},)"
        R"({"symbol":"BTC_USDC_PERP","volume":"0.000000000000000","trades":3,"trades_never_served":0}],"accounts":[)"
        R"({"mm_id":"alpha","account":"main","markets":[{"symbol":"SOL_USDC","maker_volume":"0.000000000000005",)"
        R"("knowable_maker_volume":"0.000000000000004","self_trade_volume":"0.000000000000000","cross_mm_trade_volume":"0.000000000000000"},{"symbol":"BTC_USDC_PERP","maker_volume":"0.000000000000000",)"
        R"("knowable_maker_volume":"0.000000000000000","self_trade_volume":"0.000000000000000","cross_mm_trade_volume":"0.000000000000000"}]},)"
        R"({"mm_id":"beta","account":"main","markets":[{"symbol":"SOL_USDC","maker_volume":"0.000000000000000",)"
        R"("knowable_maker_volume":"0.000000000000000","self_trade_volume":"0.000000000000000","cross_mm_trade_volume":"0.000000000000000"},{"symbol":"BTC_USDC_PERP","maker_volume":"0.000000000000000",)"
        R"("knowable_maker_volume":"0.000000000000000","self_trade_volume":"0.000000000000000","cross_mm_trade_volume":"0.000000000000000"}]},)"
        R"({"mm_id":"gamma","account":"main","markets":[{"symbol":"SOL_USDC","maker_volume":"0.000000000000000",)"
        R"("knowable_maker_volume":"0.000000000000000","self_trade_volume":"0.000000000000000","cross_mm_trade_volume":"0.000000000000000"},{"symbol":"BTC_USDC_PERP","maker_volume":"10.000000000000000",)"
        R"("knowable_maker_volume":"0.000000000000000","self_trade_volume":"0.000000000000000","cross_mm_trade_volume":"0.000000000000000"}]}]})"
        "\n");
}
