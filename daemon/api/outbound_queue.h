// A stream client's queue of messages not yet written, bounded in count and bytes: a
// client that does not keep up is dropped rather than buffered without limit. The
// message being written stays at the front until its write completes.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

namespace mm::api {

using Message = std::shared_ptr<const std::string>;  // shared by every client of one view

class OutboundQueue {
 public:
  OutboundQueue(size_t max_messages, size_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

  // False (and nothing queued) when the message would exceed either limit.
  bool push(Message m) {
    if (queue_.size() + 1 > max_messages_ || bytes_ + m->size() > max_bytes_) return false;
    bytes_ += m->size();
    queue_.push_back(std::move(m));
    return true;
  }
  const Message& front() const { return queue_.front(); }
  void pop() {
    bytes_ -= queue_.front()->size();
    queue_.pop_front();
  }
  bool empty() const { return queue_.empty(); }
  size_t size() const { return queue_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  size_t max_messages_, max_bytes_;
  size_t bytes_ = 0;
  std::deque<Message> queue_;
};

}  // namespace mm::api
