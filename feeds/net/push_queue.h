// In-order delivery into the InboundSink with back-pressure: a message the sink refuses
// is kept (copied) and retried every millisecond; nothing behind it is pushed before it.
// The owner pauses reading while waiting() and resumes from the drained callback, which
// turns a slow consumer into TCP back-pressure instead of memory growth. io thread only.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "feeds/inbound.h"
#include "feeds/net/exchange_client.h"

namespace mm::net {

class PushQueue : public std::enable_shared_from_this<PushQueue> {
 public:
  PushQueue(boost::asio::io_context& io, std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats,
            std::string label);

  // True when the sink took it now; false when it was kept for a retry (or the queue is closed).
  bool deliver(const Inbound& message);
  bool waiting() const { return !backlog_.empty(); }
  // Runs each time the backlog empties after a wait (and after the message is delivered).
  void on_drained(std::function<void()> callback) { on_drained_ = std::move(callback); }
  // Drops the backlog and never touches the sink again; returns how many were dropped.
  size_t close();

 private:
  struct Owned {
    TimeUs ts;
    Source source;
    InboundKind kind;
    std::string path, payload;
  };
  void arm_retry();
  void retry();

  boost::asio::steady_timer timer_;
  std::shared_ptr<InboundSink> sink_;
  std::shared_ptr<ClientStats> stats_;
  std::string label_;
  std::deque<Owned> backlog_;
  std::function<void()> on_drained_;
  bool closed_ = false;
  bool timer_armed_ = false;
  TimeUs waiting_since_ = 0;  // steady µs of the first refusal of the current wait
  bool warned_ = false;
};

}  // namespace mm::net
