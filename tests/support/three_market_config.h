// The program of the live, backfill and crash tests against the simulator, as TOML: one
// perp and two spot markets, a 500 ms snapshot interval. Tests append their [[mms]], or
// take three_market_config(ids).
#pragma once

#include <initializer_list>
#include <string>

namespace test_support {

inline constexpr const char* kThreeMarketProgram = R"(
[program]
pool_usd = 300000
[snapshot]
interval = "500ms"
[[categories]]
name = "perp"
pool_usd = 200000
tiers = [ { tier = 1, pool_usd = 200000, markets = ["BTC_USDC_PERP"] } ]
[[categories]]
name = "spot"
pool_usd = 100000
tiers = [ { tier = 1, pool_usd = 100000, markets = ["SOL_USDC", "ETH_USDC"] } ]
[[markets]]
symbol = "BTC_USDC_PERP"
category = "perp"
[[markets]]
symbol = "SOL_USDC"
category = "spot"
[[markets]]
symbol = "ETH_USDC"
category = "spot"
)";

// The program above with these MMs (joined 2025-01, one account each).
inline std::string three_market_config(std::initializer_list<const char*> mm_ids) {
  std::string text = kThreeMarketProgram;
  for (const char* id : mm_ids) text += std::string("[[mms]]\nid = \"") + id + "\"\njoined = \"2025-01\"\n";
  return text;
}

}  // namespace test_support
