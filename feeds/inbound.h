// What the network side hands to the engine thread: raw frames, REST bodies and
// connection events, stamped with their receive time. The engine thread parses them
// (one parser, on its own thread), applies them and journals them in that order.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/events.h"

namespace mm {

enum class InboundKind : uint8_t {
  frame,         // a WebSocket text frame of the public stream or an MM account's stream
  rest,          // a REST response body used for state; `path` says which
  connected,     // the stream is subscribed and live
  disconnected,  // the stream is gone (error, close, idle timeout, shutdown)
};

struct Inbound {
  TimeUs ts = 0;    // receive time, µs since the epoch (the Clock, core/clock.h)
  Source source;    // market (public stream), mm (private stream), rest, mm_rest
  InboundKind kind = InboundKind::frame;
  std::string_view path;     // rest: "/api/v1/depth?symbol=SOL_USDC", "/api/v1/orders"
  std::string_view payload;  // frame text or REST body
};

// Receives Inbound messages on the network thread. push() copies what it needs before
// returning and never blocks; when it returns false the consumer is congested: the
// caller keeps the message, stops reading that connection, and retries shortly. This
// turns a slow engine into TCP back-pressure instead of unbounded memory or drops.
class InboundSink {
 public:
  virtual ~InboundSink() = default;
  virtual bool push(const Inbound& message) = 0;
};

}  // namespace mm
