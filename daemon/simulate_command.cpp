// mmscore simulate: the exchange simulator as a standalone server (tests, demos, load).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "daemon/live_setup.h"
#include "daemon/shutdown_signals.h"
#include "feeds/signing.h"
#include "feeds/sim/server/sim_server.h"

namespace mm {

namespace {
const char* kSimulateUsage =
    "usage: mmscore simulate --config FILE --listen HOST:PORT [--seed N] [--tls-cert C --tls-key K]\n"
    "                        [--rate EVENTS_PER_S] [--faults SPEC] [--ground-truth FILE] [--duration SECONDS]\n"
    "                        [--history-retention TRADES_PER_MARKET]\n";

bool read_public_key(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  in >> out;
  return !out.empty();
}

// The accounts' public keys (the API keys): the simulator verifies signatures with them.
std::vector<sim::SimAccountKey> account_keys(const Settings& settings) {
  std::vector<sim::SimAccountKey> keys;
  uint32_t flat = 0;
  for (size_t i = 0; i < settings.program.mms.size(); ++i) {
    for (size_t a = 0; a < settings.program.mms[i].accounts.size(); ++a, ++flat) {
      const AccountSettings& files = settings.accounts[i][a];
      std::string api_key;
      if (files.api_key_file.empty() || !read_public_key(files.api_key_file, api_key)) {
        spdlog::warn("account {}/{}: no readable api_key_file: it cannot subscribe", settings.program.mms[i].id,
                     settings.program.mms[i].accounts[a]);
        continue;
      }
      keys.push_back({flat, api_key});
    }
  }
  return keys;
}

Result<double> positive_number(const CliArgs& args, const char* flag, double fallback) {
  auto v = args.get(flag);
  if (!v) return fallback;
  char* end = nullptr;
  const double out = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end != '\0' || !(out > 0)) return make_error("--rate and --duration take positive numbers");
  return out;
}

struct SimulateArgs {
  sim::SimServerOptions server;
  double duration = 0;  // seconds; 0: until SIGINT/SIGTERM
};

Result<CliArgs> parse_flags(int argc, char** argv) {
  CliArgs args({"--config", "--listen", "--seed", "--tls-cert", "--tls-key", "--rate", "--faults", "--ground-truth",
                "--duration", "--history-retention"},
               {});
  if (auto parsed = args.parse(argc, argv, 2); !parsed) return parsed.error();
  if (!args.has("--config") || !args.positional().empty()) return make_error("--config is required");
  if (args.has("--tls-cert") != args.has("--tls-key")) return make_error("--tls-cert and --tls-key go together");
  return args;
}

// The flags over the config's [simulator] section.
Result<SimulateArgs> simulate_args(const CliArgs& args, Settings settings) {
  auto rate = positive_number(args, "--rate", settings.simulator.events_per_second);
  auto duration = positive_number(args, "--duration", 0);
  if (!rate) return rate.error();
  if (!duration) return duration.error();
  if (auto v = args.get("--seed")) {  // any 64-bit unsigned integer, exactly
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), settings.simulator.seed);
    if (ec != std::errc() || end != v->data() + v->size()) return make_error("--seed takes an integer from 0 to 2^64-1");
  }
  SimulateArgs out;
  sim::SimServerOptions& o = out.server;
  o.listen = args.get("--listen").value_or(settings.simulator.listen);
  o.exchange = simulated_exchange(settings);
  if (auto v = args.get("--history-retention")) {  // trades kept per market for the REST history
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), o.exchange.history_retention);
    if (ec != std::errc() || end != v->data() + v->size() || o.exchange.history_retention == 0) {
      return make_error("--history-retention takes a positive integer (trades per market)");
    }
  }
  o.events_per_second = *rate;
  o.faults = args.get("--faults").value_or(settings.simulator.faults);
  o.ground_truth_file = args.get("--ground-truth").value_or("");
  o.tls_cert_file = args.get("--tls-cert").value_or("");
  o.tls_key_file = args.get("--tls-key").value_or("");
  o.keys = account_keys(settings);
  out.duration = *duration;
  return out;
}

int usage_error(const std::string& why) {
  std::fprintf(stderr, "mmscore simulate: %s\n%s", why.c_str(), kSimulateUsage);
  return kExitUsage;
}

}  // namespace

int simulate_command(int argc, char** argv) {
  auto flags = parse_flags(argc, argv);
  if (!flags) return usage_error(flags.message());
  auto loaded = load_config_file(*flags->get("--config"));
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());  // FILE:LINE:COL: KEY: what
    return kExitUsage;
  }
  auto args = simulate_args(*flags, std::move(loaded).value());
  if (!args) return usage_error(args.message());
  const ShutdownSignals signals;  // before the server's threads start
  sim::SimServer server(std::move(args->server));
  if (auto started = server.start(); !started) {
    std::fprintf(stderr, "mmscore simulate: %s\n", started.message().c_str());
    return kExitUsage;
  }
  std::printf("listening %s %s\n", server.ws_url().c_str(), server.rest_url().c_str());
  std::fflush(stdout);
  ShutdownSignals::WaitOptions until;
  until.duration = TimeUs(args->duration * double(kUsPerSecond));
  signals.wait(until);
  server.stop();
  return kExitOk;
}

}  // namespace mm
