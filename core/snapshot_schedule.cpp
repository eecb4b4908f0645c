#include "core/snapshot_schedule.h"

#include <algorithm>

namespace mm {

namespace {
uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

SnapshotSchedule::SnapshotSchedule(YearMonth month, TimeUs interval, bool jitter, uint64_t seed)
    : start_(month.start()), end_(month.end()), interval_(interval), jitter_(jitter), seed_(seed) {
  count_ = uint32_t((end_ - start_ + interval_ - 1) / interval_);
}

TimeUs SnapshotSchedule::instant(uint32_t k) const {
  const TimeUs begin = start_ + TimeUs(k) * interval_;
  if (!jitter_) return begin;
  const TimeUs len = std::min(interval_, end_ - begin);  // the last interval may be short
  return begin + TimeUs(splitmix64(splitmix64(seed_) ^ k) % uint64_t(len));
}

uint32_t SnapshotSchedule::first_at_or_after(TimeUs t) const {
  if (t <= start_) return 0;
  if (t >= end_) return count_;
  uint32_t k = uint32_t((t - start_) / interval_);
  if (instant(k) < t) ++k;
  return k;
}

}  // namespace mm
