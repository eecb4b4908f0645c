#include "feeds/inbound_ring.h"

#include <cstring>

namespace mm {

struct InboundRing::Header {
  uint32_t size;  // whole entry, header included, multiple of 8; kind 255 = skip to wrap
  uint8_t kind;
  uint8_t source_kind;
  uint16_t mm;
  uint16_t account;
  uint16_t path_len;
  uint32_t payload_len;
  int64_t ts;
};

namespace {
constexpr uint8_t kWrapMarker = 255;
constexpr uint64_t align8(uint64_t n) { return (n + 7) & ~uint64_t(7); }
}  // namespace

InboundRing::InboundRing(size_t capacity_bytes) {
  static_assert(sizeof(Header) == 24 && alignof(Header) <= 8);
  size_t c = 4096;
  while (c < capacity_bytes) c *= 2;
  capacity_ = c;
  buffer_.reset(new char[capacity_]());
}

size_t InboundRing::used_bytes() const {
  return size_t(head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire));
}

bool InboundRing::push(const Inbound& m) {
  // Each entry owns the padding after its payload: simdjson reads there, and bytes that
  // belonged to the next entry could be written by the producer at the same time.
  const uint64_t need = align8(sizeof(Header) + m.path.size() + m.payload.size() + kJsonPadding);
  if (need > max_message_bytes() || m.path.size() > UINT16_MAX) {
    oversize_.fetch_add(1, std::memory_order_relaxed);
    return true;  // can never fit: refusing would stall the connection forever (counted)
  }
  const uint64_t head = head_.load(std::memory_order_relaxed);
  const uint64_t tail = tail_.load(std::memory_order_acquire);
  const uint64_t free_bytes = capacity_ - (head - tail);
  const uint64_t to_end = capacity_ - (head & (capacity_ - 1));
  const bool wrap = need > to_end;  // entries never straddle the end of the buffer
  if ((wrap ? to_end + need : need) > free_bytes) {
    full_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  uint64_t pos = head;
  if (wrap) {
    Header skip{};
    skip.size = uint32_t(to_end);
    skip.kind = kWrapMarker;
    std::memcpy(at(pos), &skip, sizeof skip);
    pos += to_end;
  }
  Header h{uint32_t(need), uint8_t(m.kind), uint8_t(m.source.kind), m.source.mm, m.source.account,
           uint16_t(m.path.size()), uint32_t(m.payload.size()), m.ts};
  char* p = at(pos);
  std::memcpy(p, &h, sizeof h);
  std::memcpy(p + sizeof h, m.path.data(), m.path.size());
  std::memcpy(p + sizeof h + m.path.size(), m.payload.data(), m.payload.size());
  head_.store(pos + need, std::memory_order_release);
  wakeup_.notify();
  return true;
}

bool InboundRing::peek(Inbound& out) {
  while (true) {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return false;
    Header h;
    std::memcpy(&h, at(tail), sizeof h);
    if (h.kind == kWrapMarker) {
      tail_.store(tail + h.size, std::memory_order_release);
      continue;
    }
    char* p = at(tail) + sizeof h;
    out.ts = h.ts;
    out.kind = InboundKind(h.kind);
    out.source = Source{SourceKind(h.source_kind), h.mm, h.account};
    out.path = std::string_view(p, h.path_len);
    out.payload = std::string_view(p + h.path_len, h.payload_len);
    peeked_payload_ = p + h.path_len;
    peeked_size_ = h.size;
    return true;
  }
}

char* InboundRing::payload_data() { return peeked_payload_; }

void InboundRing::pop() {
  tail_.store(tail_.load(std::memory_order_relaxed) + peeked_size_, std::memory_order_release);
  peeked_size_ = 0;
}

}  // namespace mm
