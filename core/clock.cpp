#include "core/clock.h"

#include <time.h>

namespace mm {

namespace {

class SystemClock final : public Clock {
 public:
  TimeUs now_us() const override {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return TimeUs(ts.tv_sec) * kUsPerSecond + ts.tv_nsec / 1000;
  }
};

}  // namespace

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace mm
