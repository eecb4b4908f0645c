// The simulator server over real loopback sockets, with raw Beast clients: streams,
// signatures, REST, pings, slow clients, TLS and the ground truth.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/feeds/sim_server/sim_server_test_support.h"
#include "tests/support/test_tls.h"

using namespace mm;
using namespace mm::sim;
using namespace mm::simtest;

namespace {

const std::vector<std::string> kAllPublic = {"trade.SOL_USDC", "depth.SOL_USDC", "trade.BTC_USDC_PERP",
                                             "depth.BTC_USDC_PERP"};

}  // namespace

TEST_CASE("server: public streams parse, ids are consecutive, a REST snapshot seeds a book", "[sim_server][net]") {
  SimSetup setup;
  RunningServer rs(setup.options);
  FrameChecker checker(setup.options.exchange);
  DepthTracker depth(checker);
  WsTestClient ws(rs.server.ws_url());
  HttpTestClient http(rs.server.rest_url());
  ws.send(subscribe(kAllPublic));
  auto on_frame = [&](const std::string& f) { depth.on_frame(f); };

  REQUIRE(read_until(ws, on_frame, [&] { return depth.depth_frames >= 50; }));
  CHECK(depth.seed(http, "SOL_USDC") == Book::SeedResult::synced);
  CHECK(depth.seed(http, "BTC_USDC_PERP") == Book::SeedResult::synced);
  const uint64_t before = depth.depth_frames;
  REQUIRE(read_until(ws, on_frame, [&] { return depth.depth_frames >= before + 300 && depth.trades >= 5; }));

  INFO(checker.first_refusal());
  CHECK(checker.refused() == 0);
  CHECK(depth.holes == 0);
  CHECK(depth.gaps_reported == 0);
  for (uint32_t m = 0; m < 2; ++m) {
    CHECK(depth.books[m].in_sync());
    CHECK(depth.books[m].last_update_id() == depth.last_u[m]);
    CHECK_FALSE(depth.books[m].crossed());
  }
  CHECK(rs.server.stats().sessions_open == 1);
  CHECK(rs.server.stats().subscriptions == 4);
}

TEST_CASE("server: private stream needs a good signature", "[sim_server][net]") {
  SimSetup setup;
  RunningServer rs(setup.options);
  FrameChecker checker(setup.options.exchange);
  const std::string k4003 = R"({"id":null,"error":{"code":4003,"message":"Invalid signature"}})";

  WsTestClient bad(rs.server.ws_url());
  bad.send(subscribe_private(setup.keys[2]));                                  // key not configured
  bad.send(subscribe_private(setup.keys[0], now_ms() - 60'000));               // expired
  bad.send(subscribe({"depth.ETH_USDC"}));                                     // unknown market
  CHECK(bad.next(10s) == k4003);
  CHECK(bad.next(10s) == k4003);
  CHECK(bad.next(10s) == R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})");

  WsTestClient good(rs.server.ws_url());
  good.send(subscribe_private(setup.keys[0]));
  uint64_t frames = 0;
  REQUIRE(read_until(good, [&](const std::string& f) { frames += checker.private_frame(f, 0); },
                     [&] { return frames >= 30; }));
  INFO(checker.first_refusal());
  CHECK(checker.refused() == 0);
  // While the good client got 30 private frames, the refused one got nothing more.
  CHECK_FALSE(bad.next(0ms));
  CHECK(rs.server.stats().signature_failures == 2);
  CHECK(rs.server.stats().subscriptions == 1);
}

TEST_CASE("server: REST endpoints on one keep-alive connection", "[sim_server][net]") {
  SimSetup setup;
  RunningServer rs(setup.options);
  FrameChecker checker(setup.options.exchange);
  HttpTestClient http(rs.server.rest_url());

  const HttpResult markets = http.get("/api/v1/markets");
  CHECK(markets.status == 200);
  CHECK(markets.keep_alive);
  CHECK(markets.body.find(R"("marketType":"PERP","orderBookState":"Open","quoteSymbol":"USDC","symbol":"BTC_USDC_PERP")") !=
        std::string::npos);
  const HttpResult depth = http.get("/api/v1/depth?symbol=SOL_USDC");
  CHECK(depth.status == 200);
  CHECK(checker.depth_body("SOL_USDC", depth.body));
  CHECK(http.get("/api/v1/depth?symbol=DOGE_USDC").status == 400);
  CHECK(http.get("/api/v1/ticker").status == 404);

  REQUIRE(wait_until([&] { return rs.server.stats().exchange_steps > 200; }));
  const HttpResult orders = http.get("/api/v1/orders", signed_headers(setup.keys[1]));
  REQUIRE(orders.status == 200);
  CHECK(checker.orders_body(1, orders.body));
  CHECK_FALSE(std::get<OpenOrdersEvent>(checker.record().payload).orders.empty());
  const HttpResult one = http.get("/api/v1/orders?symbol=SOL_USDC", signed_headers(setup.keys[1], {{"symbol", "SOL_USDC"}}));
  REQUIRE(one.status == 200);
  CHECK(checker.orders_body(1, one.body));
  const HttpResult unsigned_orders = http.get("/api/v1/orders");
  CHECK(unsigned_orders.status == 401);
  CHECK(unsigned_orders.body.find(R"("code":"UNAUTHORIZED")") != std::string::npos);
  auto forged = signed_headers(setup.keys[0]);
  forged[0].second = setup.keys[1].public_key_b64;  // beta's key, alpha's signature
  CHECK(http.get("/api/v1/orders", forged).status == 401);

  INFO(checker.first_refusal());
  CHECK(checker.refused() == 0);
  const SimServerStats& s = rs.server.stats();
  CHECK(s.http_connections == 1);  // every request above reused the connection
  CHECK(s.rest_requests(RestRoute::orders, 200) == 2);
  CHECK(s.rest_requests(RestRoute::orders, 401) == 2);
  CHECK(s.rest_requests(RestRoute::depth, 400) == 1);
  CHECK(s.rest_requests(RestRoute::other, 404) == 1);
}

TEST_CASE("server: pings arrive and are answered, a silent client is closed", "[sim_server][net]") {
  SimSetup setup;
  setup.options.ping_interval = 100'000;
  setup.options.pong_timeout = 1'000'000;  // generous: the answering client may be descheduled
  setup.options.events_per_second = 50;
  RunningServer rs(setup.options);
  const SimServerStats& s = rs.server.stats();

  WsTestClient alive(rs.server.ws_url());
  REQUIRE(wait_until([&] { return alive.pings() >= 3 && s.pongs_received >= 3; }));

  WsTestClient silent(rs.server.ws_url(), WsClientOptions::not_reading());  // never reads: never pongs
  REQUIRE(wait_until([&] { return s.pong_timeouts == 1 && s.sessions_open == 1; }));
  CHECK(s.sessions_accepted == 2);
  CHECK_FALSE(alive.closed());
  CHECK(s.pings_sent >= 4);
}

TEST_CASE("server: a client that does not read is closed when its queue is full", "[sim_server][net]") {
  SimSetup setup;
  setup.options.events_per_second = 5000;
  setup.options.max_queue_frames = 200;
  RunningServer rs(setup.options);
  const SimServerStats& s = rs.server.stats();
  WsTestClient slow(rs.server.ws_url(), WsClientOptions::not_reading(4096));
  slow.send(subscribe(kAllPublic));
  REQUIRE(wait_until([&] { return s.slow_client_closes == 1 && s.sessions_open == 0; }, 15s));
  CHECK(s.subscriptions == 0);
}

TEST_CASE("server: wss:// and https:// with a verified test certificate", "[sim_server][net][tls]") {
  const test::TestCert cert = test::make_test_cert();
  const test::TestCert stranger = test::make_test_cert();
  SimSetup setup;
  setup.options.tls_cert_file = cert.cert_file;
  setup.options.tls_key_file = cert.key_file;
  RunningServer rs(setup.options);
  CHECK(rs.server.ws_url().starts_with("wss://127.0.0.1:"));
  CHECK(rs.server.rest_url().starts_with("https://127.0.0.1:"));

  FrameChecker checker(setup.options.exchange);
  WsTestClient ws(rs.server.ws_url(), WsClientOptions::trusting(cert.cert_file));
  ws.send(subscribe_frame({"depth.SOL_USDC", "account.orderUpdate"}, &setup.keys[0], now_ms(), 5000));
  uint64_t depth = 0, orders = 0;
  REQUIRE(read_until(ws,
                     [&](const std::string& f) {
                       if (f.find("\"stream\":\"account.orderUpdate\"") != std::string::npos) {
                         orders += checker.private_frame(f, 0);
                       } else {
                         depth += checker.public_frame(f);
                       }
                     },
                     [&] { return depth >= 20 && orders >= 5; }));
  CHECK(checker.refused() == 0);
  const HttpResult markets = http_get(rs.server.rest_url(), "/api/v1/markets", {}, cert.cert_file);
  CHECK(markets.status == 200);

  // Verification is really on: a client trusting another certificate is refused.
  CHECK_THROWS(WsTestClient(rs.server.ws_url(), WsClientOptions::trusting(stranger.cert_file)));
  CHECK_THROWS(http_get(rs.server.rest_url(), "/api/v1/markets", {}, stranger.cert_file));
  CHECK(wait_until([&] { return rs.server.stats().tls_failures >= 2; }));
}

TEST_CASE("server: ground truth with connected clients, and its file", "[sim_server][net][truth]") {
  SimSetup setup;
  const std::string file = (std::filesystem::temp_directory_path() / ("mmscore-sim-truth-" + std::to_string(now_ms()) + ".json")).string();
  setup.options.ground_truth_file = file;
  GroundTruth last;
  {
    RunningServer rs(setup.options);
    WsTestClient pub(rs.server.ws_url());
    WsTestClient alpha(rs.server.ws_url());
    WsTestClient beta(rs.server.ws_url());
    pub.send(subscribe({"trade.SOL_USDC", "trade.BTC_USDC_PERP"}));
    alpha.send(subscribe_private(setup.keys[0]));
    beta.send(subscribe_private(setup.keys[1]));
    REQUIRE(wait_until([&] { return rs.server.stats().subscriptions == 4; }));
    // From here on every fill of alpha and beta is queued to a private session.
    const GroundTruth t1 = rs.server.ground_truth();
    GroundTruth t2;
    REQUIRE(wait_until([&] {
      t2 = rs.server.ground_truth();
      for (uint32_t a = 0; a < 2; ++a) {
        for (uint32_t m = 0; m < 2; ++m) {
          if (t2.maker_volume[a][m] == t1.maker_volume[a][m]) return false;
        }
      }
      return true;
    }));
    for (uint32_t a = 0; a < 3; ++a) {
      for (uint32_t m = 0; m < 2; ++m) {
        CHECK(t2.knowable_maker_volume[a][m] <= t2.maker_volume[a][m]);
        if (a < 2) {
          CHECK(t2.knowable_maker_volume[a][m] - t1.knowable_maker_volume[a][m] ==
                t2.maker_volume[a][m] - t1.maker_volume[a][m]);
        }
      }
    }
    CHECK(t2.market_volume[0] > 0);
    rs.server.stop();
    CHECK(pub.wait_closed(5s));  // stop() says goodbye with a Close frame
    CHECK(pub.closed_by_close_frame());
    CHECK(alpha.wait_closed(5s));
    CHECK(alpha.closed_by_close_frame());
    last = rs.server.ground_truth();  // final, after the thread stopped
    rs.server.stop();                 // idempotent
  }
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == ground_truth_json(last, setup.options.exchange));
  CHECK(text.str().find("\"mm_id\":\"alpha\"") != std::string::npos);
  std::filesystem::remove(file);
}

TEST_CASE("server: start() refuses bad options with a clear error", "[sim_server]") {
  auto start_error = [](SimServerOptions options) {
    SimServer server(std::move(options));
    const auto started = server.start();
    CHECK_FALSE(started);
    return started.message();
  };
  SimSetup setup;
  SimServerOptions o = setup.options;
  o.faults = "drop_public@1s,gap@2s";
  CHECK(start_error(o) == "fault schedule item 2 'gap@2s': gap needs a symbol, e.g. gap:SOL_USDC@60s");
  o.faults = "drop_private:alpha/hedge@1s";
  CHECK(start_error(o) == "fault 'drop_private:alpha/hedge@1s': no account alpha/hedge");
  o = setup.options;
  o.tls_cert_file = "/nonexistent/cert.pem";
  CHECK(start_error(o) == "TLS needs both tls_cert_file and tls_key_file");
  o.tls_key_file = "/nonexistent/key.pem";
  CHECK(start_error(o).starts_with("/nonexistent/cert.pem: cannot load the certificate"));
  o = setup.options;
  o.listen = "127.0.0.1";
  CHECK(start_error(o) == "listen address '127.0.0.1' is not host:port");
  o = setup.options;
  o.keys.push_back({7, setup.keys[2].public_key_b64});
  CHECK(start_error(o) == "sim key for account 7: no such account");
}

TEST_CASE("server: every wall-clock read goes through SimServerOptions::clock", "[sim_server][net]") {
  // A clock one day behind the real one: signatures and snapshot times follow it.
  const TimeUs fake_now = now_ms() * 1000 - 86'400 * kUsPerSecond;
  ManualClock clock(fake_now);
  SimSetup setup;
  setup.options.clock = &clock;
  RunningServer rs(setup.options);
  FrameChecker checker(setup.options.exchange);
  HttpTestClient http(rs.server.rest_url());

  // REST: the snapshot's timestamp is the clock's time, and a signature is judged by it.
  const HttpResult depth = http.get("/api/v1/depth?symbol=SOL_USDC");
  REQUIRE(depth.status == 200);
  CHECK(own_json_uint(depth.body, "timestamp") == uint64_t(fake_now));
  CHECK(http.get("/api/v1/orders", signed_headers(setup.keys[1])).status == 401);  // real time: outside the window
  CHECK(http.get("/api/v1/orders", signed_headers(setup.keys[1], {}, fake_now / 1000)).status == 200);

  // WebSocket: the same for a private subscription.
  WsTestClient ws(rs.server.ws_url());
  ws.send(subscribe_private(setup.keys[0]));
  CHECK(ws.next(10s) == R"({"id":null,"error":{"code":4003,"message":"Invalid signature"}})");
  ws.send(subscribe_private(setup.keys[0], fake_now / 1000));
  uint64_t frames = 0;
  REQUIRE(read_until(ws, [&](const std::string& f) { frames += checker.private_frame(f, 0); },
                     [&] { return frames >= 5; }));
  CHECK(rs.server.stats().signature_failures == 2);

  // The market's engine time is the clock's too (it never goes backwards).
  clock.advance(5 * kUsPerSecond);
  const HttpResult later = http.get("/api/v1/depth?symbol=SOL_USDC");
  REQUIRE(later.status == 200);
  CHECK(own_json_uint(later.body, "timestamp") == uint64_t(fake_now + 5 * kUsPerSecond));
}
