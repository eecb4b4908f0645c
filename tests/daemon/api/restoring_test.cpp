// ApiCore while the daemon restores its journal (LiveDaemon::start, issue 11): health
// shows the restore's progress, every other /v1 endpoint answers 503 "restoring" after
// the usual 401/403, /metrics adds the progress; once finished, all is as before.
// Without sockets: the progress is set by hand (the daemon's own run is in
// tests/daemon/restore_serving_test.cpp).
#include <catch2/catch.hpp>

#include "daemon/api/api_core.h"
#include "daemon/api/health_view.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"

using namespace api_test;
using scoring_test::parse_json;

namespace {

struct RestoringCore {
  Program program = make_program();
  RcuCell<PublishedState> published;
  std::string dir = temp_dir();
  std::unique_ptr<RestoreProgress> progress;
  std::unique_ptr<api::ApiCore> core;

  RestoringCore() {
    write_file(dir + "/tokens.txt", standard_tokens());
    write_file(dir + "/journal-1.ndjson", std::string(1000, 'x'));
    write_file(dir + "/journal-2.ndjson", std::string(500, 'x'));
    progress = std::make_unique<RestoreProgress>(
        std::vector<std::string>{dir + "/journal-1.ndjson", dir + "/journal-2.ndjson"});
    api::ApiOptions options;
    options.tokens_file = dir + "/tokens.txt";
    api::ApiSources sources{&program, &published};
    sources.restore = progress.get();
    core = std::make_unique<api::ApiCore>(options, sources);
    REQUIRE(core->load_tokens());
  }

  api::ApiResponse get(std::string_view target, const std::string& token = "", std::string_view method = "GET",
                       bool upgrade = false) {
    const std::string authorization = token.empty() ? "" : "Bearer " + token;
    api::ApiRequest req;
    req.method = method;
    req.target = target;
    req.authorization = authorization;
    req.websocket_upgrade = upgrade;
    return core->handle(req);
  }
};

std::string header(const api::ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("restoring: health shows the progress with 503 and Retry-After") {
  RestoringCore c;
  c.progress->replaying(400, 10);
  api::ApiResponse r = c.get("/v1/health");
  CHECK(r.status == 503);
  CHECK(header(r, "Retry-After") == "1");
  CHECK(r.body == R"({"status":"restoring","problems":["restoring"],"restore":{"file":"journal-1.ndjson",)"
                  R"("files_done":0,"files_total":2,"bytes_done":400,"bytes_total":1500,"records":10}})");
  CHECK(c.get("/v1/health", "", "HEAD").status == 503);

  c.progress->file_done(20);  // the first file replayed: its whole size counts
  auto second = parse_json(c.get("/v1/health").body)["restore"];
  CHECK(second["file"].str() == "journal-2.ndjson");
  CHECK(second["files_done"].num() == 1);
  CHECK(second["bytes_done"].num() == 1000);
  CHECK(second["records"].num() == 20);
  c.progress->replaying(9999, 30);  // more than the file's size (it grew): never past the total
  CHECK(parse_json(c.get("/v1/health").body)["restore"]["bytes_done"].num() == 1500);
  c.progress->file_done(40);
  auto done = parse_json(c.get("/v1/health").body)["restore"];
  CHECK(done["file"].str() == "journal-2.ndjson");  // the last one, until finished
  CHECK(done["files_done"].num() == 2);
  CHECK(done["bytes_done"].num() == 1500);
  CHECK(c.core->stats_snapshot().requests_for(api::Route::health, 503) == 5);
}

TEST_CASE("restoring: every other /v1 endpoint answers 503 restoring after 401 and 403") {
  RestoringCore c;
  const std::string restoring = R"({"error":"restoring"})";
  for (const char* target : {"/v1/report", "/v1/mms", "/v1/mms/alpha", "/v1/markets", "/v1/markets/SOL_USDC",
                             "/v1/history", "/v1/whoami"}) {
    INFO(target);
    const api::ApiResponse r = c.get(target, kOpsToken);
    CHECK(r.status == 503);
    CHECK(r.body == restoring);
    CHECK(header(r, "Retry-After") == "1");
    CHECK(c.get(target).status == 401);  // authentication first, as always
  }
  CHECK(c.get("/v1/mms/beta", kAlphaToken).status == 403);  // another MM's id: 403 as always
  CHECK(c.get("/v1/mms/zeta", kAlphaToken).status == 403);  // an unknown one too
  CHECK(c.get("/v1/mms/alpha", kAlphaToken).status == 503);
  CHECK(c.get("/v1/report", kAlphaToken).status == 403);
  CHECK(c.get("/v1/report", kBadToken).status == 401);
  CHECK(c.get("/v1/mms/zeta", kOpsToken).status == 503);  // the answer would be 404 only once restored
  CHECK(c.get("/v1/snapshots", kOpsToken, "POST").body == restoring);
  CHECK(c.get("/v1/snapshots", kOpsToken, "GET").body == restoring);
  CHECK(c.get("/v1/snapshots", kOpsToken, "PUT").status == 405);
  const api::ApiResponse stream = c.get("/v1/stream", kAlphaToken, "GET", true);
  CHECK(stream.status == 503);  // no upgrade granted
  CHECK_FALSE(stream.upgrade);
  CHECK(c.get("/v1/nothing", kOpsToken).status == 404);  // not an endpoint
  CHECK(c.get("/").status == 200);                       // the dashboard is served
  CHECK(c.core->stats_snapshot().requests_for("report", 503) == 1);
}

TEST_CASE("restoring: /metrics adds the progress and once finished everything answers as before") {
  RestoringCore c;
  c.progress->replaying(400, 10);
  api::ApiResponse m = c.get("/metrics", kRiskToken);
  REQUIRE(m.status == 200);
  CHECK(m.body.find("mmscore_state_published 0\n") != std::string::npos);
  CHECK(m.body.find("mmscore_restore_in_progress 1\n") != std::string::npos);
  CHECK(m.body.find("mmscore_restore_bytes_done 400\n") != std::string::npos);
  CHECK(m.body.find("mmscore_restore_bytes_total 1500\n") != std::string::npos);
  CHECK(c.get("/metrics", kAlphaToken).status == 403);

  c.progress->finish();
  const api::ApiResponse health = c.get("/v1/health");
  CHECK(health.status == 503);  // nothing published yet: "starting", as without a restore
  CHECK(parse_json(health.body)["status"].str() == "starting");
  const api::ApiResponse report = c.get("/v1/report", kOpsToken);
  CHECK(report.status == 503);
  CHECK(report.body.find("restoring") == std::string::npos);
  m = c.get("/metrics", kRiskToken);
  CHECK(m.body.find("mmscore_restore_in_progress 0\n") != std::string::npos);
  CHECK(m.body.find("mmscore_restore_bytes_done") == std::string::npos);

  c.published.publish(make_healthy_state(c.program, mm::system_clock().now_us()));
  CHECK(c.get("/v1/health").status == 200);
  CHECK(c.get("/v1/report", kOpsToken).status == 200);
  CHECK(c.get("/v1/mms/zeta", kOpsToken).status == 404);
}

TEST_CASE("restoring: nothing to restore") {
  const RestoreProgress none;
  CHECK_FALSE(none.in_progress());
  const RestoreProgress empty(std::vector<std::string>{});
  CHECK(empty.in_progress());
  const RestoreFigures f = empty.figures();
  CHECK(f.file.empty());
  CHECK(f.files_total == 0);
  CHECK(f.bytes_total == 0);
  CHECK(mm::api::health_restoring_json(f) ==
        R"({"status":"restoring","problems":["restoring"],"restore":{"file":null,"files_done":0,"files_total":0,)"
        R"("bytes_done":0,"bytes_total":0,"records":0}})");
}
