// The WebSocket side of ExchangeClient against a real Beast server on loopback.
#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "feeds/net/exchange_client.h"
#include "feeds/signing.h"
#include "tests/feeds/net/net_test_util.h"

namespace mm::test {
namespace {

using namespace std::chrono_literals;

// Waits for the connection whose first message contains `needle` (public vs private).
// The client reports `connected` once its messages are written, which can be before the
// server has read them: poll. SIZE_MAX when none shows up.
size_t wait_connection(const TestServer& server, const std::string& needle) {
  size_t found = SIZE_MAX;
  wait_until([&] {
    for (size_t i = 0; i < server.ws_count(); ++i) {
      const auto messages = server.ws_messages(i);
      if (!messages.empty() && messages[0].find(needle) != std::string::npos) {
        found = i;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::string trade_frame(int i) {
  return R"({"stream":"trade.SOL_USDC","data":{"e":"trade","t":)" + std::to_string(i) + "}}";
}

}  // namespace

TEST_CASE("client subscribes to every public stream in batches and signs the private one", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  // By default every symbol gets its own SUBSCRIBE (an unknown one must not take others
  // down with it); batching is checked here with 50 streams per message.
  CHECK(ClientOptions{}.max_streams_per_subscribe == 2);
  ClientOptions options = test_options(server);
  options.max_streams_per_subscribe = 50;
  for (int i = 0; i < 60; ++i) options.symbols.push_back("S" + std::to_string(i) + "_USDC");
  options.accounts.push_back(test_account(1, 0, "alpha/main"));
  const Source alpha{SourceKind::mm, 1, 0};
  ClientRunner runner(options, sink);

  REQUIRE(wait_until([&] {
    return sink.count(kPublic, InboundKind::connected) == 1 && sink.count(alpha, InboundKind::connected) == 1;
  }));
  const size_t pub = wait_connection(server, "trade.S0_USDC");
  const size_t priv = wait_connection(server, "account.orderUpdate");
  REQUIRE(pub != SIZE_MAX);
  REQUIRE(priv != SIZE_MAX);

  // 120 streams: 50 + 50 + 20, in symbol order, trade before depth; no signature.
  REQUIRE(wait_until([&] { return server.ws_messages(pub).size() == 3; }));
  const auto messages = server.ws_messages(pub);
  std::vector<std::string> all;
  for (int i = 0; i < 60; ++i) {
    all.push_back("trade.S" + std::to_string(i) + "_USDC");
    all.push_back("depth.S" + std::to_string(i) + "_USDC");
  }
  for (size_t m = 0; m < 3; ++m) {
    std::string expected = R"({"method":"SUBSCRIBE","params":[)";
    for (size_t i = m * 50; i < std::min<size_t>(all.size(), m * 50 + 50); ++i)
      expected += (i == m * 50 ? "\"" : ",\"") + all[i] + "\"";
    expected += "]}";
    CHECK(messages[m] == expected);
  }
  CHECK(server.ws_target(pub) == "/");

  // Private: one message, account.orderUpdate, a signature over the current time that verifies.
  const auto private_messages = server.ws_messages(priv);
  REQUIRE(private_messages.size() == 1);
  CHECK(private_messages[0].rfind(R"({"method":"SUBSCRIBE","params":["account.orderUpdate"],"signature":[)", 0) == 0);
  const auto sig = signature_fields(private_messages[0]);
  REQUIRE(sig.size() == 4);
  CHECK(sig[0] == test_account_key().api_key);
  CHECK(sig[3] == "5000");
  const int64_t ts = std::stoll(sig[2]);
  CHECK(std::abs(ts - system_clock().now_us() / 1000) < 60'000);
  CHECK(verify_b64(sig[0], "instruction=subscribe&timestamp=" + sig[2] + "&window=5000", sig[1]));

  CHECK(runner.stats().public_up());
  CHECK(runner.stats().account_up(0));
  CHECK(runner.stats().public_stream.connects == 1);
}

TEST_CASE("frames reach the sink in order with kind, source and receive time", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  options.accounts = {test_account(0, 1, "alpha/hedge"), test_account(2, 0, "beta/main")};
  const Source hedge{SourceKind::mm, 0, 1}, beta{SourceKind::mm, 2, 0};
  ClientRunner runner(options, sink);

  const size_t pub = wait_connection(server, "trade.SOL_USDC");
  REQUIRE(pub != SIZE_MAX);
  REQUIRE(wait_until(
      [&] { return sink.count(hedge, InboundKind::connected) + sink.count(beta, InboundKind::connected) == 2; }));
  const TimeUs before = system_clock().now_us();
  for (int i = 0; i < 300; ++i) server.ws_send(pub, trade_frame(i));
  // The private connections: tell them apart by their signature-free order of connection.
  std::vector<size_t> privs;
  for (size_t i = 0; i < server.ws_count(); ++i)
    if (i != pub) privs.push_back(i);
  REQUIRE(privs.size() == 2);
  for (size_t p : privs)
    for (int i = 0; i < 20; ++i)
      server.ws_send(p, R"({"stream":"account.orderUpdate","data":{"n":)" + std::to_string(i) + "}}");

  REQUIRE(wait_until([&] {
    return sink.count(kPublic, InboundKind::frame) == 300 &&
           sink.count(hedge, InboundKind::frame) + sink.count(beta, InboundKind::frame) == 40;
  }));
  const auto public_items = sink.of(kPublic);
  REQUIRE(public_items.size() == 301);
  CHECK(public_items[0].kind == InboundKind::connected);
  TimeUs last_ts = 0;
  for (int i = 0; i < 300; ++i) {
    const Received& r = public_items[size_t(i) + 1];
    CHECK(r.kind == InboundKind::frame);
    CHECK(r.payload == trade_frame(i));
    CHECK(r.path.empty());
    CHECK(r.ts >= last_ts);
    CHECK(r.ts >= before - 1000);  // CLOCK_REALTIME µs; allow a tiny step
    last_ts = r.ts;
  }
  for (const Source& s : {hedge, beta}) {
    const auto items = sink.of(s);
    REQUIRE(items.size() == 21);
    CHECK(items[0].kind == InboundKind::connected);
    for (int i = 0; i < 20; ++i)
      CHECK(items[size_t(i) + 1].payload ==
            R"({"stream":"account.orderUpdate","data":{"n":)" + std::to_string(i) + "}}");
  }
  CHECK(runner.stats().public_stream.frames == 300);
  CHECK(runner.stats().total(&ConnectionStats::frames) == 340);
  CHECK(runner.stats().public_stream.bytes > 300 * 30);
}

TEST_CASE("a dropped or closed connection: disconnected, then reconnect and connected again", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  ClientRunner runner(options, sink);

  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));
  server.ws_send(0, trade_frame(1));
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::frame) == 1; }));

  server.ws_drop(0);  // abrupt TCP close
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 2; }));
  REQUIRE(wait_until([&] { return server.ws_count() == 2 && server.ws_messages(1).size() == 1; }));
  server.ws_send(1, trade_frame(2));
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::frame) == 2; }));

  server.ws_close(1);  // close handshake, as on exchange maintenance
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 3; }));

  // Exactly connected, frame, disconnected, connected, frame, disconnected, connected.
  std::vector<InboundKind> kinds;
  for (const auto& r : sink.of(kPublic)) kinds.push_back(r.kind);
  using K = InboundKind;
  CHECK(kinds ==
        std::vector<K>{K::connected, K::frame, K::disconnected, K::connected, K::frame, K::disconnected, K::connected});
  CHECK(runner.stats().public_stream.connects == 3);
  CHECK(runner.stats().public_stream.disconnects == 2);
  CHECK(runner.stats().public_stream.reconnect_attempts >= 2);
  CHECK(wait_until([&] { return server.ws_messages(2).size() == 1; }));  // subscribed again
}

TEST_CASE("server pings keep a quiet connection alive, and silence past stale_after ends it", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  options.stale_after = 400'000;  // 400 ms
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));

  // 1.2 s of pings every 40 ms and no frame: stays up.
  const auto until = std::chrono::steady_clock::now() + 1200ms;
  while (std::chrono::steady_clock::now() < until) {
    server.ws_ping(0);
    std::this_thread::sleep_for(40ms);
  }
  CHECK(runner.stats().public_stream.pings >= 10);
  CHECK(runner.stats().public_stream.idle_timeouts == 0);
  CHECK(sink.count(kPublic, InboundKind::disconnected) == 0);

  // Silence: the client gives up on its own and reconnects.
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::disconnected) == 1; }, 5s));
  CHECK(runner.stats().public_stream.idle_timeouts >= 1);
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 2; }));
  CHECK(server.ws_count() >= 2);
}

TEST_CASE("exchange error frames are forwarded like frames and counted", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));
  const std::string error = R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})";
  server.ws_send(0, error);
  server.ws_send(0, trade_frame(1));
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::frame) == 2; }));
  CHECK(sink.of(kPublic)[1].payload == error);
  CHECK(runner.stats().public_stream.error_frames == 1);
}

TEST_CASE("a refused private subscription (error frame) ends that connection and retries", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.accounts = {test_account(0, 0, "alpha/main")};
  const Source alpha{SourceKind::mm, 0, 0};
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return sink.count(alpha, InboundKind::connected) == 1; }));
  const std::string error = R"({"id":null,"error":{"code":4003,"message":"Invalid signature"}})";
  server.ws_send(0, error);
  REQUIRE(wait_until([&] { return sink.count(alpha, InboundKind::connected) == 2; }));
  std::vector<InboundKind> kinds;
  for (const auto& r : sink.of(alpha)) kinds.push_back(r.kind);
  using K = InboundKind;
  CHECK(kinds == std::vector<K>{K::connected, K::frame, K::disconnected, K::connected});
  CHECK(sink.of(alpha)[1].payload == error);
  CHECK(runner.stats().accounts[0].error_frames == 1);
  CHECK(server.ws_count() == 2);
}

TEST_CASE("back-pressure: a refusing sink loses nothing, keeps order and is not a stale connection", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  options.stale_after = 300'000;
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));

  sink.refuse(true);
  for (int i = 0; i < 500; ++i) server.ws_send(0, trade_frame(i));
  REQUIRE(wait_until([&] { return sink.refused() >= 50; }));  // ~1 retry per ms
  CHECK(runner.stats().backpressure_waits >= 1);
  // Refuse for longer than stale_after: waiting on the engine is not the server's silence.
  const uint64_t refused_before = sink.refused();
  REQUIRE(wait_until([&] { return sink.refused() >= refused_before + 400; }));
  sink.refuse(false);

  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::frame) == 500; }));
  const auto items = sink.of(kPublic);
  REQUIRE(items.size() == 501);
  for (int i = 0; i < 500; ++i) CHECK(items[size_t(i) + 1].payload == trade_frame(i));
  CHECK(sink.count(kPublic, InboundKind::disconnected) == 0);
  CHECK(runner.stats().public_stream.idle_timeouts == 0);
}

TEST_CASE("stop(): disconnected for every source that was up, then done, then silence", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC", "SOL_USDC_PERP"};
  options.accounts = {test_account(0, 0, "alpha/main"), test_account(1, 0, "beta/main")};
  const Source alpha{SourceKind::mm, 0, 0}, beta{SourceKind::mm, 1, 0};
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] {
    return sink.count(kPublic, InboundKind::connected) == 1 && sink.count(alpha, InboundKind::connected) == 1 &&
           sink.count(beta, InboundKind::connected) == 1;
  }));
  REQUIRE(wait_until([&] { return server.ws_count() == 3; }));

  REQUIRE(runner.stop());
  for (const Source& s : {kPublic, alpha, beta}) {
    CHECK(sink.count(s, InboundKind::disconnected) == 1);
    CHECK(sink.of(s).back().kind == InboundKind::disconnected);
  }
  // The close handshake reached the server.
  CHECK(wait_until([&] { return !server.ws_open(0) && !server.ws_open(1) && !server.ws_open(2); }));
  const size_t pushed = sink.size();
  for (size_t i = 0; i < 3; ++i) server.ws_send(i, trade_frame(1));
  std::this_thread::sleep_for(50ms);  // not an assertion on timing: nothing may come at all
  CHECK(sink.size() == pushed);
  CHECK_FALSE(runner.stats().public_up());
}

TEST_CASE("a client destroyed without stop() never pushes again", "[net][ws]") {
  TestServer server;
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });
  auto client = std::make_unique<ExchangeClient>(io, options, sink);
  client->start();
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));
  client.reset();  // the io thread keeps running
  const size_t pushed = sink.size();
  REQUIRE(wait_until([&] { return !server.ws_open(0); }));  // it still closes in the background
  server.ws_send(0, trade_frame(1));
  std::this_thread::sleep_for(50ms);  // not a timing assertion: nothing may come at all
  CHECK(sink.size() == pushed);
  guard.reset();
  io.stop();
  thread.join();
}

TEST_CASE("nobody listening: failures are counted and retried, nothing is pushed", "[net][ws]") {
  RecordingSink sink;
  ClientOptions options;
  const uint16_t port = unused_port();
  options.ws_url = "ws://127.0.0.1:" + std::to_string(port);
  options.rest_url = "http://127.0.0.1:" + std::to_string(port);
  options.symbols = {"SOL_USDC"};
  options.reconnect_min = 10'000;
  options.reconnect_max = 50'000;
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return runner.stats().public_stream.connect_failures >= 3; }));
  CHECK(runner.stats().public_stream.reconnect_attempts >= 2);
  CHECK(runner.stats().public_stream.connects == 0);
  REQUIRE(runner.stop());
  CHECK(sink.size() == 0);
}

}  // namespace mm::test
