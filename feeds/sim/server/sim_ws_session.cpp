// Beast TU 2 of 2: the simulator's WebSocket sessions, plain and TLS.
#include "feeds/sim/server/sim_ws_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "feeds/inbound.h"
#include "feeds/sim/server/sim_hub.h"
#include "feeds/sim/server/sim_stats.h"
#include "feeds/net/beast_names.h"

namespace mm::sim {

namespace {

using namespace mm::beast_names;

std::chrono::microseconds us(TimeUs t) { return std::chrono::microseconds(t); }

std::atomic<uint64_t> next_session_id{0};  // shared by every server in the process

template <class NextLayer>
class WsSession final : public HubSession, public std::enable_shared_from_this<WsSession<NextLayer>> {
 public:
  WsSession(const WsSessionConfig& config, NextLayer&& stream)
      : c_(config),
        stats_(*config.stats),
        ws_(std::move(stream)),
        ping_timer_(ws_.get_executor()),
        pong_timer_(ws_.get_executor()),
        close_timer_(ws_.get_executor()) {}

  ~WsSession() override { finish(); }

  void run(UpgradeRequest request) {
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket has its own timeouts
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = us(c_.handshake_timeout);
    timeouts.idle_timeout = websocket::stream_base::none();  // our pings decide (pong_timeout)
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "mmscore-sim"); }));
    ws_.read_message_max(c_.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) { on_control(kind); });
    ws_.async_accept(request, [self = this->shared_from_this()](const error_code& ec) { self->on_accept(ec); });
  }

  // ---- HubSession ----

  bool send(std::shared_ptr<const std::string> frame) override {
    if (closing_) return false;
    if (queue_.size() >= c_.max_queue_frames || queued_bytes_ + frame->size() > c_.max_queue_bytes) {
      stats_.slow_client_closes.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("sim: session {} is too slow ({} frames, {} bytes unsent): closing it", id_, queue_.size(),
                   queued_bytes_);
      abort();
      return false;
    }
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
    return true;
  }

  void drain_and_close() override { begin_close(false, websocket::close_code::normal); }
  void shutdown() override { begin_close(true, websocket::close_code::going_away); }

 private:
  void on_accept(const error_code& ec) {
    if (ec) {
      spdlog::debug("sim: WebSocket upgrade failed: {}", ec.message());
      return abort();
    }
    opened_ = true;
    stats_.sessions_accepted.fetch_add(1, std::memory_order_relaxed);
    stats_.sessions_open.fetch_add(1, std::memory_order_relaxed);
    c_.hub->add_session(*this);
    spdlog::debug("sim: session {} open", id_);
    read();
    schedule_ping();
  }

  void read() {
    ws_.async_read(in_, [self = this->shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (ec) {
      spdlog::debug("sim: session {} ends: {}", id_, ec.message());
      return finish();
    }
    if (ws_.got_text() && !closing_) {
      const auto data = in_.cdata();
      c_.hub->on_text(*this, std::string_view(static_cast<const char*>(data.data()), data.size()), c_.clock->now_us());
    }
    in_.consume(in_.size());
    read();  // also while closing: pongs and the peer's Close arrive through reads
  }

  void write_next() {
    writing_ = true;
    // The handler holds the frame: finish() may clear the queue while the write is pending.
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = this->shared_from_this(), frame = queue_.front()](const error_code& ec, size_t n) {
                      self->on_written(ec, n);
                    });
  }

  void on_written(const error_code& ec, size_t n) {
    writing_ = false;
    if (finished_) return;
    if (ec) return abort();
    stats_.frames_sent.fetch_add(1, std::memory_order_relaxed);
    stats_.bytes_sent.fetch_add(n, std::memory_order_relaxed);
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (!queue_.empty()) return write_next();
    maybe_send_close();
  }

  // ---- keep-alive ----

  void schedule_ping() {
    ping_timer_.expires_after(us(c_.ping_interval));
    ping_timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (ec || self->closing_) return;
      self->send_ping();
      self->schedule_ping();
    });
  }

  void send_ping() {
    if (!ping_in_flight_) {  // Beast allows one ping at a time
      ping_in_flight_ = true;
      stats_.pings_sent.fetch_add(1, std::memory_order_relaxed);
      ws_.async_ping({}, [self = this->shared_from_this()](const error_code& ec) {
        self->ping_in_flight_ = false;
        if (ec) return self->abort();
        self->maybe_send_close();
      });
    }
    if (awaiting_pong_) return;  // the deadline runs from the first unanswered ping
    awaiting_pong_ = true;
    pong_timer_.expires_after(us(c_.pong_timeout));
    pong_timer_.async_wait([self = this->shared_from_this(), generation = ++pong_generation_](const error_code& ec) {
      if (ec || self->finished_ || !self->awaiting_pong_ || generation != self->pong_generation_) return;
      self->stats_.pong_timeouts.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("sim: session {} did not answer a ping within {} ms: closing it", self->id_,
                   self->c_.pong_timeout / 1000);
      self->abort();
    });
  }

  void on_control(websocket::frame_type kind) {
    if (kind != websocket::frame_type::pong) return;
    stats_.pongs_received.fetch_add(1, std::memory_order_relaxed);
    awaiting_pong_ = false;
    ++pong_generation_;
    pong_timer_.cancel();
  }

  // ---- closing ----

  void begin_close(bool discard_backlog, websocket::close_code code) {
    if (finished_) return;
    if (discard_backlog) {
      // The frame being written must complete; the rest is dropped.
      while (queue_.size() > (writing_ ? 1u : 0u)) {
        queued_bytes_ -= queue_.back()->size();
        queue_.pop_back();
      }
    }
    if (closing_) return;
    closing_ = true;
    close_code_ = code;
    // A client that reads too slowly to take the backlog and the Close is cut off.
    close_timer_.expires_after(us(c_.handshake_timeout));
    close_timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (!ec) self->abort();
    });
    maybe_send_close();
  }

  void maybe_send_close() {
    if (!closing_ || close_sent_ || writing_ || ping_in_flight_ || !opened_ || finished_) return;
    close_sent_ = true;
    ws_.async_close(close_code_, [self = this->shared_from_this()](const error_code& ec) {
      spdlog::debug("sim: session {} closed{}{}", self->id_, ec ? ": " : "", ec ? ec.message() : "");
      self->finish();
    });
  }

  // Abrupt: the socket is closed, pending operations fail, finish() follows (never
  // synchronously: the hub may be iterating its sessions).
  void abort() {
    closing_ = true;
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->finish(); });
  }

  void finish() {
    if (finished_) return;
    finished_ = closing_ = true;
    if (opened_) {
      c_.hub->remove_session(*this);
      stats_.sessions_open.fetch_sub(1, std::memory_order_relaxed);
    }
    ping_timer_.cancel();
    pong_timer_.cancel();
    close_timer_.cancel();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    queue_.clear();
    queued_bytes_ = 0;
  }

  const WsSessionConfig c_;
  SimServerStats& stats_;
  websocket::stream<NextLayer> ws_;
  asio::steady_timer ping_timer_, pong_timer_, close_timer_;
  beast::flat_buffer in_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  size_t queued_bytes_ = 0;
  const uint64_t id_ = next_session_id.fetch_add(1, std::memory_order_relaxed) + 1;  // for logs
  uint64_t pong_generation_ = 0;
  websocket::close_code close_code_ = websocket::close_code::normal;
  bool opened_ = false;          // upgraded and known to the hub
  bool writing_ = false;
  bool ping_in_flight_ = false;
  bool awaiting_pong_ = false;
  bool closing_ = false;         // nothing more is queued
  bool close_sent_ = false;
  bool finished_ = false;
};

}  // namespace

void run_ws_session(const WsSessionConfig& config, beast::tcp_stream stream, UpgradeRequest request) {
  std::make_shared<WsSession<beast::tcp_stream>>(config, std::move(stream))->run(std::move(request));
}

void run_ws_session(const WsSessionConfig& config, beast::ssl_stream<beast::tcp_stream> stream,
                    UpgradeRequest request) {
  std::make_shared<WsSession<beast::ssl_stream<beast::tcp_stream>>>(config, std::move(stream))
      ->run(std::move(request));
}

}  // namespace mm::sim
