#include "core/book.h"

#include <algorithm>

namespace mm {

namespace {

struct Ascending {
  bool operator()(const Level& a, int64_t p) const { return a.price < p; }
};
struct Descending {
  bool operator()(const Level& a, int64_t p) const { return a.price > p; }
};

// Sets one level to its new absolute quantity (0 removes it).
template <typename Order>
void set_level(std::vector<Level>& side, const Level& l) {
  auto it = std::lower_bound(side.begin(), side.end(), l.price, Order{});
  const bool found = it != side.end() && it->price == l.price;
  if (l.qty == 0) {
    if (found) side.erase(it);
  } else if (found) {
    it->qty = l.qty;
  } else {
    side.insert(it, l);
  }
}

// Replaces a side with snapshot levels in book order; later duplicates win, zeros dropped.
template <typename Order>
void load_side(std::vector<Level>& side, std::span<const Level> levels) {
  side.clear();
  for (const Level& l : levels) set_level<Order>(side, l);
}

}  // namespace

void Book::apply_levels(std::span<const Level> bids, std::span<const Level> asks) {
  for (const Level& l : bids) set_level<Ascending>(bids_, l);
  for (const Level& l : asks) set_level<Descending>(asks_, l);
}

void Book::clear_buffer() {
  buffer_.clear();
  buffer_levels_.clear();
}

void Book::buffer(const DepthEvent& e) {
  if (buffer_.size() >= kMaxBufferedFrames) clear_buffer();  // the next seed will re-bridge
  Buffered b{e.first_id, e.last_id, uint32_t(buffer_levels_.size()), uint32_t(e.bids.size()),
             uint32_t(e.asks.size())};
  buffer_levels_.insert(buffer_levels_.end(), e.bids.begin(), e.bids.end());
  buffer_levels_.insert(buffer_levels_.end(), e.asks.begin(), e.asks.end());
  buffer_.push_back(b);
}

Book::DepthResult Book::apply_depth(const DepthEvent& e) {
  if (!synced_) {
    buffer(e);
    return DepthResult::buffered;
  }
  if (e.last_id <= last_u_) return DepthResult::stale;
  const bool continues = bridged_ ? e.first_id == last_u_ + 1 : e.first_id <= last_u_ + 1;
  if (!continues) {
    invalidate();
    buffer(e);  // may bridge the next snapshot
    return DepthResult::gap;
  }
  apply_levels(e.bids, e.asks);
  last_u_ = e.last_id;
  bridged_ = true;
  return DepthResult::applied;
}

Book::SeedResult Book::seed(const DepthSnapshotEvent& e) {
  load_side<Ascending>(bids_, e.bids);
  load_side<Descending>(asks_, e.asks);
  last_u_ = e.last_update_id;
  synced_ = true;
  bridged_ = false;

  SeedResult result = SeedResult::synced;
  size_t i = 0;
  for (; i < buffer_.size(); ++i) {
    const Buffered& b = buffer_[i];
    if (b.last_id <= last_u_) continue;  // already in the snapshot
    const bool continues = bridged_ ? b.first_id == last_u_ + 1 : b.first_id <= last_u_ + 1;
    if (!continues) {
      result = bridged_ ? SeedResult::gap : SeedResult::not_bridged;
      break;
    }
    const Level* levels = buffer_levels_.data() + b.level_begin;
    apply_levels({levels, b.bid_count}, {levels + b.bid_count, b.ask_count});
    last_u_ = b.last_id;
    bridged_ = true;
  }
  if (result == SeedResult::synced) {
    clear_buffer();
    return result;
  }
  // Keep the frames from the break on: they are newer than this snapshot.
  std::vector<Buffered> rest(buffer_.begin() + long(i), buffer_.end());
  std::vector<Level> rest_levels;
  for (Buffered& b : rest) {
    const uint32_t begin = uint32_t(rest_levels.size());
    rest_levels.insert(rest_levels.end(), buffer_levels_.begin() + b.level_begin,
                       buffer_levels_.begin() + b.level_begin + b.bid_count + b.ask_count);
    b.level_begin = begin;
  }
  bids_.clear();
  asks_.clear();
  synced_ = false;
  bridged_ = false;
  buffer_.swap(rest);
  buffer_levels_.swap(rest_levels);
  return result;
}

void Book::invalidate() {
  bids_.clear();
  asks_.clear();
  synced_ = false;
  bridged_ = false;
  clear_buffer();
}

std::optional<Book::Top> Book::top() const {
  if (bids_.empty() || asks_.empty()) return std::nullopt;
  return Top{bids_.back().price, asks_.back().price};
}

bool Book::crossed() const {
  auto t = top();
  return t && t->best_bid >= t->best_ask;
}

}  // namespace mm
