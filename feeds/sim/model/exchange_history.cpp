// SyntheticExchange: the REST history bodies (trade_history.h keeps the trades).
#include <algorithm>

#include "feeds/sim/model/history_json.h"
#include "feeds/sim/model/synthetic_exchange.h"

namespace mm::sim {

namespace {
// Bytes of one body element, for one reservation per page.
constexpr size_t kTradeJsonBytes = 128, kFillJsonBytes = 256;
}  // namespace

HistoryPage SyntheticExchange::trade_history(uint32_t market, size_t limit, size_t offset) const {
  HistoryPage page;
  const size_t retained = history_.retained(market);
  const size_t count = offset >= retained ? 0 : std::min(limit, retained - offset);
  page.body.reserve(2 + count * kTradeJsonBytes);
  page.trades.reserve(count);
  page.body.push_back('[');
  for (size_t k = offset; k < offset + count; ++k) {
    const uint64_t id = history_.newest_id(market) - k;
    if (k > offset) page.body.push_back(',');
    append_history_trade(page.body, markets_[market].text, id, history_.newest(market, k));
    page.trades.push_back({market, id});
  }
  page.body.push_back(']');
  return page;
}

HistoryPage SyntheticExchange::fill_history(const FillQuery& query) const {
  HistoryPage page;
  page.trades = history_.select_fills(query);
  page.body.reserve(2 + page.trades.size() * kFillJsonBytes);
  page.body.push_back('[');
  for (const TradeRef& ref : page.trades) {
    const SimTrade& t = *history_.find(ref.market, ref.id);
    if (page.body.size() > 1) page.body.push_back(',');
    const bool maker = t.maker_owner == int32_t(query.account);
    append_history_fill(page.body, markets_[ref.market].text, ref.id, t, maker, query.iso_timestamps);
  }
  page.body.push_back(']');
  return page;
}

}  // namespace mm::sim
