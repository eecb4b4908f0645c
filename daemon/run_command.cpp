// mmscore run: argument handling, then the LiveDaemon (daemon/live_daemon.h), which owns
// every thread; this main thread only waits for signals.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "daemon/config_files.h"
#include "daemon/live_daemon.h"
#include "daemon/live_setup.h"
#include "daemon/shutdown_signals.h"
#include "daemon/standings_table.h"
#include "daemon/systemd_notify.h"
#include "feeds/thread_setup.h"

namespace mm {

namespace {

const char* kRunUsage =
    "usage: mmscore run --config FILE [--journal-dir DIR] [--report-dir DIR] [--api-listen HOST:PORT]\n"
    "                   [--tokens FILE] [--duration SECONDS] [--print-every SECONDS]\n";

struct RunArgs {
  std::string config;
  std::vector<std::pair<std::string, std::string>> overrides;  // (flag, value), applied to Settings
  TimeUs duration = 0;     // 0: until a signal
  TimeUs print_every = 0;  // 0: no standings on stdout
};

Result<TimeUs> positive_seconds(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double secs = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(secs > 0)) return make_error(flag + " needs a positive number of seconds");
  return TimeUs(secs * double(kUsPerSecond));
}

Result<RunArgs> parse_run_args(int argc, char** argv) {
  CliArgs args({"--config", "--journal-dir", "--report-dir", "--api-listen", "--tokens", "--duration", "--print-every"},
               {});
  if (auto parsed = args.parse(argc, argv, 2); !parsed) return parsed.error();
  if (!args.has("--config") || !args.positional().empty()) return make_error("--config is required");
  RunArgs out;
  out.config = *args.get("--config");
  for (const char* flag : {"--journal-dir", "--report-dir", "--api-listen", "--tokens"})
    if (auto value = args.get(flag)) out.overrides.emplace_back(flag, *value);
  for (auto [flag, field] : {std::pair{"--duration", &out.duration}, std::pair{"--print-every", &out.print_every}}) {
    if (auto text = args.get(flag)) {
      auto secs = positive_seconds(flag, *text);
      if (!secs) return secs.error();
      *field = *secs;
    }
  }
  return out;
}

void apply_overrides(const RunArgs& args, Settings& s) {
  for (const auto& [flag, value] : args.overrides) {
    if (flag == "--journal-dir") s.journal.dir = value;
    else if (flag == "--report-dir") s.report.dir = value;
    else if (flag == "--api-listen") s.api.listen = value;
    else if (flag == "--tokens") s.api.tokens_file = value;
  }
}

// "127.0.0.1:0" + the bound port -> "127.0.0.1:41234".
std::string api_listen_url(const std::string& listen, uint16_t port) {
  return listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
}

int fail(const std::string& message) {
  std::fprintf(stderr, "mmscore run: %s\n", message.c_str());
  return kExitUsage;
}

void print_standings(const Program& program, const RcuCell<PublishedState>& published) {
  published.read([&](const PublishedState& s) {
    if (s.started) std::fputs((standings_table(program, s) + "\n").c_str(), stdout);
    std::fflush(stdout);
  });
}

// Before any file is created: a missing key or a bad tokens file is a config error.
bool config_files_ok(const Settings& settings) {
  tighten_demo_tokens_file(settings);  // the demo's own file: 0600 instead of a warning at every run
  const std::vector<std::string> problems = check_config_files(settings);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());  // CONFIG:LINE: KEY: ...
  return problems.empty();
}

}  // namespace

int run_command(int argc, char** argv) {
  auto args = parse_run_args(argc, argv);
  if (!args) {
    std::fprintf(stderr, "mmscore run: %s\n%s", args.message().c_str(), kRunUsage);
    return kExitUsage;
  }
  auto loaded = load_config_file(args->config);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());  // FILE:LINE:COL: KEY: what
    return kExitUsage;
  }
  Settings settings = std::move(loaded).value();
  apply_overrides(*args, settings);
  const Program& program = settings.program;

  // Before any other thread starts: every thread inherits the signal mask and, with
  // engine_cpu, "not the engine's CPU".
  const ShutdownSignals signals;
  if (settings.feed.engine_cpu >= 0) {
    if (auto kept_off = keep_this_thread_off(int(settings.feed.engine_cpu)); !kept_off)
      return fail("feed.engine_cpu = " + std::to_string(settings.feed.engine_cpu) + ": " + kept_off.message());
  }

  if (!config_files_ok(settings)) return kExitUsage;

  auto options = live_daemon_options(settings);
  if (!options) return fail(options.message());
  const std::string feed_url = options->client.ws_url;
  // systemd Type=notify (STATUS= while restoring, READY=1, WATCHDOG=1, STOPPING=1);
  // nothing without NOTIFY_SOCKET. Every path below ends its restoring phase.
  ServiceNotifier notifier;
  options->on_restore_start = [&notifier](const RestoreProgress& p) { notifier.restoring(&p); };
  LiveDaemon daemon(program, std::move(*options));
  if (auto started = daemon.start([&] { return signals.stop_pending(); }); !started) {
    notifier.stopping(daemon.restore_interrupted() ? "stopped while restoring" : "failed to start: " + started.message());
    // SIGINT/SIGTERM during a long restore: stop at once, write nothing (the state is
    // incomplete), exit 0; the journal files stay for the next start.
    if (!daemon.restore_interrupted()) return fail(started.message());
    spdlog::info("stopped by a signal while restoring ({}); no report written", started.message());
    return kExitOk;
  }
  spdlog::info("mmscore running: {} markets, {} MMs, feed {}, api http://{}", program.markets.size(),
               program.mms.size(), feed_url, api_listen_url(settings.api.listen, daemon.api_port()));

  notifier.live(std::to_string(program.markets.size()) + " markets, " + std::to_string(program.mms.size()) +
                    " MMs, api http://" + api_listen_url(settings.api.listen, daemon.api_port()),
                [&daemon] { return daemon.engine_heartbeat(); });

  signals.wait({.duration = args->duration,
                .on_hangup = [&] { daemon.reload_tokens(); },
                .every_period = args->print_every,
                .every = [&] { print_standings(program, daemon.published()); }});
  notifier.stopping("stopping: closing the feeds, writing the running report");
  daemon.stop();
  return kExitOk;
}

}  // namespace mm
