// The API's endpoints: ONE table (path, methods, who may call, metric label) that drives
// both the routing in api_core.cpp and the request counters (api_stats.h, exported as
// mmscore_api_requests_total{endpoint, status}).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <initializer_list>

#include "core/result.h"

namespace mm::api {

enum class Route : uint8_t {
  health,
  whoami,
  report,
  mms,
  mm,         // /v1/mms/<mm_id>
  whatif,     // /v1/mms/<mm_id>/whatif
  mm_snapshots,  // /v1/mms/<mm_id>/snapshots: the live evidence rows
  mm_statement,  // /v1/mms/<mm_id>/statement: the month-end statement file
  markets,
  market,     // /v1/markets/<symbol>
  snapshots,
  snapshot_file,  // /v1/snapshots/<file name>
  stream,
  history,
  metrics,
  static_file,  // anything outside /v1: the dashboard
  unknown,      // /v1 or /v1/... that is no endpoint
  invalid,      // unparseable request, or a target that is not an absolute path
};
inline constexpr size_t kRouteCount = size_t(Route::invalid) + 1;

enum class PathMatch : uint8_t {
  exact,        // the path is `path`
  one_segment,  // `path` then one non-empty segment without '/' ("/v1/mms/alpha")
  segment_suffix,  // the same, then `suffix` ("/v1/mms/alpha/whatif")
  none,         // not matched by path (static_file, unknown, invalid)
};

enum class Methods : uint8_t {
  get_head,  // GET and HEAD
  get,       // GET only (the WebSocket upgrade)
  post,
  get_head_post,
  any,       // not checked (unknown, invalid)
};

enum class Access : uint8_t {
  open,   // no token
  any,    // any valid token (an MM's view is scoped to itself)
  staff,  // ops and risk
  ops,
};

struct RouteSpec {
  Route route;
  PathMatch match;
  std::string_view path;
  Methods methods;
  Access access;
  std::string_view label;    // mmscore_api_requests_total{endpoint=...}
  bool query_token = false;  // ?token= accepted (browsers cannot set headers on a WebSocket)
  std::string_view suffix = {};  // PathMatch::segment_suffix
};

// Indexed by Route.
inline constexpr std::array<RouteSpec, kRouteCount> kRoutes = {{
    {Route::health, PathMatch::exact, "/v1/health", Methods::get_head, Access::open, "health"},
    {Route::whoami, PathMatch::exact, "/v1/whoami", Methods::get_head, Access::any, "whoami"},
    {Route::report, PathMatch::exact, "/v1/report", Methods::get_head, Access::staff, "report"},
    {Route::mms, PathMatch::exact, "/v1/mms", Methods::get_head, Access::any, "mms"},
    {Route::mm, PathMatch::one_segment, "/v1/mms/", Methods::get_head, Access::any, "mm"},
    {Route::whatif, PathMatch::segment_suffix, "/v1/mms/", Methods::post, Access::any, "whatif", false, "/whatif"},
    {Route::mm_snapshots, PathMatch::segment_suffix, "/v1/mms/", Methods::get_head, Access::any, "mm_snapshots", false, "/snapshots"},
    {Route::mm_statement, PathMatch::segment_suffix, "/v1/mms/", Methods::get_head, Access::any, "mm_statement", false, "/statement"},
    {Route::markets, PathMatch::exact, "/v1/markets", Methods::get_head, Access::any, "markets"},
    {Route::market, PathMatch::one_segment, "/v1/markets/", Methods::get_head, Access::any, "market"},
    // GET lists (ops, risk), POST takes one (ops only: checked by the handler).
    {Route::snapshots, PathMatch::exact, "/v1/snapshots", Methods::get_head_post, Access::staff, "snapshots"},
    {Route::snapshot_file, PathMatch::one_segment, "/v1/snapshots/", Methods::get_head, Access::staff, "snapshot_file"},
    {Route::stream, PathMatch::exact, "/v1/stream", Methods::get, Access::any, "stream", true},
    {Route::history, PathMatch::exact, "/v1/history", Methods::get_head, Access::any, "history"},
    {Route::metrics, PathMatch::exact, "/metrics", Methods::get_head, Access::staff, "metrics"},
    {Route::static_file, PathMatch::none, "", Methods::get_head, Access::open, "static"},
    {Route::unknown, PathMatch::none, "", Methods::any, Access::open, "unknown"},
    {Route::invalid, PathMatch::none, "", Methods::any, Access::open, "invalid"},
}};

constexpr const RouteSpec& route_spec(Route r) { return kRoutes[size_t(r)]; }
constexpr std::string_view route_label(Route r) { return route_spec(r).label; }
std::optional<Route> route_by_label(std::string_view label);

// The route of an absolute path, and the id segment of /v1/mms/<id> and /v1/markets/<symbol>.
struct RouteMatch {
  Route route;
  std::string_view segment;
};
RouteMatch match_route(std::string_view path);

// Exports: JSON by default; CSV with `format=csv` in the query, or, without a format
// parameter, an Accept header that names text/csv before any JSON type. An error names
// the parameter ("format: 'xml' is not json or csv").
enum class ResponseFormat : uint8_t { json, csv };
Result<ResponseFormat> requested_format(std::string_view query, std::string_view accept);
// Every query parameter is one of `allowed`, given once, with a value: else an error
// naming it (for a 400).
Result<> check_query_params(std::string_view query, std::initializer_list<std::string_view> allowed);
// Both, for an export route: its parameters checked, then the format asked for.
Result<ResponseFormat> export_format(std::string_view query, std::string_view accept,
                                     std::initializer_list<std::string_view> allowed);

bool method_allowed(Methods methods, std::string_view method);
const char* allow_header(Methods methods);  // "GET, HEAD", "GET", "POST"

// The statuses counted per route (every status the API answers with); any other is
// counted in the last slot, exported as status="other".
inline constexpr std::array<unsigned, 14> kCountedStatuses = {101, 200, 201, 304, 400, 401, 403,
                                                              404, 405, 413, 426, 429, 500, 503};
inline constexpr size_t kStatusSlots = kCountedStatuses.size() + 1;
constexpr size_t status_slot(unsigned status) {
  for (size_t i = 0; i < kCountedStatuses.size(); ++i)
    if (kCountedStatuses[i] == status) return i;
  return kCountedStatuses.size();
}

}  // namespace mm::api
