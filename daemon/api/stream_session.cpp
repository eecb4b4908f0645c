// Beast translation unit 2 of 2 (the other is http_session.cpp).
#include "daemon/api/stream_session.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>
#include "feeds/net/beast_names.h"

namespace mm::api {

namespace {

using namespace mm::beast_names;

constexpr size_t kMaxClientMessage = 4096;  // clients have nothing to say; pings and closes fit

class StreamSession final : public StreamClient,
                            public Closeable,
                            public std::enable_shared_from_this<StreamSession> {
 public:
  StreamSession(SessionContext& context, beast::tcp_stream stream, StreamGrant grant, ClientSlot slot)
      : ctx_(context),
        ws_(std::move(stream)),
        grant_(grant),
        slot_(std::move(slot)),
        queue_(context.options().stream_queue_messages, context.options().stream_queue_bytes) {
    ctx_.core.stats().connections_open.fetch_add(1);
  }
  ~StreamSession() override {
    if (accepted_) ctx_.core.stream_closed(this);
    ctx_.sessions.remove(this);
    ctx_.core.stats().connections_open.fetch_sub(1);
  }

  void start(http::request<http::string_body> request) {
    ctx_.sessions.add(shared_from_this());
    // Handshake within 30 s; a silent peer gets pings, and is dropped after 300 s
    // without an answer to them.
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "mmscore"); }));
    ws_.read_message_max(kMaxClientMessage);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(request, [self = shared_from_this()](const error_code& ec) {
      if (ec) {
        self->ctx_.core.stream_rejected();
        return self->close();
      }
      self->accepted_ = true;
      self->ctx_.core.stream_accepted(self);
      self->read();
    });
  }

  const StreamGrant& grant() const override { return grant_; }

  void send(Message message) override {
    if (closed_) return;
    if (!queue_.push(std::move(message))) {
      ctx_.core.stats().ws_dropped_slow.fetch_add(1);
      spdlog::info("api: stream client dropped: {} messages ({} bytes) not yet written", queue_.size(),
                   queue_.bytes());
      return close();
    }
    ctx_.core.stats().ws_messages.fetch_add(1);
    if (!writing_) write_next();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;  // the queue stays: a pending write may still point into its front
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);  // a stuck write cannot be closed politely
  }

 private:
  void read() {
    ws_.async_read(in_, [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec) return self->close();  // closed by the client, timeout, or a message too large
      self->in_.consume(self->in_.size());  // client messages are ignored
      self->read();
    });
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec || self->closed_) {
        self->writing_ = false;
        return self->close();
      }
      self->queue_.pop();
      if (self->queue_.empty()) self->writing_ = false;
      else self->write_next();
    });
  }

  SessionContext& ctx_;
  websocket::stream<beast::tcp_stream> ws_;
  StreamGrant grant_;
  ClientSlot slot_;  // the connection still counts against its client address
  OutboundQueue queue_;
  beast::flat_buffer in_;
  bool accepted_ = false, writing_ = false, closed_ = false;
};

}  // namespace

void start_stream_session(SessionContext& context, beast::tcp_stream stream, http::request<http::string_body> request,
                          StreamGrant grant, ClientSlot slot) {
  std::make_shared<StreamSession>(context, std::move(stream), grant, std::move(slot))->start(std::move(request));
}

}  // namespace mm::api
