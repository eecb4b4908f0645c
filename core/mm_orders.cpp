#include "core/mm_orders.h"

namespace mm {

void MmOrders::apply(uint16_t mm, uint16_t account, const OrderEvent& e) {
  if (e.rests) {
    upsert({e.order_id, e.market, mm, account, e.side, e.price, e.remaining});
  } else {
    erase(e.order_id);
  }
}

void MmOrders::replace(uint16_t mm, uint16_t account, const OpenOrdersEvent& e) {
  erase_where([&](const RestingOrder& o) {
    return o.mm == mm && o.account == account && (!e.has_market_filter || o.market == e.only_market);
  });
  for (const OpenOrder& o : e.orders) upsert({o.order_id, o.market, mm, account, o.side, o.price, o.remaining});
}

const RestingOrder* MmOrders::find(uint64_t order_id) const {
  const uint32_t* pos = index_.find(order_id);
  return pos ? &orders_[*pos] : nullptr;
}

void MmOrders::upsert(const RestingOrder& o) {
  if (uint32_t* pos = index_.find(o.order_id)) {
    orders_[*pos] = o;
    return;
  }
  index_.put(o.order_id, uint32_t(orders_.size()));
  orders_.push_back(o);
}

void MmOrders::erase(uint64_t order_id) {
  uint32_t* pos = index_.find(order_id);
  if (!pos) return;
  const uint32_t hole = *pos;
  index_.erase(order_id);
  if (hole + 1 != orders_.size()) {  // keep storage dense: move the last order into the hole
    orders_[hole] = orders_.back();
    index_.put(orders_[hole].order_id, hole);
  }
  orders_.pop_back();
}

void MmOrders::erase_where(const std::function<bool(const RestingOrder&)>& pred) {
  std::vector<uint64_t> doomed;
  for (const RestingOrder& o : orders_)
    if (pred(o)) doomed.push_back(o.order_id);
  for (uint64_t id : doomed) erase(id);
}

}  // namespace mm
