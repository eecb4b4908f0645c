// mmscore simulate: the exchange simulator as a standalone server (tests, demos, load).
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <fstream>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "daemon/live_setup.h"
#include "feeds/inbound.h"
#include "feeds/signing.h"
#include "feeds/sim/sim_server.h"

namespace mm {

namespace {
const char* kSimulateUsage =
    "usage: mmscore simulate --config FILE --listen HOST:PORT [--seed N] [--tls-cert C --tls-key K]\n"
    "                        [--rate EVENTS_PER_S] [--faults SPEC] [--ground-truth FILE] [--duration SECONDS]\n";

bool read_public_key(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  in >> out;
  return !out.empty();
}
}  // namespace

int simulate_command(int argc, char** argv) {
  CliArgs args({"--config", "--listen", "--seed", "--tls-cert", "--tls-key", "--rate", "--faults", "--ground-truth",
                "--duration"},
               {});
  auto fail = [](const std::string& why) {
    std::fprintf(stderr, "mmscore simulate: %s\n%s", why.c_str(), kSimulateUsage);
    return kExitUsage;
  };
  if (auto err = args.parse(argc, argv, 2)) return fail(*err);
  if (!args.has("--config") || !args.positional().empty()) return fail("--config is required");
  if (args.has("--tls-cert") != args.has("--tls-key")) return fail("--tls-cert and --tls-key go together");
  auto loaded = load_config_file(*args.get("--config"));
  if (auto* e = std::get_if<ConfigError>(&loaded)) {
    std::fprintf(stderr, "%s\n", e->message.c_str());
    return kExitUsage;
  }
  Settings settings = std::move(std::get<Settings>(loaded));
  auto number = [&](const char* flag, double& out) {
    if (auto v = args.get(flag)) {
      char* end = nullptr;
      out = std::strtod(v->c_str(), &end);
      return end != v->c_str() && *end == '\0' && out > 0;
    }
    return true;
  };
  double rate = settings.simulator.events_per_second, duration = 0;
  if (!number("--rate", rate) || !number("--duration", duration))
    return fail("--rate and --duration take positive numbers");
  if (auto v = args.get("--seed")) {  // any 64-bit unsigned integer, exactly
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), settings.simulator.seed);
    if (ec != std::errc() || end != v->data() + v->size()) return fail("--seed takes an integer from 0 to 2^64-1");
  }

  sim::SimServerOptions o;
  o.listen = args.get("--listen").value_or(settings.simulator.listen);
  o.exchange = simulated_exchange(settings);
  o.events_per_second = rate;
  o.faults = args.get("--faults").value_or(settings.simulator.faults);
  o.ground_truth_file = args.get("--ground-truth").value_or("");
  o.tls_cert_file = args.get("--tls-cert").value_or("");
  o.tls_key_file = args.get("--tls-key").value_or("");
  // The simulator verifies signatures with the accounts' public keys (the API keys).
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
      o.keys.push_back({flat, api_key});
    }
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sim::SimServer server(std::move(o));
  std::string error;
  if (!server.start(error)) {
    std::fprintf(stderr, "mmscore simulate: %s\n", error.c_str());
    return kExitUsage;
  }
  std::printf("listening %s %s\n", server.ws_url().c_str(), server.rest_url().c_str());
  std::fflush(stdout);
  timespec wait{0, 0};
  if (duration > 0) wait = timespec{time_t(duration), long((duration - double(time_t(duration))) * 1e9)};
  while (true) {
    const int sig = sigtimedwait(&signals, nullptr, duration > 0 ? &wait : nullptr);
    if (sig == SIGINT || sig == SIGTERM || (sig < 0 && errno == EAGAIN)) break;
  }
  server.stop();
  return kExitOk;
}

}  // namespace mm
