// Small pieces of the simulator's REST side, kept apart for testing: request targets,
// query strings, the /api/v1/markets body, order ids listed in an open-orders body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/sim/sim_types.h"

namespace mm::sim {

struct Target {
  std::string_view path, query;  // "/api/v1/depth", "symbol=SOL_USDC"
};
Target split_target(std::string_view target);

// "a=1&b=x%2Fy" -> {{"a","1"},{"b","x/y"}}; nullopt-like false on a bad %-escape.
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

// REST /api/v1/markets: symbol, baseSymbol, quoteSymbol, marketType (PERP for a "_PERP"
// suffix, else SPOT), filters.price.tickSize, filters.quantity.stepSize, orderBookState.
std::string markets_json(const std::vector<SimMarket>& markets);

// The "id" of every order in a REST /api/v1/orders body written by the exchange.
std::vector<uint64_t> listed_order_ids(std::string_view open_orders_body);

}  // namespace mm::sim
