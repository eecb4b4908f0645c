// Per-snapshot evidence (SCORING.md section 15): why a snapshot counted for an MM in a
// market, or why not. The engine hands one CellEvidence per (MM, market) to an
// EvidenceSink at snapshot time when one is set (nothing is computed when none is);
// this file turns those into the contract's rows, their JSON and CSV, and sums rows
// back into the report's figures with the report's own arithmetic, so that the totals
// of a month's rows equal the report exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/events.h"
#include "core/json_writer.h"
#include "core/mm_orders.h"
#include "core/program.h"
#include "core/time_utc.h"

namespace mm {

// First cause wins, in this order (the order a snapshot's conditions are checked).
enum class UnobservedReason : uint8_t {
  none, public_down, book_not_in_sync, private_down, orders_not_in_sync, anomaly,
};
// no_bid_in_band is named when both sides are missing.
enum class InactiveReason : uint8_t { none, no_bid_in_band, no_ask_in_band, below_min_side };
const char* to_string(UnobservedReason r);  // nullptr for none
const char* to_string(InactiveReason r);    // nullptr for none

// What the engine saw for one MM in one market at one snapshot.
struct CellEvidence {
  uint32_t interval = 0;
  TimeUs instant = 0;
  uint16_t mm = 0;
  uint32_t market = 0;
  UnobservedReason unobserved = UnobservedReason::none;
  InactiveReason inactive = InactiveReason::none;
  bool active = false;
  bool looked_at_orders = false;  // observed or anomaly: the in-band sums below were computed
  int64_t mid2 = 0;               // 2 x mid (1e-9 units); 0 when the market was unobserved
  u128 bid_notional = 0, ask_notional = 0;  // in band, quote 1e-15
  u128 size2 = 0;          // what the snapshot adds to size_sum2 (active only)
  double spread_bps = 0;   // what it adds to spread_sum_bps (active only)
};

// Receives the evidence of every (MM, market) at each snapshot, on the engine thread.
// `orders` is the engine's order book of program MMs at the snapshot instant.
class EvidenceSink {
 public:
  virtual ~EvidenceSink() = default;
  virtual void cell(const CellEvidence& e, const MmOrders& orders) = 0;
};

// An order that was counted (in band) at a snapshot.
struct CountedOrder {
  uint64_t order_id = 0;
  Side side = Side::bid;
  int64_t price = 0, quantity = 0;  // 1e-9, 1e-6
};

struct EvidenceRow {
  CellEvidence cell;
  uint32_t bid_orders = 0, ask_orders = 0;  // in band
  std::vector<CountedOrder> orders;         // filled only when asked for
};

// Counts (and optionally lists) the MM's in-band orders of the market at the snapshot.
EvidenceRow make_evidence_row(const Program& p, const CellEvidence& e, const MmOrders& orders, bool with_orders);

// The contract's row as a JSON object (`orders` added when listed) and as CSV.
void write_evidence_json(JsonWriter& w, const Program& p, const EvidenceRow& row, bool with_orders);
std::string evidence_csv_header(bool with_orders);
// One CSV line; with orders: `orders` is "id:side:price:qty" joined with ';'.
std::string evidence_csv_line(const Program& p, const EvidenceRow& row, bool with_orders);

// Sums of one MM's rows in one market, and the report's figures from them, computed
// exactly as the report computes them from the month's accumulators.
struct EvidenceTotals {
  uint32_t rows = 0, observed = 0, unobserved = 0, active = 0, anomalous = 0;
  u128 size_sum2 = 0;  // quote 1e-15, like MmMarketMonth::size_sum2
  double spread_sum_bps = 0;
  void add(const CellEvidence& e);
};
struct EvidenceFigures {
  double avg_size_usd = 0, avg_spread_bps = 0, uptime = 0;
};
EvidenceFigures evidence_figures(const Program& p, uint32_t market, const EvidenceTotals& t);
void write_evidence_totals_json(JsonWriter& w, const Program& p, uint32_t market, const EvidenceTotals& t);

// Exact decimal of raw / 10^decimals without trailing zeros ("12.5", "3").
std::string format_exact(u128 raw, int decimals);
// RFC 3339 with microseconds always shown: "2026-12-14T00:01:00.000000Z".
std::string format_instant_us(TimeUs t);
// Shortest text that reads back as the same double.
std::string format_double_roundtrip(double v);

}  // namespace mm
