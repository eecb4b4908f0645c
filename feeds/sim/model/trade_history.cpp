#include "feeds/sim/model/trade_history.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace mm::sim {

TradeHistory::TradeHistory(size_t markets, size_t accounts, size_t retention) {
  if (retention == 0) throw std::invalid_argument("sim history_retention must be >= 1");
  markets_.reserve(markets);
  for (size_t m = 0; m < markets; ++m) markets_.emplace_back(retention);
  // An account has at most one fill per trade, so its fills never outnumber the trades.
  fills_.assign(accounts * markets, BoundedRing<uint64_t>(retention));
}

void TradeHistory::record(uint32_t market, uint64_t id, const SimTrade& trade) {
  MarketTrades& mt = markets_[market];
  if (!mt.trades.empty() && id != mt.newest_id + 1) throw std::logic_error("sim trade ids must be consecutive");
  if (mt.trades.full()) forget_oldest(market);
  mt.trades.push(trade);
  mt.newest_id = id;
  if (trade.maker_owner >= 0) fills_[cell(uint32_t(trade.maker_owner), market)].push(id);
  if (trade.taker_owner >= 0) fills_[cell(uint32_t(trade.taker_owner), market)].push(id);
}

// The oldest trade leaves the history, and with it its fills (the oldest of their rings).
void TradeHistory::forget_oldest(uint32_t market) {
  MarketTrades& mt = markets_[market];
  const uint64_t id = oldest_id(market);
  for (int32_t owner : {mt.trades.oldest().maker_owner, mt.trades.oldest().taker_owner}) {
    if (owner < 0) continue;
    BoundedRing<uint64_t>& ring = fills_[cell(uint32_t(owner), market)];
    if (!ring.empty() && ring.oldest() == id) ring.pop_oldest();
  }
  mt.trades.pop_oldest();
}

const SimTrade* TradeHistory::find(uint32_t market, uint64_t id) const {
  const MarketTrades& mt = markets_[market];
  if (mt.trades.empty() || id > mt.newest_id || id < oldest_id(market)) return nullptr;
  return &mt.trades[size_t(id - oldest_id(market))];
}

const SimTrade& TradeHistory::newest(uint32_t market, size_t k) const {
  const BoundedRing<SimTrade>& trades = markets_[market].trades;
  return trades[trades.size() - 1 - k];
}

// ---- fills of one account ---------------------------------------------------------------

struct TradeHistory::Cursor {
  const TradeHistory* history;
  uint32_t market;
  const BoundedRing<uint64_t>* ring;
  size_t lo, hi;  // matching fills: ring indexes [lo, hi)

  uint64_t next_id(bool ascending) const { return (*ring)[ascending ? lo : hi - 1]; }
  std::tuple<TimeUs, uint32_t, uint64_t> next_key(bool ascending) const {
    const uint64_t id = next_id(ascending);
    return {history->find(market, id)->time, market, id};
  }
  TradeRef take(bool ascending) {
    const TradeRef ref{market, next_id(ascending)};
    if (ascending) ++lo;
    else --hi;
    return ref;
  }
};

TradeHistory::Cursor TradeHistory::fill_range(const FillQuery& query, uint32_t market) const {
  const BoundedRing<uint64_t>& ring = fills_[cell(query.account, market)];
  auto ms_at = [&](size_t i) { return find(market, ring[i])->time / 1000; };
  // First index whose timestamp passes `below`; times never decrease along a ring.
  auto partition = [&](auto below) {
    size_t lo = 0, hi = ring.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (below(ms_at(mid))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const size_t lo = partition([&](int64_t ms) { return ms < query.from_ms; });
  const size_t hi = partition([&](int64_t ms) { return ms <= query.to_ms; });
  return Cursor{this, market, &ring, lo, std::max(lo, hi)};
}

std::vector<TradeRef> TradeHistory::select_fills(const FillQuery& query) const {
  std::vector<Cursor> cursors;
  for (uint32_t m : query.markets) {
    const Cursor c = fill_range(query, m);
    if (c.lo < c.hi) cursors.push_back(c);
  }
  // A merge of the markets' ranges, one fill at a time: no list of every match is built.
  std::vector<TradeRef> page;
  size_t skipped = 0;
  const bool asc = query.ascending;
  while (page.size() < query.limit && !cursors.empty()) {
    size_t best = 0;
    for (size_t i = 1; i < cursors.size(); ++i) {
      const auto key = cursors[i].next_key(asc), best_key = cursors[best].next_key(asc);
      if (asc ? key < best_key : key > best_key) best = i;
    }
    const TradeRef ref = cursors[best].take(asc);
    if (cursors[best].lo == cursors[best].hi) {
      cursors[best] = cursors.back();
      cursors.pop_back();
    }
    if (skipped < query.offset) ++skipped;
    else page.push_back(ref);
  }
  return page;
}

}  // namespace mm::sim
