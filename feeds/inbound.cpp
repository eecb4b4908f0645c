#include "feeds/inbound.h"

#include "core/clock.h"

namespace mm {

TimeUs realtime_now_us() { return system_clock().now_us(); }

}  // namespace mm
