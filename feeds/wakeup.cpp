#include "feeds/wakeup.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace mm {

// Sleeper and waker both do a read-modify-write of `sleeping_`, so the two are totally
// ordered: either the waker's comes first (then our exchange synchronizes with it and
// the caller's re-check sees the work), or ours does (then the waker sees us asleep and
// bumps the futex word). No fences needed, and ThreadSanitizer understands it.
uint32_t Wakeup::prepare() {
  sleeping_.exchange(1, std::memory_order_acq_rel);
  return word_.load(std::memory_order_acquire);
}

void Wakeup::wait(uint32_t token, TimeUs timeout) {
  if (timeout > 0) {
    timespec ts{time_t(timeout / kUsPerSecond), long(timeout % kUsPerSecond) * 1000};
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAIT_PRIVATE, token, &ts, nullptr, 0);
  }
  sleeping_.store(0, std::memory_order_release);
}

void Wakeup::notify() {
  if (sleeping_.fetch_or(0, std::memory_order_acq_rel) == 0) return;
  word_.fetch_add(1, std::memory_order_release);
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace mm
