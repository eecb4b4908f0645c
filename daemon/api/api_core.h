// The API server without sockets: routing, authentication, roles, views, caching, the
// stream fan-out and the history sampler. The Beast sessions (http_session.cpp,
// stream_session.cpp) only move bytes; everything they answer comes from here, so it
// is unit-testable without a network. Used on the server thread only, except
// load_tokens() and stats(), which any thread may call.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "daemon/api/activity_tracker.h"
#include "daemon/api/api_options.h"
#include "daemon/api/api_stats.h"
#include "daemon/api/history.h"
#include "daemon/api/outbound_queue.h"
#include "daemon/api/role.h"
#include "daemon/api/routes.h"
#include "daemon/api/token_store.h"
#include "feeds/net/url.h"

namespace mm::api {

struct ApiRequest {
  std::string_view method;         // "GET"
  std::string_view target;         // "/v1/mms/alpha?x=1"
  std::string_view authorization;  // header value, empty when absent
  std::string_view if_none_match;
  std::string_view accept;         // exports: CSV when it names text/csv first
  std::string_view body;
  bool websocket_upgrade = false;
};

// Permission to upgrade to /v1/stream with this role; the session accepts and reports back.
struct StreamGrant {
  Role role;
  TokenDigest token;  // to close the stream if a reload removes the token
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string cache_control = "no-store";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Allow, WWW-Authenticate, ETag, ...
  bool close = false;                                         // close the connection afterwards
  std::optional<StreamGrant> upgrade;                         // set: accept the WebSocket
};

// A connected /v1/stream client (the WebSocket session implements it).
class StreamClient {
 public:
  virtual ~StreamClient() = default;
  virtual const StreamGrant& grant() const = 0;
  virtual void send(Message message) = 0;  // queues it, or drops the client when too far behind
  virtual void close() = 0;
};

class ApiCore {
 public:
  ApiCore(ApiOptions options, ApiSources sources);

  Result<> load_tokens();  // any thread
  std::string token_summary() const { return tokens_.table()->summary(); }
  const ApiOptions& options() const { return options_; }
  const Program& program() const { return *sources_.program; }

  // One HTTP request. Counted by route and status (but an upgrade grant, which the
  // session counts once the handshake is done: stream_accepted()).
  ApiResponse handle(const ApiRequest& request);
  // An error for a request the session could not parse (413, 400): counted as "invalid".
  ApiResponse invalid_request(unsigned status, std::string_view message);

  // Server timer: a newly published state updates the history, the activity tracker,
  // and is pushed to stream clients (after month_closed when a month was frozen).
  void tick();
  // Writes the history to its file (HistoryOptions::file), if any: at shutdown, once
  // the server thread is gone (tick() also saves it every save_every).
  void save_history();
  // Points the restore rebuilt from the journal (oldest first): server thread.
  void add_history(const std::vector<HistoryPoint>& points);
  TimeUs history_loaded_until() const { return history_.loaded_until(); }  // any thread

  void stream_accepted(const std::shared_ptr<StreamClient>& client);  // sends the latest view at once
  void stream_rejected();                                              // the handshake failed
  void stream_closed(StreamClient* client);
  // After a token reload: closes streams whose token is gone or changed role.
  void revalidate_streams();

  ApiStats& stats() { return stats_; }
  ApiStatsSnapshot stats_snapshot() const;

 private:
  // The caller of an authenticated route.
  struct Caller {
    Role role;
    TokenDigest digest{};
  };

  TimeUs now() const { return sources_.clock->now_us(); }
  bool restoring() const { return sources_.restore && sources_.restore->in_progress(); }
  ApiResponse route(const ApiRequest& request, Route& counted_as);
  ApiResponse serve(const RouteMatch& match, const ApiRequest& request, const net::Target& target);
  ApiResponse serve_authorized(Route route, std::string_view segment, const ApiRequest& request,
                               std::string_view query, const Caller& caller);
  // Error: the 401 message.
  Result<Caller> authorize(const ApiRequest& request, std::string_view query, bool allow_query_token) const;
  ApiResponse with_state(const std::function<ApiResponse(const PublishedState&)>& view);
  ApiResponse health_response();
  ApiResponse whoami_response(const Role& role);
  ApiResponse report_response(std::string_view query, std::string_view accept);
  bool may_see_mm(std::string_view mm_id, const Role& role) const;  // ops, risk, or that MM
  ApiResponse mm_response(std::string_view mm_id, std::string_view query, std::string_view accept);
  // export_routes.cpp: snapshot files (GET lists them, POST takes one), one file, what-if.
  ApiResponse snapshots_response(const ApiRequest& request, const Role& role);
  ApiResponse snapshot_file_response(std::string_view name);
  ApiResponse whatif_response(std::string_view mm_id, std::string_view body);
  ApiResponse mm_snapshots_response(std::string_view mm_id, std::string_view query, std::string_view accept);
  ApiResponse mm_statement_response(std::string_view mm_id, std::string_view query, std::string_view accept);
  ApiResponse standings_response(Route route, std::string_view symbol, const Role& role);
  ApiResponse history_response(std::string_view query, const Role& role);
  ApiResponse stream_response(const ApiRequest& request, const Caller& caller);
  ApiResponse static_response(const ApiRequest& request, std::string_view path);
  ApiResponse metrics_response();
  void drop_stale_caches(const PublishedState& state);  // a newer state: the cached views are stale
  Message update_for(const Role& role, const PublishedState& state, TimeUs now);
  Message month_closed_for(const PublishedState& state);  // null unless a month was frozen since the last tick
  uint64_t processed(const PublishedState& state) const;
  ViewContext context(const PublishedState& state, TimeUs now) const;

  ApiOptions options_;
  ApiSources sources_;
  TokenStore tokens_;
  ApiStats stats_;
  ActivityTracker activity_;
  History history_;

  // Per published state: the report JSON and the stream message per view (ops and
  // risk share one; each MM has its own), reused by every request and client.
  TimeUs cache_key_ = -1;
  std::shared_ptr<const std::string> report_cache_;
  std::map<int64_t, Message> update_cache_;

  TimeUs last_seen_ = -1;  // published_at of the state tick() last handled
  bool months_known_ = false;
  uint64_t months_closed_ = 0;
  std::optional<YearMonth> last_month_;
  std::unordered_map<StreamClient*, std::weak_ptr<StreamClient>> streams_;
};

}  // namespace mm::api
