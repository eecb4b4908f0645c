// The live daemon, assembled once: journal, network->engine ring, exchange client and
// its network thread, engine loop (and its scorer thread), API server, and (demo) the
// in-process exchange simulator. `mmscore run`, the live integration tests and the
// latency benchmark all build this class, so they all run the same start and stop order.
//
//   start(): open the journal -> API listening (it answers "restoring" until the
//            restore is done) -> restore the month from the older journal files ->
//            network thread -> engine thread -> feeds connect
//   stop():  API closed -> feeds closed (their `disconnected` events are journaled,
//            3 s at most) -> engine drains the ring and stops -> running report ->
//            journal closed -> simulator stopped -> network thread joined
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/engine.h"
#include "core/result.h"
#include "daemon/api/api_options.h"
#include "daemon/engine_loop.h"
#include "daemon/published_state.h"
#include "daemon/rcu_cell.h"
#include "feeds/journal_writer.h"
#include "feeds/net/exchange_client.h"

namespace mm {

namespace sim {
class SimServer;
}

struct LiveDaemonOptions {
  ClientOptions client;                    // exchange endpoints, symbols, loaded account keys
  std::optional<JournalOptions> journal;   // none: nothing journaled, nothing restored
  EngineLoopOptions engine;                // publish interval, report dir, spin, CPU
  std::optional<api::ApiOptions> api;      // none: no API server
  std::shared_ptr<sim::SimServer> simulator;  // demo: a started in-process exchange, stopped last
  // The one wall clock of the assembly, handed to the client, the journal, the engine
  // loop and the API (their own `clock` fields are overwritten).
  const Clock* clock = &system_clock();
  // Called by start() on its thread once the files to restore are known, before the
  // restore (systemd's STATUS=); the progress lives as long as the LiveDaemon.
  std::function<void(const RestoreProgress&)> on_restore_start;
};

class LiveDaemon {
 public:
  LiveDaemon(const Program& program, LiveDaemonOptions options);
  ~LiveDaemon();  // stop() if still running
  LiveDaemon(const LiveDaemon&) = delete;
  LiveDaemon& operator=(const LiveDaemon&) = delete;

  // Everything up to live feeds. The API listens before the restore: until it is done,
  // /v1/health shows its progress (503 "restoring") and the other /v1 endpoints answer
  // 503. `should_stop` is asked during a long restore (SIGTERM must still work), on
  // this thread: if it says yes, start() returns an error and restore_interrupted() is
  // true; nothing was written but the new journal file.
  Result<> start(std::function<bool()> should_stop = {});
  // Idempotent; after it the engine's state is final and safe to read.
  void stop();
  // The last stop() closed the feeds within its 3 s (every `disconnected` journaled).
  bool feeds_closed_in_time() const { return feeds_closed_in_time_; }

  bool restore_interrupted() const { return restore_interrupted_; }
  // The checkpoint the restore started from; empty: none (a full replay, or no journal).
  std::string restored_from() const;
  const RcuCell<PublishedState>& published() const { return published_; }
  uint64_t processed() const;         // records the engine loop processed
  uint64_t engine_heartbeat() const;  // any thread after start(): EngineLoop::heartbeat()
  size_t ring_used_bytes() const;     // network -> engine bytes not yet processed
  const ClientStats& client_stats() const;
  // Any thread, also while start() runs: the API's port once it listens, else 0.
  uint16_t api_port() const { return api_port_.load(std::memory_order_acquire); }
  void reload_tokens();               // SIGHUP: the API re-reads its token file
  void request_latency_reset();       // benchmarks: one load phase at a time
  Engine& engine();                   // only after stop()

 private:
  struct Parts;

  Result<> open_journal();
  Result<> restore(std::function<bool()> should_stop);
  Result<> start_api();
  void start_threads();
  Result<std::string> write_snapshot() const;

  const Program& program_;
  LiveDaemonOptions options_;
  RcuCell<PublishedState> published_;
  std::vector<std::string> restore_files_;
  std::unique_ptr<RestoreProgress> restore_progress_;  // read by the API: outlives it
  std::unique_ptr<Parts> parts_;  // Asio and the threads stay out of this header
  std::atomic<uint16_t> api_port_{0};
  bool restore_interrupted_ = false;
  bool running_ = false;
  bool feeds_closed_in_time_ = false;
};

}  // namespace mm
