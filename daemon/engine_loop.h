// The engine thread: takes Inbound messages from the ring in arrival order, stamps a
// monotone time, parses them (the one parser of this thread), applies them to the
// Engine, journals them in processing order, and publishes standings for readers.
// It also drives the clock when no message comes: snapshot ticks and the month end.
//
// Publishing costs the engine thread a copy of the month's accumulators; scoring them
// (milliseconds for 100 markets x 50 MMs) happens on a scorer thread, which is the
// one writer of the published state.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/engine.h"
#include "core/latency_histogram.h"
#include "core/result.h"
#include "daemon/published_state.h"
#include "daemon/report_files.h"
#include "daemon/rcu_cell.h"
#include "feeds/inbound_ring.h"
#include "feeds/journal_writer.h"
#include "feeds/record_parser.h"

namespace mm {

// Requests the engine makes of the network side (re-seeding books, re-learning orders).
class FeedRequests {
 public:
  virtual ~FeedRequests() = default;
  virtual void request_depth(uint32_t market) = 0;
  virtual void request_open_orders(uint16_t mm, uint16_t account) = 0;
  // Backfill after outages (SCORING.md section 13).
  virtual void request_trade_history(uint32_t market, const TradeBackfillTarget& target) = 0;
  virtual void request_fill_history(uint16_t mm, uint16_t account, TimeUs from) = 0;  // until now
};

struct EngineLoopOptions {
  TimeUs publish_interval = kUsPerSecond;
  std::string report_dir = "reports";  // final reports at each month end
  // Before sleeping, poll the ring this long: saves the thread wake-up (tens of us on a
  // VM) when frames come close together, at the cost of a busy core. 0 on shared boxes.
  TimeUs spin_before_sleep = 0;
  // >= 0: run() pins its thread to this CPU (after starting the scorer thread, which
  // keeps the caller's affinity).
  int cpu = -1;
  const Clock* clock = &system_clock();  // receive -> updated latency, publish and snapshot times
  // restore() reports its progress here (for the API while the daemon restores); null:
  // not reported. The files must be the ones given to restore(), in the same order.
  RestoreProgress* restore_progress = nullptr;
  // Non-empty: the scorer thread publishes this directory's free and total disk bytes.
  std::string journal_dir{};  // (an initializer: designated-init users need not name it)
  // The config file: its SHA-256 goes in each closed month's manifest (SCORING.md section
  // 15). Empty (or no journal_dir): statements only, no manifest.
  std::string config_path{};
  // Checkpoints (issue 11): every `checkpoint_every` of engine time (0: none), after the
  // first record of a new month and at shutdown, written by the journal's thread. The
  // restore starts from the newest valid one in `checkpoint_dir` (empty: a full replay).
  TimeUs checkpoint_every = 0;
  std::string checkpoint_dir{};
  // Evidence rows of this much engine time are kept and published (0: none, no sink).
  TimeUs evidence_window = 24 * 3600 * kUsPerSecond;
};

// The engine's evidence sink for the live evidence rows: fills one EvidenceSnapshot per
// snapshot (one allocation per snapshot, none per row), keeps those of the window and
// republishes the list (an immutable vector of shared pointers) at the next publish.
class EvidenceCollector final : public EvidenceSink {
 public:
  EvidenceCollector(size_t mms, size_t markets, TimeUs window) : mms_(mms), markets_(markets), window_(window) {}
  void cell(const CellEvidence& e, const MmOrders& orders) override;
  void snapshot_done(TimeUs instant);  // after the snapshot's cells
  // At publish time (not per snapshot: a restore replays many): the list, rebuilt when
  // a snapshot came since the last call.
  const std::shared_ptr<const EvidenceWindow>& published();

 private:
  size_t mms_, markets_;
  TimeUs window_;
  std::shared_ptr<EvidenceSnapshot> building_;
  std::deque<std::shared_ptr<const EvidenceSnapshot>> kept_;
  std::shared_ptr<const EvidenceWindow> published_ = std::make_shared<const EvidenceWindow>();
  bool changed_ = false;
};

class EngineLoop final : public EngineObserver {
 public:
  EngineLoop(const Program& program, InboundRing& ring, JournalWriter* journal, FeedRequests* requests,
             RcuCell<PublishedState>& published, EngineLoopOptions options);

  // Before going live: restore this month's state from the newest valid checkpoint and
  // the journal files after it, or from all of them (daemon/engine_restore.cpp). Sources still connected at the end (a crash) are journaled as disconnected
  // at the last recorded time, so the downtime counts as unobserved, not as quoted.
  // `should_stop` is asked now and then (a long restore must still obey SIGTERM); a
  // stop returns an error. Progress goes to `options.restore_progress` (files done,
  // bytes, records); finishing it is the caller's part.
  Result<> restore(const std::vector<std::string>& files, std::function<bool()> should_stop = {});
  // Before restore(): the charts' history is rebuilt from the journal it replays after a
  // checkpoint (a full replay rebuilds nothing: a point per `every` of the whole month
  // would cost minutes). Each `every` of engine time after `after` (and after the
  // checkpoint) that the records cross, the state as of the last record before the
  // crossing, scored, goes to `sink` on the restoring thread: one point per `every` that
  // had records, so an outage stays a gap. A checkpoint from before `after` is preferred
  // to one more than two `every` newer, so that the replay covers all that is missing
  // (after a clean stop the newest is the shutdown's, within an interval). For the next
  // restore() only: it forgets `sink` when it returns.
  using RestoreSample = std::function<void(const PublishedState&)>;
  void sample_while_restoring(RestoreSample sink, TimeUs every, TimeUs after) {
    restore_sample_ = std::move(sink), restore_sample_every_ = every, restore_sample_after_ = after;
  }

  // Engine thread main loop. Returns when `stop` is set and the ring is drained.
  void run(const std::atomic<bool>& stop);

  // Writes the running report (final: false) into the report dir; returns its path.
  // Only while the engine thread is not running (before run() or after it returned).
  Result<std::string> write_running_report();

  Engine& engine() { return engine_; }
  // Any thread: the engine thread clears its latency histogram at its next iteration
  // (benchmarks measure one load phase at a time; the published copy shows the result).
  void request_latency_reset() { latency_reset_.store(true, std::memory_order_relaxed); }
  uint64_t processed() const { return processed_.load(std::memory_order_relaxed); }
  // After restore(): the checkpoint it started from; empty: none (a full replay).
  const std::string& restored_from() const { return restored_from_; }
  // Any thread: goes up by one every turn of run()'s loop, idle wake-ups included (at
  // least every 50 ms while the loop is healthy): the systemd watchdog's liveness sign.
  uint64_t heartbeat() const { return heartbeat_.load(std::memory_order_relaxed); }
  // After run() returned and the journal was closed: writes the closed months' manifests
  // still waiting for their journal file to be closed.
  void finish_month_closes() {
    if (month_close_) month_close_->finish();
  }

 private:
  struct PublishJob {
    std::unique_ptr<PublishedState> state;  // everything but the report
    MonthState month;                       // scored on the scorer thread
  };

  struct RestoreStart {
    size_t file;      // index in restore()'s files
    uint64_t offset;  // in that file's content
    TimeUs clock;     // the checkpoint's engine time
  };
  // The newest checkpoint that loads into the engine; nullopt (engine untouched): none.
  std::optional<RestoreStart> load_checkpoint(const std::vector<std::string>& files);
  void close_sources_left_open();
  // Engine thread, right after a record: the state then is exactly the journal's so far.
  void maybe_checkpoint() {
    if (journal_ && options_.checkpoint_every > 0 && (checkpoint_due_ || engine_.clock() >= next_checkpoint_))
      write_checkpoint();
  }
  void write_checkpoint();

  void process(Inbound& m);
  void on_idle(TimeUs now);
  bool spin_for_message(TimeUs spin);  // true when a message arrived within `spin` µs
  void publish_now();  // engine thread: hand the current state to the scorer
  void sample_restored();  // the state now, scored, to restore_sample_
  void scorer_loop();

  // EngineObserver
  void month_closed(const MonthState& state) override;
  void book_needs_seed(uint32_t market) override;
  void account_needs_open_orders(uint16_t mm, uint16_t account) override;
  void trades_backfill_needed(uint32_t market, const TradeBackfillTarget& target) override;
  void fills_backfill_needed(uint16_t mm, uint16_t account, TimeUs from) override;
  void snapshot_taken(uint32_t interval, TimeUs instant) override;
  void notice(std::string_view what) override;

  const Program& program_;
  InboundRing& ring_;
  JournalWriter* journal_;
  FeedRequests* requests_;
  RcuCell<PublishedState>& published_;
  EngineLoopOptions options_;
  Engine engine_;
  std::unique_ptr<EvidenceCollector> evidence_;  // null: evidence_window 0
  RecordParser parser_;
  Record record_;
  LatencyHistogram latency_;  // frame received -> state updated
  LatencyHistogram service_;  // taken off the ring -> state updated: the engine's own work
  RefusedBySource refused_;   // live input the parser refused, since start
  bool restoring_ = false;
  bool checkpoint_due_ = false;        // month closed or restored: at the next record
  bool clock_moved_by_timer_ = false;  // since the last record: no shutdown checkpoint then
  TimeUs next_checkpoint_ = 0;         // engine time
  uint64_t processed_at_checkpoint_ = 0;  // nothing new since: no shutdown checkpoint
  std::string restored_from_;
  RestoreSample restore_sample_;
  TimeUs restore_sample_every_ = 0, restore_sample_after_ = 0;
  TimeUs next_publish_ = 0;
  uint64_t months_closed_ = 0;
  TimeUs month_closed_end_ = 0, final_report_at_ = 0;  // see PublishedState
  uint64_t refusals_logged_ = 0;
  TimeUs refusal_log_window_ = 0;
  std::atomic<uint64_t> processed_{0};
  std::atomic<uint64_t> heartbeat_{0};  // written by the engine thread only
  std::atomic<bool> latency_reset_{false};
  std::unique_ptr<LiveMonthClose> month_close_;  // from the first month close on

  // Engine thread -> scorer thread: the latest job wins (an unscored older one is dropped).
  std::mutex publish_mutex_;
  std::condition_variable publish_cv_;
  std::unique_ptr<PublishJob> pending_;
  bool scorer_stop_ = false;
  std::thread scorer_;
};

}  // namespace mm
