// mmscore run: the live daemon. Threads: the network (one Asio thread: exchange client),
// the engine (EngineLoop), and this main thread, which only waits for signals.
#include <csignal>
#include <cstdio>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "config/config.h"
#include "daemon/api/api_server.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "daemon/engine_loop.h"
#include "daemon/live_setup.h"
#include "daemon/report_files.h"
#include "daemon/standings_table.h"
#include "feeds/journal_writer.h"
#include "feeds/net/exchange_client.h"
#include "feeds/thread_setup.h"

namespace mm {

namespace {

const char* kRunUsage =
    "usage: mmscore run --config FILE [--journal-dir DIR] [--report-dir DIR] [--api-listen HOST:PORT]\n"
    "                   [--tokens FILE] [--duration SECONDS] [--print-every SECONDS]\n";

class ClientRequests final : public FeedRequests {
 public:
  explicit ClientRequests(ExchangeClient& c) : client_(c) {}
  void request_depth(uint32_t market) override { client_.request_depth(market); }
  void request_open_orders(uint16_t mm, uint16_t account) override { client_.request_open_orders(mm, account); }

 private:
  ExchangeClient& client_;
};

// Blocks until SIGINT/SIGTERM (or the optional duration); SIGHUP calls `on_hup`;
// `every` runs about each `period` (0: never).
void wait_for_shutdown(const sigset_t& signals, TimeUs duration, const std::function<void()>& on_hup,
                       TimeUs period, const std::function<void()>& every) {
  const TimeUs until = duration > 0 ? realtime_now_us() + duration : 0;
  TimeUs next_every = period > 0 ? realtime_now_us() + period : 0;
  while (true) {
    const TimeUs now = realtime_now_us();
    if (next_every && now >= next_every) {
      every();
      next_every = now + period;
    }
    TimeUs left = kUsPerSecond;
    if (until) {
      if (until <= now) return;
      left = std::min(left, until - now);
    }
    if (next_every) left = std::min(left, std::max<TimeUs>(next_every - now, 1000));
    const timespec wait{time_t(left / kUsPerSecond), long(left % kUsPerSecond) * 1000};
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGHUP) {
      if (on_hup) on_hup();
    } else if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
      return;
    }
  }
}

// "127.0.0.1:0" + the bound port -> "127.0.0.1:41234".
std::string api_listen_url(const std::string& listen, uint16_t port) {
  return listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
}

}  // namespace

int run_command(int argc, char** argv) {
  CliArgs args({"--config", "--journal-dir", "--report-dir", "--api-listen", "--tokens", "--duration", "--print-every"},
               {});
  if (auto err = args.parse(argc, argv, 2); err || !args.has("--config") || !args.positional().empty()) {
    std::fprintf(stderr, "mmscore run: %s\n%s", err ? err->c_str() : "--config is required", kRunUsage);
    return kExitUsage;
  }
  auto loaded = load_config_file(*args.get("--config"));
  if (auto* e = std::get_if<ConfigError>(&loaded)) {
    std::fprintf(stderr, "%s\n", e->message.c_str());
    return kExitUsage;
  }
  Settings settings = std::move(std::get<Settings>(loaded));
  if (auto d = args.get("--journal-dir")) settings.journal.dir = *d;
  if (auto d = args.get("--report-dir")) settings.report.dir = *d;
  if (auto a = args.get("--api-listen")) settings.api.listen = *a;
  if (auto t = args.get("--tokens")) settings.api.tokens_file = *t;
  TimeUs duration = 0, print_every = 0;
  for (auto [flag, out] : {std::pair{"--duration", &duration}, std::pair{"--print-every", &print_every}}) {
    if (auto d = args.get(flag)) {
      char* end = nullptr;
      const double secs = std::strtod(d->c_str(), &end);
      if (end == d->c_str() || *end != '\0' || !(secs > 0)) {
        std::fprintf(stderr, "mmscore run: %s needs a positive number of seconds\n", flag);
        return kExitUsage;
      }
      *out = TimeUs(secs * double(kUsPerSecond));
    }
  }

  // Signals are taken by this thread only: block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string error;
  // Likewise the affinity: every thread started from here on inherits "not the engine's CPU".
  if (settings.feed.engine_cpu >= 0 && !keep_this_thread_off(int(settings.feed.engine_cpu), error)) {
    std::fprintf(stderr, "mmscore run: feed.engine_cpu = %lld: %s\n", static_cast<long long>(settings.feed.engine_cpu),
                 error.c_str());
    return kExitUsage;
  }
  LiveSetup live;
  if (!prepare_live(settings, live, error)) {
    std::fprintf(stderr, "mmscore run: %s\n", error.c_str());
    return kExitUsage;
  }
  const Program& program = settings.program;

  std::unique_ptr<JournalWriter> journal;
  std::vector<std::string> restore_files;
  if (settings.journal.enabled) {
    restore_files = journal_files_to_restore(settings.journal.dir);
    journal = std::make_unique<JournalWriter>(program, journal_options(settings.journal));
    if (!journal->open(realtime_now_us(), error)) {
      std::fprintf(stderr, "mmscore run: %s\n", error.c_str());
      return kExitUsage;
    }
    spdlog::info("journal: {}", journal->current_file());
  }

  InboundRing ring;
  RcuCell<PublishedState> published;
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  ExchangeClient client(io, live.client, ring);
  ClientRequests requests(client);
  EngineLoop loop(program, ring, journal.get(), &requests, published,
                  EngineLoopOptions{kUsPerSecond, settings.report.dir, settings.feed.engine_spin_us,
                                    int(settings.feed.engine_cpu)});
  // SIGINT/SIGTERM during a long restore: stop at once, write nothing (the state is
  // incomplete), exit 0; the journal files stay for the next start.
  bool stopped_in_restore = false;
  const auto stop_pending = [&] {
    sigset_t pending;
    sigpending(&pending);
    return stopped_in_restore = sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
  };
  if (!loop.restore(restore_files, error, stop_pending)) {
    if (stopped_in_restore) {
      spdlog::info("stopped by a signal while restoring ({}); no report written", error);
      if (journal) journal->close();
      return kExitOk;
    }
    std::fprintf(stderr, "mmscore run: restore: %s\n", error.c_str());
    return kExitUsage;
  }

  // The API reads only what the engine publishes; snapshots are written from it too.
  api::ApiSources sources;
  sources.program = &program;
  sources.published = &published;
  sources.client = &client.stats();
  sources.processed_records = [&] { return loop.processed(); };
  sources.write_snapshot = [&](std::string& err) -> std::string {
    std::optional<Report> report;
    published.read([&](const PublishedState& s) {
      if (s.started) report = s.report;
    });
    if (!report) {
      err = "no record processed yet: nothing to report";
      return {};
    }
    return write_report_files(settings.report.dir, program, *report, false, err, ReplaceReport::unless_final);
  };
  api::ApiServer api_server(api::api_options(settings.api), sources);
  if (!api_server.start(error)) {
    std::fprintf(stderr, "mmscore run: %s\n", error.c_str());
    return kExitUsage;
  }

  std::atomic<bool> stop_engine{false};
  std::thread io_thread([&] {
    name_this_thread("mm-net");
    io.run();
  });
  std::thread engine_thread([&] { loop.run(stop_engine); });
  client.start();
  spdlog::info("mmscore running: {} markets, {} MMs, feed {}, api http://{}", program.markets.size(),
               program.mms.size(), live.client.ws_url, api_listen_url(settings.api.listen, api_server.port()));

  const auto reload_tokens = [&] {
    std::string err;
    api_server.reload_tokens(err);  // logs the outcome itself
  };
  wait_for_shutdown(signals, duration, reload_tokens, print_every, [&] {
    published.read([&](const PublishedState& s) {
      if (s.started) std::fputs((standings_table(program, s) + "\n").c_str(), stdout);
      std::fflush(stdout);
    });
  });

  // Stop within 5 s: close the feeds (their `disconnected` events are journaled), let
  // the engine drain the ring, write the running report, close the journal.
  api_server.stop();
  std::promise<void> feeds_closed;
  client.stop([&] { feeds_closed.set_value(); });
  if (feeds_closed.get_future().wait_for(std::chrono::seconds(3)) != std::future_status::ready)
    spdlog::warn("feeds did not close within 3 s; stopping anyway");
  stop_engine = true;
  ring.wakeup().notify();
  engine_thread.join();
  int status = kExitOk;
  const std::string path = loop.write_running_report(error);
  if (!path.empty()) spdlog::info("running report: {}", path);
  else spdlog::warn("running report not written: {}", error);
  if (journal) journal->close();
  if (live.simulator) live.simulator->stop();
  work.reset();
  io.stop();
  io_thread.join();
  return status;
}

}  // namespace mm
