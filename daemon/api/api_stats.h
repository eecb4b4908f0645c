// The API server's own counters, for /metrics and ApiServer::stats(). Written on the
// server thread, readable from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace mm::api {

struct ApiStatsSnapshot {
  std::map<std::pair<std::string, unsigned>, uint64_t> requests;  // (endpoint, status) -> count
  uint64_t connections_open = 0, connections_refused = 0;
  uint64_t ws_clients = 0, ws_accepted = 0, ws_messages = 0, ws_dropped_slow = 0, ws_revoked = 0;
  uint64_t token_loads_ok = 0, token_loads_failed = 0;

  uint64_t requests_for(std::string_view endpoint, unsigned status) const {
    auto it = requests.find({std::string(endpoint), status});
    return it == requests.end() ? 0 : it->second;
  }
};

class ApiStats {
 public:
  void count_request(std::string_view endpoint, unsigned status) {
    std::lock_guard lock(mutex_);
    ++requests_[{std::string(endpoint), status}];
  }
  std::atomic<uint64_t> connections_open{0}, connections_refused{0};
  std::atomic<uint64_t> ws_clients{0}, ws_accepted{0}, ws_messages{0}, ws_dropped_slow{0}, ws_revoked{0};

  ApiStatsSnapshot snapshot() const {
    ApiStatsSnapshot s;
    {
      std::lock_guard lock(mutex_);
      s.requests = requests_;
    }
    s.connections_open = connections_open.load();
    s.connections_refused = connections_refused.load();
    s.ws_clients = ws_clients.load();
    s.ws_accepted = ws_accepted.load();
    s.ws_messages = ws_messages.load();
    s.ws_dropped_slow = ws_dropped_slow.load();
    s.ws_revoked = ws_revoked.load();
    return s;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, uint64_t> requests_;
};

}  // namespace mm::api
