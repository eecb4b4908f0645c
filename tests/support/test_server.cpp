#include "tests/support/test_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include "feeds/net/beast_names.h"

namespace mm::test {

using namespace mm::beast_names;

namespace {

// What a WebSocket connection can be asked to do, in order.
struct Outgoing {
  enum Kind { text, ping, close } kind;
  std::string payload;
};

class WsPeer {
 public:
  virtual ~WsPeer() = default;
  virtual void enqueue(Outgoing out) = 0;
  virtual void drop() = 0;
};

}  // namespace

struct TestServer::State {
  struct WsRecord {
    std::string target;
    std::vector<std::string> messages;
    bool open = true;
  };

  asio::io_context io;  // first: destroyed last, after everything that uses it
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{io};
  std::thread thread;
  uint16_t port = 0;

  mutable std::mutex mutex;  // guards everything below but ws_peers
  std::function<HttpReply(const HttpRequestRecord&)> http_handler;
  std::function<void(size_t, const std::string&)> ws_handler;
  std::vector<HttpRequestRecord> http_requests;
  std::vector<WsRecord> ws_records;
  std::atomic<uint64_t> tls_failures{0};

  std::vector<std::shared_ptr<WsPeer>> ws_peers;  // server thread only; index = id

  void accept();
  void with_peer(size_t id, std::function<void(WsPeer&)> action) {
    asio::post(io, [this, id, action = std::move(action)] {
      if (id < ws_peers.size()) action(*ws_peers[id]);
    });
  }
};

namespace {

using State = TestServer::State;

template <class Stream>
class WsConn final : public WsPeer, public std::enable_shared_from_this<WsConn<Stream>> {
 public:
  WsConn(State& state, Stream stream) : state_(state), ws_(std::move(stream)) {}

  // Registered before the 101 goes out, so a test that saw the client connect can
  // address this connection at once; what it queues is sent after the handshake.
  void accept(http::request<http::string_body> req) {
    {
      std::lock_guard lock(state_.mutex);
      id_ = state_.ws_records.size();
      state_.ws_records.push_back(State::WsRecord{std::string(req.target()), {}, true});
    }
    state_.ws_peers.push_back(this->shared_from_this());
    ws_.set_option(
        websocket::stream_base::timeout{websocket::stream_base::none(), websocket::stream_base::none(), false});
    ws_.async_accept(req, [self = this->shared_from_this()](const error_code& ec) {
      if (ec) return self->mark_closed();
      self->accepted_ = true;
      self->write_next();
      self->read();
    });
  }

  void enqueue(Outgoing out) override {
    queue_.push_back(std::move(out));
    if (accepted_ && !writing_) write_next();
  }

  void drop() override {
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
    mark_closed();
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](const error_code& ec, size_t) {
      if (ec) return self->mark_closed();
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      std::function<void(size_t, const std::string&)> handler;
      {
        std::lock_guard lock(self->state_.mutex);
        self->state_.ws_records[self->id_].messages.push_back(text);
        handler = self->state_.ws_handler;
      }
      if (handler) handler(self->id_, text);
      self->read();
    });
  }

  void write_next() {
    if (queue_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    auto self = this->shared_from_this();
    auto done = [self](const error_code& ec, size_t = 0) {
      self->queue_.pop_front();
      if (ec) {
        self->queue_.clear();
        self->writing_ = false;
        return;
      }
      self->write_next();
    };
    Outgoing& out = queue_.front();
    switch (out.kind) {
      case Outgoing::text:
        ws_.text(true);
        ws_.async_write(asio::buffer(out.payload), done);
        break;
      case Outgoing::ping:
        ws_.async_ping({}, [done](const error_code& ec) { done(ec); });
        break;
      case Outgoing::close:
        ws_.async_close(websocket::close_code::going_away, [done](const error_code& ec) { done(ec); });
        break;
    }
  }

  void mark_closed() {
    closed_ = true;
    std::lock_guard lock(state_.mutex);
    if (id_ < state_.ws_records.size()) state_.ws_records[id_].open = false;
  }

  State& state_;
  websocket::stream<Stream> ws_;
  size_t id_ = SIZE_MAX;
  beast::flat_buffer buffer_;
  std::deque<Outgoing> queue_;
  bool accepted_ = false, writing_ = false, closed_ = false;
};

// Reads HTTP requests; answers them with the handler or hands the stream to a WsConn.
template <class Stream>
class HttpConn final : public std::enable_shared_from_this<HttpConn<Stream>> {
 public:
  HttpConn(State& state, Stream stream) : state_(state), stream_(std::move(stream)) {}

  void start() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      read();
    } else {
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](const error_code& ec) {
        if (ec) {
          self->state_.tls_failures.fetch_add(1);
          return;
        }
        self->read();
      });
    }
  }

 private:
  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_, [self = this->shared_from_this()](const error_code& ec, size_t) {
      if (ec) return;
      self->on_request();
    });
  }

  void on_request() {
    if (websocket::is_upgrade(request_)) {
      auto ws = std::make_shared<WsConn<Stream>>(state_, std::move(stream_));
      ws->accept(std::move(request_));
      return;
    }
    HttpRequestRecord record;
    record.method = std::string(request_.method_string());
    record.target = std::string(request_.target());
    for (const auto& field : request_) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      record.headers[name] = std::string(field.value());
    }
    std::function<HttpReply(const HttpRequestRecord&)> handler;
    {
      std::lock_guard lock(state_.mutex);
      state_.http_requests.push_back(record);
      handler = state_.http_handler;
    }
    const HttpReply reply = handler ? handler(record) : HttpReply{404, "not found", "text/plain"};
    response_ = {};
    response_.result(reply.status);
    response_.version(request_.version());
    response_.set(http::field::content_type, reply.content_type);
    response_.body() = reply.body;
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = this->shared_from_this()](const error_code& ec, size_t) {
      if (ec) return;
      if (self->response_.keep_alive()) return self->read();
      error_code ignored;
      beast::get_lowest_layer(self->stream_).shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  State& state_;
  Stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

void TestServer::State::accept() {
  acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (ec) return;  // acceptor closed
    if (tls) {
      auto conn = std::make_shared<HttpConn<ssl::stream<tcp::socket>>>(
          *this, ssl::stream<tcp::socket>(std::move(socket), *tls));
      conn->start();
    } else {
      auto conn = std::make_shared<HttpConn<tcp::socket>>(*this, std::move(socket));
      conn->start();
    }
    accept();
  });
}

TestServer::TestServer(Options options) : state_(std::make_shared<State>()) {
  State& s = *state_;
  if (options.tls) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->use_certificate_chain_file(options.tls->cert_file);
    s.tls->use_private_key_file(options.tls->key_file, ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  s.acceptor.bind(endpoint);
  s.acceptor.listen();
  s.port = s.acceptor.local_endpoint().port();
  s.accept();
  s.thread = std::thread([&s] { s.io.run(); });
}

TestServer::~TestServer() {
  state_->io.stop();
  state_->thread.join();
}

uint16_t TestServer::port() const { return state_->port; }

std::string TestServer::ws_url() const {
  return std::string(state_->tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(state_->port);
}

std::string TestServer::http_url() const {
  return std::string(state_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(state_->port);
}

void TestServer::set_http_handler(std::function<HttpReply(const HttpRequestRecord&)> handler) {
  std::lock_guard lock(state_->mutex);
  state_->http_handler = std::move(handler);
}

std::vector<HttpRequestRecord> TestServer::http_requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->http_requests;
}

size_t TestServer::ws_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->ws_records.size();
}

std::vector<std::string> TestServer::ws_messages(size_t id) const {
  std::lock_guard lock(state_->mutex);
  return id < state_->ws_records.size() ? state_->ws_records[id].messages : std::vector<std::string>{};
}

std::string TestServer::ws_target(size_t id) const {
  std::lock_guard lock(state_->mutex);
  return id < state_->ws_records.size() ? state_->ws_records[id].target : std::string{};
}

bool TestServer::ws_open(size_t id) const {
  std::lock_guard lock(state_->mutex);
  return id < state_->ws_records.size() && state_->ws_records[id].open;
}

void TestServer::ws_send(size_t id, std::string text) {
  state_->with_peer(id, [text = std::move(text)](WsPeer& p) mutable { p.enqueue({Outgoing::text, std::move(text)}); });
}

void TestServer::ws_ping(size_t id) {
  state_->with_peer(id, [](WsPeer& p) { p.enqueue({Outgoing::ping, {}}); });
}

void TestServer::ws_close(size_t id) {
  state_->with_peer(id, [](WsPeer& p) { p.enqueue({Outgoing::close, {}}); });
}

void TestServer::ws_drop(size_t id) {
  state_->with_peer(id, [](WsPeer& p) { p.drop(); });
}

void TestServer::set_ws_message_handler(std::function<void(size_t, const std::string&)> handler) {
  std::lock_guard lock(state_->mutex);
  state_->ws_handler = std::move(handler);
}

uint64_t TestServer::tls_handshake_failures() const { return state_->tls_failures.load(); }

}  // namespace mm::test
