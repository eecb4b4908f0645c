#include "feeds/sim/model/order_book.h"

#include <algorithm>

namespace mm::sim {

uint32_t OrderPool::allocate() {
  if (!free_.empty()) {
    const uint32_t slot = free_.back();
    free_.pop_back();
    orders_[slot] = SimOrder{};
    return slot;
  }
  orders_.emplace_back();
  return uint32_t(orders_.size() - 1);
}

void OrderBook::touched(Side side, int64_t price) {
  for (const LevelChange& c : changes_)
    if (c.side == side && c.price == price) return;
  changes_.push_back({side, price});
}

OrderBook::Levels::const_iterator OrderBook::find(const Levels& levels, Side side, int64_t price) {
  if (side == Side::bid) {
    return std::lower_bound(levels.begin(), levels.end(), price,
                            [](const PriceLevel& l, int64_t p) { return l.price < p; });
  }
  return std::lower_bound(levels.begin(), levels.end(), price,
                          [](const PriceLevel& l, int64_t p) { return l.price > p; });
}

int64_t OrderBook::match(Side taker_side, int64_t limit, int64_t qty, std::vector<BookFill>& fills) {
  const Side maker_side = taker_side == Side::bid ? Side::ask : Side::bid;
  Levels& book = levels(maker_side);
  int64_t filled = 0;
  while (filled < qty && !book.empty()) {
    PriceLevel& level = book.back();
    const bool crosses = taker_side == Side::bid ? level.price <= limit : level.price >= limit;
    if (!crosses) break;
    while (filled < qty && level.head != kNoSlot) {
      const uint32_t slot = level.head;
      SimOrder& maker = (*pool_)[slot];
      const int64_t take = std::min(maker.remaining(), qty - filled);
      maker.executed += take;
      maker.executed_quote += notional(level.price, take);
      level.total -= take;
      filled += take;
      fills.push_back({slot, level.price, take});
      if (maker.remaining() == 0) {  // filled: unlink from the front
        level.head = maker.next;
        if (level.head != kNoSlot) (*pool_)[level.head].prev = kNoSlot;
        else level.tail = kNoSlot;
      }
    }
    touched(maker_side, level.price);
    if (level.head == kNoSlot) book.pop_back();
  }
  return filled;
}

void OrderBook::add(uint32_t slot) {
  SimOrder& o = (*pool_)[slot];
  Levels& book = levels(o.side);
  auto it = book.begin() + (find(book, o.side, o.price) - book.cbegin());
  if (it == book.end() || it->price != o.price) it = book.insert(it, PriceLevel{o.price, 0, kNoSlot, kNoSlot});
  o.prev = it->tail;
  o.next = kNoSlot;
  if (it->tail != kNoSlot) (*pool_)[it->tail].next = slot;
  else it->head = slot;
  it->tail = slot;
  it->total += o.remaining();
  touched(o.side, o.price);
}

void OrderBook::remove(uint32_t slot) {
  const SimOrder& o = (*pool_)[slot];
  Levels& book = levels(o.side);
  auto it = book.begin() + (find(book, o.side, o.price) - book.cbegin());
  if (it == book.end() || it->price != o.price) return;
  if (o.prev != kNoSlot) (*pool_)[o.prev].next = o.next;
  else it->head = o.next;
  if (o.next != kNoSlot) (*pool_)[o.next].prev = o.prev;
  else it->tail = o.prev;
  it->total -= o.remaining();
  if (it->head == kNoSlot) book.erase(it);
  touched(o.side, o.price);
}

int64_t OrderBook::level_quantity(Side side, int64_t price) const {
  const Levels& book = levels(side);
  auto it = find(book, side, price);
  return it != book.end() && it->price == price ? it->total : 0;
}

}  // namespace mm::sim
