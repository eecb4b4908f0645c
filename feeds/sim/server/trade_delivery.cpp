#include "feeds/sim/server/trade_delivery.h"

#include <algorithm>

namespace mm::sim {

TradeDelivery::TradeDelivery(size_t market_count, size_t max_history_only)
    : max_history_only_(max_history_only), markets_(market_count) {}

void TradeDelivery::streamed(uint32_t market, uint64_t id) { markets_[market].delivered.insert(id); }

void TradeDelivery::unstreamed(uint32_t market, const HistoryOnlyTrade& trade, uint64_t oldest_retained) {
  std::deque<Unstreamed>& list = markets_[market].unstreamed;
  // Out of the history: never served from now on (served ones are in history_only).
  while (!list.empty() && list.front().trade.id < oldest_retained) list.pop_front();
  list.push_back({trade, false});
}

void TradeDelivery::served(uint32_t market, uint64_t id) {
  Market& mk = markets_[market];
  mk.delivered.insert(id);
  const auto it = std::lower_bound(mk.unstreamed.begin(), mk.unstreamed.end(), id,
                                   [](const Unstreamed& u, uint64_t v) { return u.trade.id < v; });
  if (it == mk.unstreamed.end() || it->trade.id != id || it->served) return;
  it->served = true;
  if (mk.history_only.size() < max_history_only_) mk.history_only.push_back(it->trade);
  else ++mk.untracked;
}

HistoryOnlyTally history_only_before(const GroundTruth& truth, uint32_t market, TimeUs before) {
  HistoryOnlyTally tally;
  if (market >= truth.history_only.size()) return tally;
  for (const HistoryOnlyTrade& t : truth.history_only[market]) {
    if (t.timestamp_ms * 1000 >= before) continue;
    ++tally.trades;
    tally.notional += t.notional;
  }
  return tally;
}

}  // namespace mm::sim
