// Price-time-priority book of individual orders for one market. Orders live in a shared
// OrderPool (slots are recycled); the book keeps per price level the FIFO queue of slots
// and the level's total, and remembers which levels changed so that the exchange can
// send one depth update per changed level.
#pragma once

#include <cstdint>
#include <vector>

#include "core/decimal.h"
#include "core/events.h"
#include "core/time_utc.h"

namespace mm::sim {

inline constexpr int32_t kOtherUsers = -1;  // owner of orders of non-program users
inline constexpr uint32_t kNoSlot = UINT32_MAX;

struct SimOrder {
  uint64_t id = 0;
  int64_t price = 0;       // 1e-9
  int64_t quantity = 0;    // 1e-6, as placed
  int64_t executed = 0;    // 1e-6
  u128 executed_quote = 0; // 1e-15
  TimeUs created = 0;
  int32_t owner = kOtherUsers;  // account index or kOtherUsers
  uint32_t owner_pos = 0;       // position in the owner's order list of its market
  uint32_t prev = 0, next = 0;  // FIFO neighbours within the price level (kNoSlot at the ends)
  Side side = Side::bid;
  int64_t remaining() const { return quantity - executed; }
};

class OrderPool {
 public:
  uint32_t allocate();
  void release(uint32_t slot) { free_.push_back(slot); }
  SimOrder& operator[](uint32_t slot) { return orders_[slot]; }
  const SimOrder& operator[](uint32_t slot) const { return orders_[slot]; }
  size_t live() const { return orders_.size() - free_.size(); }

 private:
  std::vector<SimOrder> orders_;
  std::vector<uint32_t> free_;
};

// One maker order consumed (partly) by a taker.
struct BookFill {
  uint32_t maker;  // slot
  int64_t price;
  int64_t qty;
};

struct LevelChange {
  Side side;
  int64_t price;
};

class OrderBook {
 public:
  explicit OrderBook(OrderPool& pool) : pool_(&pool) {}

  // Matches a taker on `taker_side` against the other side, best price first, FIFO
  // within a level, while the level's price is within `limit` (inclusive), until `qty`
  // is filled. Makers' executed amounts are updated and filled makers leave the book
  // (their slots are not released: the caller still reports them). Returns the filled
  // quantity; fills are appended to `fills`.
  int64_t match(Side taker_side, int64_t limit, int64_t qty, std::vector<BookFill>& fills);
  // Rests an order; the caller has matched it first, so it never crosses.
  void add(uint32_t slot);
  void remove(uint32_t slot);

  bool empty(Side side) const { return levels(side).empty(); }
  int64_t best(Side side) const { return empty(side) ? 0 : levels(side).back().price; }   // 0: empty
  int64_t worst(Side side) const { return empty(side) ? 0 : levels(side).front().price; } // 0: empty
  int64_t level_quantity(Side side, int64_t price) const;
  size_t level_count(Side side) const { return levels(side).size(); }

  // Calls f(price, total) for every level of a side in ascending price.
  template <class F>
  void for_each_ascending(Side side, F f) const {
    if (side == Side::bid) {
      for (const PriceLevel& l : bids_) f(l.price, l.total);
    } else {
      for (auto it = asks_.rbegin(); it != asks_.rend(); ++it) f(it->price, it->total);
    }
  }

  // Levels changed since clear_changes(), each once, in the order first touched.
  const std::vector<LevelChange>& changes() const { return changes_; }
  void clear_changes() { changes_.clear(); }

 private:
  struct PriceLevel {
    int64_t price;
    int64_t total;
    uint32_t head, tail;  // FIFO of slots linked through SimOrder::prev/next
  };
  // Flat and sorted with the best level at the back (bids ascending, asks descending):
  // sweeps pop from the back, and no node is allocated per level.
  using Levels = std::vector<PriceLevel>;
  Levels& levels(Side side) { return side == Side::bid ? bids_ : asks_; }
  const Levels& levels(Side side) const { return side == Side::bid ? bids_ : asks_; }
  // First level not better than `price` (the position where it is or would go).
  static Levels::const_iterator find(const Levels& levels, Side side, int64_t price);
  void touched(Side side, int64_t price);

  OrderPool* pool_;
  Levels bids_, asks_;
  std::vector<LevelChange> changes_;
};

}  // namespace mm::sim
