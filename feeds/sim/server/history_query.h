// Query strings of the two REST history endpoints (BACKPACK.md "Endpoints"), checked like
// the exchange would: an error names the parameter and becomes a 400.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "feeds/net/url.h"
#include "feeds/sim/model/sim_types.h"
#include "feeds/sim/model/trade_history.h"

namespace mm::sim {

inline constexpr size_t kHistoryDefaultLimit = 100;
inline constexpr size_t kHistoryMaxLimit = 1000;

struct TradeHistoryQuery {
  uint32_t market = 0;
  size_t limit = kHistoryDefaultLimit, offset = 0;
};

// /api/v1/trades/history: `symbol` (required, a known market), `limit` (1..1000, default
// 100), `offset` (default 0). Other parameters are ignored.
Result<TradeHistoryQuery> parse_trade_history_query(const net::QueryParams& params,
                                                    const std::vector<SimMarket>& markets);

// /wapi/v1/history/fills of `account`: `symbol` (optional), `marketType` (SPOT or PERP,
// optional), `from`/`to` (ms, inclusive, optional), `fillType` (User, optional: every fill
// of the simulator is a user fill), `limit`, `offset` as above, `sortDirection` (Asc or
// Desc, default Desc). Other parameters are ignored.
Result<FillQuery> parse_fill_history_query(const net::QueryParams& params, uint32_t account,
                                           const std::vector<SimMarket>& markets);

}  // namespace mm::sim
