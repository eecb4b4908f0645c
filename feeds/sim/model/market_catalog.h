// Realistic markets for simulations: real Backpack symbols with their tick and step sizes
// (rest_markets.json, September 2026) and round-about prices.
#pragma once

#include <cstddef>
#include <vector>

#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

// The first `count` markets of the catalog (about 100 real ones, spot and perp mixed);
// beyond that, synthetic "SIM<n>_USDC" markets. Symbols are unique.
std::vector<SimMarket> catalog_markets(size_t count);

// Builds a SimMarket from exchange-style strings, e.g. ("SOL_USDC", "98.90", "0.01", "0.01").
// Throws std::invalid_argument when a number is not a valid price or quantity.
SimMarket make_sim_market(std::string symbol, const char* price, const char* tick, const char* step);

}  // namespace mm::sim
