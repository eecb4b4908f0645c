// JSON of the REST history bodies (BACKPACK.md "Endpoints"; the trade objects field for
// field as data/backpack/rest_trades_SOL_USDC.json): keys sorted, REST-style (trimmed)
// numbers, timestamps in ms. Appends to a reused buffer.
#pragma once

#include <cstdint>
#include <string>

#include "feeds/sim/model/frame_json.h"
#include "feeds/sim/model/trade_history.h"

namespace mm::sim {

// {"id":..,"isBuyerMaker":..,"price":"..","quantity":"..","quoteQuantity":"..","timestamp":<ms>}
void append_history_trade(std::string& out, const MarketText& m, uint64_t id, const SimTrade& t);

// One fill of the trade's maker (`maker`) or taker side: {"clientId":null,"fee":..,
// "feeSymbol":..,"isMaker":..,"orderId":"<digits>","price":..,"quantity":..,"side":"Bid"|"Ask",
// "symbol":..,"systemOrderType":null,"timestamp":<ms or ISO>,"tradeId":..}. The fee is the
// orderFill's `n`: "0" for the maker, 10 bps of the notional for the taker.
void append_history_fill(std::string& out, const MarketText& m, uint64_t trade_id, const SimTrade& t, bool maker,
                         bool iso_timestamp);

}  // namespace mm::sim
