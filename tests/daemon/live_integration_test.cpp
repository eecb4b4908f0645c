// The live daemon's parts against the real simulator over loopback sockets: exchange
// client -> ring -> engine loop -> journal, with faults injected on a schedule. Checks
// that the daemon resyncs by itself, that every MM's maker volume and every market's
// all-user volume equal the simulator's full ground truth (what the streams lost during
// the drops comes back through the history backfill), and that replaying the journal
// gives the live report byte for byte (but for as_of). Over ws:// and over wss:// with
// a certificate generated at test time.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <thread>

#include "config/config.h"
#include "core/report_format.h"
#include "daemon/live_daemon.h"
#include "daemon/report_files.h"
#include "daemon/live_setup.h"
#include "feeds/journal_replay.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/support/sim_accounts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"
#include "tests/support/test_tls.h"

using namespace mm;

namespace {

const std::string kConfig = test_support::three_market_config({"alpha", "bravo", "charlie", "delta"});

// Faults inside a 9 s run: a sequence gap, a stale REST snapshot on the re-seed that a
// public drop causes, an MM stream drop with its open-orders request delayed, garbage.
const char* kFaults =
    "gap:SOL_USDC@1500ms,stale_depth@2900ms,drop_public@3s,drop_private:alpha/main@4s,delay_rest:1s@4s,"
    "malformed@5s,gap:ETH_USDC@6s";

std::string temp_dir() { return test_support::temp_dir("live"); }

std::string without_as_of(std::string json) {
  const auto at = json.find("\"as_of\"");
  return json.erase(at, json.find('\n', at) - at);
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

void run_live(bool tls) {
  const std::string dir = temp_dir();
  auto loaded = load_config_string(kConfig, "live.toml");
  REQUIRE(loaded);
  const Settings settings = *loaded;
  const Program& program = settings.program;

  // The simulator, with a fresh key per account (the client signs, the server verifies).
  std::optional<mm::test::TestCert> cert;
  if (tls) cert = mm::test::make_test_cert();
  sim::SimServerOptions so;
  so.exchange = simulated_exchange(settings);
  so.events_per_second = 400;
  so.faults = kFaults;
  so.faults_after_sessions = 1 + program.mms.size();  // from when the daemon is connected (TSan is slow)
  if (tls) {
    so.tls_cert_file = cert->cert_file;
    so.tls_key_file = cert->key_file;
  }
  ClientOptions co;
  co.reconnect_min = 50'000;
  co.reconnect_max = 500'000;
  co.rest_timeout = 5 * kUsPerSecond;
  if (tls) co.ca_file = cert->cert_file;
  test_support::add_sim_accounts(program, co, so);
  sim::SimServer server(so);
  REQUIRE(server.start());
  test_support::point_at(co, server);

  // The daemon as `mmscore run` assembles it: journal, restore, API, threads, feeds.
  LiveDaemonOptions options;
  options.client = co;
  options.journal = JournalOptions{.dir = dir + "/journal"};
  options.engine = {.publish_interval = 200'000, .report_dir = dir + "/reports"};
  options.api.emplace().listen = "127.0.0.1:0";
  LiveDaemon daemon(program, std::move(options));
  REQUIRE(daemon.start());
  CHECK(daemon.api_port() != 0);

  // Let the faults play out, then freeze the market and let the daemon catch up.
  std::this_thread::sleep_for(std::chrono::seconds(9));
  server.pause_market();
  const auto& sim_stats = server.stats();
  CHECK(wait_until([&] { return sim_stats.frames_sent.load() == sim_stats.frames_queued.load(); }, 10));
  uint64_t last = 0;
  CHECK(wait_until(
      [&] {
        const uint64_t now = daemon.processed();
        const bool idle = now == last && daemon.ring_used_bytes() == 0;
        last = now;
        return idle;
      },
      10));
  // Resynced by itself: every book in sync, every account connected and in sync.
  bool synced = false;
  CHECK(wait_until(
      [&] {
        synced = false;
        const ClientStats& cs = daemon.client_stats();
        if (cs.rest_in_flight.load() != 0 || cs.rest_queued.load() != 0 || daemon.ring_used_bytes() != 0) return false;
        daemon.published().read([&](const PublishedState& s) {
          synced = s.public_connected;
          for (const MarketResult& mk : s.report.markets) synced = synced && mk.trades_missing == 0;
          for (uint8_t b : s.book_in_sync) synced = synced && b;
          for (const auto& accounts : s.accounts)
            for (const AccountStatus& a : accounts) synced = synced && a.connected && a.in_sync;
        });
        return synced;
      },
      10));
  const sim::GroundTruth truth = server.ground_truth();

  daemon.stop();
  CHECK(daemon.feeds_closed_in_time());
  server.stop();

  const Engine& live = daemon.engine();
  const EngineCounters& c = live.counters();
  INFO("gaps " << c.depth_gaps << " not bridged " << c.seeds_not_bridged << " rejected " << c.rejected);
  // The two gap faults, plus the stale snapshot served on the re-seed after the public
  // drop: seen as "not bridged" when frames were buffered, else as a gap on the first
  // frame after it. Either way the book re-seeded itself (all in sync, checked above).
  CHECK(c.depth_gaps >= 2);
  CHECK(c.depth_gaps + c.seeds_not_bridged >= 3);
  CHECK(c.rejected >= 2);           // the malformed frames, counted and refused whole
  daemon.published().read([&](const PublishedState& s) {  // the last publish, at the engine's stop
    CHECK(s.refused.public_frames + s.refused.private_frames + s.refused.rest_bodies == c.rejected);
  });
  CHECK(c.snapshots >= 10);

  // Maker volume equals the simulator's full ground truth: every fill, knowable or not.
  u128 total = 0;
  for (uint32_t m = 0; m < program.markets.size(); ++m) {
    INFO(program.markets[m].symbol);
    CHECK(u128_to_string(live.month().markets[m].maker_volume) == u128_to_string(truth.market_volume[m]));
    CHECK(live.month().markets[m].trades_missing == 0);
    for (uint16_t i = 0; i < program.mms.size(); ++i) {
      INFO(program.mms[i].id);
      CHECK(u128_to_string(live.month().cell(i, m).maker_volume) == u128_to_string(truth.maker_volume[i][m]));
      total += truth.maker_volume[i][m];
    }
  }
  CHECK(total > 0);

  // Replaying the journal gives the same report.
  Engine replayed(program);
  JournalReplayer replayer(program, replayed);
  for (const auto& f : list_journal_files(dir + "/journal")) REQUIRE(replayer.replay_file(f));
  const Report live_report = score_month(program, live.month(), false);
  CHECK(without_as_of(report_json(program, live_report)) ==
        without_as_of(report_json(program, score_month(program, replayed.month(), false))));
  // stop() wrote the running report.
  CHECK(std::filesystem::exists(dir + "/reports/" + report_file_stem(live_report) + ".json"));
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("live: daemon against the simulator over ws, with faults") { run_live(false); }
TEST_CASE("live: daemon against the simulator over wss, with faults") { run_live(true); }
