// Counters of the simulator server (sim_server.h), written on its thread and readable
// from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "feeds/sim/server/fault_schedule.h"

namespace mm::sim {

enum class RestRoute : uint8_t { depth, orders, markets, trade_history, fill_history, other };
inline constexpr size_t kRestRouteCount = 6;
// The statuses the simulator answers with; index via rest_status_index().
inline constexpr std::array<unsigned, 5> kRestStatuses = {200, 400, 401, 404, 0 /* any other */};
inline size_t rest_status_index(unsigned status) {
  for (size_t i = 0; i + 1 < kRestStatuses.size(); ++i) {
    if (kRestStatuses[i] == status) return i;
  }
  return kRestStatuses.size() - 1;
}

struct SimServerStats {
  using Counter = std::atomic<uint64_t>;

  Counter sessions_open{0};        // WebSocket sessions now (after the upgrade)
  Counter sessions_accepted{0};    // WebSocket upgrades ever
  Counter http_connections{0};     // TCP connections accepted (HTTP or upgraded later)
  Counter tls_failures{0};         // TLS handshakes that failed
  Counter subscriptions{0};        // (session, stream) pairs now
  Counter exchange_steps{0};       // market events
  Counter frames_queued{0};        // frames queued to sessions (data and error frames)
  Counter frames_sent{0};          // ... and written to the socket
  Counter bytes_sent{0};           // WebSocket payload bytes written
  Counter error_frames{0};         // {"id":null,"error":...} queued
  Counter pings_sent{0};
  Counter pongs_received{0};
  Counter pong_timeouts{0};        // sessions closed for not answering a ping
  Counter slow_client_closes{0};   // sessions closed because their queue hit its bound
  Counter signature_failures{0};   // WebSocket 4003 and REST 401 for a bad signature
  Counter faults_fired{0};
  std::array<Counter, kFaultKindCount> faults_by_kind{};
  std::array<std::array<Counter, kRestStatuses.size()>, kRestRouteCount> rest{};

  uint64_t rest_requests(RestRoute route, unsigned status) const {
    return rest[size_t(route)][rest_status_index(status)].load();
  }
  uint64_t faults(FaultKind kind) const { return faults_by_kind[size_t(kind)].load(); }
};

}  // namespace mm::sim
