#include "daemon/live_daemon.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "daemon/api/api_server.h"
#include "daemon/report_files.h"
#include "feeds/file_io.h"
#include "feeds/inbound_ring.h"
#include "feeds/sim/server/sim_server.h"
#include "feeds/thread_setup.h"

namespace mm {

namespace {

constexpr auto kFeedsCloseTimeout = std::chrono::seconds(3);
// Coarse chart points behind the fine day: at 10 s, the rest of a 31-day month in
// 2,048 points of 21 min (8 MB for 200 markets x 50 MMs).
constexpr size_t kHistoryCoarsePoints = 2048;

// What the engine asks of the network side, forwarded to the exchange client.
class ClientRequests final : public FeedRequests {
 public:
  explicit ClientRequests(ExchangeClient& c) : client_(c) {}
  void request_depth(uint32_t market) override { client_.request_depth(market); }
  void request_open_orders(uint16_t mm, uint16_t account) override { client_.request_open_orders(mm, account); }
  void request_trade_history(uint32_t market, const TradeBackfillTarget& target) override {
    client_.request_trade_history(market, target);
  }
  void request_fill_history(uint16_t mm, uint16_t account, TimeUs from) override {
    client_.request_fill_history(mm, account, from, 0);
  }

 private:
  ExchangeClient& client_;
};

}  // namespace

// Declaration order is construction order; destruction runs backwards, so the API goes
// before the engine loop, the loop before the client, the client before the io_context.
struct LiveDaemon::Parts {
  Parts(const Program& program, LiveDaemonOptions& o, JournalWriter* journal, RcuCell<PublishedState>& published)
      : work(boost::asio::make_work_guard(io)),
        client(io, o.client, ring),
        requests(client),
        loop(program, ring, journal, &requests, published, o.engine) {}

  std::unique_ptr<JournalWriter> journal;
  InboundRing ring;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  ExchangeClient client;
  ClientRequests requests;
  EngineLoop loop;
  std::unique_ptr<api::ApiServer> api;
  std::atomic<bool> stop_engine{false};
  std::thread io_thread;
  std::thread engine_thread;
};

LiveDaemon::LiveDaemon(const Program& program, LiveDaemonOptions options)
    : program_(program), options_(std::move(options)) {
  options_.client.clock = options_.clock;
  options_.engine.clock = options_.clock;
  if (options_.journal) {
    options_.journal->clock = options_.clock;
    options_.engine.journal_dir = options_.journal->dir;  // its disk space, for /metrics
    if (options_.journal->checkpoints_keep > 0)  // written by the journal, read by the restore
      options_.engine.checkpoint_dir = (std::filesystem::path(options_.journal->dir) / "checkpoints").string();
  }
  if (options_.api) {
    // The charts keep the whole month (a coarse tier behind the fine day), and, with a
    // journal, outlive a restart: saved beside the checkpoints, read back at start.
    api::HistoryOptions& h = options_.api->history;
    if (h.coarse_points == 0) h.coarse_points = kHistoryCoarsePoints;
    if (h.file.empty() && options_.journal)
      h.file = (std::filesystem::path(options_.journal->dir) / "checkpoints" / "history.bin").string();
    // Saved at least as often as checkpoints are written: a crash then leaves a kept
    // checkpoint from before the file's last point, which the restore replays from to
    // rebuild the rest of the history.
    if (options_.engine.checkpoint_every > 0) h.save_every = std::min(h.save_every, options_.engine.checkpoint_every);
  }
}

LiveDaemon::~LiveDaemon() { stop(); }

Result<> LiveDaemon::start(std::function<bool()> should_stop) {
  if (parts_) return make_error("already started");
  std::unique_ptr<JournalWriter> journal;
  if (options_.journal) {
    // Listed before the new file exists: a restart replays everything written before it.
    restore_files_ = list_journal_files(options_.journal->dir);
    // Earlier runs' plain files are compressed after the restore has read them: not
    // under its feet, not competing with it for the CPU.
    options_.journal->defer_earlier = true;
    journal = std::make_unique<JournalWriter>(program_, *options_.journal);
    if (auto opened = journal->open(options_.clock->now_us()); !opened) return opened;
    spdlog::info("journal: {}", journal->current_file());
  }
  restore_progress_ = std::make_unique<RestoreProgress>(restore_files_);
  options_.engine.restore_progress = restore_progress_.get();
  if (options_.on_restore_start) options_.on_restore_start(*restore_progress_);
  parts_ = std::make_unique<Parts>(program_, options_, journal.get(), published_);
  parts_->journal = std::move(journal);
  if (auto r = start_api(); !r) return r;  // before the restore: a monitor sees "restoring"
  if (auto r = restore(std::move(should_stop)); !r) return r;
  if (parts_->journal) parts_->journal->compress_earlier_files();
  start_threads();
  running_ = true;
  return {};
}

Result<> LiveDaemon::restore(std::function<bool()> should_stop) {
  if (const RestoreFigures f = restore_progress_->figures(); f.files_total > 0)
    spdlog::info("restoring from {} journal files, {} bytes", f.files_total, f.bytes_total);
  bool interrupted = false;
  auto asked = [&] { return interrupted = should_stop && should_stop(); };
  // What the charts' history file misses (a SIGKILL after its last save) is rebuilt from
  // the journal the restore replays.
  std::vector<api::HistoryPoint> rebuilt;
  if (parts_->api && options_.journal) {
    auto keep = [this, &rebuilt](const PublishedState& s) {
      rebuilt.push_back(api::HistoryPoint{s.published_at, api::History::row(program_, s)});
    };
    parts_->loop.sample_while_restoring(keep, options_.api->history.interval, parts_->api->history_loaded_until());
  }
  if (auto r = parts_->loop.restore(restore_files_, asked); !r) {
    restore_interrupted_ = interrupted;
    return make_error("restore: " + r.message());  // the API says "restoring" until stop()
  }
  if (!rebuilt.empty()) parts_->api->add_history(std::move(rebuilt));  // before the first live point
  restore_progress_->finish();  // from now on the API answers as the published state says
  return {};
}

Result<> LiveDaemon::start_api() {
  if (!options_.api) return {};
  api::ApiSources sources;
  sources.program = &program_;
  sources.published = &published_;
  sources.client = &parts_->client.stats();
  sources.processed_records = [this] { return parts_->loop.processed(); };
  sources.write_snapshot = [this] { return write_snapshot(); };
  sources.list_snapshots = [dir = options_.engine.report_dir] {
    std::vector<std::pair<std::string, uint64_t>> out;
    for (const SnapshotFile& f : list_snapshot_files(dir)) out.emplace_back(f.name, f.bytes);
    return out;
  };
  sources.read_snapshot = [dir = options_.engine.report_dir](std::string_view name) -> Result<std::string> {
    if (!is_snapshot_file_name(name)) return make_error("no such snapshot file");
    Result<std::string> content = read_file((std::filesystem::path(dir) / std::string(name)).string());
    if (!content) return make_error("no such snapshot file");
    return content;
  };
  sources.read_statement = [dir = options_.engine.report_dir](std::string_view mm_id, std::optional<YearMonth> month,
                                                              bool csv) -> Result<std::pair<std::string, std::string>> {
    auto file = read_statement_file(dir, std::string(mm_id), month, csv);
    if (!file) return file.error();
    return std::pair{std::move(file->name), std::move(file->content)};
  };
  sources.clock = options_.clock;
  sources.restore = restore_progress_.get();
  parts_->api = std::make_unique<api::ApiServer>(*options_.api, std::move(sources));
  if (auto started = parts_->api->start(); !started) return started;
  api_port_.store(parts_->api->port(), std::memory_order_release);
  return {};
}

void LiveDaemon::start_threads() {
  Parts& p = *parts_;
  p.io_thread = std::thread([&p] {
    name_this_thread("mm-net");
    p.io.run();
  });
  p.engine_thread = std::thread([&p] { p.loop.run(p.stop_engine); });
  p.client.start();
}

void LiveDaemon::stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  if (p.api) p.api->stop();
  if (running_) {
    std::promise<void> feeds_closed;
    p.client.stop([&] { feeds_closed.set_value(); });
    feeds_closed_in_time_ = feeds_closed.get_future().wait_for(kFeedsCloseTimeout) == std::future_status::ready;
    if (!feeds_closed_in_time_) spdlog::warn("feeds did not close within 3 s; stopping anyway");
    p.stop_engine = true;
    p.ring.wakeup().notify();
    p.engine_thread.join();
    if (auto path = p.loop.write_running_report()) spdlog::info("running report: {}", *path);
    else spdlog::warn("running report not written: {}", path.message());
  }
  if (p.journal) p.journal->close();
  p.loop.finish_month_closes();  // manifests that waited for the journal file to close
  if (options_.simulator) options_.simulator->stop();
  p.work.reset();
  p.io.stop();
  if (p.io_thread.joinable()) p.io_thread.join();
  running_ = false;
  // The parts stay: engine() reads the final state.
  p.api.reset();
  api_port_.store(0, std::memory_order_release);
}

Result<std::string> LiveDaemon::write_snapshot() const {
  std::optional<Report> report;
  published_.read([&](const PublishedState& s) {
    if (s.started) report = s.report;
  });
  if (!report) return make_error("no record processed yet: nothing to report");
  // The running report as before, and an immutable copy named by the time it was taken.
  if (auto running = write_report_files(options_.engine.report_dir, program_, *report, false, ReplaceReport::unless_final);
      !running)
    spdlog::warn("snapshot: running report not replaced: {}", running.message());
  return write_snapshot_files(options_.engine.report_dir, program_, *report, options_.clock->now_us());
}

std::string LiveDaemon::restored_from() const { return parts_ ? parts_->loop.restored_from() : std::string(); }
uint64_t LiveDaemon::processed() const { return parts_ ? parts_->loop.processed() : 0; }
uint64_t LiveDaemon::engine_heartbeat() const { return parts_ ? parts_->loop.heartbeat() : 0; }
size_t LiveDaemon::ring_used_bytes() const { return parts_ ? parts_->ring.used_bytes() : 0; }
const ClientStats& LiveDaemon::client_stats() const { return parts_->client.stats(); }
void LiveDaemon::request_latency_reset() {
  if (parts_) parts_->loop.request_latency_reset();
}
void LiveDaemon::reload_tokens() {
  if (parts_ && parts_->api) (void)parts_->api->reload_tokens();  // logs the outcome itself
}
Engine& LiveDaemon::engine() { return parts_->loop.engine(); }

}  // namespace mm
