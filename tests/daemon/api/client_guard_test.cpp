// ClientGuard without sockets: connection shares per address, the reserve, and the
// bounded failed-authentication table.
#include <catch2/catch.hpp>

#include "daemon/api/client_guard.h"

using namespace mm;
using namespace mm::api;

namespace {

ClientAddress address(uint32_t n) {
  ClientAddress a{};
  a[12] = uint8_t(n >> 24);
  a[13] = uint8_t(n >> 16);
  a[14] = uint8_t(n >> 8);
  a[15] = uint8_t(n);
  return a;
}

}  // namespace

TEST_CASE("client guard: per-address share, global cap and the monitoring reserve") {
  ApiOptions o;
  o.max_connections = 4;
  o.max_connections_per_client = 4;
  o.reserved_connections = 3;
  ClientGuard g(o);
  const ClientAddress a = address(1), b = address(2), c = address(3);
  size_t open = 0;
  for (int i = 0; i < 4; ++i) CHECK(g.admit(a, open++) == Admission::ok);  // 4 open: the cap
  CHECK(g.admit(a, open) == Admission::refused_client);                    // its share
  CHECK(g.admit(b, open++) == Admission::monitoring_only);  // reserve 1 of 3
  CHECK(g.admit(b, open++) == Admission::monitoring_only);  // b's 2nd: its share of the reserve
  CHECK(g.admit(b, open) == Admission::refused_global);
  CHECK(g.admit(c, open++) == Admission::monitoring_only);  // reserve 3 of 3
  CHECK(g.admit(c, open) == Admission::refused_global);     // cap + reserve
  CHECK(g.holding(a) == 4);
  CHECK(g.holding(b) == 2);
  CHECK(g.addresses() == 3);
  g.release(b, true);
  --open;
  CHECK(g.admit(b, open++) == Admission::monitoring_only);  // its reserve share back
  for (int i = 0; i < 4; ++i) g.release(a, false);
  CHECK(g.holding(a) == 0);
  CHECK(g.addresses() == 2);  // entries go with their last connection
}

TEST_CASE("client guard: N failures in the window block the address, then it is free again") {
  ApiOptions o;
  o.auth_failures_per_minute = 3;
  o.auth_window = 60 * kUsPerSecond;
  o.auth_block = 30 * kUsPerSecond;
  ClientGuard g(o);
  const ClientAddress a = address(1), b = address(2);
  const TimeUs t0 = 1000 * kUsPerSecond;
  CHECK_FALSE(g.auth_failed(a, t0));
  CHECK_FALSE(g.auth_failed(a, t0 + kUsPerSecond));
  CHECK_FALSE(g.blocked_for(a, t0 + kUsPerSecond));
  CHECK(g.auth_failed(a, t0 + 2 * kUsPerSecond));  // the 3rd: blocked for 30 s
  CHECK(g.blocked_for(a, t0 + 2 * kUsPerSecond) == 30 * kUsPerSecond);
  CHECK(g.blocked_for(a, t0 + 31 * kUsPerSecond) == kUsPerSecond);
  CHECK_FALSE(g.blocked_for(b, t0 + 3 * kUsPerSecond));
  CHECK_FALSE(g.blocked_for(a, t0 + 32 * kUsPerSecond));  // over
  // A window that ran out starts the count again: 2 old failures do not add to a new one.
  CHECK_FALSE(g.auth_failed(b, t0));
  CHECK_FALSE(g.auth_failed(b, t0 + kUsPerSecond));
  CHECK_FALSE(g.auth_failed(b, t0 + 61 * kUsPerSecond));
  CHECK_FALSE(g.auth_failed(b, t0 + 62 * kUsPerSecond));
  CHECK(g.auth_failed(b, t0 + 63 * kUsPerSecond));
}

TEST_CASE("client guard: the failure table stays bounded, blocked addresses are kept longest") {
  ApiOptions o;
  o.auth_failures_per_minute = 2;
  ClientGuard g(o);
  const TimeUs t0 = 1000 * kUsPerSecond;
  // 10 blocked addresses, then 1000 others failing once each: more than the table holds.
  for (uint32_t n = 0; n < 10; ++n) {
    g.auth_failed(address(n), t0);
    CHECK(g.auth_failed(address(n), t0));
  }
  for (uint32_t n = 100; n < 1100; ++n) g.auth_failed(address(n), t0 + n);
  for (uint32_t n = 0; n < 10; ++n) CHECK(g.blocked_for(address(n), t0 + 2000));
  // The oldest unblocked ones were evicted: address 100's first failure is forgotten, so
  // one more failure does not block it; address 1099's is kept, so one more does.
  CHECK_FALSE(g.auth_failed(address(100), t0 + 2000));
  CHECK(g.auth_failed(address(1099), t0 + 2000));
}

TEST_CASE("client guard: throttling off with 0") {
  ApiOptions o;
  o.auth_failures_per_minute = 0;
  ClientGuard g(o);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(g.auth_failed(address(1), i));
  CHECK_FALSE(g.blocked_for(address(1), 100));
}
