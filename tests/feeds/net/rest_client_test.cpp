// The REST side of ExchangeClient: depth snapshots, signed open orders, retries, order.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "feeds/net/exchange_client.h"
#include "feeds/signing.h"
#include "tests/feeds/net/net_test_util.h"

namespace mm::test {
namespace {

using namespace std::chrono_literals;

std::string depth_body(const std::string& symbol) {
  return R"({"asks":[["100.5","1"]],"bids":[["100.1","2"]],"lastUpdateId":"42","timestamp":1,"s":")" + symbol + "\"}";
}

// Answers the depth endpoint with a body naming the symbol.
HttpReply depth_reply(const HttpRequestRecord& r) {
  const std::string prefix = "/api/v1/depth?symbol=";
  if (r.method == "GET" && r.target.rfind(prefix, 0) == 0) return {200, depth_body(r.target.substr(prefix.size()))};
  return {404, "not found"};
}

std::string header(const HttpRequestRecord& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

}  // namespace

TEST_CASE("REST depth: GET /api/v1/depth?symbol=S, body pushed as kind=rest from {rest}", "[net][rest]") {
  TestServer server;
  server.set_http_handler(depth_reply);
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC", "MU.US_USDC_PERP"};
  ClientRunner runner(options, sink);

  runner.client().request_depth(1);
  REQUIRE(wait_until([&] { return sink.count(kRest, InboundKind::rest) == 1; }));
  const Received r = sink.of(kRest)[0];
  CHECK(r.path == "/api/v1/depth?symbol=MU.US_USDC_PERP");
  CHECK(r.payload == depth_body("MU.US_USDC_PERP"));
  CHECK(std::abs(r.ts - system_clock().now_us()) < 60 * kUsPerSecond);
  const auto requests = server.http_requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].target == "/api/v1/depth?symbol=MU.US_USDC_PERP");
  CHECK(header(requests[0], "host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(header(requests[0], "x-signature").empty());  // public endpoint: unsigned
  CHECK(runner.stats().rest_ok == 1);
}

TEST_CASE("REST open orders: signed with X-API-Key, X-Signature, X-Timestamp, X-Window", "[net][rest]") {
  TestServer server;
  const AccountKey key = test_account_key();
  server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
    if (r.target != "/api/v1/orders") return {404, "not found"};
    const std::string message =
        "instruction=orderQueryAll&timestamp=" + header(r, "x-timestamp") + "&window=" + header(r, "x-window");
    if (header(r, "x-api-key") != key.api_key || !verify_b64(header(r, "x-api-key"), message, header(r, "x-signature")))
      return {401, R"({"code":"INVALID_SIGNATURE"})"};
    return {200,
            R"([{"id":"1","symbol":"SOL_USDC","side":"Bid","price":"100","quantity":"1","executedQuantity":"0"}])"};
  });
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  options.accounts = {test_account(3, 1, "gamma/sub")};
  options.window_ms = 7000;
  ClientRunner runner(options, sink);

  runner.client().request_open_orders(3, 1);
  const Source orders{SourceKind::mm_rest, 3, 1};
  REQUIRE(wait_until([&] { return sink.count(orders, InboundKind::rest) == 1; }));
  CHECK(runner.stats().rest_failed == 0);
  const Received r = sink.of(orders)[0];
  CHECK(r.path == "/api/v1/orders");
  CHECK(r.payload.find("\"executedQuantity\"") != std::string::npos);
  const auto request = server.http_requests().at(0);
  CHECK(header(request, "x-window") == "7000");
  CHECK(std::abs(std::stoll(header(request, "x-timestamp")) - system_clock().now_us() / 1000) < 60'000);

  // An account the client does not know is refused without a request.
  runner.client().request_open_orders(9, 9);
  runner.client().request_open_orders(3, 1);
  REQUIRE(wait_until([&] { return sink.count(orders, InboundKind::rest) == 2; }));
  CHECK(server.http_requests().size() == 2);
}

TEST_CASE("REST: a 500 is retried with backoff until it succeeds", "[net][rest]") {
  TestServer server;
  std::atomic<int> calls{0};
  server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
    if (++calls <= 2) return {500, R"({"code":"INTERNAL"})"};
    return depth_reply(r);
  });
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"SOL_USDC"};
  ClientRunner runner(options, sink);
  runner.client().request_depth(0);
  REQUIRE(wait_until([&] { return sink.count(kRest, InboundKind::rest) == 1; }));
  CHECK(calls == 3);
  CHECK(runner.stats().rest_failed == 2);
  CHECK(runner.stats().rest_ok == 1);
  CHECK(sink.of(kRest)[0].payload == depth_body("SOL_USDC"));
  std::this_thread::sleep_for(50ms);  // no late duplicate may follow
  CHECK(sink.count(kRest, InboundKind::rest) == 1);
}

TEST_CASE("REST: one at a time keeps request order, and a request already waiting is merged", "[net][rest]") {
  TestServer server;
  server.set_http_handler(depth_reply);
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"A_USDC", "B_USDC", "C_USDC", "D_USDC", "E_USDC"};
  options.max_concurrent_rest = 1;
  ClientRunner runner(options, sink);

  // Posted from one io handler, so the requests reach the client back to back.
  runner.on_io([&] {
    for (uint32_t m : {0u, 1u, 2u, 3u, 4u, 2u, 99u}) runner.client().request_depth(m);
  });
  REQUIRE(wait_until([&] { return sink.count(kRest, InboundKind::rest) == 5; }));
  const auto items = sink.of(kRest);
  for (size_t i = 0; i < 5; ++i) CHECK(items[i].path == "/api/v1/depth?symbol=" + options.symbols[i]);
  CHECK(runner.stats().rest_coalesced == 1);  // the second request for C_USDC
  CHECK(server.http_requests().size() == 5);
}

TEST_CASE("REST: a server that never answers times out and is retried", "[net][rest]") {
  // A socket that listens but never accepts: the connection completes, nobody answers.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 16) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);

  RecordingSink sink;
  ClientOptions options;
  options.ws_url = "ws://127.0.0.1:1";
  options.rest_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  options.rest_timeout = 200'000;
  options.reconnect_min = 10'000;
  options.reconnect_max = 20'000;
  options.symbols = {"SOL_USDC"};
  {
    ClientRunner runner(options, sink);
    runner.client().request_depth(0);
    REQUIRE(wait_until([&] { return runner.stats().rest_failed >= 2; }));
    CHECK(runner.stats().rest_ok == 0);
    REQUIRE(runner.stop());
  }
  ::close(fd);
  CHECK(sink.size() == 0);
}

}  // namespace mm::test
