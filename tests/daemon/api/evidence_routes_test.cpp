// GET /v1/mms/<id>/snapshots over real loopback sockets: the live evidence rows of a
// hand-built window (two snapshots, three MMs, three markets), scoped like /v1/mms/<id>,
// JSON or CSV, filtered by market and time, every bad parameter named in a 400.
#include <catch2/catch.hpp>

#include "core/time_utc.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"
#include "tests/daemon/api/raw_client.h"

using namespace api_test;
using scoring_test::Json;
using scoring_test::parse_json;

namespace {

const TimeUs kFirst = *parse_rfc3339("2026-04-15T12:00:00Z");
const TimeUs kSecond = *parse_rfc3339("2026-04-15T12:01:00.5Z");

// Alpha: BTC active at the first snapshot (size 1,000 USD, spread 12.5 bps), ETH
// inactive (no ask in band); everything unobserved (public feed down) at the second.
std::shared_ptr<const EvidenceWindow> make_window(const Program& p) {
  auto window = std::make_shared<EvidenceWindow>();
  const size_t cells = p.mms.size() * p.markets.size();
  for (int i = 0; i < 2; ++i) {
    auto snap = std::make_shared<EvidenceSnapshot>();
    snap->interval = 20'880 + uint32_t(i);
    snap->instant = i == 0 ? kFirst : kSecond;
    snap->size2_nano.assign(cells, 0);
    snap->spread_bps.assign(cells, 0);
    snap->reasons.assign(cells, EvidenceSnapshot::pack(UnobservedReason::public_down, InactiveReason::none, false));
    if (i == 0) {
      const size_t markets = p.markets.size();
      for (size_t c = 0; c < cells; ++c)
        snap->reasons[c] = EvidenceSnapshot::pack(UnobservedReason::none, InactiveReason::below_min_side, false);
      snap->reasons[kAlpha * markets + kBtc] = EvidenceSnapshot::pack(UnobservedReason::none, InactiveReason::none, true);
      snap->size2_nano[kAlpha * markets + kBtc] = 2'000'000'000'000;  // 2 x 1,000 quote at 1e-9
      snap->spread_bps[kAlpha * markets + kBtc] = 12.5;
      snap->reasons[kAlpha * markets + kEth] = EvidenceSnapshot::pack(UnobservedReason::none, InactiveReason::no_ask_in_band, false);
    }
    window->push_back(std::move(snap));
  }
  return window;
}

struct EvidenceServer : Server {
  EvidenceServer() {
    auto state = make_state(program, kSecond);
    state->evidence = make_window(program);
    published.publish(std::move(state));
  }
};

std::string error_of(const HttpResult& r) { return parse_json(r.body)["error"].str(); }

}  // namespace

TEST_CASE("evidence rows: an MM sees only its own, ops and risk any") {
  EvidenceServer s;
  CHECK(http_get(s.port(), "/v1/mms/alpha/snapshots", kAlphaToken).status == 200);
  CHECK(http_get(s.port(), "/v1/mms/beta/snapshots", kAlphaToken).status == 403);
  CHECK(http_get(s.port(), "/v1/mms/nobody/snapshots", kAlphaToken).status == 403);  // not even existence
  CHECK(http_get(s.port(), "/v1/mms/beta/snapshots", kRiskToken).status == 200);
  CHECK(http_get(s.port(), "/v1/mms/gamma/snapshots", kOpsToken).status == 200);
  CHECK(http_get(s.port(), "/v1/mms/nobody/snapshots", kOpsToken).status == 404);
  CHECK(http_get(s.port(), "/v1/mms/alpha/snapshots").status == 401);
}

TEST_CASE("evidence rows: JSON rows by snapshot then market, with the hand-set figures") {
  EvidenceServer s;
  const HttpResult r = http_get(s.port(), "/v1/mms/alpha/snapshots", kAlphaToken);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  const Json j = parse_json(r.body);
  CHECK(j["mm_id"].str() == "alpha");
  const Json rows = j["rows"];
  REQUIRE(rows.items.size() == 6);  // 2 snapshots x 3 markets
  const Json btc = rows[size_t(0)];
  CHECK(btc["symbol"].str() == "BTC_USDC_PERP");
  CHECK(btc["interval"].num() == 20'880);
  CHECK(btc["instant"].str() == "2026-04-15T12:00:00.000000Z");
  CHECK(btc["observed"].b);
  CHECK(btc["unobserved_reason"].is_null());
  CHECK(btc["size_usd"].num() == 1000);
  CHECK(btc["spread_bps"].num() == 12.5);
  CHECK(btc["active"].b);
  CHECK(btc["inactive_reason"].is_null());
  const Json eth = rows[size_t(1)];
  CHECK(eth["symbol"].str() == "ETH_USDC");
  CHECK_FALSE(eth["active"].b);
  CHECK(eth["inactive_reason"].str() == "no_ask_in_band");
  CHECK(eth["size_usd"].is_null());
  CHECK(rows[size_t(2)]["inactive_reason"].str() == "below_min_side");
  const Json later = rows[size_t(3)];
  CHECK(later["instant"].str() == "2026-04-15T12:01:00.500000Z");
  CHECK_FALSE(later["observed"].b);
  CHECK(later["unobserved_reason"].str() == "public_down");
  CHECK(later["inactive_reason"].is_null());
}

TEST_CASE("evidence rows: CSV by format=csv or Accept, the same rows") {
  EvidenceServer s;
  const HttpResult csv = http_get(s.port(), "/v1/mms/alpha/snapshots?format=csv&market=BTC_USDC_PERP", kAlphaToken);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv");
  CHECK(csv.header("content-disposition") == "attachment; filename=\"evidence-2026-04-alpha.csv\"");
  CHECK(csv.body ==
        "mm_id,symbol,interval,instant,observed,unobserved_reason,size_usd,spread_bps,active,inactive_reason\n"
        "alpha,BTC_USDC_PERP,20880,2026-04-15T12:00:00.000000Z,true,,1000,12.5,true,\n"
        "alpha,BTC_USDC_PERP,20881,2026-04-15T12:01:00.500000Z,false,public_down,,,false,\n");
  const HttpResult accept =
      http_raw(s.port(), "GET /v1/mms/alpha/snapshots?market=BTC_USDC_PERP HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                             std::string(kAlphaToken) + "\r\nAccept: text/csv\r\nConnection: close\r\n\r\n");
  CHECK(accept.body == csv.body);
}

TEST_CASE("evidence rows: filtered by market and by time, both ends inclusive") {
  EvidenceServer s;
  const std::string base = "/v1/mms/alpha/snapshots?";
  auto rows = [&](const std::string& q) { return parse_json(http_get(s.port(), base + q, kOpsToken).body)["rows"]; };
  const Json eth = rows("market=ETH_USDC");
  REQUIRE(eth.items.size() == 2);
  CHECK(eth[size_t(0)]["symbol"].str() == "ETH_USDC");
  CHECK(eth[size_t(1)]["symbol"].str() == "ETH_USDC");
  CHECK(rows("from=2026-04-15T12:00:30Z").items.size() == 3);            // the second snapshot only
  CHECK(rows("to=2026-04-15T12:00:00Z").items.size() == 3);              // the first, at its instant
  CHECK(rows("from=2026-04-15T12:01:00.5Z&to=2026-04-15T12:01:00.5Z&market=SOL_USDC").items.size() == 1);
  CHECK(rows("from=" + std::to_string(kFirst / kUsPerSecond + 1)).items.size() == 3);  // unix seconds
  CHECK(rows("from=2026-04-15T13:00:00Z").items.size() == 0);
}

TEST_CASE("evidence rows: each bad parameter gets a 400 naming it") {
  EvidenceServer s;
  auto bad = [&](const std::string& q) {
    const HttpResult r = http_get(s.port(), "/v1/mms/alpha/snapshots?" + q, kOpsToken);
    CHECK(r.status == 400);
    return error_of(r);
  };
  CHECK(bad("market=DOGE_USDC") == "market: unknown market 'DOGE_USDC'");
  CHECK(bad("from=yesterday") == "from: 'yesterday' is not an RFC 3339 time or integer unix seconds");
  CHECK(bad("to=12x") == "to: '12x' is not an RFC 3339 time or integer unix seconds");
  CHECK(bad("from=2026-04-15T12:01:00Z&to=2026-04-15T12:00:00Z") == "from: after to");
  CHECK(bad("from=2026-03-31T23:59:59Z") == "from: not in the month 2026-04");
  CHECK(bad("to=2026-05-01T00:00:00Z") == "to: not in the month 2026-04");
  CHECK(bad("format=xml") == "format: 'xml' is not json or csv");
  CHECK(bad("mkt=BTC_USDC_PERP") == "mkt: unknown query parameter");
}
