// What the engine thread publishes for readers (API, metrics, shutdown): an immutable
// copy of the standings and feed health at one instant; and, before that, how far the
// restore from the journal has got.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/engine.h"
#include "core/latency_histogram.h"
#include "core/scoring.h"
#include "feeds/journal_writer.h"

namespace mm {

struct AccountStatus {
  bool connected = false;
  bool in_sync = false;
};

// Live input the parser refused (malformed, wrong shape), by where it came from.
struct RefusedBySource {
  uint64_t public_frames = 0, private_frames = 0, rest_bodies = 0;
};

// One snapshot's evidence for every (MM, market), cell mm x markets + market: 17 bytes
// a cell (the size, the spread, the reasons), enough for the live evidence rows. Built
// on the engine thread, immutable once published.
struct EvidenceSnapshot {
  uint32_t interval = 0;
  TimeUs instant = 0;
  // 2 x the size in 1e-9 quote units (CellEvidence::size2 / 1e6, saturated): exact to
  // half a billionth of the quote asset.
  std::vector<uint64_t> size2_nano;
  std::vector<double> spread_bps;
  std::vector<uint8_t> reasons;  // unobserved (bits 0-2) | inactive << 3 | active << 5
  static uint8_t pack(UnobservedReason u, InactiveReason i, bool active) {
    return uint8_t(uint8_t(u) | uint8_t(i) << 3 | uint8_t(active) << 5);
  }
  UnobservedReason unobserved(size_t c) const { return UnobservedReason(reasons[c] & 7); }
  InactiveReason inactive(size_t c) const { return InactiveReason((reasons[c] >> 3) & 3); }
  bool active(size_t c) const { return (reasons[c] >> 5) & 1; }
};
// The window of recent snapshots, oldest first.
using EvidenceWindow = std::vector<std::shared_ptr<const EvidenceSnapshot>>;

struct PublishedState {
  TimeUs published_at = 0;  // wall clock
  bool started = false;     // the engine has seen a record
  TimeUs engine_clock = 0;
  Report report;            // running estimate for the current month
  // The accumulators the report was scored from (what-if projects them); null before
  // the first record.
  std::shared_ptr<const MonthState> month;
  std::vector<MarketView> markets;
  std::vector<uint8_t> book_in_sync;
  bool public_connected = false;
  std::vector<std::vector<AccountStatus>> accounts;  // [mm][account]
  EngineCounters counters;
  RefusedBySource refused;  // since the daemon started (not the restored journal)
  LatencyHistogram latency;  // frame received -> state updated, ns
  LatencyHistogram service;  // taken off the ring -> state updated, ns (the engine's own work)
  uint64_t ring_used = 0, ring_capacity = 0, ring_full = 0, ring_oversize = 0;
  JournalStats journal;
  uint64_t months_closed = 0;
  // The end of the last month the engine closed (unix µs; 0: none since the start, the
  // restore included) and when the last final report was written (wall clock; one a
  // restore found already written: the file's modification time; 0: none). A closed
  // month without its report: month_closed_end > final_report_at.
  TimeUs month_closed_end = 0, final_report_at = 0;
  // The journal directory's file system (statvfs, on the scorer thread); 0: unknown.
  uint64_t journal_disk_free_bytes = 0, journal_disk_total_bytes = 0;
  // The evidence of the last `api.evidence_window` (null: none kept).
  std::shared_ptr<const EvidenceWindow> evidence;
};

// The engine's own part of a published state (clock, book views, connections, counters):
// the engine loop's publishes and the restore's chart points (and the tests that check
// those) take it from here.
inline void fill_engine_view(const Engine& engine, PublishedState& s) {
  const Program& p = engine.program();
  s.started = engine.started();
  s.engine_clock = engine.clock();
  s.markets = engine.market_views();
  s.book_in_sync.resize(p.markets.size());
  for (uint32_t m = 0; m < p.markets.size(); ++m) s.book_in_sync[m] = engine.book(m).in_sync();
  s.public_connected = engine.public_connected();
  s.accounts.assign(p.mms.size(), {});
  for (uint16_t i = 0; i < p.mms.size(); ++i)
    for (uint16_t a = 0; a < p.mms[i].accounts.size(); ++a)
      s.accounts[i].push_back({engine.account_connected(i, a), engine.account_in_sync(i, a)});
  s.counters = engine.counters();
}

// How far the restore is, at one instant (RestoreProgress::figures()).
struct RestoreFigures {
  bool in_progress = false;
  std::string_view file;  // name (no directory) of the file replaying, the last one when all are done; empty: none
  uint64_t files_done = 0, files_total = 0;
  uint64_t bytes_done = 0, bytes_total = 0;  // over all the files; bytes_done <= bytes_total
  uint64_t records = 0;                      // replayed so far, over all the files
};

// The restore from the daemon's journal (LiveDaemon::start), which the API shows while
// it runs. The restoring thread (EngineLoop::restore) writes the atomics, any thread
// reads them without a lock. The file list and sizes are fixed at construction, before
// any reader exists. Progress within a file comes in steps of 64k records
// (JournalReplayer's progress callback); the figures are read one by one, so a reader
// may see them a step apart, each one on its own always sane.
class RestoreProgress {
 public:
  RestoreProgress() = default;  // nothing to restore, not in progress
  // In progress until finish(). Sizes from the file system (0 for a file it cannot stat).
  explicit RestoreProgress(const std::vector<std::string>& files) : in_progress_(true) {
    uint64_t end = 0;
    for (const std::string& f : files) {
      std::error_code ec;
      const uintmax_t size = std::filesystem::file_size(f, ec);
      end += ec ? 0 : uint64_t(size);
      names_.push_back(std::filesystem::path(f).filename().string());
      ends_.push_back(end);
    }
  }
  RestoreProgress(const RestoreProgress&) = delete;
  RestoreProgress& operator=(const RestoreProgress&) = delete;

  // The restoring thread: `bytes` consumed of the current file; `records` over all files.
  void replaying(uint64_t bytes, uint64_t records) {
    const size_t done = files_done_.load(std::memory_order_relaxed);
    if (done >= ends_.size()) return;
    const uint64_t start = done == 0 ? 0 : ends_[done - 1];
    bytes_done_.store(std::min(start + bytes, ends_[done]), std::memory_order_relaxed);
    records_.store(records, std::memory_order_relaxed);
  }
  void file_done(uint64_t records) {
    const size_t done = std::min(files_done_.load(std::memory_order_relaxed) + 1, ends_.size());
    bytes_done_.store(done == 0 ? 0 : ends_[done - 1], std::memory_order_relaxed);
    records_.store(records, std::memory_order_relaxed);
    files_done_.store(done, std::memory_order_relaxed);
  }
  // The first `n` files are covered by a checkpoint: done without being replayed.
  void files_skipped(size_t n) {
    if (n == 0 || ends_.empty()) return;
    n = std::min(n, ends_.size());
    bytes_done_.store(ends_[n - 1], std::memory_order_relaxed);
    files_done_.store(n, std::memory_order_relaxed);
  }
  void finish() { in_progress_.store(false, std::memory_order_release); }

  // Any thread.
  bool in_progress() const { return in_progress_.load(std::memory_order_acquire); }
  RestoreFigures figures() const {
    RestoreFigures f;
    f.in_progress = in_progress();
    f.files_total = names_.size();
    f.files_done = std::min<uint64_t>(files_done_.load(std::memory_order_relaxed), f.files_total);
    if (f.files_total > 0) f.file = names_[std::min<uint64_t>(f.files_done, f.files_total - 1)];
    f.bytes_total = ends_.empty() ? 0 : ends_.back();
    f.bytes_done = std::min(bytes_done_.load(std::memory_order_relaxed), f.bytes_total);
    f.records = records_.load(std::memory_order_relaxed);
    return f;
  }

 private:
  std::vector<std::string> names_;  // file names, without the directory
  std::vector<uint64_t> ends_;      // bytes up to the end of each file
  std::atomic<bool> in_progress_{false};
  std::atomic<size_t> files_done_{0};
  std::atomic<uint64_t> bytes_done_{0}, records_{0};
};

}  // namespace mm
