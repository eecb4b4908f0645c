// A deterministic, seeded synthetic Backpack exchange: real price-time-priority books of
// individual orders, MM accounts quoting in configurable styles, other users keeping the
// books deep, and takers sweeping levels. Each step() is one exchange event and yields
// the public and private frames it causes, byte for byte as Backpack would send them;
// depth_snapshot(), open_orders() and the history give the REST bodies. Ground truth (exact maker and
// market volumes) is kept alongside, for checking the scoring engine.
//
// Pure logic: no sockets, no threads, no files. Not thread-safe; one instance per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/snapshot_schedule.h"
#include "feeds/sim/model/frame_json.h"
#include "feeds/sim/model/order_book.h"
#include "feeds/sim/model/rng.h"
#include "feeds/sim/model/sim_types.h"
#include "feeds/sim/model/trade_history.h"

namespace mm::sim {

class SyntheticExchange {
 public:
  // Fills every book with other users' orders (no frames, no update ids consumed).
  // Throws std::invalid_argument on a market without positive tick, step or price.
  explicit SyntheticExchange(ExchangeOptions options);
  SyntheticExchange(const SyntheticExchange&) = delete;
  SyntheticExchange& operator=(const SyntheticExchange&) = delete;

  // Advances the exchange by one event at engine time `now` (µs) and calls sink(frame) for
  // every frame it causes, in the exchange's order: per order operation its private
  // orderAccepted/orderCancelled, then per fill the public trade and the orderFill of
  // every MM account involved, then one depth frame per changed level (orderExpired
  // last for an IOC remainder). Frames stay valid until the next step().
  void step(TimeUs now, FrameSink sink);

  // REST /api/v1/depth body of the whole book at the current update id.
  std::string depth_snapshot(uint32_t market, TimeUs now) const;
  // REST /api/v1/orders body: the account's resting orders, all markets or one.
  std::string open_orders(uint32_t account, std::optional<uint32_t> market) const;
  uint64_t last_update_id(uint32_t market) const { return markets_[market].last_update_id; }
  // REST /api/v1/trades/history body: up to `limit` retained trades, newest first, after
  // skipping the `offset` newest (exchange_history.cpp).
  HistoryPage trade_history(uint32_t market, size_t limit, size_t offset) const;
  // REST /wapi/v1/history/fills body: one page of the account's retained fills.
  HistoryPage fill_history(const FillQuery& query) const;
  // Every trade made, as the history keeps it (the newest ExchangeOptions::history_retention).
  const TradeHistory& history() const { return history_; }
  // Fault: the next depth update id is consumed but its frame is not sent (a gap).
  void skip_next_depth_update(uint32_t market) { markets_[market].skip_next_depth = true; }

  // Ground truth, exact, 1e-15 quote units, since construction.
  u128 maker_volume(uint32_t account, uint32_t market) const { return maker_volume_[cell(account, market)]; }
  u128 market_volume(uint32_t market) const { return markets_[market].volume; }
  // The maker account's trades whose taker was an account of a program MM: the same MM
  // (another of its accounts; an MM never takes its own account's quotes) or another one.
  u128 self_trade_volume(uint32_t account, uint32_t market) const { return self_volume_[cell(account, market)]; }
  u128 cross_mm_trade_volume(uint32_t account, uint32_t market) const { return cross_volume_[cell(account, market)]; }
  uint64_t trade_count(uint32_t market) const { return markets_[market].trades; }
  size_t resting_orders() const { return pool_.live(); }

  const ExchangeOptions& options() const { return options_; }
  size_t market_count() const { return markets_.size(); }
  size_t account_count() const { return options_.accounts.size(); }
  int64_t fair_price(uint32_t market) const { return markets_[market].fair; }
  int64_t best_bid(uint32_t market) const { return markets_[market].book.best(Side::bid); }  // 0: none
  int64_t best_ask(uint32_t market) const { return markets_[market].book.best(Side::ask); }  // 0: none
  uint64_t steps() const { return steps_; }

 private:
  struct MarketState {
    MarketState(const SimMarket& spec, OrderPool& pool) : text(make_market_text(spec)), book(pool) {}
    MarketText text;
    OrderBook book;
    int64_t start_price = 0, fair = 0, tick = 0, step = 0;
    uint64_t next_trade_id = 0;
    uint64_t last_update_id = 0;
    bool skip_next_depth = false;
    std::vector<uint32_t> others[2];  // other users' resting orders, by side
    std::vector<uint32_t> accounts;   // MM accounts active here
    u128 volume = 0;
    uint64_t trades = 0;
  };
  struct PendingFrame {
    Frame frame;
    size_t offset, length;
  };

  size_t cell(uint32_t account, uint32_t market) const { return size_t(account) * markets_.size() + market; }

  // ---- behaviour (market_behaviour.cpp) ----
  void walk_fair(uint32_t m);
  void requote(uint32_t m, uint32_t account);
  void other_user_order(uint32_t m);
  void place_other(uint32_t m, Side side);
  void cancel_other(uint32_t m);
  void take(uint32_t m);
  bool in_sample_window();  // now_ near a snapshot instant (sample_timed)
  void follow_samples();    // sample_timed accounts quote or pull as the window opens or closes
  int64_t price_away(uint32_t m, Side side, int64_t distance_ppm) const;
  int64_t qty_for_usd(uint32_t m, int64_t price, int64_t usd) const;

  // ---- mechanics (synthetic_exchange.cpp) ----
  void submit(uint32_t m, int32_t owner, Side side, int64_t price, int64_t qty, bool immediate_or_cancel);
  void cancel(uint32_t m, uint32_t slot);
  void cancel_all(uint32_t m, uint32_t account);
  void settle_fills(uint32_t m, uint32_t taker_slot, bool immediate_or_cancel);
  std::vector<uint32_t>& owner_list(uint32_t m, const SimOrder& o);
  void list_add(uint32_t m, uint32_t slot);
  void list_remove(uint32_t m, uint32_t slot);
  void emit_depth_changes(uint32_t m);
  void emit_order(uint32_t m, uint32_t slot, OrderFields fields);
  // Starts a frame in the arena; finish_frame() records it.
  TimeUs begin_frame();
  void finish_frame(FrameKind kind, bool is_private, uint32_t account, uint32_t m, uint64_t update_id,
                    std::string_view stream, size_t offset, TimeUs event_time);

  ExchangeOptions options_;
  TradeHistory history_;
  Rng rng_;
  OrderPool pool_;
  std::vector<MarketState> markets_;
  std::vector<std::vector<uint32_t>> account_orders_;  // [cell(account, market)] slots
  std::vector<u128> maker_volume_;                      // [cell(account, market)]
  std::vector<u128> self_volume_, cross_volume_;        // [cell(maker account, market)]
  std::vector<uint32_t> sample_timed_;                  // accounts of that style
  bool sample_window_open_ = false;
  std::optional<SnapshotSchedule> samples_;             // of the month of now_
  uint64_t next_order_id_;
  uint64_t steps_ = 0;

  // Per-step scratch, reused.
  TimeUs now_ = 0;
  bool emitting_ = true;  // false while the constructor fills the books
  std::string arena_;
  std::vector<PendingFrame> pending_;
  std::vector<BookFill> fills_;
  std::vector<uint32_t> doomed_;
};

}  // namespace mm::sim
