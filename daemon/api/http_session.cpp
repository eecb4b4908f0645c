// Beast translation unit 1 of 2 (the other is stream_session.cpp).
#include "daemon/api/http_session.h"

#include <array>
#include <chrono>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "daemon/api/stream_session.h"
#include "feeds/net/beast_names.h"

namespace mm::api {

namespace {

using namespace mm::beast_names;

constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr auto kDrainTime = std::chrono::seconds(2);

bool is_parse_error(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream;
}

class HttpSession final : public Closeable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(SessionContext& context, tcp::socket socket) : ctx_(context), stream_(std::move(socket)) {
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

  void read() {
    parser_.emplace();
    parser_->header_limit(uint32_t(std::min<size_t>(ctx_.options().max_header, UINT32_MAX)));
    parser_->body_limit(ctx_.options().max_body);
    stream_.expires_after(request_timeout());
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (closed_) return;
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
    request.body = req.body();
    request.websocket_upgrade = beast::websocket::is_upgrade(req);
    ApiResponse response = ctx_.core.handle(request);

    if (response.upgrade) {
      const StreamGrant grant = *response.upgrade;
      closed_ = true;  // the stream session owns the socket from here
      stream_.expires_never();
      start_stream_session(ctx_, std::move(stream_), parser_->release(), grant);
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
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool head_ = false;
  bool closed_ = false;
  size_t drained_ = 0;
  std::array<char, 4096> drain_buffer_{};
};

}  // namespace

void start_http_session(SessionContext& context, tcp::socket socket) {
  std::make_shared<HttpSession>(context, std::move(socket))->start();
}

}  // namespace mm::api
