// The month-end close of a live daemon, end to end (SCORING.md section 15, issue 12 part 3):
// the real daemon against the real simulator over loopback, both on one clock that runs
// from 2026-03-31T23:59:57Z into April. At the month end the daemon writes the final
// report and one statement per MM, and once the journal file open at the close is closed,
// the manifest; `mmscore verify` (the binary, as an MM or ops runs it) then passes on what
// the daemon wrote, and fails naming the file when one byte of its journal is changed. An MM
// downloads its own statement over the API (GET /v1/mms/<id>/statement).
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "config/config.h"
#include "daemon/live_daemon.h"
#include "daemon/live_setup.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/child_process.h"
#include "tests/support/sim_accounts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"

using namespace mm;
namespace fs = std::filesystem;

namespace {

const std::string kConfig = test_support::three_market_config({"alpha", "bravo"});

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `mmscore verify`: its exit status; its stdout and stderr in `out`.
int verify(const std::string& manifest, const std::string& config, const std::string& dir, std::string& out) {
  const std::string log = dir + "/verify.log";
  fs::remove(log);  // both outputs appended to it: this run's only
  const int status = test_support::wait_exit(test_support::spawn_child(
      {MMSCORE_BINARY, "verify", "--manifest", manifest, "--config", config}, log, log, test_support::Output::append));
  out = slurp(log);
  return status;
}

}  // namespace

TEST_CASE("live month close: run writes the final report, statements and a manifest that verify passes") {
  const std::string dir = test_support::temp_dir("month-close");
  const std::string config = dir + "/config.toml";
  std::ofstream(config) << kConfig;
  auto settings = load_config_string(kConfig, config);
  REQUIRE(settings);
  const Program& program = settings->program;

  // One clock for the exchange and the daemon, running at the wall clock's pace.
  ManualClock clock(parse_rfc3339("2026-03-31T23:59:57Z").value());
  struct Ticker {  // joined however the test ends (a failed REQUIRE included)
    std::atomic<bool> on{true};
    std::thread thread;
    ~Ticker() {
      on = false;
      if (thread.joinable()) thread.join();
    }
  } ticker;
  ticker.thread = std::thread([&] {
    while (ticker.on) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      clock.advance(5'000);
    }
  });

  sim::SimServerOptions so;
  so.exchange = simulated_exchange(*settings);
  so.events_per_second = 300;
  so.clock = &clock;
  ClientOptions client;
  client.clock = &clock;
  test_support::add_sim_accounts(program, client, so);
  sim::SimServer server(so);
  REQUIRE(server.start());
  test_support::point_at(client, server);

  LiveDaemonOptions o;
  o.clock = &clock;
  o.client = client;
  o.journal = JournalOptions{.dir = dir + "/journal", .rotate_every = 3600 * kUsPerSecond};
  o.engine = {.publish_interval = 100'000, .report_dir = dir + "/reports"};
  o.engine.config_path = config;
  std::ofstream(dir + "/tokens") << "alpha-token-month-close mm:alpha\nbravo-token-month-close mm:bravo\n";
  fs::permissions(dir + "/tokens", fs::perms::owner_read | fs::perms::owner_write);
  api::ApiOptions api;
  api.listen = "127.0.0.1:0";
  api.tokens_file = dir + "/tokens";
  o.api = api;
  const std::string reports = dir + "/reports";
  {
    LiveDaemon daemon(program, std::move(o));
    REQUIRE(daemon.start());
    // 3 s of March, then April until the month is closed and 2 s more (the clock runs
    // slower than the wall when the machine is loaded: waited for, not assumed).
    const TimeUs april = parse_rfc3339("2026-04-01T00:00:02Z").value();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while ((clock.now_us() < april || !fs::exists(reports + "/report-2026-03.json")) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // An MM downloads its statement over the API: the file the close wrote, JSON or CSV;
    // another MM's is refused; a month without one, or no month, is said.
    const uint16_t port = daemon.api_port();
    const std::string alpha = "alpha-token-month-close";
    const auto json = api_test::http_get(port, "/v1/mms/alpha/statement", alpha);
    CHECK(json.status == 200);
    CHECK(json.body == slurp(reports + "/statement-2026-03-alpha.json"));
    const auto csv = api_test::http_get(port, "/v1/mms/alpha/statement?month=2026-03&format=csv", alpha);
    CHECK(csv.status == 200);
    CHECK(csv.body == slurp(reports + "/statement-2026-03-alpha.csv"));
    CHECK(api_test::http_get(port, "/v1/mms/bravo/statement", alpha).status == 403);
    const auto no_april = api_test::http_get(port, "/v1/mms/alpha/statement?month=2026-04", alpha);
    CHECK(no_april.status == 404);
    CHECK_THAT(no_april.body, Catch::Contains("no statement for alpha for 2026-04"));
    const auto bad = api_test::http_get(port, "/v1/mms/alpha/statement?month=March", alpha);
    CHECK(bad.status == 400);
    CHECK_THAT(bad.body, Catch::Contains("month"));
    daemon.stop();  // closes the journal file open at the close: the manifest follows
  }
  server.stop();

  const std::string manifest = reports + "/manifest-2026-03.json";
  REQUIRE(fs::exists(reports + "/report-2026-03.json"));
  REQUIRE(fs::exists(manifest));
  CHECK_FALSE(fs::exists(reports + "/manifest-2026-04.json"));  // April still runs
  CHECK_THAT(slurp(reports + "/report-2026-03.json"), Catch::Contains(R"("final": true)"));
  for (const char* mm : {"alpha", "bravo"}) {
    const std::string statement = slurp(reports + "/statement-2026-03-" + std::string(mm) + ".json");
    CHECK_THAT(statement, Catch::Contains(std::string("\"mm_id\": \"") + mm + "\""));
    CHECK_THAT(statement, !Catch::Contains(std::string(mm) == "alpha" ? "bravo" : "alpha"));
    CHECK(fs::exists(reports + "/statement-2026-03-" + std::string(mm) + ".csv"));
  }
  // The March records the daemon received are in the report (the month was not empty).
  CHECK_THAT(slurp(reports + "/report-2026-03.json"), !Catch::Contains(R"("records": 0,)"));

  std::string out;
  CHECK(verify(manifest, config, dir, out) == 0);
  CHECK_THAT(out, Catch::StartsWith("OK: 2026-03"));

  // One byte of the journal changed: verify fails and names the file.
  std::string journal;
  for (const auto& e : fs::directory_iterator(dir + "/journal"))
    if (e.path().filename().string().rfind("journal-", 0) == 0) journal = e.path().string();
  REQUIRE_FALSE(journal.empty());
  std::string text = slurp(journal);
  const size_t at = text.find("\"ts\":177500159");  // a record of March 31, 23:59:5x
  REQUIRE(at != std::string::npos);
  text[at + 8] = text[at + 8] == '9' ? '8' : '9';
  std::ofstream(journal, std::ios::binary) << text;
  CHECK(verify(manifest, config, dir, out) == 1);
  CHECK_THAT(out, Catch::Contains(journal));
  INFO(out);
  fs::remove_all(dir);
}
