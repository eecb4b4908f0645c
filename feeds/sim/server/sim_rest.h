// Small pieces of the simulator's REST side, kept apart for testing: error bodies, the
// /api/v1/markets body, order ids listed in an open-orders body. (Request targets and query strings:
// feeds/net/url.h.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

// {"code":"<code>","message":"<message>"}; the message is written as given (no quotes in it).
std::string error_body(std::string_view code, std::string_view message);
std::string invalid_request(std::string_view message);  // 400: INVALID_CLIENT_REQUEST
std::string unauthorized(std::string_view why);          // 401: "Invalid signature: <why>"

// REST /api/v1/markets: symbol, baseSymbol, quoteSymbol, marketType (PERP for a "_PERP"
// suffix, else SPOT), filters.price.tickSize, filters.quantity.stepSize, orderBookState.
std::string markets_json(const std::vector<SimMarket>& markets);

// The "id" of every order in a REST /api/v1/orders body written by the exchange.
std::vector<uint64_t> listed_order_ids(std::string_view open_orders_body);

}  // namespace mm::sim
