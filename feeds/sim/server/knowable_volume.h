// The maker volume a scoring daemon could know, judged from what the simulator actually
// queued to its clients (SCORING.md section 3). A maker fill of an MM account is knowable
// iff
//   - its orderFill frame was queued to a session subscribed to that account's private
//     stream, or
//   - its public trade frame was queued to at least one session subscribed to the trade
//     stream, and the maker order had been revealed before: one of its private frames
//     (orderAccepted, or a partial orderFill) was queued to a private session of the
//     account, or an open-orders REST response listing it had been sent.
// Each fill counts once. Fed with every frame of every exchange step, on the server thread.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/decimal.h"
#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

class KnowableVolume {
 public:
  KnowableVolume(size_t account_count, size_t market_count);

  // Every frame of a step, in order; `queued`: queued to at least one subscribed session.
  void on_frame(const Frame& frame, bool queued);
  // After the last frame of a step: settles its fills.
  void end_step();
  // An open-orders REST response listing `order_id` of `account` was sent.
  void reveal(uint32_t account, uint64_t order_id);

  u128 knowable(uint32_t account, uint32_t market) const { return knowable_[cell(account, market)]; }
  // Every maker fill seen, knowable or not: must equal the exchange's own figure.
  u128 all(uint32_t account, uint32_t market) const { return all_[cell(account, market)]; }
  size_t live_orders() const { return orders_.size(); }
  uint64_t unparsed_frames() const { return unparsed_; }  // must stay 0

 private:
  struct LiveOrder {
    uint32_t account;
    bool revealed;
  };
  struct PendingFill {
    uint32_t market;
    uint64_t trade_id;
    uint32_t account;
    u128 notional;
    bool knowable;
  };
  size_t cell(uint32_t account, uint32_t market) const { return size_t(account) * markets_ + market; }
  void on_trade(const Frame& frame, bool queued);
  void on_order_update(const Frame& frame, bool queued);

  size_t markets_;
  std::unordered_map<uint64_t, LiveOrder> orders_;  // MM orders on the book, by order id
  std::vector<PendingFill> pending_;                // this step's maker fills of MM accounts
  std::vector<u128> knowable_, all_;                 // [cell(account, market)]
  uint64_t unparsed_ = 0;
};

}  // namespace mm::sim
