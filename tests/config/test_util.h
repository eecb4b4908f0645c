// Helpers for the config tests: load from text, find the line a snippet sits on.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "config/config.h"

namespace mm::test {

// The smallest valid file: only the required sections.
inline constexpr std::string_view kMinimal = R"([[categories]]
name = "perp"
pool_usd = 300000
tiers = [ { tier = 1, pool_usd = 300000, markets = ["SOL_USDC_PERP"] } ]

[[markets]]
symbol = "SOL_USDC_PERP"
category = "perp"

[[mms]]
id = "alpha"
joined = "2025-11"
)";

// Two categories, two perp tiers, four markets: room for every cross-check.
inline constexpr std::string_view kTwoCategories = R"([program]
pool_usd = 1000

[[categories]]
name = "perp"
pool_usd = 600
tiers = [ { tier = 1, pool_usd = 400, markets = ["BTC_USDC_PERP", "SOL_USDC_PERP"] },
          { tier = 2, pool_usd = 200, markets = ["ETH_USDC_PERP"] } ]

[[categories]]
name = "spot"
pool_usd = 400
tiers = [ { tier = 1, pool_usd = 400, markets = ["SOL_USDC"] } ]

[[markets]]
symbol = "SOL_USDC_PERP"
category = "perp"

[[markets]]
symbol = "BTC_USDC_PERP"
category = "perp"

[[markets]]
symbol = "ETH_USDC_PERP"
category = "perp"

[[markets]]
symbol = "SOL_USDC"
category = "spot"

[[mms]]
id = "alpha"
joined = "2025-11"
)";

inline std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const size_t at = out.find(from);
  REQUIRE(at != std::string::npos);
  out.replace(at, from.size(), to);
  return out;
}

// 1-based line of the first occurrence of `needle`.
inline int line_of(std::string_view text, std::string_view needle) {
  const size_t at = text.find(needle);
  REQUIRE(at != std::string_view::npos);
  int line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
  return line;
}

inline Settings load_ok(std::string_view toml) {
  auto result = load_config_string(toml, "cfg.toml");
  if (!result) FAIL("unexpected error: " << result.message());
  return std::move(result).value();
}

inline std::string load_error(std::string_view toml) {
  auto result = load_config_string(toml, "cfg.toml");
  if (result) FAIL("loaded, but an error was expected");
  return result.message();
}

// The message starts with "cfg.toml:LINE:" and names `key` followed by ": ".
inline void check_error(std::string_view toml, int line, std::string_view key, std::string_view what) {
  const std::string message = load_error(toml);
  INFO(message);
  CHECK_THAT(message, Catch::StartsWith("cfg.toml:" + std::to_string(line) + ":"));
  CHECK_THAT(message, Catch::Contains(": " + std::string(key) + ": "));
  CHECK_THAT(message, Catch::Contains(std::string(what)));
}

// The error sits on the line of `needle` in `toml`.
inline void check_error_at(std::string_view toml, std::string_view needle, std::string_view key, std::string_view what) {
  check_error(toml, line_of(toml, needle), key, what);
}

}  // namespace mm::test
