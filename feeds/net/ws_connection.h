// One WebSocket stream source (the public stream or one MM account): connect, subscribe,
// read frames into the sink, detect staleness, reconnect with backoff. Internal to
// ExchangeClient; Beast stays inside ws_connection.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/events.h"
#include "feeds/inbound.h"
#include "feeds/net/exchange_client.h"
#include "feeds/net/tls_context.h"
#include "feeds/net/url.h"

namespace mm::net {

struct WsConnectionConfig {
  Url url;
  Source source;      // stamped on every message
  std::string label;  // "public", "alpha/main": logs only
  // The SUBSCRIBE messages, built for each attempt (signatures carry a timestamp).
  std::function<std::vector<std::string>()> subscribe_messages;
  TimeUs stale_after, connect_timeout, reconnect_min, reconnect_max, stop_timeout;
  size_t max_message_bytes;
  // Private streams: an exchange error frame means the signed subscription was refused
  // (e.g. 4003), so the stream is not live: end the connection and retry with backoff.
  bool error_frame_ends_connection = false;
  const Clock* clock = &system_clock();  // receive times
};

class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual void start() = 0;
  // Closes; `finished` runs on the io thread once nothing more will be pushed.
  virtual void stop(std::function<void()> finished) = 0;
};

// `tls` may be null for ws:// URLs. `stats` keeps `connection_stats` alive.
std::shared_ptr<WsConnection> make_ws_connection(boost::asio::io_context& io, WsConnectionConfig config,
                                                 std::shared_ptr<boost::asio::ssl::context> tls,
                                                 std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats,
                                                 ConnectionStats& connection_stats);

}  // namespace mm::net
