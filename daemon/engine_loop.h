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
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/engine.h"
#include "core/latency_histogram.h"
#include "core/result.h"
#include "daemon/published_state.h"
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
};

class EngineLoop final : public EngineObserver {
 public:
  EngineLoop(const Program& program, InboundRing& ring, JournalWriter* journal, FeedRequests* requests,
             RcuCell<PublishedState>& published, EngineLoopOptions options);

  // Before going live: replay the daemon's own journal files to restore this month's
  // state. Sources still connected at the end (a crash) are journaled as disconnected
  // at the last recorded time, so the downtime counts as unobserved, not as quoted.
  // `should_stop` is asked now and then (a long restore must still obey SIGTERM); a
  // stop returns an error. Progress goes to `options.restore_progress` (files done,
  // bytes, records); finishing it is the caller's part.
  Result<> restore(const std::vector<std::string>& files, std::function<bool()> should_stop = {});

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

 private:
  struct PublishJob {
    std::unique_ptr<PublishedState> state;  // everything but the report
    MonthState month;                       // scored on the scorer thread
  };

  void process(Inbound& m);
  void on_idle(TimeUs now);
  bool spin_for_message(TimeUs spin);  // true when a message arrived within `spin` µs
  void publish_now();  // engine thread: hand the current state to the scorer
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
  RecordParser parser_;
  Record record_;
  LatencyHistogram latency_;  // frame received -> state updated
  LatencyHistogram service_;  // taken off the ring -> state updated: the engine's own work
  RefusedBySource refused_;   // live input the parser refused, since start
  bool restoring_ = false;
  TimeUs next_publish_ = 0;
  uint64_t months_closed_ = 0;
  uint64_t refusals_logged_ = 0;
  TimeUs refusal_log_window_ = 0;
  std::atomic<uint64_t> processed_{0};
  std::atomic<bool> latency_reset_{false};

  // Engine thread -> scorer thread: the latest job wins (an unscored older one is dropped).
  std::mutex publish_mutex_;
  std::condition_variable publish_cv_;
  std::unique_ptr<PublishJob> pending_;
  bool scorer_stop_ = false;
  std::thread scorer_;
};

}  // namespace mm
