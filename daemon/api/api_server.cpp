// The server's frame: io_context, thread, listener and the tick timer (Asio only; the
// Beast code is in http_session.cpp and stream_session.cpp).
#include "daemon/api/api_server.h"

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "daemon/api/api_core.h"
#include "daemon/api/client_guard.h"
#include "daemon/api/http_session.h"
#include "daemon/api/session_context.h"
#include "feeds/net/url.h"
#include "feeds/thread_setup.h"
#include "feeds/net/beast_names.h"

namespace mm::api {

using namespace mm::beast_names;

struct ApiServer::Impl {
  Impl(ApiOptions options, ApiSources sources)
      : core(std::move(options), std::move(sources)), guard(core.options()), context{core, sessions, guard} {}

  // Declared before the io_context: handlers destroyed with it still use these.
  ApiCore core;
  SessionRegistry sessions;
  ClientGuard guard;
  SessionContext context;
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{io};
  asio::steady_timer tick_timer{io};
  asio::steady_timer accept_retry{io};
  std::thread thread;
  std::promise<void> finished;
  std::string host;  // as in `listen`, without brackets
  uint16_t port = 0;  // the bound one
  bool running = false;

  void accept() {
    acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {  // e.g. out of file descriptors: retry shortly instead of spinning
        spdlog::warn("api: accept failed: {}", ec.message());
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](const error_code& wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      admit(std::move(socket));
      accept();
    });
  }

  // Per client address (client_guard.h): refused at once beyond its share or beyond the
  // cap and the reserve; within the reserve, for /v1/health and /metrics only.
  void admit(tcp::socket socket) {
    error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    const ClientAddress address = client_address(peer.address());
    const Admission admission = guard.admit(address, core.stats().connections_open.load());
    if (admission == Admission::refused_global || admission == Admission::refused_client) {
      core.stats().connections_refused.fetch_add(1);
      if (admission == Admission::refused_client) core.stats().connections_refused_per_client.fetch_add(1);
      socket.set_option(asio::socket_base::linger(true, 0), ec);  // a reset: no TIME_WAIT for a flood
      socket.close(ec);
      return;
    }
    if (admission == Admission::monitoring_only) core.stats().connections_monitoring_only.fetch_add(1);
    socket.set_option(tcp::no_delay(true), ec);
    if (core.options().socket_send_buffer > 0)
      socket.set_option(asio::socket_base::send_buffer_size(core.options().socket_send_buffer), ec);
    start_http_session(context, std::move(socket), ClientSlot(guard, address, admission == Admission::monitoring_only),
                       admission == Admission::monitoring_only);
  }

  static ClientAddress client_address(const asio::ip::address& a) {
    const asio::ip::address_v6 v6 = a.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, a.to_v4()) : a.to_v6();
    return v6.to_bytes();
  }

  // Loads the tokens and binds the listener (nothing runs yet).
  Result<> listen() {
    const std::string& listen = core.options().listen;
    const auto address_text = net::parse_listen_address(listen);
    if (!address_text) return make_error("api: listen address \"" + listen + "\" is not HOST:PORT");
    host = address_text->host;
    const uint16_t wanted = address_text->port;
    if (Result<> loaded = core.load_tokens(); !loaded) return make_error("api: " + loaded.message());
    error_code ec;
    const asio::ip::address address = asio::ip::make_address(host, ec);
    if (ec) return make_error("api: listen address \"" + listen + "\": " + ec.message());
    const tcp::endpoint endpoint(address, wanted);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor.close(ignored);
      return make_error("api: cannot listen on " + listen + ": " + ec.message());
    }
    port = acceptor.local_endpoint(ec).port();
    return {};
  }

  void schedule_tick() {
    tick_timer.expires_after(std::chrono::microseconds(std::max<TimeUs>(core.options().push_interval, 1000)));
    tick_timer.async_wait([this](const error_code& ec) {
      if (ec) return;
      core.tick();
      schedule_tick();
    });
  }

  void run() {
    while (true) {
      try {
        io.run();
        break;
      } catch (const std::exception& e) {  // a bug in a handler must not take the daemon down
        spdlog::error("api: unexpected error, continuing: {}", e.what());
      }
    }
    finished.set_value();
  }
};

ApiServer::ApiServer(ApiOptions options, ApiSources sources)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(sources))) {}

ApiServer::~ApiServer() { stop(); }

Result<> ApiServer::start() {
  Impl& s = *impl_;
  if (s.running) return {};
  if (Result<> listening = s.listen(); !listening) return listening;
  s.work.emplace(s.io.get_executor());
  s.accept();
  s.schedule_tick();
  s.running = true;
  s.thread = std::thread([&s] {
    name_this_thread("mm-api");
    s.run();
  });
  spdlog::info("api: listening on {}:{}; {}", s.host, s.port, s.core.token_summary());
  return {};
}

uint16_t ApiServer::port() const { return impl_->port; }

Result<> ApiServer::reload_tokens() {
  Impl& s = *impl_;
  if (Result<> loaded = s.core.load_tokens(); !loaded) {
    spdlog::error("api: token reload failed, keeping the previous tokens: {}", loaded.message());
    return loaded;
  }
  spdlog::info("api: tokens reloaded: {}", s.core.token_summary());
  if (s.running) asio::post(s.io, [&s] { s.core.revalidate_streams(); });
  return {};
}

void ApiServer::stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  asio::post(s.io, [&s] {
    error_code ignored;
    s.acceptor.close(ignored);
    s.tick_timer.cancel();
    s.accept_retry.cancel();
    s.sessions.close_all();
    s.work.reset();
  });
  // Every handler ends once its socket is closed; a stuck one is cut off after 2 s.
  if (s.finished.get_future().wait_for(std::chrono::seconds(2)) != std::future_status::ready) s.io.stop();
  s.thread.join();
  s.core.save_history();  // the charts' history outlives the process (HistoryOptions::file)
}

ApiStatsSnapshot ApiServer::stats() const { return impl_->core.stats_snapshot(); }

TimeUs ApiServer::history_loaded_until() const { return impl_->core.history_loaded_until(); }

void ApiServer::add_history(std::vector<HistoryPoint> points) {
  Impl& s = *impl_;
  if (!s.running) return s.core.add_history(points);
  // Waited for: taken before any live point of a later interval (which would refuse them).
  std::promise<void> added;
  asio::post(s.io, [&s, &points, &added] {
    s.core.add_history(points);
    added.set_value();
  });
  added.get_future().wait();
}

}  // namespace mm::api
