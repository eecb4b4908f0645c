// The live daemon serves while it restores (issue 11): LiveDaemon::start() opens the API
// before replaying the older journal files, so a monitor sees "restoring" with the
// progress instead of a dead port. The requests are made from start()'s own
// `should_stop` callback, which the restore asks every 64k records: they are made while
// the restore runs by construction, with no race and no sleep. The exchange is a closed
// loopback port (the feeds never connect; this is about the restore).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/live_daemon.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;
using scoring_test::Json;
using scoring_test::parse_json;

namespace {

constexpr const char* kOpsToken = "ops-token-0123456789abcdef";
constexpr const char* kAlphaToken = "alpha-token-0123456789abcdef";
constexpr uint64_t kRecordsPerFile = 150'000;  // two checks of the replayer (every 65,536) in each file

// An older journal file of public connect/disconnect events, 1 µs apart from `t0`.
void write_old_journal(const std::string& path, TimeUs t0) {
  std::ofstream out(path);
  for (uint64_t i = 0; i < kRecordsPerFile; ++i)
    out << R"({"ts":)" << t0 + TimeUs(i) << R"(,"src":"public","event":")" << (i % 2 ? "disconnected" : "connected")
        << "\"}\n";
}

struct Daemon {
  Program program = test_support::one_market_program();
  std::string dir = test_support::temp_dir("restore-serving");
  std::vector<std::string> old_files = {dir + "/journal/journal-00000001.ndjson",
                                        dir + "/journal/journal-00000002.ndjson"};
  uint64_t old_bytes = 0;
  std::unique_ptr<LiveDaemon> daemon;

  Daemon() {
    std::filesystem::create_directories(dir + "/journal");
    const TimeUs t0 = system_clock().now_us() - 60 * kUsPerSecond;
    for (size_t f = 0; f < old_files.size(); ++f) {
      write_old_journal(old_files[f], t0 + TimeUs(f * kRecordsPerFile));
      old_bytes += std::filesystem::file_size(old_files[f]);
    }
    std::ofstream(dir + "/tokens.txt") << kOpsToken << " ops\n" << kAlphaToken << " mm:alpha\n";

    LiveDaemonOptions o;
    o.client.ws_url = "ws://127.0.0.1:1";  // refused: the feeds stay down
    o.client.rest_url = "http://127.0.0.1:1";
    o.client.symbols = {"SOL_USDC"};
    o.journal = JournalOptions{.dir = dir + "/journal"};
    o.engine = {.publish_interval = 100'000, .report_dir = dir + "/reports"};
    api::ApiOptions& a = o.api.emplace();
    a.listen = "127.0.0.1:0";
    a.tokens_file = dir + "/tokens.txt";
    daemon = std::make_unique<LiveDaemon>(program, std::move(o));
  }
  ~Daemon() {
    daemon.reset();
    std::filesystem::remove_all(dir);
  }
  uint16_t port() const { return daemon->api_port(); }
};

// What the API answered at one check of the restore.
struct SeenWhileRestoring {
  api_test::HttpResult health, report, report_no_token, report_mm, metrics;
};

SeenWhileRestoring look(uint16_t port) {
  SeenWhileRestoring s;
  s.health = api_test::http_get(port, "/v1/health");
  s.report = api_test::http_get(port, "/v1/report", kOpsToken);
  s.report_no_token = api_test::http_get(port, "/v1/report");
  s.report_mm = api_test::http_get(port, "/v1/report", kAlphaToken);
  s.metrics = api_test::http_get(port, "/metrics", kOpsToken);
  return s;
}

template <typename Pred>
bool wait_until(Pred pred, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

TEST_CASE("restore: the API listens while the daemon restores and health shows the progress") {
  Daemon d;
  std::vector<SeenWhileRestoring> seen;
  REQUIRE(d.daemon->start([&] {
    seen.push_back(look(d.port()));
    return false;
  }));
  REQUIRE(seen.size() >= 2);  // the restore was checked in both files (asked every 65,536 records)

  const std::string first = "journal-00000001.ndjson", second = "journal-00000002.ndjson";
  uint64_t last_bytes = 0, last_records = 0;
  bool seen_second_file = false;
  for (size_t i = 0; i < seen.size(); ++i) {
    INFO("check " << i << ": " << seen[i].health.body);
    const SeenWhileRestoring& s = seen[i];
    REQUIRE(s.health.status == 503);
    CHECK(s.health.header("retry-after") == "1");
    const Json h = parse_json(s.health.body);
    CHECK(h["status"].str() == "restoring");
    REQUIRE(h["problems"].items.size() == 1);
    CHECK(h["problems"][size_t(0)].str() == "restoring");
    const Json& r = h["restore"];
    CHECK(r["files_total"].num() == double(d.old_files.size()));
    CHECK(r["bytes_total"].num() == double(d.old_bytes));
    const auto bytes = uint64_t(r["bytes_done"].num()), records = uint64_t(r["records"].num());
    CHECK(bytes <= d.old_bytes);
    CHECK(bytes >= last_bytes);  // never backwards
    CHECK(records >= last_records);
    CHECK(records <= kRecordsPerFile * d.old_files.size());
    last_bytes = bytes;
    last_records = records;
    const auto files_done = uint64_t(r["files_done"].num());
    CHECK(files_done < d.old_files.size());  // asked within a file, never after the last
    CHECK(r["file"].str() == (files_done == 0 ? first : second));
    if (files_done == 1) {
      seen_second_file = true;
      CHECK(bytes >= std::filesystem::file_size(d.old_files[0]));
      CHECK(records >= kRecordsPerFile);
    }

    CHECK(s.report.status == 503);
    CHECK(s.report.body == R"({"error":"restoring"})");
    CHECK(s.report_no_token.status == 401);  // authentication and roles first, as always
    CHECK(s.report_mm.status == 403);
    REQUIRE(s.metrics.status == 200);
    CHECK(s.metrics.body.find("\nmmscore_restore_in_progress 1\n") != std::string::npos);
    CHECK(s.metrics.body.find("\nmmscore_restore_bytes_done ") != std::string::npos);
    CHECK(s.metrics.body.find("\nmmscore_restore_bytes_total ") != std::string::npos);
  }
  CHECK(seen_second_file);
  CHECK(last_bytes > 0);

  // Restored: health is never "restoring" again; the engine publishes, then it is as always.
  const api_test::HttpResult after = api_test::http_get(d.port(), "/v1/health");
  CHECK(after.body.find("restoring") == std::string::npos);
  CHECK(wait_until([&] { return api_test::http_get(d.port(), "/v1/health").status == 200; }, 5));
  const Json health = parse_json(api_test::http_get(d.port(), "/v1/health").body);
  CHECK(health["status"].str() == "degraded");  // the feeds are down
  CHECK(health["engine"]["started"].b);
  CHECK(api_test::http_get(d.port(), "/v1/report", kOpsToken).status == 200);
  const std::string metrics = api_test::http_get(d.port(), "/metrics", kOpsToken).body;
  CHECK(metrics.find("\nmmscore_restore_in_progress 0\n") != std::string::npos);
  CHECK(metrics.find("mmscore_restore_bytes_done") == std::string::npos);
  d.daemon->stop();
  CHECK(d.daemon->engine().month().input.records >= kRecordsPerFile * d.old_files.size());
}

TEST_CASE("restore: a stop asked during the restore ends start() at once and stop() closes the API") {
  Daemon d;
  int asked = 0;
  int health_status = 0;
  uint16_t port = 0;
  const auto started = std::chrono::steady_clock::now();
  const Result<> r = d.daemon->start([&] {
    port = d.port();
    health_status = api_test::http_get(port, "/v1/health").status;
    return ++asked == 1;  // SIGTERM at the first check
  });
  REQUIRE_FALSE(r);
  CHECK(d.daemon->restore_interrupted());
  CHECK(asked == 1);
  CHECK(health_status == 503);
  CHECK(api_test::http_get(port, "/v1/health").body.find("\"restoring\"") != std::string::npos);  // until stop()
  d.daemon->stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(d.daemon->api_port() == 0);
  CHECK(api_test::http_get(port, "/v1/health").status == 0);  // nothing listens any more
}
