#include "core/trade_dedup.h"

namespace mm {

void TradeDedup::slide_to(uint64_t id) {
  // Ids between the old top and the new one enter the window: clear their bits.
  const uint64_t new_high = id + 1;
  if (new_high - high_ >= kWindow) {
    for (auto& b : bits_) std::fill(b.begin(), b.end(), 0);
  } else {
    for (uint64_t i = high_; i < new_high; ++i)
      for (auto& b : bits_) b[(i % kWindow) / 64] &= ~(uint64_t(1) << (i % 64));
  }
  high_ = new_high;
}

TradeDedup::Mark TradeDedup::mark(uint64_t id, unsigned flag) {
  if (bits_[0].empty()) {
    for (auto& b : bits_) b.assign(kWindow / 64, 0);
    high_ = id + 1;
  }
  if (id >= high_) {
    slide_to(id);
  } else if (high_ - id > kWindow) {
    return Mark::out_of_window;
  }
  uint64_t& word = bits_[flag][(id % kWindow) / 64];
  const uint64_t bit = uint64_t(1) << (id % 64);
  if (word & bit) return Mark::duplicate;
  word |= bit;
  return Mark::first;
}

}  // namespace mm
