// Small pieces of the simulator's REST side, kept apart for testing: the /api/v1/markets
// body, order ids listed in an open-orders body. (Request targets and query strings:
// feeds/net/url.h.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

// REST /api/v1/markets: symbol, baseSymbol, quoteSymbol, marketType (PERP for a "_PERP"
// suffix, else SPOT), filters.price.tickSize, filters.quantity.stepSize, orderBookState.
std::string markets_json(const std::vector<SimMarket>& markets);

// The "id" of every order in a REST /api/v1/orders body written by the exchange.
std::vector<uint64_t> listed_order_ids(std::string_view open_orders_body);

}  // namespace mm::sim
