// Lets one thread sleep until another has work for it, without a lock on the hot path:
// the sleeper announces itself, re-checks for work, then waits on a futex word; wakers
// only make a syscall when someone is actually asleep.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/time_utc.h"

namespace mm {

class Wakeup {
 public:
  // Sleeper: call prepare(), re-check for work, then wait() (or cancel() if work came).
  uint32_t prepare();
  void wait(uint32_t token, TimeUs timeout);
  void cancel() { sleeping_.store(0, std::memory_order_release); }
  // Waker: after publishing work.
  void notify();

 private:
  std::atomic<uint32_t> word_{0};
  std::atomic<uint32_t> sleeping_{0};
};

}  // namespace mm
