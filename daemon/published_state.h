// What the engine thread publishes for readers (API, metrics, shutdown): an immutable
// copy of the standings and feed health at one instant.
#pragma once

#include <cstdint>
#include <vector>

#include "core/engine.h"
#include "core/latency_histogram.h"
#include "core/scoring.h"
#include "feeds/journal_writer.h"

namespace mm {

struct AccountStatus {
  bool connected = false;
  bool in_sync = false;
};

// Live input the parser refused (malformed, wrong shape), by where it came from.
struct RefusedBySource {
  uint64_t public_frames = 0, private_frames = 0, rest_bodies = 0;
};

struct PublishedState {
  TimeUs published_at = 0;  // wall clock
  bool started = false;     // the engine has seen a record
  TimeUs engine_clock = 0;
  Report report;            // running estimate for the current month
  std::vector<MarketView> markets;
  std::vector<uint8_t> book_in_sync;
  bool public_connected = false;
  std::vector<std::vector<AccountStatus>> accounts;  // [mm][account]
  EngineCounters counters;
  RefusedBySource refused;  // since the daemon started (not the restored journal)
  LatencyHistogram latency;  // frame received -> state updated, ns
  LatencyHistogram service;  // taken off the ring -> state updated, ns (the engine's own work)
  uint64_t ring_used = 0, ring_capacity = 0, ring_full = 0, ring_oversize = 0;
  JournalStats journal;
  uint64_t months_closed = 0;
};

}  // namespace mm
