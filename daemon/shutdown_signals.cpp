#include "daemon/shutdown_signals.h"

#include <algorithm>
#include <chrono>

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace mm {

namespace {
// Real elapsed time: how long to wait is not a question for the scoring clock.
TimeUs steady_now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

bool ShutdownSignals::stop_pending() const {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
}

void ShutdownSignals::wait(const WaitOptions& o) const {
  const TimeUs start = steady_now_us();
  const TimeUs until = o.duration > 0 ? start + o.duration : 0;
  TimeUs next_every = o.every_period > 0 ? start + o.every_period : 0;
  while (true) {
    const TimeUs now = steady_now_us();
    if (next_every && now >= next_every) {
      o.every();
      next_every = now + o.every_period;
    }
    TimeUs left = kUsPerSecond;
    if (until) {
      if (until <= now) return;
      left = std::min(left, until - now);
    }
    if (next_every) left = std::min(left, std::max<TimeUs>(next_every - now, 1000));
    const timespec wait{time_t(left / kUsPerSecond), long(left % kUsPerSecond) * 1000};
    const int sig = sigtimedwait(&signals_, nullptr, &wait);
    if (sig == SIGHUP) {
      if (o.on_hangup) o.on_hangup();
    } else if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
      return;
    }
  }
}

}  // namespace mm
