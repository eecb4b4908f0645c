// The API over real loopback sockets: who may call what, errors, limits, reloads.
#include <catch2/catch.hpp>

#include <random>

#include "core/report_format.h"
#include "daemon/api/static_files.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"
#include "tests/daemon/api/raw_client.h"

using namespace api_test;
using scoring_test::parse_json;

namespace {

struct Caller {
  const char* name;
  std::string token;
};

struct Endpoint {
  const char* name;
  const char* method;
  const char* target;
};

int status_of(uint16_t port, const Endpoint& e, const std::string& token) {
  if (std::string_view(e.name) == "stream") {
    WsClient ws;
    return ws.connect(port, e.target, token);
  }
  return http_request(port, e.method, e.target, token).status;
}

}  // namespace

TEST_CASE("access matrix: every role against every endpoint over a socket") {
  Server s;
  const std::vector<Caller> callers = {{"ops", kOpsToken},     {"risk", kRiskToken}, {"mm:alpha", kAlphaToken},
                                       {"mm:beta", kBetaToken}, {"no token", ""},     {"bad token", kBadToken}};
  const std::vector<Endpoint> endpoints = {
      {"health", "GET", "/v1/health"},        {"report", "GET", "/v1/report"},
      {"mms/alpha", "GET", "/v1/mms/alpha"},  {"mms/beta", "GET", "/v1/mms/beta"},
      {"markets", "GET", "/v1/markets"},      {"markets/SOL_USDC", "GET", "/v1/markets/SOL_USDC"},
      {"snapshots", "POST", "/v1/snapshots"}, {"stream", "GET", "/v1/stream"},
      {"history", "GET", "/v1/history"},      {"metrics", "GET", "/metrics"},
      {"whoami", "GET", "/v1/whoami"},        {"/", "GET", "/"},
      {"mms", "GET", "/v1/mms"},              {"mms/zeta", "GET", "/v1/mms/zeta"},
      {"HEAD report", "HEAD", "/v1/report"},  {"HEAD mms/beta", "HEAD", "/v1/mms/beta"}};
  // Rows: endpoints; columns: callers in the order above.
  const std::map<std::string, std::vector<int>> expected = {
      {"health", {200, 200, 200, 200, 200, 200}},
      {"report", {200, 200, 403, 403, 401, 401}},
      {"mms/alpha", {200, 200, 200, 403, 401, 401}},
      {"mms/beta", {200, 200, 403, 200, 401, 401}},
      {"markets", {200, 200, 200, 200, 401, 401}},
      {"markets/SOL_USDC", {200, 200, 200, 200, 401, 401}},
      {"snapshots", {201, 403, 403, 403, 401, 401}},
      {"stream", {101, 101, 101, 101, 401, 401}},
      {"history", {200, 200, 200, 200, 401, 401}},
      {"metrics", {200, 200, 403, 403, 401, 401}},
      {"whoami", {200, 200, 200, 200, 401, 401}},
      {"mms", {200, 200, 200, 200, 401, 401}},
      {"mms/zeta", {404, 404, 403, 403, 401, 401}},  // unknown id: an MM cannot tell it from another's
      {"HEAD report", {200, 200, 403, 403, 401, 401}},
      {"HEAD mms/beta", {200, 200, 403, 200, 401, 401}},
      {"/", {200, 200, 200, 200, 200, 200}},
  };
  for (const Endpoint& e : endpoints) {
    for (size_t c = 0; c < callers.size(); ++c) {
      INFO(callers[c].name << " -> " << e.method << " " << e.target);
      CHECK(status_of(s.port(), e, callers[c].token) == expected.at(e.name)[c]);
    }
  }
  const mm::api::ApiStatsSnapshot stats = s.server->stats();
  CHECK(stats.requests_for("report", 403) == 4);  // GET and HEAD by alpha and beta
  CHECK(stats.requests_for("stream", 101) == 4);
  CHECK(stats.requests_for("metrics", 401) == 2);
}

TEST_CASE("responses: bodies, content types, cache headers, WWW-Authenticate") {
  Server s;
  const HttpResult report = http_get(s.port(), "/v1/report", kRiskToken);
  REQUIRE(report.status == 200);
  std::string expected_report;
  s.published.read([&](const PublishedState& st) { expected_report = report_json(s.program, st.report); });
  CHECK(report.body == expected_report);  // exactly the report file's JSON
  CHECK(report.header("content-type") == "application/json");
  CHECK(report.header("cache-control") == "no-store");
  CHECK(http_get(s.port(), "/v1/report", kOpsToken).body == expected_report);  // served from the cache

  const HttpResult health = http_get(s.port(), "/v1/health");
  CHECK(parse_json(health.body)["status"].str() == "degraded");
  CHECK(health.header("cache-control") == "no-store");

  const HttpResult none = http_get(s.port(), "/v1/markets");
  CHECK(none.status == 401);
  CHECK(none.header("www-authenticate") == "Bearer realm=\"mmscore\"");
  CHECK(parse_json(none.body)["error"].str() == "missing bearer token");
  const HttpResult bad = http_get(s.port(), "/v1/markets", kBadToken);
  CHECK(bad.header("www-authenticate") == "Bearer realm=\"mmscore\", error=\"invalid_token\"");
  const HttpResult basic = http_raw(s.port(), "GET /v1/markets HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
                                              "b3BzOm9wcw==\r\nConnection: close\r\n\r\n");
  CHECK(basic.status == 401);

  const HttpResult alpha_markets = http_get(s.port(), "/v1/markets", kAlphaToken);
  REQUIRE(alpha_markets.status == 200);
  CHECK(alpha_markets.body.find("beta") == std::string::npos);
  CHECK(alpha_markets.body.find("gamma") == std::string::npos);
  CHECK(http_get(s.port(), "/v1/mms/zeta", kAlphaToken).status == 403);  // an MM cannot probe ids
  CHECK(http_get(s.port(), "/v1/mms/zeta", kOpsToken).status == 404);
  CHECK(http_get(s.port(), "/v1/mms/gamma", kRiskToken).status == 200);
  CHECK(http_get(s.port(), "/v1/markets/DOGE_USDC", kAlphaToken).status == 404);
  CHECK(http_get(s.port(), "/v1/whoami", kOpsToken).body == R"({"role":"ops","mm_id":null})");
  CHECK(http_get(s.port(), "/v1/whoami", kRiskToken).body == R"({"role":"risk","mm_id":null})");
  CHECK(http_get(s.port(), "/v1/whoami", kBetaToken).body == R"({"role":"mm","mm_id":"beta"})");
  CHECK(http_request(s.port(), "POST", "/v1/whoami", kOpsToken).status == 405);
  const HttpResult mms = http_get(s.port(), "/v1/mms", kBetaToken);
  REQUIRE(mms.status == 200);
  CHECK(parse_json(mms.body)["mms"].size() == 1);

  const HttpResult index = http_get(s.port(), "/");
  CHECK(index.status == 200);
  CHECK(index.header("content-type") == "text/html; charset=utf-8");
  CHECK(index.header("cache-control") == "no-cache");
  const std::optional<mm::api::StaticFile> asset = mm::api::find_static_file("/index.html");
  REQUIRE(asset);
  CHECK(index.body == asset->asset->body);  // the placeholder, or the dashboard when it was built
  const std::string etag = index.header("etag");
  REQUIRE_FALSE(etag.empty());
  CHECK(http_get(s.port(), "/index.html").body == index.body);
  const HttpResult cached = http_raw(s.port(), "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag +
                                                   "\r\nConnection: close\r\n\r\n");
  CHECK(cached.status == 304);
  CHECK(cached.body.empty());
  const HttpResult head = http_request(s.port(), "HEAD", "/v1/health");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(std::stoi(head.header("content-length")) > 0);

  for (const char* path : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/index.html/..", "//index.html", "/assets/",
                           "/..%2findex.html", "/v1/../index.html"})
    CHECK(http_get(s.port(), path).status == 404);
}

TEST_CASE("POST /v1/snapshots returns the path from the callback, or its error") {
  Server s;
  const HttpResult ok = http_request(s.port(), "POST", "/v1/snapshots", kOpsToken);
  CHECK(ok.status == 201);
  CHECK(parse_json(ok.body)["path"].str() == "/reports/report-2026-04.json");
  s.snapshot_error = "reports: disk full";
  const HttpResult failed = http_request(s.port(), "POST", "/v1/snapshots", kOpsToken);
  CHECK(failed.status == 500);
  CHECK(parse_json(failed.body)["error"].str() == "reports: disk full");
}

TEST_CASE("errors: unknown path, wrong method, malformed and oversized requests") {
  Server s;
  const HttpResult unknown = http_get(s.port(), "/v1/nothing", kOpsToken);
  CHECK(unknown.status == 404);
  CHECK(unknown.header("content-type") == "application/json");
  CHECK(parse_json(unknown.body)["error"].str() == "no such endpoint");
  CHECK(http_get(s.port(), "/v1/report/", kOpsToken).status == 404);
  CHECK(http_get(s.port(), "/v1/mms/alpha/x", kOpsToken).status == 404);

  const HttpResult wrong = http_request(s.port(), "DELETE", "/v1/report", kOpsToken);
  CHECK(wrong.status == 405);
  CHECK(wrong.header("allow") == "GET, HEAD");
  const HttpResult put_snapshots = http_request(s.port(), "PUT", "/v1/snapshots", kOpsToken);
  CHECK(put_snapshots.status == 405);
  CHECK(put_snapshots.header("allow") == "GET, HEAD, POST");
  const HttpResult get_whatif = http_get(s.port(), "/v1/mms/alpha/whatif", kOpsToken);
  CHECK(get_whatif.status == 405);
  CHECK(get_whatif.header("allow") == "POST");
  CHECK(http_request(s.port(), "POST", "/", "").header("allow") == "GET, HEAD");
  const HttpResult plain_stream = http_get(s.port(), "/v1/stream", kOpsToken);  // no Upgrade
  CHECK(plain_stream.status == 426);

  // Body over 64 KiB: refused from Content-Length, before it is read.
  const HttpResult big_body = http_request(s.port(), "POST", "/v1/snapshots", kOpsToken, std::string(70 * 1024, 'x'));
  CHECK(big_body.status == 413);
  CHECK(parse_json(big_body.body)["error"].str() == "request body too large");
  // Headers over 8 KiB.
  const HttpResult big_headers = http_raw(
      s.port(), "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(9000, 'a') + "\r\n\r\n");
  CHECK(big_headers.status == 413);
  CHECK(parse_json(big_headers.body)["error"].str() == "request headers too large");
  const HttpResult long_target = http_raw(s.port(), "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n");
  CHECK(long_target.status == 413);

  for (const char* line : {"this is not http\r\n\r\n", "GET\r\n\r\n", "GET /v1/health HTTP/9.9\r\n\r\n",
                           "GET /v1/health HTTP/1.1\r\nBad Header Line\r\n\r\n", "G\x01T / HTTP/1.1\r\n\r\n"}) {
    INFO(line);
    const HttpResult r = http_raw(s.port(), line);
    CHECK(r.status == 400);
    CHECK(r.header("connection") == "close");
  }
  CHECK(http_raw(s.port(), "GET http://example.com/v1/health HTTP/1.1\r\nConnection: close\r\n\r\n").status == 400);

  // Random bytes: whatever the server answers, it stays up.
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::string garbage(size_t(rng() % 3000 + 1), '\0');
    for (char& c : garbage) c = char(rng());
    if (i % 2) garbage += "\r\n\r\n";
    http_raw(s.port(), garbage, 3000);
  }
  CHECK(http_get(s.port(), "/v1/health").status == 200);
  CHECK(s.server->stats().requests_for("invalid", 400) >= 6);
  CHECK(s.server->stats().requests_for("invalid", 413) == 3);
}

TEST_CASE("keep-alive: several requests on one connection") {
  Server s;
  const std::string one = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string last = "GET /v1/markets/SOL_USDC HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           std::string(kAlphaToken) + "\r\nConnection: close\r\n\r\n";
  const HttpResult r = http_raw(s.port(), one + one + last);  // pipelined
  CHECK(r.status == 200);  // the first answer; the rest follow on the same connection
  CHECK(s.server->stats().requests_for("health", 200) == 2);
  CHECK(s.server->stats().requests_for("market", 200) == 1);
}

TEST_CASE("before the engine publishes: 503 with Retry-After, metrics still served") {
  Server s(mm::api::ApiOptions{}, false);
  const HttpResult health = http_get(s.port(), "/v1/health");
  CHECK(health.status == 503);
  CHECK(parse_json(health.body)["status"].str() == "starting");
  const HttpResult report = http_get(s.port(), "/v1/report", kOpsToken);
  CHECK(report.status == 503);
  CHECK(report.header("retry-after") == "1");
  CHECK(http_get(s.port(), "/metrics", kOpsToken).status == 200);
  CHECK(http_get(s.port(), "/v1/history", kAlphaToken).status == 200);

  auto idle = std::make_unique<PublishedState>();  // published, but no record yet
  idle->published_at = mm::system_clock().now_us();
  s.published.publish(std::move(idle));
  CHECK(http_get(s.port(), "/v1/health").status == 200);
  CHECK(http_get(s.port(), "/v1/markets", kOpsToken).status == 503);
}

TEST_CASE("token reload: takes effect at once, a broken file keeps the old tokens") {
  Server s;
  CHECK(http_get(s.port(), "/v1/report", kOpsToken).status == 200);
  write_file(s.tokens_file, "rotated-ops-token-0123456789 ops\n");
  REQUIRE(s.server->reload_tokens());
  CHECK(http_get(s.port(), "/v1/report", kOpsToken).status == 401);
  CHECK(http_get(s.port(), "/v1/report", "rotated-ops-token-0123456789").status == 200);

  write_file(s.tokens_file, "rotated-ops-token-0123456789 ops\nx-0123456789abcdefgh mm:nobody\n");
  const auto broken = s.server->reload_tokens();
  CHECK_FALSE(broken);
  CHECK(broken.message() == s.tokens_file + ":2: unknown mm id \"nobody\"");
  CHECK(http_get(s.port(), "/v1/report", "rotated-ops-token-0123456789").status == 200);
  const mm::api::ApiStatsSnapshot stats = s.server->stats();
  CHECK(stats.token_loads_ok == 2);
  CHECK(stats.token_loads_failed == 1);
}

TEST_CASE("start fails cleanly: bad listen address, bad token file, port in use") {
  Server running;
  const Program p = make_program();
  RcuCell<PublishedState> published;
  mm::api::ApiSources sources{&p, &published};
  {
    mm::api::ApiOptions o;
    o.listen = "localhost-no-port";
    mm::api::ApiServer server(o, sources);
    const auto started = server.start();
    CHECK_FALSE(started);
    CHECK(started.message() == "api: listen address \"localhost-no-port\" is not HOST:PORT");
  }
  {
    mm::api::ApiOptions o;
    o.listen = "127.0.0.1:" + std::to_string(running.port());
    mm::api::ApiServer server(o, sources);
    const auto started = server.start();
    CHECK_FALSE(started);
    CHECK(started.message().find("api: cannot listen on 127.0.0.1:") == 0);
  }
  {
    const std::string dir = temp_dir();
    write_file(dir + "/t.txt", "tiny ops\n");
    mm::api::ApiOptions o;
    o.listen = "127.0.0.1:0";
    o.tokens_file = dir + "/t.txt";
    mm::api::ApiServer server(o, sources);
    const auto started = server.start();
    CHECK_FALSE(started);
    CHECK(started.message() == "api: " + dir + "/t.txt:1: token shorter than 16 characters");
  }
}
