// Restart benchmark (issue 11): the time from `mmscore run` starting to /v1/health no
// longer saying "restoring", over a journal of N records, (a) with a checkpoint at the
// journal's end and (b) without one (a full replay, the baseline in the same run).
// The journal is the replay benchmark's synthetic one (100 markets x 50 MMs by default);
// the checkpoint is made here by replaying it in this process, as the daemon would have
// written it at shutdown. The daemon's feeds point at a closed port: this is about the
// restore. Not a ctest test.
//
//   restart_bench [--records N,N,...] [--markets N] [--mms N] [--dir PATH]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_journal.h"
#include "config/config.h"
#include "core/engine.h"
#include "feeds/checkpoint_store.h"
#include "feeds/journal_replay.h"
#include "feeds/journal_writer.h"
#include "feeds/signing.h"
#include "feeds/sim/model/sim_program.h"
#include "tests/daemon/api/raw_client.h"

extern char** environ;

using namespace mm;
namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    "usage: restart_bench [--records N,N,...] [--markets N] [--mms N] [--dir PATH]\n"
    "  defaults: 1000000,5000000,20000000 records, 100 markets, 50 MMs, under /tmp (deleted after each size)\n";

struct Args {
  std::vector<uint64_t> records{1'000'000, 5'000'000, 20'000'000};
  size_t markets = 100, mms = 50;
  std::string dir = "/tmp/mmscore_restart_bench";
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "restart_bench: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

uint64_t positive(const std::string& v) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n == 0) usage("not a positive number: " + v);
  return n;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + flag);
      return argv[++i];
    };
    if (flag == "--records") {
      a.records.clear();
      std::stringstream list(value());
      for (std::string n; std::getline(list, n, ',');) a.records.push_back(positive(n));
    } else if (flag == "--markets") a.markets = positive(value());
    else if (flag == "--mms") a.mms = positive(value());
    else if (flag == "--dir") a.dir = value();
    else if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else usage("unknown flag " + flag);
  }
  return a;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string symbols_of(const Program& p, const TierSpec& t) {
  std::string out;
  for (uint32_t m : t.markets) out += (out.empty() ? "\"" : ", \"") + p.markets[m].symbol + "\"";
  return out;
}

// The simulated exchange's program as a config file, with key files for every account,
// the feeds at a closed port, the journal in `dir`/journal, the API on `port`.
std::string write_config(const Program& p, const std::string& dir, uint16_t port) {
  std::ostringstream t;
  t << "[program]\npool_usd = " << p.pool / 100 << "\n[snapshot]\ninterval = \"10s\"\n";
  for (const CategorySpec& c : p.categories) {
    t << "[[categories]]\nname = \"" << (c.category == Category::perp ? "perp" : "spot") << "\"\npool_usd = "
      << c.pool / 100 << "\ntiers = [\n";
    for (const TierSpec& tier : c.tiers)
      t << "  { tier = " << tier.tier << ", pool_usd = " << tier.pool / 100 << ", markets = [" << symbols_of(p, tier)
        << "] },\n";
    t << "]\n";
  }
  for (const MarketSpec& m : p.markets)
    t << "[[markets]]\nsymbol = \"" << m.symbol << "\"\ncategory = \"" << (m.category == Category::perp ? "perp" : "spot")
      << "\"\n";
  fs::create_directories(dir + "/keys");
  for (const MmSpec& mm : p.mms) {
    const std::string key = dir + "/keys/" + mm.id + ".key", secret = dir + "/keys/" + mm.id + ".secret";
    if (!write_key_files(key, secret, generate_secret_b64())) usage("cannot write key files in " + dir);
    t << "[[mms]]\nid = \"" << mm.id << "\"\njoined = \"2025-01\"\naccounts = [ { name = \"" << mm.accounts[0]
      << "\", api_key_file = \"" << key << "\", api_secret_file = \"" << secret << "\" } ]\n";
  }
  t << "[feed]\nws_url = \"ws://127.0.0.1:1\"\nrest_url = \"http://127.0.0.1:1\"\n[journal]\ndir = \"" << dir
    << "/journal\"\ncompress = false\n[report]\ndir = \"" << dir << "/reports\"\n[api]\nlisten = \"127.0.0.1:" << port
    << "\"\n";
  const std::string path = dir + "/bench.toml";
  std::ofstream(path) << t.str();
  return path;
}

// Replays the journal here and writes the checkpoint the daemon would have written at
// its end. Returns the replay's seconds.
double make_checkpoint(const Program& p, const std::string& journal_dir) {
  const auto started = std::chrono::steady_clock::now();
  Engine engine(p);
  JournalReplayer replayer(p, engine);
  const std::vector<std::string> files = list_journal_files(journal_dir);
  for (const std::string& f : files)
    if (auto r = replayer.replay_file(f); !r) usage(r.message());
  const double seconds = seconds_since(started);
  engine.go_live();  // as the daemon's engine is at its shutdown
  StateWriter state;
  engine.save_state(state);
  const CheckpointMeta meta{p.config_hash, std::string(mmscore_version()), engine.clock(),
                            {fs::path(files.back()).filename().string(), uint64_t(fs::file_size(files.back()))}};
  if (auto w = CheckpointStore(journal_dir + "/checkpoints", 3).write(meta, state.bytes()); !w) usage(w.message());
  std::printf("    checkpoint: %zu bytes of state\n", state.bytes().size());
  return seconds;
}

// `mmscore run` until /v1/health answers without "restoring"; then SIGKILL. Seconds.
double time_restart(const std::string& config, uint16_t port, const std::string& log) {
  std::vector<std::string> args{MMSCORE_BINARY, "run", "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = -1;
  if (posix_spawn(&pid, MMSCORE_BINARY, &fa, nullptr, argv.data(), environ) != 0) usage("cannot start mmscore");
  posix_spawn_file_actions_destroy(&fa);
  double seconds = -1;
  while (seconds_since(started) < 600) {
    const auto health = api_test::http_get(port, "/v1/health");
    if (health.status != 0 && health.body.find("\"restoring\"") == std::string::npos) {
      seconds = seconds_since(started);
      break;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) usage("mmscore exited early; see " + log);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // SIGKILL: a clean stop would first take every snapshot from the journal's (synthetic,
  // months old) time to now, which is not what is measured here.
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return seconds;
}

uint16_t port_for(uint64_t records) { return uint16_t(20000 + getpid() % 20000 + records % 97); }

void bench_size(const Args& a, uint64_t records) {
  const std::string dir = a.dir + "_" + std::to_string(records);
  fs::remove_all(dir);
  fs::create_directories(dir + "/journal");
  const sim::ExchangeOptions options = bench::bench_options(a.markets, a.mms, 1);
  const sim::SimProgram sim = sim::make_sim_program(options, 10 * kUsPerSecond, true);
  const uint16_t port = port_for(records);
  const std::string config = write_config(sim.program, dir, port);
  auto settings = load_config_file(config);
  if (!settings) usage(settings.message());
  bench::GeneratedJournal g;
  const std::string journal = dir + "/journal/journal-00000001.ndjson";
  if (auto w = bench::write_journal(options, records, journal, g); !w) usage(w.message());
  std::printf("%llu records, %.0f MB (%.0f bytes a record), generated in %.1f s\n",
              static_cast<unsigned long long>(g.records), g.bytes / 1e6, double(g.bytes) / double(g.records), g.seconds);
  const double replay = make_checkpoint(settings->program, dir + "/journal");
  std::printf("    in-process full replay: %.2f s\n", replay);
  // Each run leaves its own (header-only) journal file and a shutdown checkpoint: remove
  // them so both runs restore the same thing.
  auto reset = [&] {
    for (const std::string& f : list_journal_files(dir + "/journal"))
      if (f != journal) fs::remove(f);
  };
  const double with = time_restart(config, port, dir + "/run.log");
  reset();
  fs::remove_all(dir + "/journal/checkpoints");
  const double without = time_restart(config, port, dir + "/run.log");
  std::printf("    restart to served: %.2f s with the checkpoint, %.2f s with a full replay (%.1fx faster)\n", with,
              without, without / with);
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  for (uint64_t n : a.records) bench_size(a, n);
  return 0;
}
