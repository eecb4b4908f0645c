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
  // Non-zero: the fault times count from when this many client sessions are connected (a
  // test's daemon on a loaded machine may take seconds to connect), not from start().
  size_t faults_after_sessions = 0;
  std::string ground_truth_file;       // written by stop() when set
  // REST history: trades kept per market are exchange.history_retention. Fill history
  // timestamps as ISO strings without zone instead of ms (both exist in Backpack versions).
  bool fill_history_iso_timestamps = false;
  // A WebSocket session whose unsent frames exceed either bound is closed (slow client).
  size_t max_queue_bytes = size_t(64) << 20;
  size_t max_queue_frames = 100'000;
  // Every wall-clock read of the server (engine times, signature windows, receive times)
  // goes through this clock; it must outlive the server. Tests may pass a ManualClock.
  // Timers (event cadence, fault times, pings) stay on the steady clock.
  const Clock* clock = &system_clock();
  // Trade, order and depth update ids start at the wall-clock time of construction in
  // microseconds (ExchangeOptions::id_base), so a restarted simulator continues above
  // the ids of its earlier runs (a daemon restoring its journal counts nothing twice).
  // false, or a non-zero exchange.id_base: as exchange says.
  bool ids_from_clock = true;
};

// A trade that reached clients only through a history response: no trade frame and no
// orderFill frame of it was queued to any session, and a trades or fills history body
// listing it was sent.
struct HistoryOnlyTrade {
  uint64_t id = 0;
  int64_t timestamp_ms = 0;  // as the history serves it
  u128 notional = 0;         // 1e-15 quote units
};

struct GroundTruth {
  // [account][market] exact maker volume of every maker fill (the "all" figure), 1e-15
  // quote units; [market] the volume of every trade.
  std::vector<std::vector<u128>> maker_volume;
  std::vector<u128> market_volume;
  // [account][market] the part of maker_volume a client could know from what the server
  // queued to it (knowable_volume.h); <= maker_volume.
  std::vector<std::vector<u128>> knowable_maker_volume;
  // [maker account][market] trades whose taker was an account of the same MM (self) or of
  // another MM of the simulation (cross_mm) (SCORING.md section 16).
  std::vector<std::vector<u128>> self_trade_volume, cross_mm_trade_volume;
  // [market] trades made, and those of them never delivered by any path: no trade frame
  // queued to a trade.<S> subscriber, no orderFill frame queued to a private session, and
  // not in a trades or fills history body that was sent (trade_delivery.h).
  std::vector<uint64_t> trades, trades_never_served;
  // [market] the history-only trades, by id; history_only_untracked[market] counts those
  // left out because the list reached its bound (history_retention): 0 means complete.
  std::vector<std::vector<HistoryOnlyTrade>> history_only;
  std::vector<uint64_t> history_only_untracked;
};

// The history-only trades of `market` with timestamp_ms * 1000 < before, and their exact
// notional: with `before` the start of a month, what a daemon that was streaming nothing
// during an outage across the month end counts as late_trades / late_volume_usd.
struct HistoryOnlyTally {
  uint64_t trades = 0;
  u128 notional = 0;
};
HistoryOnlyTally history_only_before(const GroundTruth& truth, uint32_t market, TimeUs before);

// The ground truth file: {"markets":[{"symbol","volume","trades","trades_never_served"}],
// "accounts":[{"mm_id","account","markets":[{"symbol","maker_volume",
// "knowable_maker_volume","self_trade_volume","cross_mm_trade_volume"}]}]}, volumes as exact decimal strings in quote units with 15
// decimals (maker_volume: every maker fill), counts as integers.
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
