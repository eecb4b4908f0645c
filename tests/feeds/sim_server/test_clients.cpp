// The only Beast translation unit of the simulator tests.
#include "tests/feeds/sim_server/test_clients.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "feeds/net/url.h"
#include "feeds/net/beast_names.h"

namespace mm::simtest {

namespace {

using namespace mm::beast_names;

net::Url parse(const std::string& url) {
  Result<net::Url> u = net::parse_url(url);
  if (!u) throw std::runtime_error("bad URL " + url + ": " + u.message());
  return *u;
}

std::shared_ptr<ssl::context> client_tls(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  error_code ec;
  if (!ca_file.empty()) ctx->load_verify_file(ca_file, ec);
  if (ec) throw std::runtime_error("cannot load CA " + ca_file + ": " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

// Resolves and connects the lowest layer, then does the TLS handshake when there is one.
template <class Stream>
void connect_stream(Stream& stream, asio::io_context& io, const net::Url& url, int receive_buffer) {
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(url.host, url.port);
  tcp::socket& socket = beast::get_lowest_layer(stream);
  if (receive_buffer > 0) {
    socket.open(results.begin()->endpoint().protocol());
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    socket.connect(results.begin()->endpoint());
  } else {
    asio::connect(socket, results);
  }
  if constexpr (!std::is_same_v<Stream, tcp::socket>) {
    if (!url.host_is_ip()) SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    stream.handshake(ssl::stream_base::client);
  }
}

}  // namespace

// ---- WebSocket -------------------------------------------------------------------------------

struct WsTestClient::Impl {
  virtual ~Impl() = default;
  virtual void send(std::string text) = 0;
  virtual void shutdown() = 0;

  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{io.get_executor()};
  std::thread thread;

  mutable std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> messages;
  bool ended = false, by_close_frame = false;
  uint64_t received = 0, ping_count = 0;

  void on_message(std::string text) {
    std::lock_guard lock(mutex);
    ++received;
    messages.push_back(std::move(text));
    cv.notify_all();
  }
  void on_end(bool close_frame) {
    std::lock_guard lock(mutex);
    ended = true;
    by_close_frame = close_frame;
    cv.notify_all();
  }
  void on_ping() {
    std::lock_guard lock(mutex);
    ++ping_count;
  }
};

namespace {

template <class Next>
struct WsImpl final : WsTestClient::Impl {
  WsImpl(const net::Url& url, const WsClientOptions& options, std::shared_ptr<ssl::context> tls)
      : tls_(std::move(tls)), ws_(make_stream()) {
    connect_stream(ws_.next_layer(), io, url, options.receive_buffer);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) on_ping();
    });
    ws_.handshake(url.host_header(), url.path);
    ws_.text(true);
    if (options.read) read();
    thread = std::thread([this] { io.run(); });
  }

  void send(std::string text) override {
    asio::post(io, [this, text = std::move(text)]() mutable {
      out_.push_back(std::move(text));
      if (out_.size() == 1) write();
    });
  }

  void shutdown() override {
    asio::post(io, [this] {
      error_code ignored;
      beast::get_lowest_layer(ws_).close(ignored);
      work.reset();
    });
    thread.join();
  }

 private:
  Next make_stream() {
    if constexpr (std::is_same_v<Next, tcp::socket>) return Next(io);
    else return Next(io, *tls_);
  }

  void read() {
    ws_.async_read(in_, [this](const error_code& ec, size_t) {
      if (ec) return on_end(ec == websocket::error::closed);
      if (ws_.got_text()) on_message(beast::buffers_to_string(in_.data()));
      in_.consume(in_.size());
      read();
    });
  }

  void write() {
    ws_.async_write(asio::buffer(out_.front()), [this](const error_code& ec, size_t) {
      if (ec) return;
      out_.pop_front();
      if (!out_.empty()) write();
    });
  }

  std::shared_ptr<ssl::context> tls_;
  websocket::stream<Next> ws_;
  beast::flat_buffer in_;
  std::deque<std::string> out_;
};

}  // namespace

WsTestClient::WsTestClient(const std::string& url_text, WsClientOptions options) {
  const net::Url url = parse(url_text);
  if (url.tls) impl_ = std::make_shared<WsImpl<ssl::stream<tcp::socket>>>(url, options, client_tls(options.ca_file));
  else impl_ = std::make_shared<WsImpl<tcp::socket>>(url, options, nullptr);
}

WsTestClient::~WsTestClient() { impl_->shutdown(); }

void WsTestClient::send(std::string text) { impl_->send(std::move(text)); }

std::optional<std::string> WsTestClient::next(Ms timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait_for(lock, timeout, [&] { return !impl_->messages.empty() || impl_->ended; });
  if (impl_->messages.empty()) return std::nullopt;
  std::string out = std::move(impl_->messages.front());
  impl_->messages.pop_front();
  return out;
}

bool WsTestClient::wait_closed(Ms timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->ended; });
}

bool WsTestClient::closed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ended;
}

bool WsTestClient::closed_by_close_frame() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ended && impl_->by_close_frame;
}

uint64_t WsTestClient::pings() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->ping_count;
}

uint64_t WsTestClient::messages_received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

// ---- HTTP ------------------------------------------------------------------------------------

struct HttpTestClient::Impl {
  virtual ~Impl() = default;
  virtual HttpResult get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers,
                         Ms timeout) = 0;
};

namespace {

template <class Stream>
struct HttpImpl final : HttpTestClient::Impl {
  HttpImpl(const net::Url& url, std::shared_ptr<ssl::context> tls) : url_(url), tls_(std::move(tls)), stream_(make()) {
    connect_stream(stream_, io_, url_, 0);
  }

  HttpResult get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers,
                 Ms timeout) override {
    const auto start = std::chrono::steady_clock::now();
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, url_.host_header());
    req.keep_alive(true);
    for (const auto& [name, value] : headers) req.set(name, value);
    http::response<http::string_body> res;
    HttpResult out;
    bool done = false;
    io_.restart();
    http::async_write(stream_, req, [&](const error_code& ec, size_t) {
      if (ec) {
        out.error = "write: " + ec.message();
        done = true;
        return;
      }
      http::async_read(stream_, buffer_, res, [&](const error_code& ec, size_t) {
        if (ec) out.error = "read: " + ec.message();
        done = true;
      });
    });
    io_.run_for(timeout);
    if (!done) {
      error_code ignored;
      beast::get_lowest_layer(stream_).close(ignored);
      io_.restart();
      io_.run_for(1s);  // let the aborted handlers finish before `res` goes
      out.error = "timeout";
    } else if (out.error.empty()) {
      out.status = res.result_int();
      out.body = std::move(res.body());
      out.keep_alive = res.keep_alive();
    }
    out.elapsed = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
    return out;
  }

 private:
  Stream make() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) return Stream(io_);
    else return Stream(io_, *tls_);
  }

  net::Url url_;
  asio::io_context io_{1};
  std::shared_ptr<ssl::context> tls_;
  Stream stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

HttpTestClient::HttpTestClient(const std::string& base_url, std::string ca_file) {
  const net::Url url = parse(base_url);
  if (url.tls) impl_ = std::make_unique<HttpImpl<ssl::stream<tcp::socket>>>(url, client_tls(ca_file));
  else impl_ = std::make_unique<HttpImpl<tcp::socket>>(url, nullptr);
}

HttpTestClient::~HttpTestClient() = default;

HttpResult HttpTestClient::get(const std::string& target,
                               const std::vector<std::pair<std::string, std::string>>& headers, Ms timeout) {
  return impl_->get(target, headers, timeout);
}

HttpResult http_get(const std::string& base_url, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers, std::string ca_file) {
  HttpTestClient client(base_url, std::move(ca_file));
  return client.get(target, headers);
}

}  // namespace mm::simtest
