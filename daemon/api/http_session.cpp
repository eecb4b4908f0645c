// Beast translation unit 1 of 2 (the other is stream_session.cpp).
#include "daemon/api/http_session.h"

#include <array>
#include <chrono>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "daemon/api/stream_session.h"
#include "feeds/net/beast_names.h"
#include "feeds/net/url.h"

namespace mm::api {

namespace {

using namespace mm::beast_names;

constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr auto kDrainTime = std::chrono::seconds(2);

TimeUs steady_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Route route_of(std::string_view target) { return match_route(net::split_target(target).path).route; }

bool is_parse_error(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream;
}

class HttpSession final : public Closeable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(SessionContext& context, tcp::socket socket, ClientSlot slot, bool monitoring_only)
      : ctx_(context), stream_(std::move(socket)), slot_(std::move(slot)), monitoring_only_(monitoring_only) {
    ctx_.core.stats().connections_open.fetch_add(1);
  }
  ~HttpSession() override {
    ctx_.sessions.remove(this);
    ctx_.core.stats().connections_open.fetch_sub(1);
  }

  void start() {
    ctx_.sessions.add(shared_from_this());
    read();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    stream_.socket().close(ignored);
  }

 private:
  std::chrono::microseconds request_timeout() const { return std::chrono::microseconds(ctx_.options().request_timeout); }

  // A request's first bytes within first_byte_timeout (after accept, or after the previous
  // response on a kept-alive connection): a silent connection holds a slot only that long.
  void read() {
    if (buffer_.size() > 0) return read_request();  // pipelined bytes already here
    stream_.expires_after(std::chrono::microseconds(ctx_.options().first_byte_timeout));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](const error_code& ec, size_t n) {
      self->buffer_.commit(n);
      if (self->closed_) return;
      if (ec == beast::error::timeout) self->ctx_.core.stats().timeouts_first_byte.fetch_add(1);
      if (ec) return self->close();
      self->read_request();
    });
  }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(uint32_t(std::min<size_t>(ctx_.options().max_header, UINT32_MAX)));
    parser_->body_limit(ctx_.options().max_body);
    stream_.expires_after(request_timeout());
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
  }

  // The answer when this connection may not be served normally: a reserve connection
  // asking for anything but health or metrics (503), or a throttled address (429).
  std::optional<ApiResponse> refusal(std::string_view target) {
    const Route route = route_of(target);
    if (monitoring_only_ && route != Route::health && route != Route::metrics) {
      ctx_.core.stats().count_request(route, 503);
      ApiResponse r = refusal_response(503, "too many connections: this one may only ask for /v1/health or /metrics");
      r.headers.emplace_back("Retry-After", "5");
      r.close = true;
      return r;
    }
    if (route == Route::health) return std::nullopt;
    const std::optional<TimeUs> wait = ctx_.guard.blocked_for(slot_.address(), steady_now_us());
    if (!wait) return std::nullopt;
    ctx_.core.stats().count_request(route, 429);
    ctx_.core.stats().requests_throttled.fetch_add(1);
    ApiResponse r = refusal_response(429, "too many failed authentications from this address");
    r.headers.emplace_back("Retry-After", std::to_string((*wait + kUsPerSecond - 1) / kUsPerSecond));
    return r;
  }

  static ApiResponse refusal_response(unsigned status, std::string_view message) {
    ApiResponse r;
    r.status = status;
    r.body = "{\"error\":\"" + std::string(message) + "\"}";
    return r;
  }

  void count_auth(const ApiResponse& response) {
    if (response.status != 401) return;
    if (!ctx_.guard.auth_failed(slot_.address(), steady_now_us())) return;
    ctx_.core.stats().auth_blocks.fetch_add(1);
    error_code ignored;
    const auto peer = stream_.socket().remote_endpoint(ignored);
    spdlog::warn("api: {} failed authentication {} times: throttled for {} s", peer.address().to_string(ignored),
                 ctx_.options().auth_failures_per_minute, ctx_.options().auth_block / kUsPerSecond);
  }

  void on_read(const error_code& ec) {
    if (closed_) return;
    if (ec == beast::error::timeout) ctx_.core.stats().timeouts_request.fetch_add(1);
    if (ec == http::error::header_limit) return reply(ctx_.core.invalid_request(413, "request headers too large"), 11, false);
    if (ec == http::error::body_limit) return reply(ctx_.core.invalid_request(413, "request body too large"), 11, false);
    if (ec && is_parse_error(ec)) return reply(ctx_.core.invalid_request(400, "malformed request"), 11, false);
    if (ec) return close();  // end of stream, timeout, reset: nobody to answer

    http::request<http::string_body>& req = parser_->get();
    const std::string_view authorization = header(req, http::field::authorization);
    const std::string_view if_none_match = header(req, http::field::if_none_match);
    ApiRequest request;
    request.method = req.method_string();
    request.target = req.target();
    request.authorization = authorization;
    request.if_none_match = if_none_match;
    request.accept = header(req, http::field::accept);
    request.body = req.body();
    request.websocket_upgrade = beast::websocket::is_upgrade(req);
    std::optional<ApiResponse> refused = refusal(request.target);
    ApiResponse response = refused ? std::move(*refused) : ctx_.core.handle(request);
    count_auth(response);

    if (response.upgrade) {
      const StreamGrant grant = *response.upgrade;
      closed_ = true;  // the stream session owns the socket from here
      stream_.expires_never();
      start_stream_session(ctx_, std::move(stream_), parser_->release(), grant, std::move(slot_));
      return;
    }
    const bool keep_alive = req.keep_alive() && !response.close;
    head_ = req.method() == http::verb::head;
    reply(std::move(response), req.version(), keep_alive);
  }

  static std::string_view header(const http::request<http::string_body>& req, http::field f) {
    auto it = req.find(f);
    return it == req.end() ? std::string_view() : std::string_view(it->value());
  }

  void reply(ApiResponse r, unsigned version, bool keep_alive) {
    response_ = {};
    response_.result(r.status);
    response_.version(version == 10 ? 10 : 11);
    response_.set(http::field::server, "mmscore");
    response_.set(http::field::content_type, r.content_type);
    response_.set(http::field::cache_control, r.cache_control);
    response_.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : r.headers) response_.set(name, value);
    response_.keep_alive(keep_alive);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    if (head_) response_.body().clear();  // HEAD: the headers (Content-Length included) only
    head_ = false;
    stream_.expires_after(request_timeout());
    http::async_write(stream_, response_, [self = shared_from_this(), keep_alive](const error_code& ec, size_t) {
      if (ec || self->closed_) return self->close();
      if (keep_alive) return self->read();
      self->linger();
    });
  }

  // Closing with unread request bytes would send a reset that can destroy the response
  // before the client reads it: stop sending, read what is left (bounded), then close.
  void linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTime);
    drain();
  }
  void drain() {
    stream_.async_read_some(asio::buffer(drain_buffer_), [self = shared_from_this()](const error_code& ec, size_t n) {
      self->drained_ += n;
      if (ec || self->closed_ || self->drained_ > kMaxDrainBytes) return self->close();
      self->drain();
    });
  }

  SessionContext& ctx_;
  beast::tcp_stream stream_;
  ClientSlot slot_;
  bool monitoring_only_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool head_ = false;
  bool closed_ = false;
  size_t drained_ = 0;
  std::array<char, 4096> drain_buffer_{};
};

}  // namespace

void start_http_session(SessionContext& context, tcp::socket socket, ClientSlot slot, bool monitoring_only) {
  std::make_shared<HttpSession>(context, std::move(socket), std::move(slot), monitoring_only)->start();
}

}  // namespace mm::api
