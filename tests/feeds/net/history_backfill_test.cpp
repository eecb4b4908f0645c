// ExchangeClient's history backfills against a real server on loopback: which pages are
// requested and pushed, when paging stops, bounded retries, signing, merging, stop().
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/backfill.h"
#include "feeds/net/exchange_client.h"
#include "feeds/net/url.h"
#include "feeds/signing.h"
#include "tests/feeds/net/net_test_util.h"

namespace mm::test {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr int64_t kBaseMs = 1'700'000'000'000;
int64_t trade_ms(uint64_t id) { return kBaseMs + int64_t(id) * 1000; }

std::string header(const HttpRequestRecord& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

std::string query_value(const HttpRequestRecord& r, std::string_view key) {
  const auto query = net::QueryParams::parse(net::split_target(r.target).query);
  return query ? std::string(query->first(key).value_or("?")) : "?";
}

// The exchange's trades 1..newest, newest first, paged by limit and offset.
HttpReply trade_history(const HttpRequestRecord& r, uint64_t newest) {
  if (net::split_target(r.target).path != "/api/v1/trades/history") return {404, "not found"};
  const uint64_t limit = std::stoull(query_value(r, "limit")), offset = std::stoull(query_value(r, "offset"));
  std::string body = "[";
  for (uint64_t i = 0; i < limit && offset + i < newest; ++i) {
    const uint64_t id = newest - offset - i;
    if (i > 0) body += ',';
    body += R"({"id":)" + std::to_string(id) + R"(,"price":"100","quantity":"1","quoteQuantity":"100","timestamp":)" +
            std::to_string(trade_ms(id)) + R"(,"isBuyerMaker":true})";
  }
  return {200, body + "]"};
}

// `total` fills of one account, paged by limit and offset (contents do not matter here).
std::string fills_page(uint64_t total, uint64_t limit, uint64_t offset) {
  std::string body = "[";
  for (uint64_t i = offset; i < total && i < offset + limit; ++i) {
    if (i > offset) body += ',';
    body += R"({"tradeId":)" + std::to_string(1000 + i) + R"(,"isMaker":true,"timestamp":1700000000000})";
  }
  return body + "]";
}

std::string trades_page_path(int64_t offset) {
  return "/api/v1/trades/history?symbol=SOL_USDC&limit=10&offset=" + std::to_string(offset);
}

std::vector<std::string> requested(const TestServer& server) {
  std::vector<std::string> out;
  for (const auto& r : server.http_requests()) out.push_back(r.target);
  return out;
}

std::vector<std::string> pushed_paths(const RecordingSink& sink, const Source& source) {
  std::vector<std::string> out;
  for (const auto& r : sink.of(source))
    if (r.kind == InboundKind::rest) out.push_back(r.path);
  return out;
}

const BackfillStats& trades_of(const ClientRunner& runner) { return runner.stats().backfill_of(BackfillKind::trades); }
const BackfillStats& fills_of(const ClientRunner& runner) { return runner.stats().backfill_of(BackfillKind::fills); }

bool ended(const BackfillStats& s, uint64_t n = 1) { return s.backfills_done + s.backfills_failed >= n; }

ClientOptions backfill_options(const TestServer& server) {
  ClientOptions o = test_options(server);
  o.symbols = {"SOL_USDC"};
  o.backfill_page_limit = 10;
  return o;
}

// Runs one trade backfill to its end against `newest` trades; the pages requested.
std::vector<std::string> trade_backfill(uint64_t newest, TradeBackfillTarget target, int max_pages = 50) {
  TestServer server;
  server.set_http_handler([newest](const HttpRequestRecord& r) { return trade_history(r, newest); });
  RecordingSink sink;
  ClientOptions options = backfill_options(server);
  options.backfill_max_pages = max_pages;
  ClientRunner runner(options, sink);
  runner.client().request_trade_history(0, target);
  REQUIRE(wait_until([&] { return ended(trades_of(runner)); }));
  std::this_thread::sleep_for(30ms);  // nothing may follow the end
  const auto pages = requested(server);
  CHECK(pushed_paths(sink, kRest) == pages);  // each page pushed once, with the path asked for
  for (const auto& r : sink.of(kRest)) CHECK(r.payload == trade_history({"GET", r.path, {}}, newest).body);
  CHECK(trades_of(runner).backfills_started == 1);
  CHECK(trades_of(runner).backfills_done == 1);
  CHECK(trades_of(runner).backfills_failed == 0);
  CHECK(trades_of(runner).requests_ok == pages.size());
  CHECK(trades_of(runner).requests_retried == 0);
  return pages;
}

}  // namespace

TEST_CASE("trade backfill: pages newest first until the target holds", "[net][backfill]") {
  const std::vector<std::string> three = {trades_page_path(0), trades_page_path(10), trades_page_path(20)};
  SECTION("down_to_id: 35 trades, pages 35..26, 25..16, 15..6: the third reaches id 7") {
    CHECK(trade_backfill(35, {7, std::nullopt}) == three);
  }
  SECTION("down_to_id equal to the oldest of a page is enough; one below needs the next page") {
    CHECK(trade_backfill(35, {6, std::nullopt}) == three);
    CHECK(trade_backfill(35, {5, std::nullopt}).size() == 4);  // offset 30: ids 5..1, a short page
  }
  SECTION("25 trades, down_to_id 3: the third page (ids 5..1) is short and reaches it") {
    CHECK(trade_backfill(25, {3, std::nullopt}) == three);
  }
  SECTION("since: the first page whose oldest trade is strictly before it") {
    // Page 2 (25..16): the oldest, 16, is before trade 20's time.
    CHECK(trade_backfill(35, {std::nullopt, trade_ms(20) * 1000}).size() == 2);
    // At trade 16's time exactly, 16 is not before it: one more page.
    CHECK(trade_backfill(35, {std::nullopt, trade_ms(16) * 1000}) == three);
    CHECK(trade_backfill(35, {std::nullopt, trade_ms(16) * 1000 + 1}).size() == 2);
  }
  SECTION("both set: both must hold") {
    CHECK(trade_backfill(35, {30, trade_ms(20) * 1000}).size() == 2);  // ids hold on page 1, time on page 2
    CHECK(trade_backfill(35, {7, trade_ms(30) * 1000}) == three);     // time on page 1, ids on page 3
  }
  SECTION("neither set: the first page only") {
    CHECK(trade_backfill(35, {}) == std::vector<std::string>{trades_page_path(0)});
  }
  SECTION("a short page ends it: the exchange has nothing older") {
    CHECK(trade_backfill(15, {std::nullopt, 1}) == std::vector<std::string>{trades_page_path(0), trades_page_path(10)});
    CHECK(trade_backfill(0, {1, std::nullopt}) == std::vector<std::string>{trades_page_path(0)});
  }
  SECTION("backfill_max_pages ends it") {
    CHECK(trade_backfill(1000, {1, std::nullopt}, 3) == three);
    CHECK(trade_backfill(1000, {1, std::nullopt}, 1).size() == 1);
  }
}

TEST_CASE("trade backfill: the default page is limit=1000", "[net][backfill]") {
  TestServer server;
  server.set_http_handler([](const HttpRequestRecord& r) { return trade_history(r, 5); });
  RecordingSink sink;
  ClientOptions options = test_options(server);
  options.symbols = {"A_USDC", "MU.US_USDC_PERP"};
  ClientRunner runner(options, sink);
  runner.client().request_trade_history(1, {});
  runner.client().request_trade_history(7, {});  // unknown market: nothing
  REQUIRE(wait_until([&] { return ended(trades_of(runner)); }));
  const std::vector<std::string> one_page = {"/api/v1/trades/history?symbol=MU.US_USDC_PERP&limit=1000&offset=0"};
  CHECK(requested(server) == one_page);
  CHECK(trades_of(runner).backfills_started == 1);
}

TEST_CASE("backfill retries: 429 and 5xx retried with backoff, at most backfill_attempts", "[net][backfill]") {
  TestServer server;
  std::atomic<int> calls{0};
  std::atomic<unsigned> failure_status{429};
  std::atomic<int> failures{2};
  server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
    if (++calls <= failures) return {failure_status, R"({"code":"EXCHANGE_ERROR"})"};
    return trade_history(r, 35);
  });
  RecordingSink sink;
  ClientOptions options = backfill_options(server);
  const auto wait_end = [&](ClientRunner& runner) {
    REQUIRE(wait_until([&] { return ended(trades_of(runner)); }));
    std::this_thread::sleep_for(30ms);
  };

  SECTION("429 twice, then 200: the page is pushed once") {
    ClientRunner runner(options, sink);
    runner.client().request_trade_history(0, {});
    wait_end(runner);
    CHECK(calls == 3);
    CHECK(pushed_paths(sink, kRest) == std::vector<std::string>{trades_page_path(0)});
    CHECK(trades_of(runner).requests_retried == 2);
    CHECK(trades_of(runner).requests_ok == 1);
    CHECK(trades_of(runner).requests_failed == 0);
    CHECK(trades_of(runner).backfills_done == 1);
  }
  SECTION("five 503s: the backfill fails, nothing is pushed") {
    failure_status = 503;
    failures = 100;
    ClientRunner runner(options, sink);
    runner.client().request_trade_history(0, {7, std::nullopt});
    wait_end(runner);
    CHECK(calls == 5);
    CHECK(sink.count(kRest, InboundKind::rest) == 0);
    CHECK(trades_of(runner).requests_retried == 4);
    CHECK(trades_of(runner).requests_failed == 1);
    CHECK(trades_of(runner).requests_ok == 0);
    CHECK(trades_of(runner).backfills_failed == 1);
    CHECK(trades_of(runner).backfills_done == 0);
  }
  SECTION("a 400 fails at once: one attempt") {
    failure_status = 400;
    failures = 100;
    ClientRunner runner(options, sink);
    runner.client().request_trade_history(0, {7, std::nullopt});
    wait_end(runner);
    CHECK(calls == 1);
    CHECK(sink.count(kRest, InboundKind::rest) == 0);
    CHECK(trades_of(runner).requests_retried == 0);
    CHECK(trades_of(runner).requests_failed == 1);
    CHECK(trades_of(runner).backfills_failed == 1);
  }
  SECTION("a failure on a later page keeps the pages before it") {
    failure_status = 400;
    failures = 0;
    server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
      ++calls;
      if (query_value(r, "offset") == "10") return {404, "gone"};
      return trade_history(r, 35);
    });
    ClientRunner runner(options, sink);
    runner.client().request_trade_history(0, {7, std::nullopt});
    wait_end(runner);
    CHECK(pushed_paths(sink, kRest) == std::vector<std::string>{trades_page_path(0)});
    CHECK(trades_of(runner).requests_ok == 1);
    CHECK(trades_of(runner).backfills_failed == 1);
  }
}

TEST_CASE("backfill retries: network errors count as attempts too", "[net][backfill]") {
  RecordingSink sink;
  ClientOptions options;
  options.ws_url = "ws://127.0.0.1:1";
  options.rest_url = "http://127.0.0.1:" + std::to_string(unused_port());
  options.reconnect_min = 5'000;
  options.reconnect_max = 20'000;
  options.symbols = {"SOL_USDC"};
  options.accounts = {test_account(2, 0, "bravo/main")};
  options.backfill_attempts = 3;
  ClientRunner runner(options, sink);
  runner.client().request_fill_history(2, 0, 1'000'000, 2'000'000);
  REQUIRE(wait_until([&] { return ended(fills_of(runner)); }));
  CHECK(fills_of(runner).requests_retried == 2);
  CHECK(fills_of(runner).requests_failed == 1);
  CHECK(fills_of(runner).backfills_failed == 1);
  CHECK(sink.size() == 0);
}

namespace {

// A bare HTTP/1.1 server on loopback: each connection gets the next scripted response,
// written verbatim (TestServer sends no extra headers such as Retry-After).
class ScriptedHttpServer {
 public:
  explicit ScriptedHttpServer(std::vector<std::string> responses) : responses_(std::move(responses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  std::vector<Steady::time_point> arrivals() const {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }

 private:
  void serve() {
    for (size_t served = 0; !stop_;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const int connection = ::accept(fd_, nullptr, nullptr);
      if (connection < 0) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, size_t(n));
      }
      {
        std::lock_guard lock(mutex_);
        arrivals_.push_back(Steady::now());
      }
      const std::string& response = responses_[std::min(served++, responses_.size() - 1)];
      (void)!::send(connection, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(connection);
    }
  }

  std::vector<std::string> responses_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Steady::time_point> arrivals_;
  std::thread thread_;
};

std::string raw_response(const std::string& status_line, const std::string& extra_headers, const std::string& body) {
  return "HTTP/1.1 " + status_line + "\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace

TEST_CASE("backfill retries: a 429's Retry-After is the least delay", "[net][backfill]") {
  ScriptedHttpServer server({raw_response("429 Too Many Requests", "Retry-After: 1\r\n", "{}"),
                             raw_response("200 OK", "", "[]")});
  RecordingSink sink;
  ClientOptions options;
  options.ws_url = "ws://127.0.0.1:1";
  options.rest_url = "http://127.0.0.1:" + std::to_string(server.port());
  options.reconnect_min = 10'000;  // the backoff alone would retry within 50 ms
  options.reconnect_max = 50'000;
  options.symbols = {"SOL_USDC"};
  ClientRunner runner(options, sink);
  runner.client().request_trade_history(0, {});
  REQUIRE(wait_until([&] { return ended(trades_of(runner)); }));
  const auto arrivals = server.arrivals();
  REQUIRE(arrivals.size() == 2);
  CHECK(arrivals[1] - arrivals[0] >= 1s);
  CHECK(arrivals[1] - arrivals[0] < 5s);
  CHECK(trades_of(runner).requests_retried == 1);
  CHECK(trades_of(runner).backfills_done == 1);
  const std::vector<std::string> one_page = {"/api/v1/trades/history?symbol=SOL_USDC&limit=1000&offset=0"};
  CHECK(pushed_paths(sink, kRest) == one_page);
}

TEST_CASE("fill backfill: signed over every query parameter, paged while pages are full", "[net][backfill]") {
  TestServer server;
  const AccountKey key = test_account_key();
  std::atomic<int> bad_signatures{0};
  server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
    const auto target = net::split_target(r.target);
    if (target.path != "/wapi/v1/history/fills") return {404, "not found"};
    if (net::QueryParams::parse(target.query)->items().size() != 5) return {400, "unexpected parameters"};
    const auto v = [&](std::string_view k) { return query_value(r, k); };
    const std::string message = "instruction=fillHistoryQueryAll&fillType=" + v("fillType") + "&from=" + v("from") +
                                "&limit=" + v("limit") + "&offset=" + v("offset") + "&to=" + v("to") +
                                "&timestamp=" + header(r, "x-timestamp") + "&window=" + header(r, "x-window");
    if (header(r, "x-api-key") != key.api_key || !verify_b64(key.api_key, message, header(r, "x-signature"))) {
      ++bad_signatures;
      return {401, R"({"code":"INVALID_SIGNATURE"})"};
    }
    return {200, fills_page(25, std::stoull(v("limit")), std::stoull(v("offset")))};
  });
  ManualClock clock(1'700'000'100'000'500);
  RecordingSink sink;
  ClientOptions options = backfill_options(server);
  options.accounts = {test_account(1, 0, "alpha/main"), test_account(3, 1, "gamma/sub")};
  options.window_ms = 6000;
  options.clock = &clock;
  ClientRunner runner(options, sink);
  const Source gamma{SourceKind::mm_rest, 3, 1};
  const auto path = [](const std::string& from, const std::string& to, int offset) {
    return "/wapi/v1/history/fills?fillType=User&from=" + from + "&limit=10&offset=" + std::to_string(offset) +
           "&to=" + to;
  };

  SECTION("from rounds down, to rounds up to whole ms; 25 fills: three pages") {
    runner.client().request_fill_history(3, 1, 1'700'000'000'123'456, 1'700'000'060'456'001);
    REQUIRE(wait_until([&] { return ended(fills_of(runner)); }));
    const std::vector<std::string> pages = {path("1700000000123", "1700000060457", 0),
                                            path("1700000000123", "1700000060457", 10),
                                            path("1700000000123", "1700000060457", 20)};
    CHECK(requested(server) == pages);
    CHECK(pushed_paths(sink, gamma) == pages);
    CHECK(sink.of(gamma).at(2).payload == fills_page(25, 10, 20));
    CHECK(bad_signatures == 0);
    const auto first = server.http_requests().at(0);
    CHECK(header(first, "x-timestamp") == "1700000100000");  // the client's clock, in ms
    CHECK(header(first, "x-window") == "6000");
    CHECK(fills_of(runner).backfills_done == 1);
    CHECK(fills_of(runner).requests_ok == 3);
    CHECK(trades_of(runner).requests_ok == 0);
  }
  SECTION("to == 0 is the client's clock at the request; whole ms stay as they are") {
    runner.client().request_fill_history(3, 1, 1'700'000'000'000'000, 0);
    REQUIRE(wait_until([&] { return ended(fills_of(runner)); }));
    CHECK(requested(server).at(0) == path("1700000000000", "1700000100001", 0));
  }
  SECTION("the page limit caps a window with more fills than max_pages hold") {
    runner.stop();  // a fresh client with a page cap
    ClientOptions capped = options;
    capped.backfill_max_pages = 2;
    ClientRunner second(capped, sink);
    second.client().request_fill_history(3, 1, 0, 1000);
    REQUIRE(wait_until([&] { return ended(fills_of(second)); }));
    CHECK(requested(server) == std::vector<std::string>{path("0", "1", 0), path("0", "1", 10)});
    CHECK(fills_of(second).backfills_done == 1);
  }
  SECTION("unknown accounts and reversed windows start nothing") {
    runner.client().request_fill_history(9, 9, 0, 1000);
    runner.client().request_fill_history(3, 1, 5000, 1000);
    std::this_thread::sleep_for(50ms);
    CHECK(server.http_requests().empty());
    CHECK(fills_of(runner).backfills_started == 0);
  }
}

TEST_CASE("backfill merge: a request while one runs widens it instead of starting another", "[net][backfill]") {
  TestServer server;
  server.set_http_handler([](const HttpRequestRecord& r) -> HttpReply {
    if (net::split_target(r.target).path == "/wapi/v1/history/fills") return {200, fills_page(5, 10, 0)};
    return trade_history(r, 35);
  });
  RecordingSink sink;
  ClientOptions options = backfill_options(server);
  options.accounts = {test_account(1, 0, "alpha/main")};
  ClientRunner runner(options, sink);
  const std::vector<std::string> three = {trades_page_path(0), trades_page_path(10), trades_page_path(20)};

  // Posted from one io handler, so both reach the client before any page returns.
  const auto together = [&](std::function<void()> requests) {
    runner.on_io(std::move(requests));
    REQUIRE(wait_until([&] { return ended(trades_of(runner)) || ended(fills_of(runner)); }));
    std::this_thread::sleep_for(30ms);
  };

  SECTION("trades: the smaller down_to_id wins") {
    together([&] {
      runner.client().request_trade_history(0, {30, std::nullopt});  // alone: page 1 only
      runner.client().request_trade_history(0, {7, std::nullopt});
    });
    CHECK(requested(server) == three);
    CHECK(pushed_paths(sink, kRest) == three);
    CHECK(trades_of(runner).backfills_started == 1);
    CHECK(trades_of(runner).backfills_merged == 1);
    CHECK(trades_of(runner).backfills_done == 1);
  }
  SECTION("trades: an unset condition is no requirement, so the set one stays") {
    together([&] {
      runner.client().request_trade_history(0, {});  // alone: the first page
      runner.client().request_trade_history(0, {std::nullopt, trade_ms(16) * 1000});
      runner.client().request_trade_history(0, {});
    });
    CHECK(requested(server) == three);
    CHECK(trades_of(runner).backfills_merged == 2);
  }
  SECTION("trades: once one ended, a new request starts again at offset 0") {
    runner.client().request_trade_history(0, {});
    REQUIRE(wait_until([&] { return ended(trades_of(runner)); }));
    runner.client().request_trade_history(0, {});
    REQUIRE(wait_until([&] { return ended(trades_of(runner), 2); }));
    CHECK(requested(server) == std::vector<std::string>{trades_page_path(0), trades_page_path(0)});
    CHECK(trades_of(runner).backfills_started == 2);
    CHECK(trades_of(runner).backfills_merged == 0);
  }
  SECTION("fills: earlier from, later to; the grown window is paged again from offset 0") {
    together([&] {
      runner.client().request_fill_history(1, 0, 2'000'000, 3'000'000);
      runner.client().request_fill_history(1, 0, 1'000'000, 4'000'000);
    });
    CHECK(requested(server) ==
          std::vector<std::string>{"/wapi/v1/history/fills?fillType=User&from=2000&limit=10&offset=0&to=3000",
                                   "/wapi/v1/history/fills?fillType=User&from=1000&limit=10&offset=0&to=4000"});
    CHECK(fills_of(runner).backfills_started == 1);
    CHECK(fills_of(runner).backfills_merged == 1);
    CHECK(fills_of(runner).backfills_done == 1);
  }
  SECTION("fills: a window inside the running one changes nothing") {
    together([&] {
      runner.client().request_fill_history(1, 0, 1'000'000, 4'000'000);
      runner.client().request_fill_history(1, 0, 2'000'000, 3'000'000);
    });
    CHECK(requested(server).size() == 1);
    CHECK(fills_of(runner).backfills_merged == 1);
  }
}

TEST_CASE("backfill: a body that is not an array of trades is pushed once and ends it as failed", "[net][backfill]") {
  TestServer server;
  std::atomic<int> variant{0};
  const std::vector<std::string> bodies = {R"({"code":"INVALID_SYMBOL","message":"bad"})", R"([{"id":1}])", "[1,2]"};
  server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
    if (net::split_target(r.target).path == "/wapi/v1/history/fills") return {200, "<html>maintenance</html>"};
    return {200, bodies[size_t(variant.load())]};
  });
  RecordingSink sink;
  ClientOptions options = backfill_options(server);
  options.accounts = {test_account(1, 0, "alpha/main")};
  for (int v = 0; v < 3; ++v) {
    variant = v;
    ClientRunner runner(options, sink);
    runner.client().request_trade_history(0, {7, std::nullopt});
    REQUIRE(wait_until([&] { return ended(trades_of(runner)); }));
    std::this_thread::sleep_for(30ms);
    CHECK(trades_of(runner).backfills_failed == 1);
    CHECK(trades_of(runner).requests_ok == 1);
    CHECK(trades_of(runner).requests_failed == 0);
  }
  const auto pushed = sink.of(kRest);
  REQUIRE(pushed.size() == 3);
  for (size_t v = 0; v < 3; ++v) CHECK(pushed[v].payload == bodies[v]);
  CHECK(server.http_requests().size() == 3);

  ClientRunner runner(options, sink);
  runner.client().request_fill_history(1, 0, 0, 1000);
  REQUIRE(wait_until([&] { return ended(fills_of(runner)); }));
  CHECK(fills_of(runner).backfills_failed == 1);
  CHECK(sink.count(Source{SourceKind::mm_rest, 1, 0}, InboundKind::rest) == 1);
}

TEST_CASE("backfill: stop() ends it, nothing is pushed afterwards", "[net][backfill]") {
  TestServer server;
  std::atomic<bool> release{false};
  server.set_http_handler([&](const HttpRequestRecord& r) -> HttpReply {
    for (int i = 0; i < 2000 && !release; ++i) std::this_thread::sleep_for(1ms);
    return trade_history(r, 35);
  });
  RecordingSink sink;
  ClientRunner runner(backfill_options(server), sink);
  runner.client().request_trade_history(0, {1, std::nullopt});
  REQUIRE(wait_until([&] { return server.http_requests().size() == 1; }));
  REQUIRE(runner.stop());
  release = true;
  std::this_thread::sleep_for(100ms);
  CHECK(sink.count(kRest, InboundKind::rest) == 0);
  CHECK(server.http_requests().size() == 1);
  CHECK(trades_of(runner).backfills_started == 1);
  CHECK(trades_of(runner).backfills_done + trades_of(runner).backfills_failed == 0);
}

}  // namespace mm::test
