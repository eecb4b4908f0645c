// SIGINT/SIGTERM/SIGHUP for `mmscore run`, taken synchronously by the main thread only
// (sigtimedwait): no handler runs on another thread, nothing async-signal-unsafe.
#pragma once

#include <csignal>
#include <functional>

#include "core/time_utc.h"

namespace mm {

class ShutdownSignals {
 public:
  // Blocks the three signals in the calling thread; call before starting any thread,
  // so that every thread inherits the mask and only wait() takes them.
  ShutdownSignals();

  // SIGINT or SIGTERM is pending (asked during a long restore).
  bool stop_pending() const;

  struct WaitOptions {
    TimeUs duration = 0;                // > 0: return after this long
    std::function<void()> on_hangup;    // SIGHUP
    TimeUs every_period = 0;            // > 0: run `every` about this often
    std::function<void()> every;
  };
  // Blocks until SIGINT/SIGTERM or the duration.
  void wait(const WaitOptions& options) const;

 private:
  sigset_t signals_;
};

}  // namespace mm
