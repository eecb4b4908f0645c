// The exchange simulator as a network server: Backpack's WebSocket streams and the
// REST endpoints the daemon uses, over ws:// or wss://, driven by a SyntheticExchange.
// It verifies ED25519 subscription and request signatures like the exchange (error
// frame 4003 on a bad one), pings every client, injects faults on a schedule, and can
// write its ground truth (each account's exact maker volume per market) on exit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/decimal.h"
#include "core/result.h"
#include "core/time_utc.h"
#include "feeds/sim/server/sim_stats.h"
#include "feeds/sim/model/synthetic_exchange.h"

namespace mm::sim {

struct SimAccountKey {
  uint32_t account;        // index into ExchangeOptions::accounts
  std::string api_key;     // base64 ED25519 public key the client must sign with
};

struct SimServerOptions {
  std::string listen = "127.0.0.1:0";  // port 0: any free port (see port())
  ExchangeOptions exchange;
  std::vector<SimAccountKey> keys;     // accounts without a key cannot subscribe
  double events_per_second = 200;      // market events; each causes several frames
  std::string tls_cert_file, tls_key_file;  // both set: wss:// and https://
  TimeUs ping_interval = 60 * kUsPerSecond;
  TimeUs pong_timeout = 120 * kUsPerSecond;
  // Fault schedule, comma separated, times relative to start():
  //   drop_public@30s  drop_private:alpha/main@45s  gap:SOL_USDC@60s  stale_depth@75s
  //   malformed@90s  delay_rest:3s@100s  (grammar and meaning: feeds/sim/server/README.md)
  std::string faults;
  std::string ground_truth_file;       // written by stop() when set
  // A WebSocket session whose unsent frames exceed either bound is closed (slow client).
  size_t max_queue_bytes = size_t(64) << 20;
  size_t max_queue_frames = 100'000;
  // Every wall-clock read of the server (engine times, signature windows, receive times)
  // goes through this clock; it must outlive the server. Tests may pass a ManualClock.
  // Timers (event cadence, fault times, pings) stay on the steady clock.
  const Clock* clock = &system_clock();
};

struct GroundTruth {
  // [account][market] exact maker volume, 1e-15 quote units; [market] all trades.
  std::vector<std::vector<u128>> maker_volume;
  std::vector<u128> market_volume;
  // [account][market] the part of maker_volume a client could know from what the server
  // queued to it (knowable_volume.h); <= maker_volume.
  std::vector<std::vector<u128>> knowable_maker_volume;
};

// The ground truth file: {"markets":[{"symbol","volume"}],"accounts":[{"mm_id","account",
// "markets":[{"symbol","maker_volume","knowable_maker_volume"}]}]}, volumes as exact
// decimal strings in quote units with 15 decimals.
std::string ground_truth_json(const GroundTruth& truth, const ExchangeOptions& exchange);

class SimServer {
 public:
  explicit SimServer(SimServerOptions options);
  ~SimServer();
  // Checks the options (fault schedule, keys, TLS files), binds and starts its own
  // thread. An error on any problem. Call once.
  Result<> start();
  uint16_t port() const;
  std::string ws_url() const;      // "ws://127.0.0.1:PORT" (wss with TLS)
  std::string rest_url() const;
  void stop();                     // stops the thread, writes the ground truth file
  // Thread-safe snapshot (empty before start()); while running it waits for the server
  // thread, so never call it from a callback running there.
  GroundTruth ground_truth() const;
  const SimServerStats& stats() const;  // any thread
  // Freezes the market: no event is generated after this returns (connections, pings
  // and REST stay up). Tests use it to let the client catch up before comparing.
  void pause_market();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mm::sim
