// How the API server is set up (ApiOptions) and what it reads (ApiSources).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/program.h"
#include "core/time_utc.h"
#include "daemon/api/history.h"
#include "daemon/published_state.h"
#include "daemon/rcu_cell.h"

namespace mm {
struct ClientStats;
}

namespace mm::api {

struct ApiOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT, [IPv6]:PORT; port 0 picks a free one
  std::string tokens_file;                // empty: no tokens, only /v1/health and the dashboard
  TimeUs push_interval = kUsPerSecond;    // stream updates at most this often
  size_t max_body = 64 * 1024;            // request body limit (413 beyond)
  size_t max_header = 8 * 1024;           // request line + headers limit (413 beyond)
  size_t max_connections = 256;           // more are closed at once (and counted)
  // Beyond max_connections, this many more are accepted for /v1/health and /metrics only
  // (anything else gets 503): monitoring still gets through while the cap is reached.
  size_t reserved_connections = 8;
  size_t max_connections_per_client = 32; // per peer address; more are closed at once (and counted)
  // From accept (or the end of the previous response) to the first byte of a request; a
  // silent connection is closed after it. Then request_timeout for the whole request.
  TimeUs first_byte_timeout = 5 * kUsPerSecond;
  TimeUs request_timeout = 30 * kUsPerSecond;  // to read one request once its first byte came
  // Failed authentication (401) per peer address: this many in auth_window and the
  // address gets 429 (Retry-After) for auth_block, /v1/health excepted. 0: no throttling
  // (here; the daemon takes [api] auth_failures_per_minute, 20 by default).
  uint32_t auth_failures_per_minute = 0;
  TimeUs auth_window = 60 * kUsPerSecond;
  TimeUs auth_block = 60 * kUsPerSecond;
  size_t stream_queue_messages = 8;       // a stream client further behind is dropped
  size_t stream_queue_bytes = 16 * 1024 * 1024;
  int socket_send_buffer = 0;             // SO_SNDBUF of accepted sockets; 0: the OS default
  TimeUs stall_after = 10 * kUsPerSecond; // health: engine lag beyond this is degraded
  HistoryOptions history;                 // /v1/history sampling
};

inline ApiOptions api_options(const ApiSettings& s) {
  ApiOptions o;
  o.listen = s.listen;
  o.tokens_file = s.tokens_file;
  o.push_interval = s.push_interval;
  o.max_connections = s.max_connections;
  o.max_connections_per_client = s.max_connections_per_client;
  o.first_byte_timeout = s.first_byte_timeout;
  o.auth_failures_per_minute = s.auth_failures_per_minute;
  return o;
}

struct ApiSources {
  const Program* program = nullptr;                         // required
  const RcuCell<PublishedState>* published = nullptr;       // required
  const ClientStats* client = nullptr;                      // may be null (no exchange client)
  // POST /v1/snapshots: writes the running report, returns its path.
  std::function<Result<std::string>()> write_snapshot{};
  // GET /v1/snapshots: the snapshot files (name, bytes), oldest first; and one file's
  // content by name (an error for a name that is not a snapshot file's).
  std::function<std::vector<std::pair<std::string, uint64_t>>()> list_snapshots{};
  std::function<Result<std::string>(std::string_view)> read_snapshot{};
  // GET /v1/mms/<id>/statement: that MM's month-end statement (file name, content) for
  // `month`, or the newest (nullopt); CSV or JSON. An error saying why when there is none.
  std::function<Result<std::pair<std::string, std::string>>(std::string_view mm_id, std::optional<YearMonth> month,
                                                             bool csv)>
      read_statement{};
  // Records the engine loop processed (health, metrics); null: the published counters.
  std::function<uint64_t()> processed_records{};
  // Every wall-clock read of the API (health staleness, engine lag, stream and history
  // timing); tests pass a ManualClock.
  const Clock* clock = &system_clock();
  // The daemon's restore from its journal; null: none. While it is in progress, health
  // answers 503 "restoring" with its progress, /metrics adds it, and every other /v1
  // endpoint answers 503 {"error":"restoring"} (after the usual 401/403).
  const RestoreProgress* restore = nullptr;
};

}  // namespace mm::api
