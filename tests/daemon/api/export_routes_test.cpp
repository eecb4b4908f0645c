// The export and projection routes over real loopback sockets (issues 12 and 13): CSV of
// the report and of an MM's standing, the snapshot list and downloads, and what-if, each
// scoped by role like the rest of the API, and every bad parameter named in a 400.
#include <catch2/catch.hpp>

#include "core/snapshot_schedule.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"
#include "tests/daemon/api/raw_client.h"

using namespace api_test;
using scoring_test::Json;
using scoring_test::parse_json;

namespace {

HttpResult get_with_accept(uint16_t port, const std::string& target, const std::string& accept) {
  return http_raw(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kOpsToken) +
                            "\r\nAccept: " + accept + "\r\nConnection: close\r\n\r\n");
}

}  // namespace

TEST_CASE("export routes: the report and an MM's standing as CSV, bad parameters named") {
  Server s;
  const HttpResult csv = http_get(s.port(), "/v1/report?format=csv", kOpsToken);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv");
  CHECK(csv.header("content-disposition") == "attachment; filename=\"report-2026-04.csv\"");
  CHECK(csv.body.find('\n') != std::string::npos);
  CHECK(csv.body.rfind("{", 0) != 0);  // not JSON
  CHECK(get_with_accept(s.port(), "/v1/report", "text/csv").body == csv.body);
  CHECK(get_with_accept(s.port(), "/v1/report", "application/json").header("content-type") == "application/json");

  const HttpResult mine = http_get(s.port(), "/v1/mms/alpha?format=csv", kAlphaToken);
  REQUIRE(mine.status == 200);
  CHECK(mine.header("content-disposition") == "attachment; filename=\"standing-2026-04-alpha.csv\"");
  CHECK(mine.body.find("beta") == std::string::npos);  // nothing of another MM
  CHECK(http_get(s.port(), "/v1/mms/beta?format=csv", kAlphaToken).status == 403);

  const HttpResult bad = http_get(s.port(), "/v1/report?format=xml", kOpsToken);
  CHECK(bad.status == 400);
  CHECK(parse_json(bad.body)["error"].str() == "format: 'xml' is not json or csv");
  CHECK(parse_json(http_get(s.port(), "/v1/mms/alpha?fromat=csv", kOpsToken).body)["error"].str() ==
        "fromat: unknown query parameter");
}

TEST_CASE("export routes: ops and risk list and download snapshot files, only ops takes one") {
  Server s;
  const HttpResult list = http_get(s.port(), "/v1/snapshots", kRiskToken);
  REQUIRE(list.status == 200);
  const Json files = parse_json(list.body)["snapshots"];
  REQUIRE(files.items.size() == 2);
  CHECK(files[size_t(0)]["name"].str() == "snapshot-20260415T120000.000000Z.json");
  CHECK(files[size_t(1)]["url"].str() == "/v1/snapshots/snapshot-20260415T120000.000000Z.csv");
  CHECK(http_get(s.port(), "/v1/snapshots", kAlphaToken).status == 403);

  const HttpResult file = http_get(s.port(), "/v1/snapshots/snapshot-20260415T120000.000000Z.csv", kOpsToken);
  REQUIRE(file.status == 200);
  CHECK(file.body == "a,b\n1,2\n");
  CHECK(file.header("content-type") == "text/csv");
  CHECK(http_get(s.port(), "/v1/snapshots/report-2026-04.json", kOpsToken).status == 404);
  CHECK(http_get(s.port(), "/v1/snapshots/snapshot-20260415T120000.000000Z.csv", kBetaToken).status == 403);

  CHECK(http_request(s.port(), "POST", "/v1/snapshots", kRiskToken).status == 403);
  CHECK(http_request(s.port(), "POST", "/v1/snapshots", kOpsToken).status == 201);
}

TEST_CASE("export routes: what-if answers the MM's month-end standing, scoped and validated") {
  Server s;
  const std::string path = "/v1/mms/alpha/whatif";
  const HttpResult plain = http_request(s.port(), "POST", path, kAlphaToken, "");
  REQUIRE(plain.status == 200);
  const Json j = parse_json(plain.body);
  const mm::SnapshotSchedule april(mm::YearMonth{2026, 4}, s.program.snapshot_interval, s.program.snapshot_jitter,
                                   s.program.snapshot_seed);
  CHECK(j["snapshots_remaining"].num() == double(april.count() - 200));  // 200 taken so far
  CHECK(j["planned_markets"].num() == 0);
  CHECK(j["standing"]["mm_id"].str() == "alpha");

  // 1,000,000 USD more maker volume on SOL: its standing's volume there grows by it.
  const HttpResult more = http_request(s.port(), "POST", path, kOpsToken,
                                       R"({"markets":{"SOL_USDC":{"extra_maker_volume_usd":1000000}}})");
  REQUIRE(more.status == 200);
  CHECK(parse_json(more.body)["planned_markets"].num() == 1);
  CHECK(more.body != plain.body);

  CHECK(http_request(s.port(), "POST", "/v1/mms/beta/whatif", kAlphaToken, "").status == 403);
  CHECK(http_request(s.port(), "POST", "/v1/mms/nobody/whatif", kOpsToken, "").status == 404);
  CHECK(http_request(s.port(), "GET", path, kOpsToken).status == 405);
  auto error = [&](const std::string& body) {
    const HttpResult r = http_request(s.port(), "POST", path, kOpsToken, body);
    CHECK(r.status == 400);
    return parse_json(r.body)["error"].str();
  };
  CHECK(error("[1]") == "body: must be an object");
  CHECK(error("{nope") == "body: not JSON");
  CHECK(error(R"({"market":{}})") == "market: unknown field");
  CHECK(error(R"({"markets":{"XRP_USDC":{}}})") == "markets.XRP_USDC: unknown market");
  CHECK(error(R"({"markets":{"SOL_USDC":{"spread_bps":0,"size_per_side_usd":100}}})") ==
        "markets.SOL_USDC.spread_bps: must be > 0 and <= 10000");
  CHECK(error(R"({"markets":{"SOL_USDC":{"spread_bps":5}}})") ==
        "markets.SOL_USDC: size_per_side_usd and spread_bps go together");
  CHECK(error(R"({"markets":{"SOL_USDC":{"size_per_side_usd":100,"spread_bps":5,"active_share":1.5}}})") ==
        "markets.SOL_USDC.active_share: must be >= 0 and <= 1");
  CHECK(error(R"({"markets":{"SOL_USDC":{"extra_maker_volume_usd":-1}}})") ==
        "markets.SOL_USDC.extra_maker_volume_usd: must be within 0..1e15");
  CHECK(error(R"({"markets":{"SOL_USDC":{"colour":"red"}}})") == "markets.SOL_USDC.colour: unknown field");
}
