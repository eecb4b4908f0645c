// Reconnect / retry delays: exponential with full jitter above a floor, so that many
// clients (or connections) dropped together do not come back in lockstep.
#pragma once

#include <cstdint>
#include <random>

#include "core/time_utc.h"

namespace mm::net {

class Backoff {
 public:
  Backoff(TimeUs min, TimeUs max, uint64_t seed);
  // Uniform in [min, min(max, min * 2^failures)]; then counts one more failure.
  TimeUs next();
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  TimeUs min_, max_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

uint64_t random_seed();  // from std::random_device

}  // namespace mm::net
