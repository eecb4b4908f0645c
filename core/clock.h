// The one wall clock. Every part that reads the time (engine loop, exchange client,
// journal writer, API, simulator) takes a `const Clock&`; production passes
// system_clock(), tests pass a ManualClock and move time themselves instead of sleeping.
#pragma once

#include <atomic>

#include "core/time_utc.h"

namespace mm {

class Clock {
 public:
  virtual ~Clock() = default;
  // µs since the epoch, UTC. CLOCK_REALTIME, not steady: receive times are journaled
  // and compared with exchange times.
  virtual TimeUs now_us() const = 0;
};

// CLOCK_REALTIME.
const Clock& system_clock();

// A clock that moves only when told to. Thread-safe: tests advance it from their thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeUs start) : now_(start) {}
  TimeUs now_us() const override { return now_.load(std::memory_order_acquire); }
  void set(TimeUs t) { now_.store(t, std::memory_order_release); }
  void advance(TimeUs d) { now_.fetch_add(d, std::memory_order_acq_rel); }

 private:
  std::atomic<TimeUs> now_;
};

}  // namespace mm
