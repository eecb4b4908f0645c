// GET /v1/stream over a real WebSocket: scoped updates after publishes, month_closed,
// slow clients dropped at the queue limit, revoked tokens closed.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"
#include "tests/daemon/api/raw_client.h"

using namespace api_test;
using scoring_test::parse_json;

namespace {

mm::api::ApiOptions fast_push() {
  mm::api::ApiOptions o;
  o.push_interval = 10'000;  // 10 ms
  return o;
}

// Reads until a message of `type` arrives (or the deadline passes).
std::optional<std::string> next_of_type(WsClient& ws, const std::string& type, int timeout_ms = 10000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::optional<std::string> m = ws.read_message(timeout_ms);
    if (!m) return std::nullopt;
    if (m->find("\"type\":\"" + type + "\"") != std::string::npos) return m;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("stream: scoped updates on connect and after each publish") {
  Server s(fast_push());
  WsClient ops, alpha, by_query;
  REQUIRE(ops.connect(s.port(), "/v1/stream", kOpsToken) == 101);
  REQUIRE(alpha.connect(s.port(), "/v1/stream", kAlphaToken) == 101);
  // Browsers cannot set headers on a WebSocket: the token may come in the query.
  REQUIRE(by_query.connect(s.port(), "/v1/stream?token=beta-token-0123456789abcdef") == 101);
  WsClient refused;
  CHECK(refused.connect(s.port(), "/v1/stream?token=nope-nope-nope-nope") == 401);
  WsClient no_query_elsewhere;
  CHECK(http_get(s.port(), "/v1/markets?token=" + std::string(kOpsToken)).status == 401);  // stream only

  // The current view at once, without waiting for a publish.
  const std::optional<std::string> first = ops.read_message();
  REQUIRE(first);
  const auto j = parse_json(*first);
  CHECK(j["type"].str() == "update");
  CHECK(j["mms"].size() == 3);

  std::vector<std::string> alpha_messages, beta_messages;
  for (int k = 1; k <= 3; ++k) {
    s.publish(mm::system_clock().now_us() + k);
    const std::optional<std::string> a = alpha.read_message();
    const std::optional<std::string> b = by_query.read_message();
    REQUIRE(a);
    REQUIRE(b);
    alpha_messages.push_back(*a);
    beta_messages.push_back(*b);
  }
  for (const std::string& m : alpha_messages) {
    CHECK(m.find("beta") == std::string::npos);
    CHECK(m.find("gamma") == std::string::npos);
    const auto u = parse_json(m);
    REQUIRE(u["mms"].size() == 1);
    CHECK(u["mms"][0]["mm_id"].str() == "alpha");
    for (const auto& market : u["markets"].items) CHECK(market["mms"].size() == 1);
  }
  for (const std::string& m : beta_messages) {
    CHECK(m.find("alpha") == std::string::npos);
    CHECK(m.find("gamma") == std::string::npos);
  }
  CHECK(s.server->stats().ws_clients == 3);
}

TEST_CASE("stream: month_closed when the engine froze a month") {
  Server s(fast_push());
  WsClient ws;
  REQUIRE(ws.connect(s.port(), "/v1/stream", kRiskToken) == 101);
  REQUIRE(ws.read_message());
  s.publish(mm::system_clock().now_us() + 1);  // seen by the server: months_closed 0, April
  REQUIRE(next_of_type(ws, "update"));
  auto next = make_state(s.program, mm::system_clock().now_us() + 2);
  next->months_closed = 1;
  next->report.month = YearMonth{2026, 5};
  s.published.publish(std::move(next));
  const std::optional<std::string> closed = next_of_type(ws, "month_closed");
  REQUIRE(closed);
  CHECK(parse_json(*closed)["month"].str() == "2026-04");
  const std::optional<std::string> update = next_of_type(ws, "update");
  REQUIRE(update);
  CHECK(parse_json(*update)["month"].str() == "2026-05");
}

TEST_CASE("stream: a client that never reads is dropped at the queue limit, the others go on") {
  mm::api::ApiOptions o = fast_push();
  o.push_interval = 2'000;      // 2 ms
  o.socket_send_buffer = 4096;  // small kernel buffers: the queue fills after a few messages
  Server s(o);
  WsClient reader, stuck;
  REQUIRE(reader.connect(s.port(), "/v1/stream", kOpsToken) == 101);
  REQUIRE(stuck.connect(s.port(), "/v1/stream", kRiskToken, 4096) == 101);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int published = 0;
  while (s.server->stats().ws_dropped_slow == 0 && std::chrono::steady_clock::now() < deadline) {
    s.publish(mm::system_clock().now_us() + ++published);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    while (reader.read_message(1)) {
    }
  }
  INFO("published " << published);
  REQUIRE(s.server->stats().ws_dropped_slow == 1);
  CHECK(stuck.wait_closed(10000));
  // The server counts the session gone once its teardown ran, just after the close.
  for (int i = 0; i < 500 && s.server->stats().ws_clients != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(s.server->stats().ws_clients == 1);

  // The reading client still gets new states.
  s.publish(mm::system_clock().now_us() + ++published);
  bool got = false;
  for (int i = 0; i < 100 && !got; ++i) got = reader.read_message(5000).has_value();
  CHECK(got);
  CHECK_FALSE(reader.closed());
}

TEST_CASE("stream: a reload that removes the token closes its streams") {
  Server s(fast_push());
  WsClient alpha, ops;
  REQUIRE(alpha.connect(s.port(), "/v1/stream", kAlphaToken) == 101);
  REQUIRE(ops.connect(s.port(), "/v1/stream", kOpsToken) == 101);
  REQUIRE(alpha.read_message());
  REQUIRE(ops.read_message());
  write_file(s.tokens_file, std::string(kOpsToken) + " ops\n");
  REQUIRE(s.server->reload_tokens());
  CHECK(alpha.wait_closed(10000));
  s.publish(mm::system_clock().now_us() + 1);
  CHECK(ops.read_message());
  CHECK(s.server->stats().ws_revoked == 1);
}

TEST_CASE("stop() closes streams and connections and returns promptly") {
  auto s = std::make_unique<Server>(fast_push());
  WsClient ws;
  REQUIRE(ws.connect(s->port(), "/v1/stream", kOpsToken) == 101);
  const auto start = std::chrono::steady_clock::now();
  s->server->stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK(ws.wait_closed(5000));
  s.reset();
}
