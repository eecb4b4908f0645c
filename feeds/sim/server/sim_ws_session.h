// The simulator's WebSocket sessions (Beast TU 2 of 2, sim_ws_session.cpp): take over a
// connection whose HTTP request was an upgrade, then read SUBSCRIBE messages into the
// hub, write queued frames, ping, and close (gracefully or not) on the hub's request.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstddef>

#include "core/clock.h"
#include "core/time_utc.h"

namespace mm::sim {

class SimHub;
struct SimServerStats;

struct WsSessionConfig {
  SimHub* hub;
  SimServerStats* stats;
  const Clock* clock;  // receive times of client messages (SimServerOptions::clock)
  TimeUs ping_interval, pong_timeout;
  TimeUs handshake_timeout;  // upgrade and close handshakes; also bounds a graceful drain
  size_t max_queue_bytes, max_queue_frames;
  size_t max_message_bytes;  // from the client
};

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Runs on the server thread; the session keeps itself alive until closed.
void run_ws_session(const WsSessionConfig& config, boost::beast::tcp_stream stream, UpgradeRequest request);
void run_ws_session(const WsSessionConfig& config, boost::beast::ssl_stream<boost::beast::tcp_stream> stream,
                    UpgradeRequest request);

}  // namespace mm::sim
