// Nothing lost (SCORING.md section 13), tried the hard way: `mmscore run` as a child
// process against the real simulator over loopback, killed with SIGKILL twice while the
// market runs on, with public and private stream drops; then stopped with SIGTERM. The
// daemon's figures must equal the exchange's *full* figures (every trade, every maker
// fill), not just what it happened to receive, and its report must equal a replay of its
// own journal.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "config/config.h"
#include "core/report_format.h"
#include "daemon/live_setup.h"
#include "feeds/journal_replay.h"
#include "feeds/journal_writer.h"
#include "feeds/signing.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"

using namespace mm;

namespace {

namespace fs = std::filesystem;
constexpr const char* kOpsToken = "ops-token-for-the-crash-test";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string without_as_of(std::string json) {
  const auto at = json.find("\"as_of\"");
  return at == std::string::npos ? json : json.erase(at, json.find('\n', at) - at);
}

uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

pid_t spawn_run(const std::string& config, const std::string& log) {
  return test_support::spawn_child({MMSCORE_BINARY, "run", "--config", config}, log, log, test_support::Output::append);
}

using test_support::wait_exit;

// The sample value of one metric line ("name 3" or "name{...} 3"); -1 when absent.
double metric(const std::string& text, const std::string& name) {
  for (size_t at = text.find("\n" + name); at != std::string::npos; at = text.find("\n" + name, at + 1)) {
    const size_t end = text.find('\n', at + 1);
    const std::string line = text.substr(at + 1, end - at - 1);
    if (line[name.size()] != ' ' && line[name.size()] != '{') continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

// Healthy (no problem: feeds up, books and orders in sync, no trade missing) and no REST
// request left, three times in a row.
bool caught_up(uint16_t port, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int in_a_row = 0;
  while (std::chrono::steady_clock::now() < until) {
    const auto health = api_test::http_get(port, "/v1/health");
    const auto metrics = api_test::http_get(port, "/metrics", kOpsToken);
    const bool ok = health.status == 200 && health.body.find("\"status\":\"ok\"") != std::string::npos &&
                    metrics.status == 200 && metric(metrics.body, "mmscore_feed_rest_in_flight") == 0 &&
                    metric(metrics.body, "mmscore_feed_rest_queued") == 0;
    in_a_row = ok ? in_a_row + 1 : 0;
    if (in_a_row == 3) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  return false;
}

struct Setup {
  std::string dir, config_file;
  Settings settings;
  uint16_t api_port = 0;
};

// The config file for `run`: the program, three MMs with key files, the simulator's URLs.
Setup write_setup(sim::SimServerOptions& so, const std::vector<std::string>& mm_ids) {
  Setup s;
  s.dir = test_support::temp_dir("crash");
  s.api_port = free_port();
  std::string text = test_support::kThreeMarketProgram;
  for (const std::string& id : mm_ids) {
    const std::string key = s.dir + "/" + id + ".key", secret = s.dir + "/" + id + ".secret";
    REQUIRE(write_key_files(key, secret, generate_secret_b64()));
    text += "[[mms]]\nid = \"" + id + "\"\njoined = \"2025-01\"\naccounts = [ { name = \"main\", api_key_file = \"" +
            key + "\", api_secret_file = \"" + secret + "\" } ]\n";
  }
  std::ofstream(s.dir + "/tokens.txt") << kOpsToken << " ops\n";
  fs::permissions(s.dir + "/tokens.txt", fs::perms::owner_read | fs::perms::owner_write);
  auto program_only = load_config_string(text, "crash.toml");
  REQUIRE(program_only);
  so.exchange = simulated_exchange(*program_only);
  for (uint32_t i = 0; i < mm_ids.size(); ++i) {
    const auto key = load_account_key(s.dir + "/" + mm_ids[i] + ".key", s.dir + "/" + mm_ids[i] + ".secret");
    REQUIRE(key);
    so.keys.push_back({i, key->api_key});
  }
  s.settings = *program_only;
  s.config_file = s.dir + "/crash.toml";
  std::ofstream(s.config_file) << text;
  return s;
}

void add_feed_sections(const Setup& s, const sim::SimServer& server) {
  std::ofstream(s.config_file, std::ios::app)
      << "[feed]\nws_url = \"" << server.ws_url() << "\"\nrest_url = \"" << server.rest_url()
      << "\"\nreconnect_min = \"50ms\"\nreconnect_max = \"500ms\"\n[journal]\ndir = \"" << s.dir
      << "/journal\"\ncheckpoint_every = \"50ms\"\n[report]\ndir = \"" << s.dir << "/reports\"\n[api]\nlisten = \"127.0.0.1:" << s.api_port
      << "\"\ntokens_file = \"" << s.dir << "/tokens.txt\"\n";
}

}  // namespace

TEST_CASE("crash: SIGKILL twice, stream drops: the report equals the exchange's full figures") {
  sim::SimServerOptions so;
  so.events_per_second = 300;
  so.faults = "drop_public@2500ms,drop_private:alpha/main@4s,drop_private:bravo/main@9500ms";
  Setup s = write_setup(so, {"alpha", "bravo", "charlie"});
  sim::SimServer server(so);
  REQUIRE(server.start());
  add_feed_sections(s, server);
  const std::string log = s.dir + "/run.log";
  const Program& program = s.settings.program;

  // The market runs from the start; the daemon comes 1 s late, is killed hard twice and
  // stays down 1.5 s each time: all of that it must fetch back from the exchange.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  for (int life = 0; life < 2; ++life) {
    const pid_t pid = spawn_run(s.config_file, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    kill(pid, SIGKILL);
    CHECK(wait_exit(pid) == 128 + SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  // Checkpoints every 50 ms: the kills land in and around their writes. Both restarts
  // started from one (a torn or half-written one is skipped for an older one).
  const std::string kill_log = slurp(log);
  size_t from_checkpoint = 0;
  for (size_t at = kill_log.find("restore: from checkpoint"); at != std::string::npos;
       at = kill_log.find("restore: from checkpoint", at + 1))
    ++from_checkpoint;
  CHECK(from_checkpoint == 1);  // the second life; the first started on an empty journal
  const pid_t pid = spawn_run(s.config_file, log);
  std::this_thread::sleep_for(std::chrono::seconds(4));  // the last private drop happens here
  server.pause_market();
  INFO(slurp(log));
  CHECK(caught_up(s.api_port, 30));
  const sim::GroundTruth truth = server.ground_truth();
  kill(pid, SIGTERM);
  REQUIRE(wait_exit(pid) == 0);
  server.stop();

  // The journal, replayed: the figures to the 1e-15 unit.
  Engine replayed(program);
  JournalReplayer replayer(program, replayed);
  for (const auto& f : list_journal_files(s.dir + "/journal")) REQUIRE(replayer.replay_file(f));
  const MonthState& month = replayed.month();
  u128 total = 0;
  for (uint32_t m = 0; m < program.markets.size(); ++m) {
    INFO(program.markets[m].symbol);
    CHECK(u128_to_string(month.markets[m].maker_volume) == u128_to_string(truth.market_volume[m]));
    CHECK(month.markets[m].trades_missing == 0);
    CHECK(month.markets[m].late_trades == 0);
    for (uint16_t i = 0; i < program.mms.size(); ++i) {
      INFO(program.mms[i].id);
      CHECK(u128_to_string(month.cell(i, m).maker_volume) == u128_to_string(truth.maker_volume[i][m]));
      total += truth.maker_volume[i][m];
    }
  }
  CHECK(total > 0);
  // Some of it came only through the history: the knowable figure is short of the full one.
  u128 knowable = 0;
  for (const auto& row : truth.knowable_maker_volume)
    for (u128 v : row) knowable += v;
  CHECK(knowable < total);
  CHECK(replayed.counters().trades_backfilled > 0);
  CHECK(replayed.counters().fills_backfilled > 0);

  // The report `run` wrote at SIGTERM is the replay's, byte for byte (but for as_of).
  const Report report = score_month(program, month, false);
  const std::string live = slurp(s.dir + "/reports/" + report_file_stem(report) + ".json");
  const std::string full_log = slurp(log);
  CHECK(full_log.find("restore: from checkpoint", full_log.find("restore: from checkpoint") + 1) != std::string::npos);
  CHECK(without_as_of(live) == without_as_of(report_json(program, report)));
  fs::remove_all(s.dir);
}
