// Snapshot instants of one month: one per `interval`, counted from the month start.
// With jitter the instant inside interval k is start_k + h(seed, k) mod len_k: the same
// for every market and every replay, yet not predictable from the clock alone.
#pragma once

#include <cstdint>

#include "core/time_utc.h"

namespace mm {

class SnapshotSchedule {
 public:
  SnapshotSchedule(YearMonth month, TimeUs interval, bool jitter, uint64_t seed);

  uint32_t count() const { return count_; }            // intervals in the month
  TimeUs instant(uint32_t k) const;                    // k < count()
  // First interval whose instant is >= t (count() when none is left).
  uint32_t first_at_or_after(TimeUs t) const;

 private:
  TimeUs start_, end_, interval_;
  bool jitter_;
  uint64_t seed_;
  uint32_t count_;
};

}  // namespace mm
