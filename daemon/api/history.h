// GET /v1/history: time series for the dashboard's charts, sampled by the API server from
// the published states, one point per `interval`. Two tiers, both bounded:
//
//   fine:   every point of the last `span` (a ring of span / interval points);
//   coarse: (coarse_points > 0) the points the ring lets go, merged: each coarse point
//           stands for `coarse_span` fine ones (a power of two); when the tier is full,
//           neighbouring pairs are merged and coarse_span doubles. So the whole month
//           (and more) stays in at most `coarse_points` points, the newest day at full
//           resolution. A merged value is the mean of the non-null values (weighted by
//           the points they stand for, nulls among them included: a chart's mean, not
//           an exact one), null only when all were null. A pair with an outage between
//           them is not merged (while the tier stays in bounds), so the gap still shows.
//           The coarse tier holds the current month only (from its first new point on).
//
// Columnar JSON: one array of times and one array per series, null where a value is
// undefined (no active snapshot yet, a book side missing, the market unobserved). Where
// the API took no point for longer than two intervals (the daemon was down, restoring,
// or not publishing), one null row is written after the last point before the gap, so
// charts draw the outage as a gap instead of a line across it.
//
// Persistence: with `file` set, the history is written there (temp file, fsync, rename)
// every `save_every` and at shutdown (save()), and read back by the constructor, so a
// restarted daemon's charts still show the time before the restart. A file written for
// other MMs or markets, or another interval, is ignored (logged). What a SIGKILL lost
// after the last save is rebuilt by the restore from the journal (EngineLoop::
// sample_while_restoring): its points come in through add().
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "daemon/api/role.h"
#include "daemon/api/view_context.h"

namespace mm::api {

struct HistoryOptions {
  TimeUs interval = 10 * kUsPerSecond;
  TimeUs span = 24 * 3600 * kUsPerSecond;  // the fine tier
  size_t coarse_points = 0;                // 0: points older than `span` are dropped
  std::string file{};                      // empty: not persisted
  TimeUs save_every = 5 * 60 * kUsPerSecond;
};

// A point built outside the API server (History::row), for History::add.
struct HistoryPoint {
  TimeUs t_us = 0;  // unix us
  std::vector<float> row;
};

class History {
 public:
  History(const Program& program, HistoryOptions options);
  ~History();  // waits for a save in progress
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Takes a point from `state` when its published_at is in a later interval than the
  // last point's. Returns whether it did.
  bool sample(const PublishedState& state);
  // One point's values for `state` (empty when the state is not of this program's
  // shape): any thread, for points built elsewhere (the restore) and add()ed here.
  static std::vector<float> row(const Program& program, const PublishedState& state);
  // A point at `t_us` (unix us), if after the last one's interval: true when taken.
  bool add(TimeUs t_us, const std::vector<float>& row);
  // The time of the newest point read from the file (0: none): set by the constructor,
  // never changed after, so any thread may read it once the History exists.
  TimeUs loaded_until() const { return loaded_until_; }
  // Points with a time after `since_ms` (unix ms), scoped like the stream.
  std::string json(const Role& role, int64_t since_ms) const;
  size_t size() const { return count_ + coarse_t_first_.size(); }  // points held, both tiers
  size_t capacity() const { return capacity_; }                     // of the fine tier
  size_t coarse_size() const { return coarse_t_first_.size(); }
  uint64_t coarse_span() const { return coarse_span_; }  // fine points per coarse point

  // The history as bytes (format 1, its SHA-256 in hex at the end) and back. restore() replaces
  // everything on success; on an error (damaged, another program or interval) nothing.
  std::string encode() const;
  Result<> restore(std::string_view bytes);
  // To options.file, atomically, if set and anything changed since the last save.
  Result<> save();
  // From options.file, if set and present; logs what it did. Called by the constructor.
  void load();
  // When save_every has passed since the last one (`now`: unix us): encoded now, written
  // on a thread of its own (skipped while the last one still writes). save() waits for it.
  void save_if_due(TimeUs now);
  // Writes of the file that failed (a full disk, say): mmscore_api_history_save_failures_total.
  uint64_t save_failures() const { return save_failures_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kPerMm = 4;      // total_reward_usd, volume_share, uptime, avg_spread_bps
  static constexpr size_t kPerMarket = 4;  // spread_bps, bid_depth_usd, ask_depth_usd, active_mms
  size_t slot(size_t k) const { return (head_ + capacity_ - count_ + k) % capacity_; }  // k-th oldest
  // Appends one fine point (its values already in `row`); the oldest goes to the coarse tier.
  void push_fine(int64_t t_ms, const float* row);
  void push_coarse(int64_t first_ms, int64_t last_ms, uint32_t n, const float* row);
  void halve_coarse();
  Result<> write_file(std::string_view bytes) const;
  void merge_pairs(bool keep_gaps);
  void drop_coarse_before(int64_t t_ms);

  const Program& program_;
  HistoryOptions options_;
  size_t width_;     // floats per point
  size_t capacity_;  // fine points kept
  size_t head_ = 0, count_ = 0;  // next slot to write; points held
  int64_t last_bucket_ = INT64_MIN;
  std::vector<int64_t> t_ms_;   // per slot
  std::vector<float> values_;   // [slot * width_ + series]; NaN = null
  // Coarse tier, oldest first: first and last sample time (unix ms), fine points merged.
  std::vector<int64_t> coarse_t_first_, coarse_t_last_;
  std::vector<uint32_t> coarse_n_;
  std::vector<float> coarse_values_;
  uint64_t coarse_span_ = 1;
  bool dirty_ = false;
  TimeUs last_save_ = 0;
  TimeUs loaded_until_ = 0;
  std::thread saver_;               // the last save_if_due's write
  std::atomic<bool> saving_{false};  // while it runs
  std::atomic<uint64_t> save_failures_{0};
  TimeUs month_start_ = 0;  // of the newest point: older months leave the coarse tier
};

}  // namespace mm::api
