#include "daemon/api/api_core.h"

#include <cctype>
#include <charconv>
#include <chrono>

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "core/report_format.h"
#include "daemon/api/health_view.h"
#include "daemon/api/markets_view.h"
#include "daemon/api/metrics_view.h"
#include "daemon/api/mm_view.h"
#include "daemon/api/static_files.h"
#include "daemon/api/stream_messages.h"
#include "feeds/net/url.h"

namespace mm::api {

TimeUs wall_clock_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

constexpr const char* kGetHead = "GET, HEAD";

ApiResponse json_response(unsigned status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse error_response(unsigned status, std::string_view message) {
  return json_response(status, error_json(message));
}

ApiResponse unavailable(std::string_view message) {
  ApiResponse r = error_response(503, message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

ApiResponse forbidden() { return error_response(403, "this token's role may not use this endpoint"); }

// Value of `name` in an application/x-www-form-urlencoded query, %XX decoded. nullopt
// when absent or its value is badly encoded (other parameters are not looked at).
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string out;
    if (!net::percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), out))
      return std::nullopt;
    return out;
  }
  return std::nullopt;
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

// The one id segment after `prefix` ("/v1/mms/alpha" -> "alpha"); empty when absent or nested.
std::optional<std::string_view> tail_segment(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = path.substr(prefix.size());
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  return rest;
}

int64_t role_key(const Role& role) { return role.sees_all_mms() ? -1 : int64_t(role.mm); }

}  // namespace

ApiCore::ApiCore(ApiOptions options, ApiSources sources)
    : options_(std::move(options)),
      sources_(std::move(sources)),
      tokens_(*sources_.program),
      history_(*sources_.program, options_.history) {}

bool ApiCore::load_tokens(std::string& error) { return tokens_.load(options_.tokens_file, error); }

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
  std::string endpoint = "unknown";
  ApiResponse r = route(request, endpoint);
  if (!r.upgrade) stats_.count_request(endpoint, r.status);
  return r;
}

ApiResponse ApiCore::invalid_request(unsigned status, std::string_view message) {
  stats_.count_request("invalid", status);
  ApiResponse r = error_response(status, message);
  r.close = true;
  return r;
}

std::optional<ApiResponse> ApiCore::authorize(const ApiRequest& request, std::string_view query,
                                              bool allow_query_token, Role& role, TokenDigest& digest) {
  auto unauthorized = [](std::string_view message, bool invalid) {
    ApiResponse r = error_response(401, message);
    r.headers.emplace_back("WWW-Authenticate",
                           invalid ? R"(Bearer realm="mmscore", error="invalid_token")" : R"(Bearer realm="mmscore")");
    return r;
  };
  std::string token;
  if (!request.authorization.empty()) {
    if (!iequals_prefix(request.authorization, "bearer ")) return unauthorized("authorization must be a Bearer token", true);
    token = std::string(trim(request.authorization.substr(7)));
  } else if (allow_query_token) {
    token = query_param(query, "token").value_or("");
  }
  if (token.empty()) return unauthorized("missing bearer token", false);
  digest = digest_token(token);
  OPENSSL_cleanse(token.data(), token.size());  // keep no plain copy around
  const std::optional<Role> found = tokens_.table()->find_digest(digest);
  if (!found) return unauthorized("unknown token", true);
  role = *found;
  return std::nullopt;
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

ApiResponse ApiCore::route(const ApiRequest& req, std::string& endpoint) {
  const auto [path, query] = net::split_target(req.target);
  if (path.empty() || path.front() != '/') {
    endpoint = "invalid";
    ApiResponse r = error_response(400, "the request target must be an absolute path");
    r.close = true;
    return r;
  }
  const bool get = req.method == "GET" || req.method == "HEAD";
  auto method_not_allowed = [](const char* allow) {
    ApiResponse r = error_response(405, std::string("method not allowed; use ") + allow);
    r.headers.emplace_back("Allow", allow);
    return r;
  };
  const std::optional<std::string_view> mm_id = tail_segment(path, "/v1/mms/");
  const std::optional<std::string_view> symbol = tail_segment(path, "/v1/markets/");

  // Which endpoint, and which methods it takes.
  const char* allow = kGetHead;
  if (path == "/v1/health") endpoint = "health";
  else if (path == "/v1/report") endpoint = "report";
  else if (path == "/v1/mms") endpoint = "mms";
  else if (mm_id) endpoint = "mm";
  else if (path == "/v1/markets") endpoint = "markets";
  else if (symbol) endpoint = "market";
  else if (path == "/v1/history") endpoint = "history";
  else if (path == "/v1/whoami") endpoint = "whoami";
  else if (path == "/metrics") endpoint = "metrics";
  else if (path == "/v1/snapshots") endpoint = "snapshots", allow = "POST";
  else if (path == "/v1/stream") endpoint = "stream", allow = "GET";
  else if (path == "/v1" || path.starts_with("/v1/")) {
    endpoint = "unknown";
    return error_response(404, "no such endpoint");
  } else {
    endpoint = "static";
  }
  const bool method_ok = std::string_view(allow) == kGetHead ? get : req.method == allow;
  if (!method_ok) return method_not_allowed(allow);

  if (endpoint == "static") return static_response(req, path);
  if (endpoint == "health") {
    ApiResponse r = with_state(
        [&](const PublishedState& s) { return json_response(200, health_json(context(s, wall_clock_us()))); });
    if (r.status == 503) r.body = health_starting_json();  // nothing published yet: not serving
    return r;
  }

  Role role;
  TokenDigest digest{};
  if (auto denied = authorize(req, query, endpoint == "stream", role, digest)) return *denied;
  const bool staff = role.sees_all_mms();

  if (endpoint == "whoami") {  // lets a client (the dashboard) pick its view
    JsonWriter w(false);
    w.begin_object();
    w.key("role").value(role_kind_name(role.kind));
    w.key("mm_id");
    if (staff) w.null();
    else w.value(program().mms[role.mm].id);
    w.end_object();
    return json_response(200, w.take());
  }
  if (endpoint == "report") {
    if (!staff) return forbidden();
    return report_response();
  }
  if (endpoint == "metrics") {
    if (!staff) return forbidden();
    return metrics_response();
  }
  if (endpoint == "snapshots") {
    if (role.kind != Role::Kind::ops) return forbidden();
    return snapshot_response();
  }
  if (endpoint == "mm") {
    const std::optional<uint32_t> index = program().mm_index(*mm_id);
    // An MM learns nothing about other ids, not even whether they exist.
    if (!staff && (!index || *index != role.mm)) return forbidden();
    if (!index) return error_response(404, "unknown mm id");
    return with_state([&](const PublishedState& s) {
      const ViewContext ctx = context(s, wall_clock_us());
      if (!ctx.has_report()) return unavailable("no record processed yet: no standings");
      return json_response(200, mm_standing_json(ctx, *index));
    });
  }
  if (endpoint == "market" && !program().market_index(*symbol)) return error_response(404, "unknown market");
  if (endpoint == "mms" || endpoint == "markets" || endpoint == "market") {
    return with_state([&](const PublishedState& s) {
      const ViewContext ctx = context(s, wall_clock_us());
      if (!ctx.has_report()) return unavailable("no record processed yet: no standings");
      if (endpoint == "mms") return json_response(200, mm_list_json(ctx, role));
      if (endpoint == "markets") return json_response(200, markets_json(ctx, role));
      return json_response(200, market_json(ctx, *program().market_index(*symbol), role));
    });
  }
  if (endpoint == "history") {
    int64_t since = INT64_MIN;
    if (const std::optional<std::string> text = query_param(query, "since")) {
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), since);
      if (ec != std::errc() || end != text->data() + text->size())
        return error_response(400, "since must be an integer time in unix milliseconds");
    }
    return json_response(200, history_.json(role, since));
  }
  // endpoint == "stream"
  if (!req.websocket_upgrade) {
    ApiResponse r = error_response(426, "/v1/stream is a WebSocket: send an Upgrade request");
    r.headers.emplace_back("Upgrade", "websocket");
    return r;
  }
  ApiResponse r;
  r.status = 101;
  r.upgrade = StreamGrant{role, digest};
  return r;
}

ApiResponse ApiCore::report_response() {
  return with_state([&](const PublishedState& s) {
    if (!s.started) return unavailable("no record processed yet: nothing to report");
    if (!report_cache_) report_cache_ = std::make_shared<const std::string>(report_json(program(), s.report));
    return json_response(200, *report_cache_);
  });
}

ApiResponse ApiCore::metrics_response() {
  MetricsInput in{program(), nullptr};
  in.now = wall_clock_us();
  in.client = sources_.client;
  in.api = stats_snapshot();
  in.history_points = history_.size();
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

ApiResponse ApiCore::snapshot_response() {
  if (!sources_.write_snapshot) return unavailable("snapshots are not available in this process");
  std::string error;
  const std::string path = sources_.write_snapshot(error);
  if (path.empty()) {
    spdlog::warn("api: snapshot not written: {}", error);
    return error_response(500, error.empty() ? "the report could not be written" : error);
  }
  JsonWriter w(false);
  w.begin_object().key("path").value(path).end_object();
  return json_response(201, w.take());
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

void ApiCore::tick(TimeUs now) {
  std::vector<std::pair<std::shared_ptr<StreamClient>, Message>> sends;
  Message closed;
  sources_.published->read([&](const PublishedState& s) {
    if (s.published_at == last_seen_) return;
    last_seen_ = s.published_at;
    activity_.update(program(), s);
    history_.sample(s);
    if (months_known_ && s.months_closed > months_closed_) {
      YearMonth month = last_month_.value_or(s.report.month);
      if (!last_month_) month = month.month == 1 ? YearMonth{month.year - 1, 12} : YearMonth{month.year, month.month - 1};
      closed = std::make_shared<const std::string>(month_closed_message(month.to_string()));
    }
    months_known_ = true;
    months_closed_ = s.months_closed;
    if (s.started) last_month_ = s.report.month;
    for (auto& [ptr, weak] : streams_)
      if (auto client = weak.lock()) sends.emplace_back(client, update_for(client->grant().role, s, now));
  });
  for (auto& [client, message] : sends) {
    if (closed) client->send(closed);
    client->send(message);
  }
}

void ApiCore::stream_accepted(const std::shared_ptr<StreamClient>& client) {
  streams_[client.get()] = client;
  stats_.ws_clients.fetch_add(1);
  stats_.ws_accepted.fetch_add(1);
  stats_.count_request("stream", 101);
  Message first;
  sources_.published->read([&](const PublishedState& s) { first = update_for(client->grant().role, s, wall_clock_us()); });
  if (first) client->send(first);
}

void ApiCore::stream_rejected() { stats_.count_request("stream", 400); }

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
