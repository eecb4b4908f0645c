// Resting orders of every program MM account, learned from private order frames and
// open-orders REST records only (public trades never change them). Dense storage so a
// snapshot walks all live orders in one pass; the id index attributes public trades.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/events.h"
#include "core/flat_map.h"

namespace mm {

struct RestingOrder {
  uint64_t order_id;
  uint32_t market;
  uint16_t mm;
  uint16_t account;
  Side side;
  int64_t price;
  int64_t remaining;
};

class MmOrders {
 public:
  // Applies a private order frame: the order rests afterwards or is gone.
  void apply(uint16_t mm, uint16_t account, const OrderEvent& e);
  // Replaces the account's orders (in one market when the REST query named a symbol).
  void replace(uint16_t mm, uint16_t account, const OpenOrdersEvent& e);

  const RestingOrder* find(uint64_t order_id) const;
  const std::vector<RestingOrder>& all() const { return orders_; }
  size_t size() const { return orders_.size(); }

 private:
  friend struct StateAccess;  // checkpoints (core/engine_state.cpp)
  void upsert(const RestingOrder& o);
  void erase(uint64_t order_id);
  void erase_where(const std::function<bool(const RestingOrder&)>& pred);

  std::vector<RestingOrder> orders_;
  FlatMap<uint32_t> index_;  // order id -> position in orders_
};

}  // namespace mm
