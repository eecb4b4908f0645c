// Beast TU 1 of 2: the simulator server's listener, TLS, HTTP (REST answers and
// WebSocket upgrades, handed to sim_ws_session.cpp), the market driver, the fault
// timers and the lifecycle. The logic lives in SimHub (sim_hub.h).
#include "feeds/sim/server/sim_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "feeds/inbound.h"
#include "feeds/net/url.h"
#include "feeds/sim/server/fault_schedule.h"
#include "feeds/sim/server/sim_hub.h"
#include "feeds/sim/server/sim_ws_session.h"
#include "feeds/thread_setup.h"
#include "feeds/net/beast_names.h"

namespace mm::sim {

namespace {

using namespace mm::beast_names;
using Steady = std::chrono::steady_clock;  // timers; wall time comes from options.clock

constexpr TimeUs kDriverPeriod = 5'000;              // market steps are batched per tick
constexpr TimeUs kMaxBacklog = kUsPerSecond;          // a stalled thread skips events beyond this
constexpr TimeUs kDepthCopyPeriod = 250'000;          // stale_depth copies
constexpr TimeUs kHandshakeTimeout = 10 * kUsPerSecond;
constexpr TimeUs kHttpIdleTimeout = 60 * kUsPerSecond;
constexpr TimeUs kStopGrace = 2 * kUsPerSecond;       // for Close handshakes at stop()
constexpr size_t kMaxRequestBytes = 64 * 1024;

std::chrono::microseconds us(TimeUs t) { return std::chrono::microseconds(t); }

std::string_view sv(beast::string_view s) { return std::string_view(s.data(), s.size()); }

// What connections need from the server; lives as long as the io_context.
struct Core {
  SimHub* hub = nullptr;
  SimServerStats* stats = nullptr;
  const Clock* clock = nullptr;
  WsSessionConfig ws{};
};

// One HTTP connection: REST requests (keep-alive) until it closes or asks for an upgrade.
template <class Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  HttpSession(Core& core, Stream&& stream)
      : core_(core), stream_(std::move(stream)), delay_timer_(stream_.get_executor()) {}

  void run() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(us(kHandshakeTimeout));
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](const error_code& ec) {
        if (ec) {
          self->core_.stats->tls_failures.fetch_add(1, std::memory_order_relaxed);
          spdlog::debug("sim: TLS handshake failed: {}", ec.message());
          return;
        }
        self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBytes);
    parser_->header_limit(16 * 1024);
    beast::get_lowest_layer(stream_).expires_after(us(kHttpIdleTimeout));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec) return;  // reset, timeout, truncated TLS: the connection is gone
    if (beast::websocket::is_upgrade(parser_->get())) {
      beast::get_lowest_layer(stream_).expires_never();
      return run_ws_session(core_.ws, std::move(stream_), parser_->release());
    }
    const auto& req = parser_->get();
    const RestRequest request{sv(req.method_string()), sv(req.target()), sv(req["X-API-Key"]),
                              sv(req["X-Signature"]), sv(req["X-Timestamp"]), sv(req["X-Window"])};
    reply_ = core_.hub->handle_rest(request, core_.clock->now_us());
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    if (reply_.delay <= 0) return write();
    beast::get_lowest_layer(stream_).expires_never();
    delay_timer_.expires_after(us(reply_.delay));
    delay_timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (!ec) self->write();
    });
  }

  void write() {
    core_.hub->on_rest_sent(reply_);
    response_ = {};
    response_.version(version_);
    response_.result(reply_.status);
    response_.set(http::field::server, "mmscore-sim");
    response_.set(http::field::content_type, "application/json; charset=utf-8");
    response_.keep_alive(keep_alive_);
    response_.body() = std::move(reply_.body);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(us(kHttpIdleTimeout));
    http::async_write(stream_, response_, [self = this->shared_from_this()](const error_code& ec, size_t) {
      if (ec) return;
      if (!self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(us(kHandshakeTimeout));
      stream_.async_shutdown([self = this->shared_from_this()](const error_code&) {});
    } else {
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Core& core_;
  Stream stream_;
  asio::steady_timer delay_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  RestReply reply_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

}  // namespace

struct SimServer::Impl {
  explicit Impl(SimServerOptions o) : options(std::move(o)) {}

  Result<> start();
  void begin_stop();
  void accept();
  void drive();
  void arm_fault_timer();
  void capture_depth();
  TimeUs now_us() {  // the exchange's engine time never goes backwards
    last_now = std::max(last_now, options.clock->now_us());
    return last_now;
  }
  TimeUs since_start() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - t0).count();
  }

  SimServerOptions options;
  SimServerStats stats;
  std::vector<Fault> faults;
  std::unique_ptr<SimHub> hub;  // outlives io: sessions unregister while io is destroyed
  std::unique_ptr<asio::io_context> io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::shared_ptr<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> driver_timer, fault_timer, copy_timer, stop_timer;
  Core core;
  std::thread thread;
  mutable std::mutex life;  // start() / stop() / ground_truth()
  bool running = false, started = false;
  std::atomic<uint16_t> port{0};
  std::atomic<bool> paused{false};  // market frozen: no more events (connections stay)
  std::string url_host;

  // Server thread only.
  Steady::time_point t0;
  Steady::time_point faults_t0;  // the fault schedule's zero
  uint64_t steps_done = 0;
  size_t next_fault = 0;
  TimeUs last_now = 0;
  bool stopping = false;
  Steady::time_point stop_deadline;
};

Result<> SimServer::Impl::start() {
  if (started) return make_error("the simulator server can be started once");
  started = true;
  Result<std::vector<Fault>> parsed = parse_fault_schedule(options.faults);
  if (!parsed) return parsed.error();
  faults = std::move(*parsed);
  if (auto resolved = resolve_fault_targets(faults, options.exchange); !resolved) return resolved;
  if (!(options.events_per_second >= 0) || !std::isfinite(options.events_per_second)) {
    return make_error("events_per_second must be a finite number >= 0");
  }
  if (options.ping_interval <= 0 || options.pong_timeout <= 0) {
    return make_error("ping_interval and pong_timeout must be > 0");
  }
  if (!options.clock) return make_error("the simulator server needs a clock");
  if (options.max_queue_bytes == 0 || options.max_queue_frames == 0) return make_error("queue bounds must be > 0");
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return make_error("TLS needs both tls_cert_file and tls_key_file");
  }
  try {
    hub = std::make_unique<SimHub>(options, stats);
  } catch (const std::exception& e) {
    return make_error(std::string(e.what()));
  }

  io = std::make_unique<asio::io_context>(1);
  error_code ec;
  if (!options.tls_cert_file.empty()) {
    tls = std::make_shared<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                     ec);
    if (!ec) tls->use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec) return make_error(options.tls_cert_file + ": cannot load the certificate: " + ec.message());
    tls->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
    if (ec) return make_error(options.tls_key_file + ": cannot load the private key: " + ec.message());
  }

  const auto address = net::parse_listen_address(options.listen);
  if (!address) return make_error("listen address '" + options.listen + "' is not host:port");
  const std::string& host = address->host;
  const std::string port_text = std::to_string(address->port);
  tcp::resolver resolver(*io);
  const auto endpoints = resolver.resolve(host, port_text, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return make_error("listen address '" + options.listen + "': " + ec.message());
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor.emplace(*io);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error("cannot listen on " + options.listen + ": " + ec.message());
  const tcp::endpoint bound = acceptor->local_endpoint(ec);
  port = bound.port();
  const asio::ip::address a = bound.address();
  url_host = a.is_unspecified() ? (a.is_v6() ? "[::1]" : "127.0.0.1") : a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();

  core.hub = hub.get();
  core.stats = &stats;
  core.clock = options.clock;
  core.ws = WsSessionConfig{hub.get(),          &stats,           options.clock,
                            options.ping_interval, options.pong_timeout, kHandshakeTimeout,
                            options.max_queue_bytes, options.max_queue_frames, kMaxRequestBytes};
  driver_timer.emplace(*io);
  fault_timer.emplace(*io);
  copy_timer.emplace(*io);
  stop_timer.emplace(*io);
  work.emplace(io->get_executor());

  t0 = Steady::now();
  accept();
  if (options.events_per_second > 0) {
    driver_timer->expires_at(t0);
    drive();
  }
  faults_t0 = t0;
  arm_fault_timer();
  if (std::any_of(faults.begin(), faults.end(), [](const Fault& f) { return f.kind == FaultKind::stale_depth; })) {
    capture_depth();
  }
  running = true;
  thread = std::thread([this] {
    name_this_thread("mm-sim");
    while (true) {
      try {
        io->run();
        return;
      } catch (const std::exception& e) {  // handlers do not throw; this is a last resort
        spdlog::error("sim: unexpected exception on the server thread: {}", e.what());
      }
    }
  });
  spdlog::info("sim: serving {} markets, {} accounts on {}://{}:{} ({} events/s, {} faults scheduled)",
               options.exchange.markets.size(), options.exchange.accounts.size(), tls ? "wss" : "ws", url_host,
               port.load(), options.events_per_second, faults.size());
  return {};
}

void SimServer::Impl::accept() {
  acceptor->async_accept([this](const error_code& ec, tcp::socket socket) {
    if (stopping) return;
    if (ec) {
      spdlog::warn("sim: accept: {}", ec.message());
    } else {
      stats.http_connections.fetch_add(1, std::memory_order_relaxed);
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls) {
        std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
            core, beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls))
            ->run();
      } else {
        std::make_shared<HttpSession<beast::tcp_stream>>(core, beast::tcp_stream(std::move(socket)))->run();
      }
    }
    accept();
  });
}

void SimServer::Impl::drive() {
  if (stopping || paused.load()) return;
  const double elapsed_s = std::chrono::duration<double>(Steady::now() - t0).count();
  const auto due = uint64_t(elapsed_s * options.events_per_second);
  const auto max_backlog = uint64_t(options.events_per_second * double(kMaxBacklog) / double(kUsPerSecond)) + 1;
  if (due > steps_done + max_backlog) steps_done = due - max_backlog;
  for (; steps_done < due; ++steps_done) hub->step(now_us());
  // A fixed cadence, but no burst of immediate ticks after a stall.
  driver_timer->expires_at(std::max(driver_timer->expiry() + us(kDriverPeriod), Steady::now()));
  driver_timer->async_wait([this](const error_code& ec) {
    if (!ec) drive();
  });
}

void SimServer::Impl::arm_fault_timer() {
  if (stopping || next_fault == faults.size()) return;
  if (options.faults_after_sessions > 0 && next_fault == 0 && hub->session_count() < options.faults_after_sessions) {
    fault_timer->expires_after(std::chrono::milliseconds(10));  // not all connected yet: look again
    fault_timer->async_wait([this](const error_code& ec) {
      if (ec || stopping) return;
      faults_t0 = Steady::now();
      arm_fault_timer();
    });
    return;
  }
  fault_timer->expires_at(faults_t0 + us(faults[next_fault].at));
  fault_timer->async_wait([this](const error_code& ec) {
    if (ec || stopping) return;
    const TimeUs elapsed = TimeUs(std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - faults_t0).count());
    for (; next_fault < faults.size() && faults[next_fault].at <= elapsed; ++next_fault) {
      hub->fire(faults[next_fault], now_us());
    }
    arm_fault_timer();
  });
}

void SimServer::Impl::capture_depth() {
  if (stopping) return;
  hub->capture_depth(now_us());
  copy_timer->expires_after(us(kDepthCopyPeriod));
  copy_timer->async_wait([this](const error_code& ec) {
    if (!ec) capture_depth();
  });
}

void SimServer::Impl::begin_stop() {
  stopping = true;
  error_code ignored;
  acceptor->close(ignored);
  driver_timer->cancel();
  fault_timer->cancel();
  copy_timer->cancel();
  hub->shutdown_all();  // Close to every session; they unregister when done
  stop_deadline = Steady::now() + us(kStopGrace);
  // Polls until every session has closed or the grace period is over.
  struct Poll {
    Impl* impl;
    void operator()(const error_code& ec) const {
      if (ec) return;
      if (impl->hub->session_count() == 0 || Steady::now() >= impl->stop_deadline) {
        impl->work.reset();
        impl->io->stop();
        return;
      }
      impl->stop_timer->expires_after(std::chrono::milliseconds(10));
      impl->stop_timer->async_wait(*this);
    }
  };
  Poll{this}(error_code());
}

// ---- SimServer ----------------------------------------------------------------------------

SimServer::SimServer(SimServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

SimServer::~SimServer() { stop(); }

Result<> SimServer::start() {
  std::lock_guard lock(impl_->life);
  return impl_->start();
}

uint16_t SimServer::port() const { return impl_->port.load(); }

std::string SimServer::ws_url() const {
  return std::string(impl_->tls ? "wss://" : "ws://") + impl_->url_host + ":" + std::to_string(port());
}

std::string SimServer::rest_url() const {
  return std::string(impl_->tls ? "https://" : "http://") + impl_->url_host + ":" + std::to_string(port());
}

void SimServer::stop() {
  std::lock_guard lock(impl_->life);
  Impl& impl = *impl_;
  if (!impl.running) return;
  asio::post(*impl.io, [&impl] { impl.begin_stop(); });
  impl.thread.join();
  impl.running = false;
  // Pending handlers (and the sessions they hold) go now, while the hub still exists.
  impl.acceptor.reset();
  impl.driver_timer.reset();
  impl.fault_timer.reset();
  impl.copy_timer.reset();
  impl.stop_timer.reset();
  impl.io.reset();
  const SimServerStats& s = impl.stats;
  spdlog::info("sim: stopped after {} events; {} frames sent to {} sessions, {} faults fired", s.exchange_steps.load(),
               s.frames_sent.load(), s.sessions_accepted.load(), s.faults_fired.load());
  if (!impl.options.ground_truth_file.empty()) {
    std::ofstream out(impl.options.ground_truth_file, std::ios::binary | std::ios::trunc);
    out << ground_truth_json(impl.hub->ground_truth(), impl.options.exchange);
    out.close();
    if (!out) spdlog::error("sim: cannot write the ground truth file {}", impl.options.ground_truth_file);
  }
}

GroundTruth SimServer::ground_truth() const {
  std::lock_guard lock(impl_->life);
  Impl& impl = *impl_;
  if (!impl.hub) return {};
  if (!impl.running) return impl.hub->ground_truth();
  // The hub belongs to the server thread: ask it there (never call this from that thread).
  std::promise<GroundTruth> promise;
  std::future<GroundTruth> result = promise.get_future();
  asio::post(*impl.io, [&] { promise.set_value(impl.hub->ground_truth()); });
  return result.get();
}

const SimServerStats& SimServer::stats() const { return impl_->stats; }

void SimServer::pause_market() {
  std::lock_guard lock(impl_->life);
  Impl& impl = *impl_;
  impl.paused = true;
  if (!impl.running) return;
  // Wait until the server thread has seen it: no step runs after this returns.
  std::promise<void> done;
  asio::post(*impl.io, [&] { done.set_value(); });
  done.get_future().wait();
}

}  // namespace mm::sim
