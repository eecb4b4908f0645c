#include "core/trade_legs.h"

#include <algorithm>

namespace mm {

TradeLegs::Leg& TradeLegs::leg(uint32_t market, uint64_t trade_id, TimeUs now) {
  prune(now);
  if (uint32_t* at = index_.find(key(market, trade_id))) return legs_[*at];
  index_.put(key(market, trade_id), uint32_t(legs_.size()));
  Leg& l = legs_.emplace_back();
  l.trade_id = trade_id;
  l.market = market;
  l.seen = now;
  return l;
}

std::optional<PairedTrade> TradeLegs::pair(Leg& l) {
  if (l.classified || l.maker < 0 || l.taker < 0) return std::nullopt;
  l.classified = true;
  return PairedTrade{l.market, uint16_t(l.maker), l.maker == l.taker, l.notional};
}

std::optional<PairedTrade> TradeLegs::maker(uint32_t market, uint64_t trade_id, uint16_t mm, u128 notional,
                                            TimeUs now) {
  Leg& l = leg(market, trade_id, now);
  if (l.maker >= 0) return std::nullopt;  // credited once only: a repeat is not a new leg
  l.maker = mm;
  l.notional = notional;
  return pair(l);
}

std::optional<PairedTrade> TradeLegs::taker(uint32_t market, uint64_t trade_id, uint16_t mm, TimeUs now) {
  Leg& l = leg(market, trade_id, now);
  if (l.taker < 0) l.taker = mm;
  return pair(l);
}

void TradeLegs::clear() {
  legs_.clear();
  index_.clear();
}

// Once the oldest leg is an hour past the retention, drop every expired one and rebuild
// the index: one O(n) pass an hour instead of one per leg.
void TradeLegs::prune(TimeUs now) {
  if (legs_.empty() || now - legs_.front().seen < kRetention + 3600 * kUsPerSecond) return;
  const auto keep = std::find_if(legs_.begin(), legs_.end(), [&](const Leg& l) { return now - l.seen < kRetention; });
  legs_.erase(legs_.begin(), keep);
  reindex();
}

void TradeLegs::reindex() {
  index_ = FlatMap<uint32_t>(legs_.size() * 2);
  for (uint32_t i = 0; i < legs_.size(); ++i) index_.put(key(legs_[i].market, legs_[i].trade_id), i);
}

}  // namespace mm
