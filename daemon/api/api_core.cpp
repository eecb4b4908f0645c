#include "daemon/api/api_core.h"

#include <cctype>
#include <charconv>

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "core/report_format.h"
#include "daemon/api/health_view.h"
#include "daemon/api/markets_view.h"
#include "daemon/api/metrics_view.h"
#include "daemon/api/mm_view.h"
#include "daemon/api/responses.h"
#include "daemon/api/static_files.h"
#include "daemon/api/stream_messages.h"
#include "feeds/net/url.h"

namespace mm::api {

namespace {

constexpr std::string_view kMissingToken = "missing bearer token";
constexpr std::string_view kRestoring = "restoring";  // the 503 of every /v1 endpoint but health

ApiResponse unauthorized(const Error& why) {
  ApiResponse r = error_response(401, why.message);
  r.headers.emplace_back("WWW-Authenticate", why.message == kMissingToken
                                                 ? R"(Bearer realm="mmscore")"
                                                 : R"(Bearer realm="mmscore", error="invalid_token")");
  return r;
}

ApiResponse method_not_allowed(Methods methods) {
  const char* allow = allow_header(methods);
  ApiResponse r = error_response(405, std::string("method not allowed; use ") + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

bool role_may(Access access, const Role& role) {
  switch (access) {
    case Access::open:
    case Access::any: return true;
    case Access::staff: return role.sees_all_mms();
    case Access::ops: return role.kind == Role::Kind::ops;
  }
  return false;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int64_t role_key(const Role& role) { return role.sees_all_mms() ? -1 : int64_t(role.mm); }

}  // namespace

ApiCore::ApiCore(ApiOptions options, ApiSources sources)
    : options_(std::move(options)),
      sources_(std::move(sources)),
      tokens_(*sources_.program),
      history_(*sources_.program, options_.history) {}

Result<> ApiCore::load_tokens() { return tokens_.load(options_.tokens_file); }

ApiStatsSnapshot ApiCore::stats_snapshot() const {
  ApiStatsSnapshot s = stats_.snapshot();
  s.token_loads_ok = tokens_.reloads_ok();
  s.token_loads_failed = tokens_.reloads_failed();
  return s;
}

uint64_t ApiCore::processed(const PublishedState& state) const {
  return sources_.processed_records ? sources_.processed_records() : state.counters.records;
}

ViewContext ApiCore::context(const PublishedState& state, TimeUs now) const {
  ViewContext ctx{*sources_.program, state};
  ctx.now = now;
  ctx.processed = processed(state);
  ctx.stall_after = options_.stall_after;
  ctx.activity = &activity_;
  return ctx;
}

ApiResponse ApiCore::handle(const ApiRequest& request) {
  Route counted_as = Route::unknown;
  ApiResponse r = route(request, counted_as);
  if (!r.upgrade) stats_.count_request(counted_as, r.status);
  return r;
}

ApiResponse ApiCore::invalid_request(unsigned status, std::string_view message) {
  stats_.count_request(Route::invalid, status);
  ApiResponse r = error_response(status, message);
  r.close = true;
  return r;
}

Result<ApiCore::Caller> ApiCore::authorize(const ApiRequest& request, std::string_view query,
                                           bool allow_query_token) const {
  std::string token;
  if (!request.authorization.empty()) {
    if (!iequals_prefix(request.authorization, "bearer ")) return make_error("authorization must be a Bearer token");
    token = std::string(trim(request.authorization.substr(7)));
  } else if (allow_query_token) {
    token = net::query_param(query, "token").value_or("");
  }
  if (token.empty()) return make_error(std::string(kMissingToken));
  Caller caller;
  caller.digest = digest_token(token);
  OPENSSL_cleanse(token.data(), token.size());  // keep no plain copy around
  const std::optional<Role> found = tokens_.table()->find_digest(caller.digest);
  if (!found) return make_error("unknown token");
  caller.role = *found;
  return caller;
}

ApiResponse ApiCore::with_state(const std::function<ApiResponse(const PublishedState&)>& view) {
  ApiResponse out;
  const bool published = sources_.published->read([&](const PublishedState& s) {
    drop_stale_caches(s);
    out = view(s);
  });
  if (!published) return unavailable("the engine has not published its state yet");
  return out;
}

ApiResponse ApiCore::route(const ApiRequest& req, Route& counted_as) {
  const net::Target target = net::split_target(req.target);
  if (target.path.empty() || target.path.front() != '/') {
    counted_as = Route::invalid;
    ApiResponse r = error_response(400, "the request target must be an absolute path");
    r.close = true;
    return r;
  }
  const RouteMatch match = match_route(target.path);
  counted_as = match.route;
  return serve(match, req, target);
}

// Method, then authentication and role, then the route's own answer.
ApiResponse ApiCore::serve(const RouteMatch& match, const ApiRequest& req, const net::Target& target) {
  const Route route = match.route;
  const RouteSpec& spec = route_spec(route);
  if (route == Route::unknown) return error_response(404, "no such endpoint");
  if (!method_allowed(spec.methods, req.method)) return method_not_allowed(spec.methods);
  if (route == Route::static_file) return static_response(req, target.path);
  if (route == Route::health) return health_response();

  Result<Caller> caller = authorize(req, target.query, spec.query_token);
  if (!caller) return unauthorized(caller.error());
  if (!role_may(spec.access, caller->role)) return forbidden();
  // An MM learns nothing about other ids, not even whether they exist: 403, restoring or not.
  const bool of_one_mm = route == Route::mm || route == Route::whatif || route == Route::mm_snapshots || route == Route::mm_statement;
  if (of_one_mm && !may_see_mm(match.segment, caller->role)) return forbidden();
  if (route != Route::metrics && restoring()) return unavailable(kRestoring);
  return serve_authorized(route, match.segment, req, target.query, *caller);
}

ApiResponse ApiCore::serve_authorized(Route route, std::string_view segment, const ApiRequest& req,
                                      std::string_view query, const Caller& caller) {
  switch (route) {
    case Route::whoami: return whoami_response(caller.role);
    case Route::report: return report_response(query, req.accept);
    case Route::metrics: return metrics_response();
    case Route::snapshots: return snapshots_response(req, caller.role);
    case Route::snapshot_file: return snapshot_file_response(segment);
    case Route::mm: return mm_response(segment, query, req.accept);
    case Route::whatif: return whatif_response(segment, req.body);
    case Route::mm_snapshots: return mm_snapshots_response(segment, query, req.accept);
    case Route::mm_statement: return mm_statement_response(segment, query, req.accept);
    case Route::mms:
    case Route::markets:
    case Route::market: return standings_response(route, segment, caller.role);
    case Route::history: return history_response(query, caller.role);
    case Route::stream: return stream_response(req, caller);
    case Route::health:
    case Route::static_file:
    case Route::unknown:
    case Route::invalid: break;  // answered before authentication
  }
  return error_response(404, "no such endpoint");
}

ApiResponse ApiCore::health_response() {
  if (restoring()) {
    ApiResponse r = unavailable(kRestoring);
    r.body = health_restoring_json(sources_.restore->figures());
    return r;
  }
  ApiResponse r = with_state([&](const PublishedState& s) { return json_response(200, health_json(context(s, now()))); });
  if (r.status == 503) r.body = health_starting_json();  // nothing published yet: not serving
  return r;
}

// Lets a client (the dashboard) pick its view.
ApiResponse ApiCore::whoami_response(const Role& role) {
  JsonWriter w(false);
  w.begin_object();
  w.key("role").value(role_kind_name(role.kind));
  w.key("mm_id");
  if (role.sees_all_mms()) w.null();
  else w.value(program().mms[role.mm].id);
  w.end_object();
  return json_response(200, w.take());
}

bool ApiCore::may_see_mm(std::string_view mm_id, const Role& role) const {
  const std::optional<uint32_t> index = program().mm_index(mm_id);
  return role.sees_all_mms() || (index && *index == role.mm);
}

// After serve() checked may_see_mm().
// After serve() checked may_see_mm().
ApiResponse ApiCore::mm_response(std::string_view mm_id, std::string_view query, std::string_view accept) {
  const std::optional<uint32_t> index = program().mm_index(mm_id);
  if (!index) return error_response(404, "unknown mm id");
  const Result<ResponseFormat> format = export_format(query, accept, {"format"});
  if (!format) return error_response(400, format.message());
  return with_state([&](const PublishedState& s) {
    const ViewContext ctx = context(s, now());
    if (!ctx.has_report()) return unavailable("no record processed yet: no standings");
    if (*format == ResponseFormat::csv)
      return file_response(mm_standing_csv(ctx, *index), "text/csv",
                           "standing-" + s.report.month.to_string() + "-" + std::string(mm_id) + ".csv");
    return json_response(200, mm_standing_json(ctx, *index));
  });
}

// /v1/mms, /v1/markets and /v1/markets/<symbol>.
ApiResponse ApiCore::standings_response(Route route, std::string_view symbol, const Role& role) {
  std::optional<uint32_t> market;
  if (route == Route::market && !(market = program().market_index(symbol))) return error_response(404, "unknown market");
  return with_state([&](const PublishedState& s) {
    const ViewContext ctx = context(s, now());
    if (!ctx.has_report()) return unavailable("no record processed yet: no standings");
    if (route == Route::mms) return json_response(200, mm_list_json(ctx, role));
    if (route == Route::markets) return json_response(200, markets_json(ctx, role));
    return json_response(200, market_json(ctx, *market, role));
  });
}

ApiResponse ApiCore::history_response(std::string_view query, const Role& role) {
  int64_t since = INT64_MIN;
  if (const std::optional<std::string> text = net::query_param(query, "since")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), since);
    if (ec != std::errc() || end != text->data() + text->size())
      return error_response(400, "since must be an integer time in unix milliseconds");
  }
  return json_response(200, history_.json(role, since));
}

ApiResponse ApiCore::stream_response(const ApiRequest& req, const Caller& caller) {
  if (!req.websocket_upgrade) {
    ApiResponse r = error_response(426, "/v1/stream is a WebSocket: send an Upgrade request");
    r.headers.emplace_back("Upgrade", "websocket");
    return r;
  }
  ApiResponse r;
  r.status = 101;
  r.upgrade = StreamGrant{caller.role, caller.digest};
  return r;
}

ApiResponse ApiCore::report_response(std::string_view query, std::string_view accept) {
  const Result<ResponseFormat> format = export_format(query, accept, {"format"});
  if (!format) return error_response(400, format.message());
  return with_state([&](const PublishedState& s) {
    if (!s.started) return unavailable("no record processed yet: nothing to report");
    if (*format == ResponseFormat::csv)
      return file_response(report_csv(program(), s.report), "text/csv", "report-" + s.report.month.to_string() + ".csv");
    if (!report_cache_) report_cache_ = std::make_shared<const std::string>(report_json(program(), s.report));
    return json_response(200, *report_cache_);
  });
}

ApiResponse ApiCore::metrics_response() {
  MetricsInput in{program(), nullptr};
  in.now = now();
  in.client = sources_.client;
  in.api = stats_snapshot();
  in.history_points = history_.size();
  in.history_save_failures = history_.save_failures();
  if (sources_.restore) in.restore = sources_.restore->figures();
  std::string text;
  const bool published = sources_.published->read([&](const PublishedState& s) {
    in.state = &s;
    in.processed = processed(s);
    text = metrics_text(in);
  });
  if (!published) text = metrics_text(in);
  ApiResponse r = json_response(200, std::move(text));
  r.content_type = kMetricsContentType;
  return r;
}

ApiResponse ApiCore::static_response(const ApiRequest& req, std::string_view path) {
  const std::optional<StaticFile> file = find_static_file(path);
  if (!file) return error_response(404, "not found");
  ApiResponse r;
  r.content_type = std::string(file->asset->content_type);
  r.cache_control = "no-cache";  // revalidate with the ETag: a new binary may bring a new dashboard
  r.headers.emplace_back("ETag", file->etag);
  if (!req.if_none_match.empty() && trim(req.if_none_match) == file->etag) {
    r.status = 304;
    return r;
  }
  r.body = std::string(file->asset->body);
  return r;
}

void ApiCore::drop_stale_caches(const PublishedState& state) {
  if (state.published_at == cache_key_) return;
  cache_key_ = state.published_at;
  report_cache_.reset();
  update_cache_.clear();
}

Message ApiCore::update_for(const Role& role, const PublishedState& state, TimeUs now) {
  drop_stale_caches(state);
  Message& m = update_cache_[role_key(role)];
  if (!m) m = std::make_shared<const std::string>(update_message(context(state, now), role));
  return m;
}

Message ApiCore::month_closed_for(const PublishedState& s) {
  Message closed;
  if (months_known_ && s.months_closed > months_closed_) {
    YearMonth month = last_month_.value_or(s.report.month);
    if (!last_month_) month = month.month == 1 ? YearMonth{month.year - 1, 12} : YearMonth{month.year, month.month - 1};
    closed = std::make_shared<const std::string>(month_closed_message(month.to_string()));
  }
  months_known_ = true;
  months_closed_ = s.months_closed;
  if (s.started) last_month_ = s.report.month;
  return closed;
}

void ApiCore::tick() {
  const TimeUs t = now();
  std::vector<std::pair<std::shared_ptr<StreamClient>, Message>> sends;
  Message closed;
  sources_.published->read([&](const PublishedState& s) {
    if (s.published_at == last_seen_) return;
    last_seen_ = s.published_at;
    activity_.update(program(), s);
    history_.sample(s);
    closed = month_closed_for(s);
    for (auto& [ptr, weak] : streams_)
      if (auto client = weak.lock()) sends.emplace_back(client, update_for(client->grant().role, s, t));
  });
  for (auto& [client, message] : sends) {
    if (closed) client->send(closed);
    client->send(message);
  }
  history_.save_if_due(t);
}

void ApiCore::add_history(const std::vector<HistoryPoint>& points) {
  size_t taken = 0;
  for (const HistoryPoint& p : points) taken += history_.add(p.t_us, p.row);
  if (!points.empty()) spdlog::info("history: {} of {} points rebuilt from the journal", taken, points.size());
}

void ApiCore::save_history() {
  if (auto saved = history_.save(); !saved) spdlog::warn("history: not saved: {}", saved.message());
}

void ApiCore::stream_accepted(const std::shared_ptr<StreamClient>& client) {
  streams_[client.get()] = client;
  stats_.ws_clients.fetch_add(1);
  stats_.ws_accepted.fetch_add(1);
  stats_.count_request(Route::stream, 101);
  Message first;
  sources_.published->read([&](const PublishedState& s) { first = update_for(client->grant().role, s, now()); });
  if (first) client->send(first);
}

void ApiCore::stream_rejected() { stats_.count_request(Route::stream, 400); }

void ApiCore::stream_closed(StreamClient* client) {
  if (streams_.erase(client)) stats_.ws_clients.fetch_sub(1);
}

void ApiCore::revalidate_streams() {
  const std::shared_ptr<const TokenTable> table = tokens_.table();
  std::vector<std::shared_ptr<StreamClient>> revoked;
  for (auto& [ptr, weak] : streams_) {
    auto client = weak.lock();
    if (!client) continue;
    const std::optional<Role> role = table->find_digest(client->grant().token);
    if (!role || !(*role == client->grant().role)) revoked.push_back(client);
  }
  for (auto& client : revoked) {
    stats_.ws_revoked.fetch_add(1);
    client->close();
  }
}

}  // namespace mm::api
