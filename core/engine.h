// The scoring engine: the single writer of all core state. Records go in through
// apply() in processing order, the same way in the live daemon and in a replay, so a
// replay of the journal reproduces every figure.
//
// Time only moves with record timestamps (and, live, with advance_clock()). Snapshot
// instant t is taken when the first record with ts > t arrives. The live engine
// reports each snapshot it takes through snapshot_taken(), and the daemon journals it
// as a tick record with ts = t, placed before the record that triggered it. Once a
// replay sees a tick record it takes snapshots at tick records only, so a journal
// from the live daemon is sampled exactly where the daemon sampled it, and a journal
// without ticks is sampled by its timestamps. The month closes at the first record
// (or live timer) at or after the 1st, 00:00 UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/backfill.h"
#include "core/book.h"
#include "core/evidence.h"
#include "core/events.h"
#include "core/id_ranges.h"
#include "core/mm_orders.h"
#include "core/month_state.h"
#include "core/program.h"
#include "core/result.h"
#include "core/snapshot_schedule.h"
#include "core/state_codec.h"
#include "core/trade_legs.h"

namespace mm {

// What the engine tells the outside world; all calls happen on the engine thread.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;
  // The month ended: `state` is final. Called before the accumulators restart.
  virtual void month_closed(const MonthState& /*state*/) {}
  // The book needs a REST depth snapshot (connected, gap, or a snapshot that did not bridge).
  virtual void book_needs_seed(uint32_t /*market*/) {}
  // The account's private stream connected: its open orders must be fetched.
  virtual void account_needs_open_orders(uint16_t /*mm*/, uint16_t /*account*/) {}
  // Trades of the market may be missing (a (re)connect or a gap): page its trade history.
  virtual void trades_backfill_needed(uint32_t /*market*/, const TradeBackfillTarget& /*target*/) {}
  // The account's private stream (re)connected: fetch its fills from `from` until now.
  virtual void fills_backfill_needed(uint16_t /*mm*/, uint16_t /*account*/, TimeUs /*from*/) {}
  virtual void snapshot_taken(uint32_t /*interval*/, TimeUs /*instant*/) {}
  // Something the operator should see in the log (anomaly, sequence gap, ...).
  virtual void notice(std::string_view /*what*/) {}
};

// Cumulative since start (not per month): for metrics and logs.
struct EngineCounters {
  uint64_t trades = 0, trades_duplicate = 0, trades_attributed = 0;
  uint64_t fills_maker = 0, fills_duplicate = 0, trade_id_jumps = 0;
  uint64_t depth_applied = 0, depth_buffered = 0, depth_stale = 0, depth_gaps = 0;
  uint64_t seeds_synced = 0, seeds_not_bridged = 0, seeds_gap = 0;
  uint64_t order_events = 0, open_orders_records = 0, connection_events = 0, ticks = 0;
  uint64_t trade_history_records = 0, fill_history_records = 0, trades_backfilled = 0, fills_backfilled = 0;
  uint64_t trade_gaps = 0;  // public trades after a hole the stream skipped
  uint64_t snapshots = 0, anomalies = 0;
  uint64_t self_trades = 0, cross_mm_trades = 0;
  uint64_t records = 0, rejected = 0, ignored = 0;
};

// A market's public trades as they arrive, for health: repeated ids flooding in with no
// new one for long means the ids restarted (e.g. a simulator re-run against a restored
// journal), so nothing is counted. Cumulative, engine time.
struct TradeFlow {
  uint64_t duplicates = 0;      // stream trades whose id was counted before
  TimeUs last_new = 0;          // the newest stream trade with a new id; 0: none
  TimeUs duplicates_since = 0;  // the first repeated id after last_new; 0: none since
  TimeUs last_duplicate = 0;
};

// What the last snapshot saw of a market: for the live API, not for scoring.
struct MarketView {
  bool observed = false;
  int64_t best_bid = 0, best_ask = 0;  // 1e-9; 0 when absent
  u128 bid_depth_in_band = 0;          // whole book, quote 1e-15
  u128 ask_depth_in_band = 0;
  uint32_t active_mms = 0;
  TimeUs instant = 0;
  TradeFlow flow;  // up to the latest trade, not the snapshot (kept across snapshots)
};

class Engine {
 public:
  explicit Engine(const Program& program, EngineObserver* observer = nullptr);

  void apply(const Record& r);
  void reject();  // a malformed record: counted, changes nothing else
  void torn();    // a torn last line of a journal file: counted (input.torn), not a record
  // Live timer: time passed with no record. Takes due snapshots, closes the month.
  void advance_clock(TimeUs now);

  bool started() const { return started_; }
  TimeUs clock() const { return clock_; }
  const MonthState& month() const { return month_; }
  const Program& program() const { return program_; }
  const EngineCounters& counters() const { return counters_; }
  const Book& book(uint32_t market) const { return books_[market]; }
  const MmOrders& orders() const { return orders_; }
  const std::vector<MarketView>& market_views() const { return views_; }
  bool public_connected() const { return public_up_; }
  bool account_connected(uint16_t mm, uint16_t account) const { return account_state(mm, account).up; }
  bool account_in_sync(uint16_t mm, uint16_t account) const { return account_state(mm, account).orders_synced; }

  // Live daemon: when the clock should next be advanced (the next snapshot instant or
  // the month end); nullopt before the first record.
  std::optional<TimeUs> next_deadline() const;
  bool tick_mode() const { return tick_mode_; }
  // Per-snapshot evidence (SCORING.md section 15) for explain and the live evidence
  // window; nullptr (the default) computes nothing extra.
  void set_evidence_sink(EvidenceSink* sink) { evidence_ = sink; }

  // Checkpoints (SCORING.md section 14; core/engine_state.cpp): the whole state, so that
  // loading it and applying the records after it equals applying every record.
  void save_state(StateWriter& out) const;
  // Replaces the state with a saved one of a program of the same shape (markets, MMs,
  // accounts). The engine then samples at the journal's ticks, as a replay does. On an
  // error (truncated, another shape) this engine is unchanged.
  Result<> load_state(std::string_view bytes);
  // The live daemon: sample by timestamps (even after a restore from a journal with
  // ticks) and count each snapshot's tick as a record, as the journal will hold it.
  void go_live() {
    tick_mode_ = false;
    live_ = true;
  }

 private:
  friend struct StateAccess;
  struct AccountState {
    bool up = false;
    bool orders_synced = true;  // false from a disconnect until open orders arrive while up
    TimeUs last_frame = 0;      // receive time of its newest private frame
  };
  // Sums of one MM's orders in one market at one snapshot.
  struct Scratch {
    u128 bid_notional = 0, ask_notional = 0;     // in band
    double bid_weighted = 0, ask_weighted = 0;   // sum of price_raw x notional, in band
    int64_t band_best_bid = 0, band_best_ask = INT64_MAX;
    int64_t best_bid = 0, best_ask = INT64_MAX;  // all orders, for the anomaly check
  };

  AccountState& account_state(uint16_t mm, uint16_t account) { return accounts_[account_base_[mm] + account]; }
  const AccountState& account_state(uint16_t mm, uint16_t account) const {
    return accounts_[account_base_[mm] + account];
  }

  void start(TimeUs ts);
  void advance_to(TimeUs ts);
  void open_month(YearMonth m);
  void close_month();
  void take_snapshot(uint32_t interval);
  // What the engine sees of every market and MM right now, for a snapshot or a dense
  // grid instant: mid2_, mm_observed_ and the in-band sums in scratch_.
  enum class CellState : uint8_t { unobserved, anomaly, inactive, active };
  void scan_now();
  CellState cell_state(size_t mm, size_t market) const;
  bool side_ok(size_t market, u128 notional) const;
  void count_active(size_t mm, size_t market, uint32_t interval, const Scratch& s);
  // Dense uptime: counts the grid instants before `ts` (and before the month end); they
  // all see the state as it is now, since no record came between them.
  void sample_dense(TimeUs ts);
  void maker_leg(uint16_t mm, uint32_t market, uint64_t trade_id, u128 notional);
  void taker_leg(uint16_t mm, uint32_t market, uint64_t trade_id);
  void paired(const std::optional<PairedTrade>& p);
  bool in_band(int64_t price, int64_t mid2) const;
  UnobservedReason unobserved_reason(size_t mm, size_t market) const;  // for the evidence sink only
  CellEvidence evidence_of(uint32_t interval, size_t mm, size_t market, const Scratch* s) const;
  void source_seen(const Source& s);

  void on_trade(const TradeEvent& e);
  void on_depth(const DepthEvent& e);
  void on_depth_snapshot(const DepthSnapshotEvent& e);
  void on_order(const Source& s, const OrderEvent& e);
  void on_open_orders(const Source& s, const OpenOrdersEvent& e);
  void on_connection(const Source& s, const ConnectionEvent& e);
  void on_tick(const TickEvent& e);
  void on_trade_history(const TradeHistoryEvent& e);
  void on_fill_history(const Source& s, const FillHistoryEvent& e);
  // A history item (trade or fill) older than the open month: counted as late, never
  // credited. `maker_fill`: a program MM's maker fill.
  void count_late(uint32_t market, uint64_t trade_id, u128 notional, bool maker_fill);
  void check_public_gap(uint32_t market, uint64_t trade_id);
  TradeBackfillTarget backfill_target(uint32_t market) const;
  // Adds the trade to the market's all-user volume unless its id was counted before (by
  // any source, in any month); true when it was new.
  bool count_trade(uint32_t market, uint64_t trade_id, u128 notional);
  void track_missing(uint32_t market, uint64_t trade_id);
  bool credit_mm(uint16_t mm, uint32_t market, uint64_t trade_id, u128 notional);  // false: credited before

  const Program& program_;
  EngineObserver* observer_;
  EngineObserver null_observer_;
  EvidenceSink* evidence_ = nullptr;

  bool started_ = false;
  TimeUs clock_ = 0;
  MonthState month_;
  std::optional<SnapshotSchedule> schedule_;
  uint32_t next_interval_ = 0;
  bool tick_mode_ = false;  // a tick record was seen: snapshots only at ticks
  bool live_ = false;       // snapshots are journaled as tick records by the daemon
  InputCounters pending_input_;  // refusals before the first valid record

  std::vector<Book> books_;
  // Per market, for good (they outlive the month close, SCORING.md section 13):
  std::vector<IdRanges> counted_;   // ids whose notional is in the all-user volume
  std::vector<IdRanges> credited_;  // ids credited to an MM as maker volume (one maker per trade)
  std::vector<uint64_t> last_public_id_;  // newest id from the public stream, jumps left out
  MmOrders orders_;
  TradeLegs legs_;
  TimeUs dense_next_ = 0;  // the next dense grid instant not yet counted
  bool public_up_ = false;
  std::vector<AccountState> accounts_;
  std::vector<uint32_t> account_base_;  // first AccountState of each MM
  std::vector<MarketView> views_;
  std::vector<Scratch> scratch_;
  std::vector<int64_t> mid2_;        // per market at the current snapshot: 2 x mid, 0 = unobserved
  std::vector<uint8_t> mm_observed_; // per MM at the current snapshot
  EngineCounters counters_;
};

}  // namespace mm
