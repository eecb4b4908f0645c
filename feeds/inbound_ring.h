// Bounded single-producer / single-consumer ring of Inbound messages (network thread ->
// engine thread). Messages are copied in whole and stay contiguous, with 64 bytes of
// their own after each payload so simdjson can parse it in place. A full ring is counted and
// refused (the producer back-pressures); nothing is dropped silently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "feeds/inbound.h"
#include "feeds/record_parser.h"
#include "feeds/wakeup.h"

namespace mm {


class InboundRing final : public InboundSink {
 public:
  explicit InboundRing(size_t capacity_bytes = size_t(64) << 20);

  // Producer side (one thread).
  bool push(const Inbound& m) override;

  // Consumer side (one thread). The view's strings point into the ring, and payload
  // bytes may be modified in place, until pop().
  bool peek(Inbound& out);
  char* payload_data();  // writable payload of the message last peeked
  void pop();

  Wakeup& wakeup() { return wakeup_; }
  size_t capacity() const { return capacity_; }
  size_t used_bytes() const;
  uint64_t full_refusals() const { return full_.load(std::memory_order_relaxed); }
  uint64_t oversize_refusals() const { return oversize_.load(std::memory_order_relaxed); }
  size_t max_message_bytes() const { return capacity_ / 4; }

 private:
  struct Header;
  char* at(uint64_t position) { return buffer_.get() + (position & (capacity_ - 1)); }

  size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the consumer
  alignas(64) uint64_t peeked_size_ = 0;       // consumer-local
  char* peeked_payload_ = nullptr;
  std::atomic<uint64_t> full_{0}, oversize_{0};
  Wakeup wakeup_;
};

}  // namespace mm
