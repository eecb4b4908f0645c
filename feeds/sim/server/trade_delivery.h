// Which trades reached a client, by any path, per market (SCORING.md section 13): its
// trade frame or an orderFill frame with its id queued to a session, or its id in a trades
// or fills history body that was sent. Kept as id ranges (core/id_ranges.h): with
// consecutive ids and outages only now and then, a handful of ranges per market.
//
// Also the trades only history delivered (history-only, sim_server.h), for the daemon's
// late_trades checks. For that it keeps the trades not streamed when they were made while
// they can still be served (retained): a short list, as only outages produce them.
// Server thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "core/id_ranges.h"
#include "feeds/sim/server/sim_server.h"

namespace mm::sim {

class TradeDelivery {
 public:
  // max_history_only: bound of each market's history-only list.
  TradeDelivery(size_t market_count, size_t max_history_only);

  // A trade just made whose trade or orderFill frame was queued to some session.
  void streamed(uint32_t market, uint64_t id);
  // A trade just made that no session got; oldest_retained: the oldest id the history
  // still serves (older unstreamed trades can no longer become history-only).
  void unstreamed(uint32_t market, const HistoryOnlyTrade& trade, uint64_t oldest_retained);
  // `id` was listed in a history body that was sent.
  void served(uint32_t market, uint64_t id);

  uint64_t delivered(uint32_t market) const { return markets_[market].delivered.size(); }
  const std::vector<HistoryOnlyTrade>& history_only(uint32_t market) const { return markets_[market].history_only; }
  uint64_t history_only_untracked(uint32_t market) const { return markets_[market].untracked; }

 private:
  struct Unstreamed {
    HistoryOnlyTrade trade;
    bool served = false;
  };
  struct Market {
    IdRanges delivered;
    std::deque<Unstreamed> unstreamed;  // still retained, by id
    std::vector<HistoryOnlyTrade> history_only;
    uint64_t untracked = 0;
  };

  size_t max_history_only_;
  std::vector<Market> markets_;
};

}  // namespace mm::sim
