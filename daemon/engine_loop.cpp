#include "daemon/engine_loop.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/report_format.h"
#include "daemon/report_files.h"
#include "feeds/journal_replay.h"
#include "feeds/thread_setup.h"

namespace mm {

namespace {
constexpr TimeUs kMaxSleep = 50'000;   // wake at least this often: journal flush, stop flag
constexpr int kBatch = 256;            // messages between idle checks
constexpr uint64_t kRefusalLogsPerMinute = 20;

// Tells the core we are spinning (saves power, frees the sibling hyper-thread).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Raw CR/LF become spaces, which JSON treats alike, so that the journal stays one
// record per line and the replay parses exactly these bytes.
void normalize_line_breaks(char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] == '\n' || p[i] == '\r') p[i] = ' ';
}

// Records scored but not journaled since the start (a failing disk): a report carrying
// it (input.unjournaled) is not one the journal can replay.
uint64_t unjournaled_records(const JournalWriter* journal) { return journal ? journal->stats().unjournaled : 0; }

// Free and total bytes of the file system holding `dir`, for the disk-space alert.
void journal_disk_space(const std::string& dir, PublishedState& s) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return;  // stays 0: unknown
  s.journal_disk_free_bytes = uint64_t(st.f_bavail) * st.f_frsize;  // what an unprivileged writer may use
  s.journal_disk_total_bytes = uint64_t(st.f_blocks) * st.f_frsize;
}

// Modification time of `path` in unix µs; 0 when it cannot be read.
TimeUs file_mtime_us(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return TimeUs(st.st_mtim.tv_sec) * kUsPerSecond + st.st_mtim.tv_nsec / 1000;
}

}  // namespace

EngineLoop::EngineLoop(const Program& program, InboundRing& ring, JournalWriter* journal, FeedRequests* requests,
                       RcuCell<PublishedState>& published, EngineLoopOptions options)
    : program_(program),
      ring_(ring),
      journal_(journal),
      requests_(requests),
      published_(published),
      options_(std::move(options)),
      engine_(program, this),
      parser_(program) {
  if (options_.evidence_window > 0) {
    evidence_ = std::make_unique<EvidenceCollector>(program.mms.size(), program.markets.size(), options_.evidence_window);
    engine_.set_evidence_sink(evidence_.get());
  }
}

void EvidenceCollector::cell(const CellEvidence& e, const MmOrders&) {
  if (e.mm >= mms_ || e.market >= markets_) return;
  if (!building_ || building_->interval != e.interval || building_->instant != e.instant) {
    building_ = std::make_shared<EvidenceSnapshot>();
    building_->interval = e.interval;
    building_->instant = e.instant;
    building_->size2_nano.assign(mms_ * markets_, 0);
    building_->spread_bps.assign(mms_ * markets_, 0);
    // Until its cell comes (every cell does): unobserved for want of the public feed.
    building_->reasons.assign(mms_ * markets_, EvidenceSnapshot::pack(UnobservedReason::public_down, InactiveReason::none, false));
  }
  const size_t c = size_t(e.mm) * markets_ + e.market;
  const u128 nano = e.size2 / 1'000'000;
  building_->size2_nano[c] = nano > UINT64_MAX ? UINT64_MAX : uint64_t(nano);
  building_->spread_bps[c] = e.spread_bps;
  building_->reasons[c] = EvidenceSnapshot::pack(e.unobserved, e.inactive, e.active);
}

void EvidenceCollector::snapshot_done(TimeUs instant) {
  if (!building_) return;
  kept_.push_back(std::move(building_));
  building_.reset();
  while (!kept_.empty() && kept_.front()->instant <= instant - window_) kept_.pop_front();
  changed_ = true;
}

const std::shared_ptr<const EvidenceWindow>& EvidenceCollector::published() {
  if (changed_) published_ = std::make_shared<const EvidenceWindow>(kept_.begin(), kept_.end());
  changed_ = false;
  return published_;
}

void EngineLoop::process(Inbound& m) {
  const auto start = std::chrono::steady_clock::now();
  const TimeUs ts = std::max(m.ts, engine_.clock());  // the journal's time never runs backwards
  switch (m.kind) {
    case InboundKind::frame:
    case InboundKind::rest: {
      normalize_line_breaks(ring_.payload_data(), m.payload.size());
      const ParseOutcome out = m.kind == InboundKind::frame
                                   ? parser_.parse_frame(ts, m.source, m.payload, record_)
                                   : parser_.parse_rest(ts, m.source, m.path, m.payload, record_);
      if (out.ok) {
        engine_.apply(record_);
      } else {
        engine_.reject();
        ++(m.kind == InboundKind::rest                ? refused_.rest_bodies
           : m.source.kind == SourceKind::market ? refused_.public_frames
                                                 : refused_.private_frames);
        if (ts - refusal_log_window_ > 60 * kUsPerSecond) {
          refusal_log_window_ = ts;
          refusals_logged_ = 0;
        }
        if (++refusals_logged_ <= kRefusalLogsPerMinute)
          spdlog::warn("refused {}: {}", m.kind == InboundKind::frame ? "frame" : "REST body", out.reason);
      }
      if (journal_) {
        if (m.kind == InboundKind::frame) journal_->frame(ts, m.source, m.payload);
        else journal_->rest(ts, m.source, m.path, m.payload);
      }
      break;
    }
    case InboundKind::connected:
    case InboundKind::disconnected: {
      const bool up = m.kind == InboundKind::connected;
      engine_.apply(Record{ts, m.source, ConnectionEvent{up}});
      if (journal_) journal_->event(ts, m.source, up);
      break;
    }
  }
  const TimeUs done = options_.clock->now_us();
  latency_.record(uint64_t(std::max<TimeUs>(0, done - m.ts)) * 1000);
  service_.record(uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::steady_clock::now() - start).count()));
  processed_.fetch_add(1, std::memory_order_relaxed);
  clock_moved_by_timer_ = false;
  maybe_checkpoint();
}

void EngineLoop::write_checkpoint() {
  if (!engine_.started()) return;
  const auto started = std::chrono::steady_clock::now();
  StateWriter state;
  engine_.save_state(state);
  const size_t bytes = state.bytes().size();
  journal_->checkpoint(engine_.clock(), std::move(state.bytes()));
  checkpoint_due_ = false;
  next_checkpoint_ = engine_.clock() + options_.checkpoint_every;
  processed_at_checkpoint_ = processed_.load(std::memory_order_relaxed);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  spdlog::debug("checkpoint: {} bytes of state saved in {:.1f} ms", bytes, ms);
}

void EngineLoop::on_idle(TimeUs now) {
  if (latency_reset_.exchange(false, std::memory_order_relaxed)) {
    latency_.reset();
    service_.reset();
  }
  if (auto deadline = engine_.next_deadline(); deadline && now > *deadline) {
    engine_.advance_clock(now);
    clock_moved_by_timer_ = true;
  }
  if (journal_) journal_->maintain(now);
  if (month_close_ && month_close_->waiting()) month_close_->journal_at(journal_->current_file());
  if (now >= next_publish_) {
    publish_now();
    next_publish_ = now + options_.publish_interval;
  }
}

bool EngineLoop::spin_for_message(TimeUs spin) {
  // Real elapsed time, not the injected clock: spinning is about this CPU's time.
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(spin);
  Inbound m;
  do {
    for (int i = 0; i < 64; ++i) {
      if (ring_.peek(m)) return true;
      cpu_relax();
    }
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

void EngineLoop::run(const std::atomic<bool>& stop) {
  name_this_thread("mm-engine");
  engine_.go_live();
  scorer_stop_ = false;
  scorer_ = std::thread([this] {
    name_this_thread("mm-scorer");
    scorer_loop();
  });
  if (options_.cpu >= 0) {
    if (auto pinned = pin_this_thread(options_.cpu))
      spdlog::info("engine: pinned to CPU {}, the other threads kept off it", options_.cpu);
    else
      spdlog::error("engine: {}; it runs unpinned", pinned.message());
  }
  Inbound m;
  while (true) {
    int n = 0;
    for (; n < kBatch && ring_.peek(m); ++n) {
      process(m);
      ring_.pop();
    }
    const TimeUs now = options_.clock->now_us();
    on_idle(now);
    heartbeat_.store(heartbeat_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // one writer
    if (n > 0) continue;
    if (stop.load(std::memory_order_acquire)) break;
    // Until the next thing on_idle() must do: publish, snapshot deadline.
    TimeUs sleep = std::min(kMaxSleep, next_publish_ - now);
    if (auto deadline = engine_.next_deadline()) sleep = std::min(sleep, *deadline - now + 1);
    if (options_.spin_before_sleep > 0) {
      const TimeUs spin = std::min(options_.spin_before_sleep, sleep);
      if (spin_for_message(spin) || spin == sleep) continue;
      sleep -= spin;
    }
    const uint32_t token = ring_.wakeup().prepare();
    if (ring_.peek(m) || stop.load(std::memory_order_acquire)) {
      ring_.wakeup().cancel();
      continue;
    }
    ring_.wakeup().wait(token, std::max<TimeUs>(sleep, 1));
  }
  // A timer may have moved the clock past the last record (a snapshot, the month end):
  // then the state is ahead of the journal, and the last periodic checkpoint stays the newest.
  const bool news = checkpoint_due_ || processed_.load(std::memory_order_relaxed) != processed_at_checkpoint_;
  if (news && !clock_moved_by_timer_ && options_.checkpoint_every > 0 && journal_) write_checkpoint();
  if (journal_) journal_->flush();
  publish_now();
  {
    std::lock_guard lock(publish_mutex_);
    scorer_stop_ = true;
  }
  publish_cv_.notify_one();
  scorer_.join();  // after it published the last job: readers see the final state
}

Result<std::string> EngineLoop::write_running_report() {
  if (!engine_.started()) return make_error("no record processed yet: nothing to report");
  Report report = score_month(program_, engine_.month(), false);
  report.input.unjournaled = unjournaled_records(journal_);
  return write_report_files(options_.report_dir, program_, report, false, ReplaceReport::unless_final);
}

void EngineLoop::publish_now() {
  auto job = std::make_unique<PublishJob>();
  job->state = std::make_unique<PublishedState>();
  PublishedState* s = job->state.get();
  s->published_at = options_.clock->now_us();
  fill_engine_view(engine_, *s);
  if (s->started) job->month = engine_.month();
  if (evidence_) s->evidence = evidence_->published();
  s->latency = latency_;
  s->service = service_;
  s->ring_used = ring_.used_bytes();
  s->ring_capacity = ring_.capacity();
  s->ring_full = ring_.full_refusals();
  s->ring_oversize = ring_.oversize_refusals();
  if (journal_) s->journal = journal_->stats();
  s->months_closed = months_closed_;
  s->month_closed_end = month_closed_end_;
  s->final_report_at = final_report_at_;
  s->refused = refused_;
  {
    std::lock_guard lock(publish_mutex_);
    pending_ = std::move(job);
  }
  publish_cv_.notify_one();
}

void EngineLoop::sample_restored() {
  PublishedState s;
  fill_engine_view(engine_, s);
  s.published_at = engine_.clock();  // live, the publish time; here the state's own
  s.report = score_month(program_, engine_.month(), false);
  restore_sample_(s);
}

void EngineLoop::scorer_loop() {
  while (true) {
    std::unique_ptr<PublishJob> job;
    {
      std::unique_lock lock(publish_mutex_);
      publish_cv_.wait(lock, [&] { return scorer_stop_ || pending_; });
      if (!pending_) return;  // stopping, nothing left
      job = std::move(pending_);
    }
    if (!options_.journal_dir.empty()) journal_disk_space(options_.journal_dir, *job->state);  // a syscall: off the engine
    if (job->state->started) {
      job->state->report = score_month(program_, job->month, false);
      job->state->report.input.unjournaled = job->state->journal.unjournaled;
      job->state->month = std::make_shared<const MonthState>(std::move(job->month));
    }
    published_.publish(std::move(job->state));
  }
}

// ---- EngineObserver -------------------------------------------------------------------

void EngineLoop::month_closed(const MonthState& state) {
  ++months_closed_;
  if (!restoring_) checkpoint_due_ = true;  // the new month's first record
  month_closed_end_ = state.month.end();
  next_publish_ = 0;  // readers (and snapshots) move to the new month at once
  Report report = score_month(program_, state, true);
  if (!restoring_) report.input.unjournaled = unjournaled_records(journal_);
  // A restore never rewrites a frozen month (the config may have changed since), but it
  // does replace a running report left by a stop before the month ended.
  const std::string json = (std::filesystem::path(options_.report_dir) / (report_file_stem(report) + ".json")).string();
  if (restoring_ && is_final_report_file(json)) {
    final_report_at_ = file_mtime_us(json);
    return;
  }
  const auto path = write_report_files(options_.report_dir, program_, report, false);
  if (!path) spdlog::error("final report for {}: {}", state.month.to_string(), path.message());
  else spdlog::info("month {} closed: final report {}", state.month.to_string(), *path);
  if (!path) return;
  final_report_at_ = options_.clock->now_us();
  if (!month_close_)
    month_close_ = std::make_unique<LiveMonthClose>(program_, options_.report_dir, options_.config_path,
                                                    journal_ ? options_.journal_dir : std::string());
  month_close_->closed(report, journal_ ? journal_->current_file() : std::string());
}

void EngineLoop::book_needs_seed(uint32_t market) {
  if (!restoring_ && requests_) requests_->request_depth(market);
}

void EngineLoop::account_needs_open_orders(uint16_t mm, uint16_t account) {
  if (!restoring_ && requests_) requests_->request_open_orders(mm, account);
}

void EngineLoop::trades_backfill_needed(uint32_t market, const TradeBackfillTarget& target) {
  if (!restoring_ && requests_) requests_->request_trade_history(market, target);
}

void EngineLoop::fills_backfill_needed(uint16_t mm, uint16_t account, TimeUs from) {
  if (!restoring_ && requests_) requests_->request_fill_history(mm, account, from);
}

void EngineLoop::snapshot_taken(uint32_t interval, TimeUs instant) {
  if (evidence_) evidence_->snapshot_done(instant);
  if (!restoring_ && journal_) journal_->tick(instant, interval);
  next_publish_ = 0;  // fresh standings right after every snapshot
}

void EngineLoop::notice(std::string_view what) {
  if (!restoring_) spdlog::info("{}", what);
}

}  // namespace mm
