// Beast TU 1 of 2: WebSocket sessions (plain and TLS) and the client TLS context.
#include "feeds/net/ws_connection.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>

#include "feeds/net/backoff.h"
#include "feeds/net/protocol.h"
#include "feeds/net/push_queue.h"
#include "feeds/net/beast_names.h"

namespace mm::net {

using namespace mm::beast_names;

Result<std::shared_ptr<ssl::context>> make_client_tls_context(const std::string& ca_file) {
  std::shared_ptr<ssl::context> ctx;
  try {
    ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  } catch (const std::exception& e) {  // SSL_CTX_new failed: out of memory or a broken OpenSSL
    return make_error(std::string("cannot create a TLS context: ") + e.what());
  }
  error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ca_file, ec);
  if (ec) return make_error((ca_file.empty() ? std::string("system CA store") : ca_file) + ": cannot load: " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer, ec);
  return ctx;
}

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds us(TimeUs t) { return std::chrono::microseconds(t); }

// Error frames are tiny; big frames are data and are not searched.
constexpr size_t kMaxErrorFrameBytes = 1024;

// Everything but the stream type: lifecycle, deadlines, back-pressure, stats, logs.
class SessionBase : public WsConnection, public std::enable_shared_from_this<SessionBase> {
 public:
  SessionBase(asio::io_context& io, WsConnectionConfig config, std::shared_ptr<InboundSink> sink,
              std::shared_ptr<ClientStats> stats, ConnectionStats& cs)
      : io_(io),
        config_(std::move(config)),
        stats_(std::move(stats)),
        cs_(cs),
        push_(std::make_shared<PushQueue>(io, std::move(sink), stats_, config_.label)),
        backoff_(config_.reconnect_min, config_.reconnect_max, random_seed()),
        reconnect_timer_(io),
        deadline_timer_(io),
        stop_timer_(io) {}

  void start() override {
    std::weak_ptr<SessionBase> weak = shared_from_this();
    push_->on_drained([weak] {
      if (auto self = weak.lock()) self->on_drained();
    });
    connect_now();
  }

  void stop(std::function<void()> finished) override {
    stop_callbacks_.push_back(std::move(finished));
    if (finished_) return finish();
    if (stopping_) return;
    stopping_ = true;
    reconnect_timer_.cancel();
    stop_timer_.expires_after(us(config_.stop_timeout));
    stop_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->force_finish();
    });
    if (live_) {
      if (up_)
        begin_close();  // close handshake; the attempt ends when it completes
      else
        end_attempt("stopped while connecting");
    }
    maybe_finish();
  }

 protected:
  // Stream-specific steps, implemented by Session<Ws>.
  virtual void begin_attempt() = 0;  // resolve, connect, TLS, upgrade, subscribe
  virtual void abort_attempt() = 0;  // close the socket; pending operations complete with errors
  virtual void start_read() = 0;
  virtual void begin_close() = 0;

  void connect_now() {
    if (stopping_) return;
    if (attempts_++ > 0) cs_.reconnect_attempts.fetch_add(1, std::memory_order_relaxed);
    ++generation_;
    live_ = true;
    up_ = false;
    read_paused_ = false;
    // Until subscribed, the deadline is the connect timeout; then it is the idle timeout.
    arm_deadline(Clock::now() + us(config_.connect_timeout));
    begin_attempt();
  }

  void on_subscribed(size_t messages) {
    up_ = true;
    up_since_ = Clock::now();
    last_activity_ = up_since_;
    arm_deadline(last_activity_ + us(config_.stale_after));
    cs_.up.store(true);
    cs_.connects.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("feed {}: connected to {}://{}:{}{} ({} SUBSCRIBE message{})", config_.label,
                 config_.url.tls ? "wss" : "ws", config_.url.host, config_.url.port, config_.url.path, messages,
                 messages == 1 ? "" : "s");
    if (deliver(InboundKind::connected, {}))
      start_read();
    else
      read_paused_ = true;
  }

  // A complete message was read. Returns whether to read the next one now.
  bool on_message(std::string_view payload, bool is_text) {
    const TimeUs ts = config_.clock->now_us();
    last_activity_ = Clock::now();
    if (!is_text) {
      spdlog::debug("feed {}: ignoring a binary frame of {} bytes", config_.label, payload.size());
      return true;
    }
    cs_.frames.fetch_add(1, std::memory_order_relaxed);
    cs_.bytes.fetch_add(payload.size(), std::memory_order_relaxed);
    cs_.last_frame_us.store(ts, std::memory_order_relaxed);
    std::optional<ExchangeError> error;
    if (payload.size() <= kMaxErrorFrameBytes) error = exchange_error(payload);
    if (error) {
      cs_.error_frames.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("feed {}: exchange error {}: {}", config_.label, error->code, error->message);
    }
    const bool delivered = deliver(InboundKind::frame, payload, ts);
    if (error && config_.error_frame_ends_connection) {
      end_attempt("the exchange refused the subscription (error " + error->code + ")");
      return false;
    }
    if (delivered) return true;
    read_paused_ = true;
    return false;
  }

  void on_control_frame(websocket::frame_type kind) {
    last_activity_ = Clock::now();
    if (kind == websocket::frame_type::ping) cs_.pings.fetch_add(1, std::memory_order_relaxed);
  }

  // Ends the current attempt once: `disconnected` if it was up, then reconnect or finish.
  void end_attempt(const std::string& reason, bool tls_failure = false) {
    if (!live_) return;
    live_ = false;
    deadline_timer_.cancel();
    abort_attempt();
    if (tls_failure) stats_->tls_failures.fetch_add(1, std::memory_order_relaxed);
    const bool was_up = up_;
    up_ = false;
    read_paused_ = false;
    if (was_up) {
      cs_.up.store(false);
      cs_.disconnects.fetch_add(1, std::memory_order_relaxed);
      deliver(InboundKind::disconnected, {});
      if (stopping_)
        spdlog::info("feed {}: disconnected ({})", config_.label, reason);
      else
        spdlog::warn("feed {}: disconnected: {}", config_.label, reason);
      // A connection that stayed up long enough proves the endpoint healthy again.
      if (Clock::now() - up_since_ >= us(config_.reconnect_max)) backoff_.reset();
    } else if (!stopping_) {
      cs_.connect_failures.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("feed {}: cannot connect to {}:{}: {}", config_.label, config_.url.host, config_.url.port, reason);
    }
    if (stopping_) return maybe_finish();
    const TimeUs delay = backoff_.next();
    spdlog::info("feed {}: reconnecting in {} ms", config_.label, delay / 1000);
    reconnect_timer_.expires_after(us(delay));
    reconnect_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->connect_now();
    });
  }

  bool is_current(uint64_t generation) const { return live_ && generation == generation_; }
  uint64_t generation() const { return generation_; }
  const WsConnectionConfig& config() const { return config_; }
  bool stopping() const { return stopping_; }

 private:
  bool deliver(InboundKind kind, std::string_view payload, TimeUs ts = 0) {
    Inbound m;
    m.ts = ts ? ts : config_.clock->now_us();
    m.source = config_.source;
    m.kind = kind;
    m.payload = payload;
    return push_->deliver(m);
  }

  void on_drained() {
    if (live_ && up_ && read_paused_) {
      read_paused_ = false;
      last_activity_ = Clock::now();  // the wait was the engine's, not the server's silence
      start_read();
    }
    maybe_finish();
  }

  void arm_deadline(Clock::time_point at) {
    deadline_timer_.expires_at(at);
    deadline_timer_.async_wait([self = shared_from_this(), generation = generation_](const error_code& ec) {
      if (!ec) self->on_deadline(generation);
    });
  }

  void on_deadline(uint64_t generation) {
    if (!is_current(generation)) return;
    if (!up_) return end_attempt("no subscription within " + std::to_string(config_.connect_timeout / 1000) + " ms");
    const Clock::time_point now = Clock::now();
    if (read_paused_) last_activity_ = now;  // not reading: silence cannot be judged
    const Clock::time_point due = last_activity_ + us(config_.stale_after);
    if (now < due) return arm_deadline(due);
    cs_.idle_timeouts.fetch_add(1, std::memory_order_relaxed);
    end_attempt("no frame or ping for " + std::to_string(config_.stale_after / 1000) + " ms");
  }

  void maybe_finish() {
    if (stopping_ && !finished_ && !live_ && !push_->waiting()) finish();
  }

  void force_finish() {
    if (finished_) return;
    end_attempt("stop timeout");
    if (finished_) return;
    if (const size_t dropped = push_->close()) {
      stats_->dropped_at_stop.fetch_add(dropped, std::memory_order_relaxed);
      spdlog::warn("feed {}: stop: the engine did not take the last {} message(s)", config_.label, dropped);
    }
    finish();
  }

  void finish() {
    finished_ = true;
    reconnect_timer_.cancel();
    deadline_timer_.cancel();
    stop_timer_.cancel();
    push_->close();
    // Posted: the callback may release the client while this call stack still uses it.
    for (auto& callback : stop_callbacks_)
      if (callback) asio::post(io_, std::move(callback));
    stop_callbacks_.clear();
  }

  asio::io_context& io_;
  WsConnectionConfig config_;
  std::shared_ptr<ClientStats> stats_;
  ConnectionStats& cs_;
  std::shared_ptr<PushQueue> push_;
  Backoff backoff_;
  asio::steady_timer reconnect_timer_, deadline_timer_, stop_timer_;
  std::vector<std::function<void()>> stop_callbacks_;
  uint64_t generation_ = 0, attempts_ = 0;
  bool live_ = false;         // an attempt is in progress (connecting or up)
  bool up_ = false;           // subscribed and `connected` pushed
  bool read_paused_ = false;  // a message waits in push_: no read in flight
  bool stopping_ = false, finished_ = false;
  Clock::time_point up_since_{}, last_activity_{};
};

// The stream-specific part: one Attempt (a fresh stream) per connection attempt.
template <class Ws>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<typename Ws::next_layer_type, tcp::socket>;

  Session(asio::io_context& io, WsConnectionConfig config, std::shared_ptr<ssl::context> tls,
          std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats, ConnectionStats& cs)
      : SessionBase(io, std::move(config), std::move(sink), std::move(stats), cs), io_(io), tls_(std::move(tls)) {}

 private:
  struct Attempt {
    Attempt(asio::io_context& io, ssl::context* tls) : resolver(io), ws(make_stream(io, tls)) {}
    static Ws make_stream(asio::io_context& io, ssl::context* tls) {
      if constexpr (kTls)
        return Ws(io, *tls);
      else
        return Ws(io);
    }
    tcp::resolver resolver;
    Ws ws;
    beast::flat_buffer buffer;
    std::vector<std::string> messages;
    size_t next_message = 0;
    uint64_t generation = 0;
  };
  using AttemptPtr = std::shared_ptr<Attempt>;

  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  bool current(const AttemptPtr& a) const { return a == attempt_ && is_current(a->generation); }

  void begin_attempt() override {
    if (kTls && !tls_) return end_attempt("no TLS context (see the CA error logged at start)", true);
    attempt_ = std::make_shared<Attempt>(io_, tls_.get());
    attempt_->generation = generation();
    attempt_->resolver.async_resolve(
        config().url.host, config().url.port,
        [self = self(), a = attempt_](const error_code& ec, tcp::resolver::results_type results) {
          self->on_resolved(a, ec, std::move(results));
        });
  }

  void abort_attempt() override {
    if (!attempt_) return;
    error_code ignored;
    attempt_->resolver.cancel();
    beast::get_lowest_layer(attempt_->ws).close(ignored);
    attempt_.reset();  // pending handlers keep it alive until they complete
  }

  void on_resolved(const AttemptPtr& a, const error_code& ec, tcp::resolver::results_type results) {
    if (!current(a)) return;
    if (ec) return end_attempt("resolve: " + ec.message());
    asio::async_connect(beast::get_lowest_layer(a->ws), results,
                        [self = self(), a](const error_code& ec, const tcp::endpoint&) { self->on_connected(a, ec); });
  }

  void on_connected(const AttemptPtr& a, const error_code& ec) {
    if (!current(a)) return;
    if (ec) return end_attempt("connect: " + ec.message());
    error_code ignored;
    beast::get_lowest_layer(a->ws).set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      auto& tls = a->ws.next_layer();
      const Url& url = config().url;
      // SNI for names only (RFC 6066); the certificate is checked against the name or IP.
      if (!url.host_is_ip()) SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str());
      error_code verify_ec;
      tls.set_verify_mode(ssl::verify_peer, verify_ec);
      if (!verify_ec) tls.set_verify_callback(ssl::host_name_verification(url.host), verify_ec);
      if (verify_ec) return end_attempt("TLS setup: " + verify_ec.message(), true);
      tls.async_handshake(ssl::stream_base::client, [self = self(), a](const error_code& ec) {
        if (!self->current(a)) return;
        if (ec) return self->end_attempt("TLS handshake: " + ec.message(), true);
        self->upgrade(a);
      });
    } else {
      upgrade(a);
    }
  }

  void upgrade(const AttemptPtr& a) {
    a->ws.set_option(
        websocket::stream_base::timeout{websocket::stream_base::none(), websocket::stream_base::none(), false});
    a->ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "mmscore"); }));
    a->ws.read_message_max(config().max_message_bytes);
    // Pings are answered by Beast; seeing them (and pongs) proves the server alive.
    a->ws.control_callback([this](websocket::frame_type kind, beast::string_view) { on_control_frame(kind); });
    a->ws.async_handshake(config().url.host_header(), config().url.path, [self = self(), a](const error_code& ec) {
      if (!self->current(a)) return;
      if (ec) return self->end_attempt("WebSocket upgrade: " + ec.message());
      a->messages = self->config().subscribe_messages();
      a->ws.text(true);
      self->write_next(a);
    });
  }

  void write_next(const AttemptPtr& a) {
    if (a->next_message == a->messages.size()) return on_subscribed(a->messages.size());
    a->ws.async_write(asio::buffer(a->messages[a->next_message]), [self = self(), a](const error_code& ec, size_t) {
      if (!self->current(a)) return;
      if (ec) return self->end_attempt("SUBSCRIBE: " + ec.message());
      ++a->next_message;
      self->write_next(a);
    });
  }

  void start_read() override {
    const AttemptPtr& a = attempt_;
    if (!a) return;
    a->ws.async_read(a->buffer, [self = self(), a](const error_code& ec, size_t) { self->on_read(a, ec); });
  }

  void on_read(const AttemptPtr& a, const error_code& ec) {
    if (!current(a)) return;
    if (ec) {
      if (ec == websocket::error::closed) {
        const auto& r = a->ws.reason();
        return end_attempt(
            "closed by the server (code " + std::to_string(r.code) +
            (r.reason.empty() ? "" : ", " + loggable(std::string_view(r.reason.data(), r.reason.size()))) + ")");
      }
      return end_attempt("read: " + ec.message());
    }
    const auto data = a->buffer.cdata();
    const bool more =
        on_message(std::string_view(static_cast<const char*>(data.data()), data.size()), a->ws.got_text());
    a->buffer.consume(a->buffer.size());  // delivered or copied into the push queue
    if (more && current(a)) start_read();
  }

  void begin_close() override {
    const AttemptPtr& a = attempt_;
    if (!a) return;
    a->ws.async_close(websocket::close_code::normal, [self = self(), a](const error_code& ec) {
      if (!self->current(a)) return;
      self->end_attempt(ec ? "close: " + ec.message() : "closed by us");
    });
  }

  asio::io_context& io_;
  std::shared_ptr<ssl::context> tls_;
  AttemptPtr attempt_;
};

using PlainWs = websocket::stream<tcp::socket>;
using TlsWs = websocket::stream<ssl::stream<tcp::socket>>;

}  // namespace

std::shared_ptr<WsConnection> make_ws_connection(asio::io_context& io, WsConnectionConfig config,
                                                 std::shared_ptr<ssl::context> tls, std::shared_ptr<InboundSink> sink,
                                                 std::shared_ptr<ClientStats> stats,
                                                 ConnectionStats& connection_stats) {
  if (config.url.tls)
    return std::make_shared<Session<TlsWs>>(io, std::move(config), std::move(tls), std::move(sink), std::move(stats),
                                            connection_stats);
  return std::make_shared<Session<PlainWs>>(io, std::move(config), nullptr, std::move(sink), std::move(stats),
                                            connection_stats);
}

}  // namespace mm::net
