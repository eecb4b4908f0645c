// Frame received -> state updated, end to end over loopback: the real simulator server
// sends Backpack frames, the daemon's exchange client receives them (receive time
// stamped there), the engine loop parses, applies and journals them. The engine
// records now - receive time per message, and separately its own work (ring pop ->
// state updated); this prints both per load phase, with a low-rate phase as the
// in-process baseline. The difference is hand-over and scheduling: waking the
// engine thread, and on a 2-core box sharing the cores with the simulator.
//
//   build/tests/bench/latency_bench [--seconds S] [--rates 1000,10000,100000] [--spin-us N]
//                                   [--engine-cpu C]
// --spin-us and --engine-cpu are the daemon's [feed] engine_spin_us and engine_cpu: with
// both, the engine polls on a core the simulator and the network thread are kept off.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "daemon/live_daemon.h"
#include "daemon/live_setup.h"
#include "feeds/sim/server/sim_server.h"
#include "feeds/thread_setup.h"
#include "tests/support/sim_accounts.h"

using namespace mm;

namespace {

const char* kConfig = R"(
[snapshot]
interval = "10s"
[[categories]]
name = "perp"
pool_usd = 200000
tiers = [ { tier = 1, pool_usd = 200000, markets = ["BTC_USDC_PERP", "ETH_USDC_PERP", "SOL_USDC_PERP", "XRP_USDC_PERP", "DOGE_USDC_PERP"] } ]
[[categories]]
name = "spot"
pool_usd = 100000
tiers = [ { tier = 1, pool_usd = 100000, markets = ["SOL_USDC", "BTC_USDC", "ETH_USDC", "XRP_USDC", "DOGE_USDC"] } ]
[[markets]]
symbol = "BTC_USDC_PERP"
category = "perp"
[[markets]]
symbol = "ETH_USDC_PERP"
category = "perp"
[[markets]]
symbol = "SOL_USDC_PERP"
category = "perp"
[[markets]]
symbol = "XRP_USDC_PERP"
category = "perp"
[[markets]]
symbol = "DOGE_USDC_PERP"
category = "perp"
[[markets]]
symbol = "SOL_USDC"
category = "spot"
[[markets]]
symbol = "BTC_USDC"
category = "spot"
[[markets]]
symbol = "ETH_USDC"
category = "spot"
[[markets]]
symbol = "XRP_USDC"
category = "spot"
[[markets]]
symbol = "DOGE_USDC"
category = "spot"
[[mms]]
id = "alpha"
joined = "2025-01"
[[mms]]
id = "bravo"
joined = "2025-01"
[[mms]]
id = "charlie"
joined = "2025-01"
[[mms]]
id = "delta"
joined = "2025-01"
[[mms]]
id = "echo"
joined = "2025-01"
)";

struct Phase {
  double target_frames_per_s;
  double achieved_frames_per_s = 0;
  LatencyHistogram latency;
  LatencyHistogram service;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  TimeUs spin_us = 0;
  int engine_cpu = -1;
  std::vector<double> rates{1000, 10000, 100000};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--spin-us")) spin_us = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--engine-cpu")) engine_cpu = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rates")) {
      rates.clear();
      std::stringstream ss(argv[i + 1]);
      for (std::string r; std::getline(ss, r, ',');) rates.push_back(std::atof(r.c_str()));
    }
  }
  spdlog::set_level(spdlog::level::warn);
  // As `mmscore run` does: before any thread starts, so that all of them stay off it.
  if (auto kept_off = engine_cpu >= 0 ? keep_this_thread_off(engine_cpu) : Result<>(); !kept_off) {
    std::fprintf(stderr, "--engine-cpu %d: %s\n", engine_cpu, kept_off.message().c_str());
    return 2;
  }
  auto loaded = load_config_string(kConfig, "bench.toml");
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());
    return 2;
  }
  const Settings settings = *loaded;
  const Program& program = settings.program;
  const std::string dir = (std::filesystem::temp_directory_path() / "mmscore-latency-bench").string();
  std::filesystem::remove_all(dir);

  sim::SimServerOptions so;
  so.exchange = simulated_exchange(settings);
  so.events_per_second = 1;
  ClientOptions co;
  test_support::add_sim_accounts(program, co, so, "");

  std::vector<Phase> phases;
  for (double rate : rates) {
    // A fresh server per phase: its event rate is fixed at start.
    Phase phase;
    phase.target_frames_per_s = rate;
    sim::SimServerOptions o = so;
    o.events_per_second = rate / 4.35;  // ~4.35 frames per event with this mix (measured); "achieved" is printed
    sim::SimServer server(o);
    if (auto started = server.start(); !started) {
      std::fprintf(stderr, "simulator: %s\n", started.message().c_str());
      return 1;
    }
    LiveDaemonOptions options;
    options.client = co;
    options.client.ws_url = server.ws_url();
    options.client.rest_url = server.rest_url();
    options.journal = JournalOptions{.dir = dir};
    options.engine = {.report_dir = dir, .spin_before_sleep = spin_us, .cpu = engine_cpu};
    LiveDaemon daemon(program, std::move(options));
    if (auto started = daemon.start(); !started) {
      std::fprintf(stderr, "%s\n", started.message().c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));  // connect, seed, warm up
    daemon.request_latency_reset();
    const uint64_t frames0 = daemon.client_stats().total(&ConnectionStats::frames);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    phase.achieved_frames_per_s = double(daemon.client_stats().total(&ConnectionStats::frames) - frames0) / elapsed;
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the engine publishes every second
    daemon.published().read([&](const PublishedState& s) {
      phase.latency = s.latency;
      phase.service = s.service;
    });
    daemon.stop();
    server.stop();
    phases.push_back(phase);
  }
  std::filesystem::remove_all(dir);

  std::printf("latency_bench: frame received -> state updated (parse + apply + journal), %zu markets, %zu MMs, "
              "%.0f s per phase\n\n",
              program.markets.size(), program.mms.size(), seconds);
  const auto us = [](uint64_t ns) { return double(ns) / 1000.0; };
  std::printf("%-10s %11s %9s | %-34s | %s\n", "", "", "", "received -> state updated (us)",
              "engine's own work (us)");
  std::printf("%-10s %11s %9s | %8s %8s %8s %7s | %6s %6s %8s\n", "target/s", "achieved/s", "frames", "p50",
              "p99", "p99.9", "max", "p50", "p99", "p99.9");
  for (const Phase& p : phases)
    std::printf("%-10.0f %11.0f %9llu | %8.1f %8.1f %8.1f %7.0f | %6.2f %6.2f %8.2f\n", p.target_frames_per_s,
                p.achieved_frames_per_s, static_cast<unsigned long long>(p.latency.count()),
                us(p.latency.quantile(0.5)), us(p.latency.quantile(0.99)), us(p.latency.quantile(0.999)),
                us(p.latency.max()), us(p.service.quantile(0.5)), us(p.service.quantile(0.99)),
                us(p.service.quantile(0.999)));
  if (!phases.empty()) {
    const Phase& base = phases.front();
    std::printf("\nratios to the %.0f/s phase (same process): ", base.target_frames_per_s);
    for (const Phase& p : phases)
      std::printf(" %.0f/s: p99 x%.2f", p.target_frames_per_s,
                  double(p.latency.quantile(0.99)) / double(std::max<uint64_t>(base.latency.quantile(0.99), 1)));
    std::printf("\n");
  }
  std::printf("\ncommand: %s", argv[0]);
  for (int i = 1; i < argc; ++i) std::printf(" %s", argv[i]);
  std::printf("\n");
  return 0;
}
