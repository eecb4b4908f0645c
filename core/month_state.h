// Accumulators of one calendar month. Volumes and sizes are exact integers in the
// market's quote asset (1e-15 units); the report converts to USD with the configured
// rate. Everything here restarts at the month end, except first-trade times.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/decimal.h"
#include "core/time_utc.h"

namespace mm {

struct MarketMonth {
  u128 maker_volume = 0;  // all users: every distinct trade id, from any source, has one maker
  uint32_t snapshots_observed = 0;
  uint32_t snapshots_unobserved = 0;
  uint64_t trades = 0;           // trade ids counted this month
  uint64_t id_low = 0, id_high = 0;  // lowest and highest of them (when trades > 0)
  uint64_t trades_missing = 0;   // holes between id_low and id_high, jumps excluded
  uint64_t trade_id_jumps = 0;   // holes longer than max_trade_id_jump that opened this month
  // History older than this month (SCORING.md section 13): counted here, never credited.
  uint64_t late_trades = 0;  // trade ids first seen in a history response, timestamp before the month
  u128 late_volume = 0;      // their notional
  uint64_t late_fills = 0;   // program MM maker fills of a fill history, before the month, not credited before
};

struct MmMarketMonth {
  u128 maker_volume = 0;
  uint32_t snapshots_observed = 0;
  uint32_t snapshots_unobserved = 0;  // market or MM feed not observed, or anomaly
  uint32_t snapshots_active = 0;
  uint32_t snapshots_anomalous = 0;   // own best bid >= own best ask
  u128 size_sum2 = 0;                 // sum of 2 x Size (mean_side halves exactly)
  double spread_sum_bps = 0;          // over active snapshots
  uint64_t fills = 0;
  // Integrity screens (SCORING.md section 16), maker side.
  u128 self_trade_volume = 0;      // taker: an account of the same MM
  u128 cross_mm_trade_volume = 0;  // taker: an account of another program MM
  uint32_t dense_observed = 0, dense_active = 0;  // instants of the dense grid
};

struct InputCounters {
  uint64_t records = 0;   // every record read, refused ones included
  uint64_t rejected = 0;  // malformed, refused whole
  uint64_t ignored = 0;   // well-formed, not used for scoring
  uint64_t torn = 0;      // a journal file's last line without its newline (a crash): dropped, not a record
  // Live only: records scored but not journaled this month (a failing disk), so the
  // journal cannot replay this report. Set by the daemon on its reports; a replay never has it.
  uint64_t unjournaled = 0;
};

struct MonthState {
  YearMonth month;
  size_t market_count = 0;
  std::vector<MarketMonth> markets;
  std::vector<MmMarketMonth> cells;  // [mm * market_count + market]
  // First trade seen on the feed, for markets marked `new`; survives the month end.
  std::vector<std::optional<TimeUs>> first_trade_seen;
  InputCounters input;
  uint32_t snapshots_taken = 0;
  TimeUs last_ts = 0;  // engine clock when this state was last updated

  MmMarketMonth& cell(size_t mm, size_t market) { return cells[mm * market_count + market]; }
  const MmMarketMonth& cell(size_t mm, size_t market) const { return cells[mm * market_count + market]; }

  void reset(YearMonth m, size_t markets_n, size_t mms_n) {
    month = m;
    market_count = markets_n;
    markets.assign(markets_n, {});
    cells.assign(markets_n * mms_n, {});
    first_trade_seen.resize(markets_n);
    input = {};
    snapshots_taken = 0;
  }
};

}  // namespace mm
