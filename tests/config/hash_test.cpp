// config_hash: same for equivalent files, different for any scoring change.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "test_util.h"

using namespace mm;
using mm::test::kTwoCategories;
using mm::test::load_ok;
using mm::test::replaced;

namespace {

std::string hash_of(std::string_view toml) { return load_ok(toml).program.config_hash; }

// kTwoCategories written differently: comments, key order, entry order, explicit
// defaults, inline tables as standard tables, non-scoring sections and accounts.
constexpr std::string_view kSameProgramRewritten = R"(# the same program, shuffled
[[mms]]
joined = "2025-11"   # key order swapped
id = "alpha"
accounts = [ { name = "desk", api_key_file = "a.key", api_secret_file = "a.secret" } ]

[[markets]]
category = "spot"
symbol = "SOL_USDC"
quote = "USDC"

[[markets]]
symbol = "ETH_USDC_PERP"
category = "perp"
multiplier = 1.0
new = false

[[markets]]
symbol = "BTC_USDC_PERP"
category = "perp"

[[markets]]
symbol = "SOL_USDC_PERP"
category = "perp"

[[categories]]
tiers = [ { tier = 1, pool_usd = 400.00, markets = ["SOL_USDC"] } ]
pool_usd = 400
name = "spot"

[[categories]]
name = "perp"
pool_usd = 600
tiers = [ { markets = ["ETH_USDC_PERP"], pool_usd = 200, tier = 2 },
          { tier = 1, pool_usd = 400, markets = ["SOL_USDC_PERP", "BTC_USDC_PERP"] } ]

[feed]
ws_url = "ws://127.0.0.1:1"
max_trade_id_jump = 77

[journal]
enabled = false

[api]
listen = "0.0.0.0:9"

[simulator]
enabled = true

[snapshot]
interval = "1m"

[program.weights]
volume = 0.8
liquidity = 0.2

[program]
band_bps = 100
pool_usd = 1000.0
)";

}  // namespace

TEST_CASE("config_hash ignores comments, order and non-scoring sections", "[config][hash]") {
  const std::string reference = hash_of(kTwoCategories);
  CHECK(reference.size() == 64);
  CHECK(hash_of(kSameProgramRewritten) == reference);
}

TEST_CASE("config_hash changes with any scoring input", "[config][hash]") {
  const std::string reference = hash_of(kTwoCategories);
  const std::string eth_perp = "symbol = \"ETH_USDC_PERP\"\ncategory = \"perp\"";
  const std::string changed[] = {
      replaced(kTwoCategories, eth_perp, eth_perp + "\nmultiplier = 1.000000001"),
      replaced(kTwoCategories, eth_perp, eth_perp + "\nnew = true"),
      replaced(kTwoCategories, eth_perp, eth_perp + "\nfirst_trade = \"2026-02-10T12:00:00Z\""),
      replaced(kTwoCategories, "joined = \"2025-11\"", "joined = \"2025-12\""),
      replaced(kTwoCategories, "id = \"alpha\"", "id = \"alpha2\""),
      replaced(replaced(kTwoCategories, "pool_usd = 400, markets = [\"BTC", "pool_usd = 300, markets = [\"BTC"),
               "pool_usd = 200,", "pool_usd = 300,"),
      replaced(kTwoCategories, "pool_usd = 1000", "pool_usd = 1000\nband_bps = 101"),
      replaced(kTwoCategories, "pool_usd = 1000", "pool_usd = 1000\nweights = { volume = 0.7, liquidity = 0.3 }"),
      replaced(kTwoCategories, "pool_usd = 1000", "pool_usd = 1000\nredistribution = \"renormalize\""),
      replaced(kTwoCategories, "[[categories]]", "[snapshot]\nseed = 8\n\n[[categories]]"),
      replaced(kTwoCategories, "[[categories]]", "[snapshot]\njitter = false\n\n[[categories]]"),
      replaced(kTwoCategories, "[[categories]]", "[quotes]\nUSDC = 0.9999\n\n[[categories]]"),
      replaced(kTwoCategories, "pool_usd = 1000", "pool_usd = 1000\nexclude_self_trades = true"),
      replaced(kTwoCategories, "[[categories]]", "[risk]\ndense_interval = \"2s\"\n\n[[categories]]"),
      replaced(kTwoCategories, "[[categories]]", "[risk]\nflicker_margin = 0.2\n\n[[categories]]"),
      replaced(kTwoCategories, "[[categories]]",
               "[[fee_tiers]]\nname = \"MM5\"\nmin_share = 0.01\nmaker_fee_bps = 0\n\n[[categories]]"),
      // A market in no tier still counts for fee tiers.
      replaced(kTwoCategories, "[[mms]]", "[[markets]]\nsymbol = \"ETH_USDC\"\ncategory = \"spot\"\n\n[[mms]]"),
      // Moving a market between tiers.
      replaced(replaced(kTwoCategories, "[\"BTC_USDC_PERP\", \"SOL_USDC_PERP\"]", "[\"BTC_USDC_PERP\"]"),
               "[\"ETH_USDC_PERP\"]", "[\"ETH_USDC_PERP\", \"SOL_USDC_PERP\"]"),
  };
  std::vector<std::string> hashes{reference};
  for (const auto& text : changed) {
    const std::string h = hash_of(text);
    INFO(text);
    for (const auto& seen : hashes) CHECK(h != seen);
    hashes.push_back(h);
  }
}

TEST_CASE("the canonical text is readable and holds every scoring field", "[config][hash]") {
  const Program p = load_ok(kTwoCategories).program;
  const std::string text = canonical_program_text(p);
  CHECK_THAT(text, Catch::StartsWith("mmscore-config-hash v1\npool_cents=100000\n"));
  CHECK_THAT(text, Catch::Contains("market SOL_USDC_PERP category=perp quote=\"USDC\" usd_rate_e9=1000000000 "
                                   "multiplier_e9=1000000000 first_trade_us=none new=false reward_tier=1\n"));
  CHECK_THAT(text, Catch::Contains("tier perp 1 pool_cents=40000 markets=BTC_USDC_PERP,SOL_USDC_PERP\n"));
  CHECK_THAT(text, Catch::Contains("mm alpha joined=2025-11\n"));
  CHECK(compute_config_hash(p) == p.config_hash);
}

TEST_CASE("section 16's keys at their defaults leave the hash of an older config as it was", "[config][hash]") {
  const std::string reference = hash_of(kTwoCategories);
  const std::string defaults = replaced(
      replaced(kTwoCategories, "pool_usd = 1000", "pool_usd = 1000\nexclude_self_trades = false"), "[[categories]]",
      "[risk]\ndense_interval = \"1s\"\nflicker_margin = 0.10\n\n[[categories]]");
  CHECK(hash_of(defaults) == reference);
  const Settings s = load_ok(replaced(kTwoCategories, "[[categories]]",
                                      "[risk]\ndense_interval = \"500ms\"\nflicker_margin = 0.25\n\n[[categories]]"));
  CHECK(s.program.dense_interval == 500'000);
  CHECK(s.program.flicker_margin == 0.25);
  CHECK_THAT(mm::test::load_error(replaced(kTwoCategories, "[[categories]]", "[risk]\ndense_interval = \"50ms\"\n\n[[categories]]")),
             Catch::Contains("risk.dense_interval") && Catch::Contains("at least 100ms"));
  CHECK_THAT(mm::test::load_error(replaced(kTwoCategories, "[[categories]]", "[risk]\nflicker = 1\n\n[[categories]]")),
             Catch::Contains("risk.flicker"));
}
