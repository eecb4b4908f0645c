// The exchange's record of its trades, what REST /api/v1/trades/history and
// /wapi/v1/history/fills serve: per market the newest `retention` trades, and per MM
// account and market the ids of its fills among them (a fill is kept exactly as long as
// its trade). Memory is bounded by the retention: a ring per market and one per account
// and market (bounded_ring.h), each grown only as trades arrive.
//
// Trade ids are consecutive per market (the exchange numbers them so), which lets a ring
// store no id: the k-th newest trade has id newest_id - k.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time_utc.h"
#include "feeds/sim/model/bounded_ring.h"

namespace mm::sim {

struct SimTrade {
  int64_t price = 0, qty = 0;  // 1e-9, 1e-6
  TimeUs time = 0;             // engine time (the trade frame's T)
  uint64_t maker_order = 0, taker_order = 0;
  int32_t maker_owner = -1, taker_owner = -1;  // MM account index; -1: another user
  bool buyer_is_maker = false;
};

struct TradeRef {
  uint32_t market = 0;
  uint64_t id = 0;
  friend bool operator==(const TradeRef&, const TradeRef&) = default;
};

// One page of /wapi/v1/history/fills for one account.
struct FillQuery {
  uint32_t account = 0;
  std::vector<uint32_t> markets;  // searched (symbol and marketType applied)
  int64_t from_ms = INT64_MIN, to_ms = INT64_MAX;  // inclusive, on the fill's ms timestamp
  size_t limit = 100, offset = 0;
  bool ascending = false;       // sortDirection=Asc; default newest first
  bool iso_timestamps = false;  // "2026-02-10T12:00:00.123" instead of ms (the daemon accepts both)
};

// A REST body and the trades it lists (for the ground truth of what was delivered).
struct HistoryPage {
  std::string body;
  std::vector<TradeRef> trades;
};

class TradeHistory {
 public:
  // retention: trades kept per market, >= 1.
  TradeHistory(size_t markets, size_t accounts, size_t retention);

  // The next trade of `market`: `id` is the previous one + 1 (or the first).
  void record(uint32_t market, uint64_t id, const SimTrade& trade);

  size_t retained(uint32_t market) const { return markets_[market].trades.size(); }
  // Ids of the newest and oldest retained trades; meaningful when retained() > 0.
  uint64_t newest_id(uint32_t market) const { return markets_[market].newest_id; }
  uint64_t oldest_id(uint32_t market) const { return newest_id(market) + 1 - retained(market); }
  // nullptr when `id` is not retained (never made, or dropped by the retention).
  const SimTrade* find(uint32_t market, uint64_t id) const;
  // The k-th newest retained trade (0: the newest), k < retained().
  const SimTrade& newest(uint32_t market, size_t k) const;

  // The account's retained fills in query.markets with a timestamp in [from_ms, to_ms],
  // ordered by (time, market, trade id), descending unless query.ascending; the page
  // after skipping query.offset of them, at most query.limit long.
  std::vector<TradeRef> select_fills(const FillQuery& query) const;
  size_t fill_count(uint32_t account, uint32_t market) const { return fills_[cell(account, market)].size(); }

 private:
  struct MarketTrades {
    explicit MarketTrades(size_t retention) : trades(retention) {}
    BoundedRing<SimTrade> trades;
    uint64_t newest_id = 0;
  };
  struct Cursor;  // select_fills: one market's matching fills, [lo, hi)

  size_t cell(uint32_t account, uint32_t market) const { return size_t(account) * markets_.size() + market; }
  void forget_oldest(uint32_t market);
  Cursor fill_range(const FillQuery& query, uint32_t market) const;

  std::vector<MarketTrades> markets_;
  std::vector<BoundedRing<uint64_t>> fills_;  // [cell(account, market)]: trade ids, oldest first
};

}  // namespace mm::sim
