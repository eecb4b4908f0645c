// The backfill against the real simulator over loopback (SCORING.md section 13), in the
// two cases where it cannot, or must not, bring everything back: an outage longer than
// the exchange's history retention (the ids never served are exactly trades_missing, and
// health says so), and a month end inside a public outage (the old month's trades that
// only the history had are late_*, never credited to the new month).
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "config/config.h"
#include "core/report_format.h"
#include "daemon/live_daemon.h"
#include "daemon/live_setup.h"
#include "feeds/journal_replay.h"
#include "feeds/journal_writer.h"
#include "feeds/signing.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/sim_accounts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"

using namespace mm;

namespace {

const std::string kConfig = test_support::three_market_config({"alpha", "bravo"});

// The system clock moved so that a month ends `ends_in` after construction.
class MonthEndClock final : public Clock {
 public:
  explicit MonthEndClock(TimeUs ends_in) {
    const TimeUs now = system_clock().now_us();
    offset_ = month_of(now).end() - ends_in - now;
  }
  TimeUs now_us() const override { return system_clock().now_us() + offset_; }

 private:
  TimeUs offset_ = 0;
};

template <typename Pred>
bool wait_until(Pred pred, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

struct Run {
  Settings settings;
  sim::SimServerOptions sim;
  ClientOptions client;
  std::string dir = test_support::temp_dir("backfill");
};

Run make_run(const Clock& clock) {
  Run r;
  auto loaded = load_config_string(kConfig, "backfill.toml");
  REQUIRE(loaded);
  r.settings = *loaded;
  const Program& program = r.settings.program;
  r.sim.exchange = simulated_exchange(r.settings);
  r.sim.events_per_second = 400;
  r.sim.clock = &clock;
  r.client.rest_timeout = 5 * kUsPerSecond;
  test_support::add_sim_accounts(program, r.client, r.sim);
  return r;
}

// Feeds up, nothing left in the ring or the REST queue, three times in a row.
bool settled(const LiveDaemon& daemon) {
  int in_a_row = 0;
  return wait_until(
      [&] {
        const ClientStats& c = daemon.client_stats();
        const bool idle = c.public_up() && c.rest_in_flight.load() == 0 && c.rest_queued.load() == 0 &&
                          daemon.ring_used_bytes() == 0;
        in_a_row = idle ? in_a_row + 1 : 0;
        return in_a_row == 3;
      },
      20);
}

std::string without_as_of(std::string json) {
  const auto at = json.find("\"as_of\"");
  return json.erase(at, json.find('\n', at) - at);
}

// The live figures are the replay of the daemon's own journal, bit for bit.
void check_replay(const Program& program, const std::string& dir, const Engine& live) {
  Engine replayed(program);
  JournalReplayer replayer(program, replayed);
  for (const auto& f : list_journal_files(dir + "/journal")) REQUIRE(replayer.replay_file(f));
  CHECK(without_as_of(report_json(program, score_month(program, live.month(), false))) ==
        without_as_of(report_json(program, score_month(program, replayed.month(), false))));
}

LiveDaemonOptions daemon_options(const Run& r, const sim::SimServer& server, const Clock& clock) {
  LiveDaemonOptions o;
  o.client = r.client;
  test_support::point_at(o.client, server);
  o.journal = JournalOptions{.dir = r.dir + "/journal"};
  o.engine = {.publish_interval = 100'000, .report_dir = r.dir + "/reports"};
  o.api.emplace().listen = "127.0.0.1:0";
  o.clock = &clock;
  return o;
}

}  // namespace

TEST_CASE("backfill: an outage longer than the history retention leaves exactly the unserved ids missing") {
  const Clock& clock = system_clock();
  Run r = make_run(clock);
  r.sim.exchange.history_retention = 20;  // trades per market the exchange still serves
  r.sim.faults = "drop_public@1500ms";
  r.client.reconnect_min = r.client.reconnect_max = 1500'000;  // down 1.5 s: ~40 trades a market
  sim::SimServer server(r.sim);
  REQUIRE(server.start());
  LiveDaemon daemon(r.settings.program, daemon_options(r, server, clock));
  REQUIRE(daemon.start());

  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  server.pause_market();
  REQUIRE(settled(daemon));
  const sim::GroundTruth truth = server.ground_truth();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // one more publish
  const auto health = api_test::http_get(daemon.api_port(), "/v1/health");
  daemon.stop();
  server.stop();

  const Program& program = r.settings.program;
  const MonthState& month = daemon.engine().month();
  uint64_t missing = 0;
  for (uint32_t m = 0; m < program.markets.size(); ++m) {
    const std::string& symbol = program.markets[m].symbol;
    INFO(symbol);
    CHECK(month.markets[m].trades_missing == truth.trades_never_served[m]);
    missing += truth.trades_never_served[m];
    if (truth.trades_never_served[m] > 0) {
      CHECK_THAT(health.body, Catch::Contains(symbol + ": " + std::to_string(truth.trades_never_served[m]) +
                                              " trades missing"));
    }
    // The private streams stayed up: every MM fill is in, outage or not.
    for (uint16_t i = 0; i < program.mms.size(); ++i)
      CHECK(u128_to_string(month.cell(i, m).maker_volume) == u128_to_string(truth.maker_volume[i][m]));
  }
  CHECK(missing > 0);
  CHECK_THAT(health.body, Catch::Contains("\"status\":\"degraded\""));
  check_replay(program, r.dir, daemon.engine());
  std::filesystem::remove_all(r.dir);
}

TEST_CASE("backfill: a month end inside a public outage makes the old month's history-only trades late") {
  const MonthEndClock clock(3 * kUsPerSecond);  // the month ends 3 s from now, mid-outage
  const TimeUs t0 = clock.now_us();
  const TimeUs month_start = month_of(t0).end();
  Run r = make_run(clock);
  r.sim.faults = "drop_public@2s";
  r.client.reconnect_min = r.client.reconnect_max = 2 * kUsPerSecond;  // down from 2 s to 4 s
  sim::SimServer server(r.sim);
  REQUIRE(server.start());
  LiveDaemon daemon(r.settings.program, daemon_options(r, server, clock));
  REQUIRE(daemon.start());

  std::this_thread::sleep_for(std::chrono::milliseconds(6000));
  server.pause_market();
  REQUIRE(settled(daemon));
  const sim::GroundTruth truth = server.ground_truth();
  daemon.stop();
  server.stop();

  const Program& program = r.settings.program;
  const MonthState& month = daemon.engine().month();
  REQUIRE(month.month == month_of(month_start));
  uint64_t late = 0;
  for (uint32_t m = 0; m < program.markets.size(); ++m) {
    INFO(program.markets[m].symbol);
    // Trades of the old month that only the history delivered, once the daemon was streaming
    // (the ones before its first subscription were backfilled into the old month itself).
    uint64_t trades = 0;
    u128 notional = 0;
    for (const sim::HistoryOnlyTrade& t : truth.history_only[m]) {
      const TimeUs ts = t.timestamp_ms * 1000;
      if (ts >= t0 + kUsPerSecond && ts < month_start) {
        ++trades;
        notional += t.notional;
      }
    }
    REQUIRE(truth.history_only_untracked[m] == 0);
    CHECK(month.markets[m].late_trades == trades);
    CHECK(u128_to_string(month.markets[m].late_volume) == u128_to_string(notional));
    CHECK(month.markets[m].trades_missing == 0);
    late += trades;
  }
  CHECK(late > 0);
  check_replay(program, r.dir, daemon.engine());
  // The old month's final report was written at the month end.
  CHECK(std::filesystem::exists(r.dir + "/reports/report-" + month_of(t0).to_string() + ".json"));
  std::filesystem::remove_all(r.dir);
}
