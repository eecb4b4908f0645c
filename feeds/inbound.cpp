#include "feeds/inbound.h"

#include <time.h>

namespace mm {

// CLOCK_REALTIME, not steady: receive times are journaled and compared with exchange times.
TimeUs realtime_now_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return TimeUs(ts.tv_sec) * kUsPerSecond + ts.tv_nsec / 1000;
}

}  // namespace mm
