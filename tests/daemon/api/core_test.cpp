// ApiCore without sockets: the route table, the request counters, and the injected
// clock driving health (a ManualClock moves time instead of a sleep).
#include <catch2/catch.hpp>

#include <set>

#include "core/clock.h"
#include "daemon/api/api_core.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"

using namespace api_test;
using mm::api::Route;
using scoring_test::parse_json;

TEST_CASE("routes: one table drives paths, methods and labels") {
  using mm::api::match_route;
  CHECK(match_route("/v1/health").route == Route::health);
  CHECK(match_route("/v1/mms").route == Route::mms);
  CHECK(match_route("/v1/mms/alpha").route == Route::mm);
  CHECK(match_route("/v1/mms/alpha").segment == "alpha");
  CHECK(match_route("/v1/mms/").route == Route::unknown);
  CHECK(match_route("/v1/mms/alpha/x").route == Route::unknown);
  CHECK(match_route("/v1/markets/SOL_USDC").segment == "SOL_USDC");
  CHECK(match_route("/v1").route == Route::unknown);
  CHECK(match_route("/v1x").route == Route::static_file);
  CHECK(match_route("/metrics").route == Route::metrics);
  CHECK(match_route("/").route == Route::static_file);
  std::set<std::string_view> labels;
  for (const mm::api::RouteSpec& spec : mm::api::kRoutes) CHECK(labels.insert(spec.label).second);  // unique
  CHECK(mm::api::route_by_label("static") == Route::static_file);
  CHECK(mm::api::route_by_label("nothing") == std::nullopt);
  CHECK(mm::api::method_allowed(mm::api::Methods::get_head, "HEAD"));
  CHECK_FALSE(mm::api::method_allowed(mm::api::Methods::get, "HEAD"));
  CHECK(mm::api::status_slot(418) == mm::api::kCountedStatuses.size());  // any other status: one slot
}

TEST_CASE("core: requests counted by route and status, under the route's label") {
  const Program p = make_program();
  RcuCell<PublishedState> published;
  mm::ManualClock clock(kApril15Noon);
  mm::api::ApiSources sources{&p, &published};
  sources.clock = &clock;
  mm::api::ApiCore core({}, sources);
  REQUIRE(core.load_tokens());
  mm::api::ApiRequest req;
  req.method = "GET";
  req.target = "/v1/health";
  CHECK(core.handle(req).status == 503);  // nothing published
  req.target = "/v1/report";
  CHECK(core.handle(req).status == 401);
  req.target = "/v1/nothing?x=1";
  CHECK(core.handle(req).status == 404);
  req.target = "*";
  CHECK(core.handle(req).status == 400);
  req.method = "PUT";
  req.target = "/index.html";
  CHECK(core.handle(req).status == 405);
  const mm::api::ApiStatsSnapshot stats = core.stats_snapshot();
  CHECK(stats.requests_for(Route::health, 503) == 1);
  CHECK(stats.requests_for("report", 401) == 1);
  CHECK(stats.requests_for("unknown", 404) == 1);
  CHECK(stats.requests_for("invalid", 400) == 1);
  CHECK(stats.requests_for("static", 405) == 1);
  CHECK(stats.requests_for("static", 200) == 0);
}

TEST_CASE("core: health goes degraded when the published state is older than stall_after (manual clock)") {
  const Program p = make_program();
  RcuCell<PublishedState> published;
  const TimeUs t0 = kApril15Noon;
  mm::ManualClock clock(t0);
  mm::api::ApiSources sources{&p, &published};
  sources.clock = &clock;
  mm::api::ApiOptions options;
  options.stall_after = 10 * kUsPerSecond;
  mm::api::ApiCore core(options, sources);
  REQUIRE(core.load_tokens());
  published.publish(make_healthy_state(p, t0));
  mm::api::ApiRequest req;
  req.method = "GET";
  req.target = "/v1/health";

  auto health = [&] {
    const mm::api::ApiResponse r = core.handle(req);
    REQUIRE(r.status == 200);
    return parse_json(r.body);
  };
  CHECK(health()["status"].str() == "ok");
  clock.advance(options.stall_after);  // exactly stall_after old: still ok
  auto at_limit = health();
  CHECK(at_limit["status"].str() == "ok");
  CHECK(at_limit["engine"]["lag_ms"].num() == 10000);
  clock.advance(1000);  // 1 ms later: stalled
  auto stalled = health();
  CHECK(stalled["status"].str() == "degraded");
  CHECK(stalled["problems"].size() == 1);
  CHECK(stalled["problems"][size_t(0)].str() == "engine_stalled");
  CHECK(stalled["engine"]["lag_ms"].num() == 10001);

  published.publish(make_healthy_state(p, clock.now_us()));  // a fresh publish: ok again
  CHECK(health()["status"].str() == "ok");
}
