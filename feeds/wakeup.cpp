#include "feeds/wakeup.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace mm {

uint32_t Wakeup::prepare() {
  sleeping_.store(true, std::memory_order_relaxed);
  // Pairs with the fence in notify(): either the waker sees us asleep, or we see its work.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  return word_.load(std::memory_order_relaxed);
}

void Wakeup::wait(uint32_t token, TimeUs timeout) {
  if (timeout > 0) {
    timespec ts{time_t(timeout / kUsPerSecond), long(timeout % kUsPerSecond) * 1000};
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAIT_PRIVATE, token, &ts, nullptr, 0);
  }
  sleeping_.store(false, std::memory_order_relaxed);
}

void Wakeup::notify() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!sleeping_.load(std::memory_order_relaxed)) return;
  word_.fetch_add(1, std::memory_order_relaxed);
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace mm
