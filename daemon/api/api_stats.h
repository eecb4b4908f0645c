// The API server's own counters, for /metrics and ApiServer::stats(). Written on the
// server thread, readable from any thread. Requests are counted in a fixed array of
// atomics indexed by [route][status slot] (routes.h): no lock, no allocation per request.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "daemon/api/routes.h"

namespace mm::api {

using RequestCounts = std::array<std::array<uint64_t, kStatusSlots>, kRouteCount>;

struct ApiStatsSnapshot {
  RequestCounts requests{};  // [route][status_slot(status)]
  uint64_t connections_open = 0, connections_refused = 0;
  // Of connections_refused: those refused because their address held its share.
  uint64_t connections_refused_per_client = 0;
  uint64_t connections_monitoring_only = 0;  // accepted into the /v1/health + /metrics reserve
  uint64_t timeouts_first_byte = 0, timeouts_request = 0;  // connections closed for silence
  uint64_t requests_throttled = 0;  // 429: the address failed authentication too often
  uint64_t auth_blocks = 0;         // throttling blocks started
  uint64_t ws_clients = 0, ws_accepted = 0, ws_messages = 0, ws_dropped_slow = 0, ws_revoked = 0;
  uint64_t token_loads_ok = 0, token_loads_failed = 0;

  uint64_t requests_for(Route route, unsigned status) const { return requests[size_t(route)][status_slot(status)]; }
  // By metric label ("report", "invalid", ...); 0 for a label that is no route.
  uint64_t requests_for(std::string_view endpoint, unsigned status) const {
    const std::optional<Route> route = route_by_label(endpoint);
    return route ? requests_for(*route, status) : 0;
  }
};

class ApiStats {
 public:
  void count_request(Route route, unsigned status) {
    requests_[size_t(route)][status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<uint64_t> connections_open{0}, connections_refused{0};
  std::atomic<uint64_t> connections_refused_per_client{0}, connections_monitoring_only{0};
  std::atomic<uint64_t> timeouts_first_byte{0}, timeouts_request{0}, requests_throttled{0}, auth_blocks{0};
  std::atomic<uint64_t> ws_clients{0}, ws_accepted{0}, ws_messages{0}, ws_dropped_slow{0}, ws_revoked{0};

  ApiStatsSnapshot snapshot() const {
    ApiStatsSnapshot s;
    for (size_t r = 0; r < kRouteCount; ++r)
      for (size_t k = 0; k < kStatusSlots; ++k) s.requests[r][k] = requests_[r][k].load(std::memory_order_relaxed);
    s.connections_open = connections_open.load();
    s.connections_refused = connections_refused.load();
    s.connections_refused_per_client = connections_refused_per_client.load();
    s.connections_monitoring_only = connections_monitoring_only.load();
    s.timeouts_first_byte = timeouts_first_byte.load();
    s.timeouts_request = timeouts_request.load();
    s.requests_throttled = requests_throttled.load();
    s.auth_blocks = auth_blocks.load();
    s.ws_clients = ws_clients.load();
    s.ws_accepted = ws_accepted.load();
    s.ws_messages = ws_messages.load();
    s.ws_dropped_slow = ws_dropped_slow.load();
    s.ws_revoked = ws_revoked.load();
    return s;
  }

 private:
  std::array<std::array<std::atomic<uint64_t>, kStatusSlots>, kRouteCount> requests_{};
};

}  // namespace mm::api
