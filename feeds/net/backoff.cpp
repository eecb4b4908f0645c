#include "feeds/net/backoff.h"

#include <algorithm>

namespace mm::net {

Backoff::Backoff(TimeUs min, TimeUs max, uint64_t seed)
    : min_(std::max<TimeUs>(min, 1)), max_(std::max(max, min_)), rng_(seed) {}

TimeUs Backoff::next() {
  TimeUs cap = min_;
  for (int i = 0; i < failures_ && cap < max_; ++i) cap *= 2;
  cap = std::min(cap, max_);
  if (failures_ < 62) ++failures_;
  return std::uniform_int_distribution<TimeUs>(min_, cap)(rng_);
}

uint64_t random_seed() {
  std::random_device device;
  return (uint64_t(device()) << 32) ^ device();
}

}  // namespace mm::net
