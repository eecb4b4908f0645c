#include "feeds/net/push_queue.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace mm::net {
namespace {

TimeUs steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr TimeUs kWarnAfter = kUsPerSecond;

}  // namespace

PushQueue::PushQueue(boost::asio::io_context& io, std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats,
                     std::string label)
    : timer_(io), sink_(std::move(sink)), stats_(std::move(stats)), label_(std::move(label)) {}

bool PushQueue::deliver(const Inbound& m) {
  if (closed_) return false;
  if (backlog_.empty() && sink_->push(m)) return true;
  if (backlog_.empty()) {  // a new wait begins
    waiting_since_ = steady_us();
    warned_ = false;
    stats_->backpressure_waits.fetch_add(1, std::memory_order_relaxed);
  }
  backlog_.push_back(Owned{m.ts, m.source, m.kind, std::string(m.path), std::string(m.payload)});
  arm_retry();
  return false;
}

size_t PushQueue::close() {
  closed_ = true;
  const size_t dropped = backlog_.size();
  backlog_.clear();
  timer_.cancel();
  return dropped;
}

void PushQueue::arm_retry() {
  if (timer_armed_ || closed_) return;
  timer_armed_ = true;
  timer_.expires_after(std::chrono::milliseconds(1));
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code&) {
    self->timer_armed_ = false;
    self->retry();
  });
}

void PushQueue::retry() {
  if (closed_) return;
  while (!backlog_.empty()) {
    const Owned& m = backlog_.front();
    Inbound view;
    view.ts = m.ts;
    view.source = m.source;
    view.kind = m.kind;
    view.path = m.path;
    view.payload = m.payload;
    if (!sink_->push(view)) break;
    backlog_.pop_front();
  }
  if (!backlog_.empty()) {
    if (!warned_ && steady_us() - waiting_since_ > kWarnAfter) {
      warned_ = true;
      spdlog::warn("feed {}: the engine has refused messages for over 1 s; reading is paused ({} waiting)", label_,
                   backlog_.size());
    }
    arm_retry();
    return;
  }
  if (warned_)
    spdlog::info("feed {}: the engine takes messages again after {} ms", label_, (steady_us() - waiting_since_) / 1000);
  if (on_drained_) on_drained_();
}

}  // namespace mm::net
