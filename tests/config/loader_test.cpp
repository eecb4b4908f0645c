// Loading valid files: the example, defaults, exact decimals, sorting, paths.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config/config.h"
#include "test_util.h"

using namespace mm;
using mm::test::kMinimal;
using mm::test::kTwoCategories;
using mm::test::load_error;
using mm::test::load_ok;
using mm::test::replaced;

namespace {

const std::string kExample = MMSCORE_SOURCE_DIR "/config/example.toml";

Settings load_example() {
  auto result = load_config_file(kExample);
  if (!result) FAIL(result.message());
  return std::move(result).value();
}

std::vector<std::string> tier_symbols(const Program& p, const TierSpec& tier) {
  std::vector<std::string> out;
  for (uint32_t i : tier.markets) out.push_back(p.markets[i].symbol);
  return out;
}

const CategorySpec& category(const Program& p, Category c) {
  for (const auto& spec : p.categories)
    if (spec.category == c) return spec;
  FAIL("category missing");
  throw;  // unreachable
}

// With [program] changed to `program` and the single category/tier pools set to `pool`.
std::string with_pool(std::string_view pool) {
  std::string text = "[program]\npool_usd = " + std::string(pool) + "\n\n" + std::string(kMinimal);
  text = replaced(text, "pool_usd = 300000\n", "pool_usd = " + std::string(pool) + "\n");
  return replaced(text, "pool_usd = 300000,", "pool_usd = " + std::string(pool) + ",");
}

}  // namespace

TEST_CASE("the example config loads with Backpack's public numbers", "[config]") {
  const Settings s = load_example();
  const Program& p = s.program;
  CHECK(s.path == kExample);
  CHECK(p.pool == 30'000'000);  // 300,000.00 USD in cents
  REQUIRE(p.categories.size() == 2);
  CHECK(p.categories[0].category == Category::perp);  // fixed order: perp, spot
  CHECK(category(p, Category::perp).pool == 20'000'000);
  CHECK(category(p, Category::spot).pool == 10'000'000);

  const CategorySpec& perp = category(p, Category::perp);
  REQUIRE(perp.tiers.size() == 3);
  CHECK(perp.tiers[0].tier == 1);
  CHECK(perp.tiers[0].pool == 7'000'000);
  CHECK(tier_symbols(p, perp.tiers[0]) == std::vector<std::string>{"BTC_USDC_PERP", "ETH_USDC_PERP", "SOL_USDC_PERP"});
  CHECK(perp.tiers[1].pool == 8'000'000);
  CHECK(perp.tiers[2].pool == 5'000'000);
  const CategorySpec& spot = category(p, Category::spot);
  CHECK(spot.tiers[0].pool + spot.tiers[1].pool + spot.tiers[2].pool == 10'000'000);

  // Markets sorted by symbol (byte order: upper case before lower case).
  REQUIRE(p.markets.size() == 27);
  for (size_t i = 1; i < p.markets.size(); ++i) CHECK(p.markets[i - 1].symbol < p.markets[i].symbol);
  const MarketSpec& sol = p.markets[*p.market_index("SOL_USDC_PERP")];
  CHECK(sol.category == Category::perp);
  CHECK(sol.quote == "USDC");
  CHECK(sol.usd_rate == 1'000'000'000);
  CHECK(sol.multiplier == 1'000'000'000);
  CHECK(sol.reward_tier == 1);
  CHECK(p.markets[*p.market_index("kPEPE_USDC_PERP")].reward_tier == 3);
  CHECK(p.markets[*p.market_index("MU.US_USDC_PERP")].multiplier == 2'000'000'000);
  CHECK(p.markets[*p.market_index("MU.US_USDC")].category == Category::spot);
  for (const auto& m : p.markets) CHECK(m.reward_tier != 0);  // every example market has a pool

  // Knobs at SCORING.md's defaults.
  CHECK(p.band_bps == 100);
  CHECK(p.weight_volume == 0.8);
  CHECK(p.min_avg_size_usd == 2000 * 1'000'000'000LL);
  CHECK(p.min_volume_score == 15'000'000);
  CHECK(p.min_allocation_share == 10'000'000);
  CHECK(p.snapshot_interval == 60 * kUsPerSecond);
  CHECK(p.snapshot_seed == 7);

  REQUIRE(p.fee_tiers.size() == 5);
  CHECK(p.fee_tiers.front().name == "MM5");
  CHECK(p.fee_tiers.front().min_share == 2'500'000);
  CHECK(p.fee_tiers.back().name == "MM1");
  CHECK(p.fee_tiers.back().maker_fee_bps == -1.0);
  CHECK(p.fee_tier("MM5") != nullptr);

  REQUIRE(p.mms.size() == 3);
  CHECK(p.mms[0].id == "alpha");
  CHECK(p.mms[0].joined == YearMonth{2025, 11});
  CHECK(p.mms[0].accounts == std::vector<std::string>{"main", "hedge"});
  CHECK(p.mm_index("charlie") == 2u);
  REQUIRE(s.accounts.size() == 3);
  REQUIRE(s.accounts[0].size() == 2);
  const std::string folder = MMSCORE_SOURCE_DIR "/config/";
  CHECK(s.accounts[0][0].api_key_file == folder + "keys/alpha-main.key");
  CHECK(s.accounts[0][1].api_secret_file == folder + "keys/alpha-hedge.secret");

  CHECK(s.feed.ws_url == "wss://ws.backpack.exchange");
  CHECK(s.feed.rest_url == "https://api.backpack.exchange");
  CHECK(s.journal.dir == folder + "journal");
  CHECK(s.report.dir == folder + "reports");
  CHECK_FALSE(s.simulator.enabled);

  CHECK(p.config_hash.size() == 64);
  CHECK(p.config_hash.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("summarize lists what an operator needs to check", "[config]") {
  const Settings s = load_example();
  const std::string text = summarize(s);
  CHECK_THAT(text, Catch::Contains("pool: 300000.00 USD, redistribution none"));
  CHECK_THAT(text, Catch::Contains("  perp: 200000.00 USD"));
  CHECK_THAT(text, Catch::Contains("    tier 1: 70000.00 USD, 3 markets: BTC_USDC_PERP ETH_USDC_PERP SOL_USDC_PERP"));
  CHECK_THAT(text, Catch::Contains("  SOL_USDC_PERP: perp, quote USDC (usd_rate 1), multiplier 1, tier 1"));
  CHECK_THAT(text, Catch::Contains("  MM1: min share 0.05, maker fee -1 bps"));
  CHECK_THAT(text, Catch::Contains("  alpha: joined 2025-11, accounts: main"));
  CHECK_THAT(text, Catch::Contains("snapshot: every 1m, jitter on, seed 7"));
  CHECK_THAT(text, Catch::Contains("config hash: " + s.program.config_hash));
}

TEST_CASE("omitted keys take the documented defaults", "[config]") {
  const Settings s = load_ok(kMinimal);
  const Program& p = s.program;
  CHECK(p.pool == 30'000'000);
  CHECK(p.redistribution == Redistribution::none);
  CHECK(p.band_bps == 100);
  CHECK(p.size_mode == SizeMode::min_side);
  CHECK(p.spread_mode == SpreadMode::weighted);
  CHECK(p.average_over == AverageOver::active);
  CHECK(p.min_side_notional_usd == 0);
  CHECK(p.active_days_rounding == DaysRounding::exact);
  CHECK(p.fee_holiday_tier == "MM5");  // no fee tiers: allowed, yields no tier
  CHECK(p.fee_tiers.empty());
  CHECK(p.weight_volume == 0.8);
  CHECK(p.weight_liquidity == 0.2);
  CHECK(p.min_avg_size_usd == 2'000'000'000'000);
  CHECK(p.min_volume_score == 15'000'000);
  CHECK(p.min_allocation_share == 10'000'000);
  CHECK(p.snapshot_interval == 60'000'000);
  CHECK(p.snapshot_jitter);
  CHECK(p.snapshot_seed == 7);

  REQUIRE(p.markets.size() == 1);
  const MarketSpec& m = p.markets[0];
  CHECK(m.quote == "USDC");
  CHECK(m.usd_rate == 1'000'000'000);
  CHECK(m.multiplier == 1'000'000'000);
  CHECK_FALSE(m.first_trade);
  CHECK_FALSE(m.is_new);
  CHECK(m.reward_tier == 1);

  REQUIRE(p.mms.size() == 1);
  CHECK(p.mms[0].accounts == std::vector<std::string>{"main"});
  REQUIRE(s.accounts.size() == 1);
  REQUIRE(s.accounts[0].size() == 1);
  CHECK(s.accounts[0][0].name == "main");
  CHECK(s.accounts[0][0].api_key_file.empty());
  CHECK(s.accounts[0][0].api_secret_file.empty());

  CHECK(s.feed.ws_url == "wss://ws.backpack.exchange");
  CHECK(s.feed.rest_url == "https://api.backpack.exchange");
  CHECK(s.feed.stale_after == 130'000'000);
  CHECK(s.feed.ca_file.empty());
  CHECK(s.feed.reconnect_min == 500'000);
  CHECK(s.feed.reconnect_max == 30'000'000);
  CHECK(s.feed.rest_timeout == 10'000'000);
  CHECK(s.feed.engine_spin_us == 0);
  CHECK(s.feed.engine_cpu == -1);
  CHECK(s.feed.window_ms == 5000);
  CHECK(s.feed.max_trade_id_jump == 1'000'000);
  CHECK(s.program.max_trade_id_jump == 1'000'000);
  CHECK(s.journal.enabled);
  CHECK(s.journal.dir == "journal");  // load_config_string: relative to the current dir
  CHECK(s.journal.rotate_every == 3'600'000'000);
  CHECK(s.journal.rotate_bytes == 1'073'741'824);
  CHECK(s.journal.fsync == "rotate");
  CHECK(s.journal.fsync_interval == 1'000'000);
  CHECK(s.report.dir == "reports");
  CHECK(s.api.listen == "127.0.0.1:8080");
  CHECK(s.api.tokens_file.empty());
  CHECK(s.api.push_interval == 1'000'000);
  CHECK(s.api.max_connections == 256);
  CHECK(s.api.max_connections_per_client == 32);
  CHECK(s.api.first_byte_timeout == 5'000'000);
  CHECK(s.api.auth_failures_per_minute == 20);
  CHECK(s.api.evidence_window == 86'400'000'000);
  CHECK_FALSE(s.simulator.enabled);
  CHECK(s.simulator.listen == "127.0.0.1:0");
  CHECK(s.simulator.seed == 1);
  CHECK_FALSE(s.simulator.tls);
  CHECK(s.simulator.faults.empty());
  CHECK(s.path == "cfg.toml");
}

TEST_CASE("every key can be set", "[config]") {
  const std::string text = std::string(R"([program]
redistribution = "renormalize"
band_bps = 250
size_mode = "mean_side"
spread_mode = "best"
average_over = "observed"
min_side_notional_usd = 12.5
active_days_rounding = "ceil"
fee_holiday_tier = "B"
weights = { volume = 0.7, liquidity = 0.3 }
eligibility = { min_avg_size_usd = 1500.25, min_volume_score = 0.02, min_allocation_share = 0 }

[snapshot]
interval = "500ms"
jitter = false
seed = 0

[[fee_tiers]]
name = "B"
min_share = 0
maker_fee_bps = 1

[[fee_tiers]]
name = "A"
min_share = 1
maker_fee_bps = -2.5

[feed]
ws_url = "ws://127.0.0.1:9000"
rest_url = "http://127.0.0.1:9001"
stale_after = "5s"
ca_file = "/etc/ssl/test.pem"
reconnect_min = "10ms"
reconnect_max = "1m"
rest_timeout = "2s"
window_ms = 60000
engine_spin_us = 200
engine_cpu = 1
max_trade_id_jump = 5000

[journal]
enabled = false
dir = "/var/lib/mmscore/journal"
rotate_every = "5m"
rotate_bytes = 1000
fsync = "interval"
fsync_interval = "250ms"

[report]
dir = "out"

[api]
listen = "[::1]:0"
tokens_file = "tokens"
push_interval = "2s"
max_connections = 1000
max_connections_per_client = 10
first_byte_timeout = "750ms"
auth_failures_per_minute = 0
evidence_window = "2h"

[simulator]
enabled = true
listen = "0.0.0.0:65535"
seed = 42
tls = true
faults = "drop@10s"
)") + std::string(kMinimal);
  const Settings s = load_ok(text);
  const Program& p = s.program;
  CHECK(p.redistribution == Redistribution::renormalize);
  CHECK(p.band_bps == 250);
  CHECK(p.size_mode == SizeMode::mean_side);
  CHECK(p.spread_mode == SpreadMode::best);
  CHECK(p.average_over == AverageOver::observed);
  CHECK(p.min_side_notional_usd == 12'500'000'000);
  CHECK(p.active_days_rounding == DaysRounding::ceil);
  CHECK(p.fee_holiday_tier == "B");
  CHECK(p.weight_volume == 0.7);
  CHECK(p.weight_liquidity == 0.3);
  CHECK(p.min_avg_size_usd == 1'500'250'000'000);
  CHECK(p.min_volume_score == 20'000'000);
  CHECK(p.min_allocation_share == 0);
  CHECK(p.snapshot_interval == 500'000);
  CHECK_FALSE(p.snapshot_jitter);
  CHECK(p.snapshot_seed == 0);
  REQUIRE(p.fee_tiers.size() == 2);
  CHECK(p.fee_tiers[1].min_share == 1'000'000'000);
  CHECK(p.fee_tiers[1].maker_fee_bps == -2.5);

  CHECK(s.feed.ws_url == "ws://127.0.0.1:9000");
  CHECK(s.feed.rest_url == "http://127.0.0.1:9001");
  CHECK(s.feed.stale_after == 5'000'000);
  CHECK(s.feed.ca_file == "/etc/ssl/test.pem");
  CHECK(s.feed.reconnect_min == 10'000);
  CHECK(s.feed.reconnect_max == 60'000'000);
  CHECK(s.feed.rest_timeout == 2'000'000);
  CHECK(s.feed.window_ms == 60000);
  CHECK(s.feed.engine_spin_us == 200);
  CHECK(s.feed.engine_cpu == 1);
  CHECK(s.feed.max_trade_id_jump == 5000);
  CHECK(s.program.max_trade_id_jump == 5000);  // the engine reads it from the Program
  CHECK_FALSE(s.journal.enabled);
  CHECK(s.journal.dir == "/var/lib/mmscore/journal");
  CHECK(s.journal.rotate_every == 300'000'000);
  CHECK(s.journal.rotate_bytes == 1000);
  CHECK(s.journal.fsync == "interval");
  CHECK(s.journal.fsync_interval == 250'000);
  CHECK(s.report.dir == "out");
  CHECK(s.api.listen == "[::1]:0");
  CHECK(s.api.tokens_file == "tokens");
  CHECK(s.api.push_interval == 2'000'000);
  CHECK(s.api.max_connections == 1000);
  CHECK(s.api.max_connections_per_client == 10);
  CHECK(s.api.first_byte_timeout == 750'000);
  CHECK(s.api.auth_failures_per_minute == 0);
  CHECK(s.api.evidence_window == 7'200'000'000);
  CHECK(s.simulator.enabled);
  CHECK(s.simulator.listen == "0.0.0.0:65535");
  CHECK(s.simulator.seed == 42);
  CHECK(s.simulator.tls);
  CHECK(s.simulator.faults == "drop@10s");
}

TEST_CASE("TOML numbers become the exact decimals written", "[config]") {
  SECTION("fractions and USD at 1e-9") {
    const Settings s = load_ok(std::string(R"([program]
min_side_notional_usd = 0.000000001
eligibility = { min_avg_size_usd = 2000, min_volume_score = 0.015, min_allocation_share = 0.123456789 }
[quotes]
EUR = 1.08
)") + replaced(kMinimal, "category = \"perp\"", "category = \"perp\"\nquote = \"EUR\"\nmultiplier = 1.1"));
    const Program& p = s.program;
    CHECK(p.min_side_notional_usd == 1);
    CHECK(p.min_avg_size_usd == 2000 * 1'000'000'000LL);
    CHECK(p.min_volume_score == 15'000'000);
    CHECK(p.min_allocation_share == 123'456'789);
    CHECK(p.markets[0].usd_rate == 1'080'000'000);
    CHECK(p.markets[0].multiplier == 1'100'000'000);
  }
  SECTION("pools in cents") {
    const Settings s = load_ok(with_pool("23333.33"));
    CHECK(s.program.pool == 2'333'333);
    CHECK(s.program.categories[0].pool == 2'333'333);
    CHECK(s.program.categories[0].tiers[0].pool == 2'333'333);
    CHECK(load_ok(with_pool("0.1")).program.pool == 10);
    CHECK(load_ok(with_pool("1e3")).program.pool == 100'000);
    CHECK(load_ok(with_pool("1_000_000")).program.pool == 100'000'000);
  }
  SECTION("more decimals than the scale are refused, never rounded") {
    const std::string pool_error = load_error(with_pool("23333.333"));
    CHECK_THAT(pool_error, Catch::StartsWith("cfg.toml:2:12: program.pool_usd: at most 2 decimals (cents)"));
    const std::string multiplier_error =
        load_error(replaced(kMinimal, "category = \"perp\"", "category = \"perp\"\nmultiplier = 1.0000000001"));
    CHECK_THAT(multiplier_error, Catch::StartsWith("cfg.toml:9:14: markets[0].multiplier: at most 9 decimals"));
  }
}

TEST_CASE("quote asset defaults from the symbol", "[config]") {
  const std::string text = replaced(kTwoCategories, R"([[mms]])", R"([quotes]
USDT = 0.999

[[markets]]
symbol = "MU.US_USDC_PERP"
category = "perp"

[[markets]]
symbol = "BTC_USDT"
category = "spot"

[[markets]]
symbol = "FOO"
category = "spot"
quote = "USDC"

[[mms]])");
  const Program p = load_ok(text).program;
  CHECK(p.markets[*p.market_index("MU.US_USDC_PERP")].quote == "USDC");
  CHECK(p.markets[*p.market_index("BTC_USDT")].quote == "USDT");
  CHECK(p.markets[*p.market_index("BTC_USDT")].usd_rate == 999'000'000);
  CHECK(p.markets[*p.market_index("SOL_USDC")].quote == "USDC");
  CHECK(p.markets[*p.market_index("FOO")].quote == "USDC");
  CHECK(p.markets[*p.market_index("FOO")].reward_tier == 0);  // in no tier: no pool
}

TEST_CASE("markets and mms are sorted, tiers point at the sorted positions", "[config]") {
  const std::string text = std::string(kTwoCategories) + R"(
[[mms]]
id = "Zed"
joined = "2026-01"
accounts = [ { name = "z1" } ]

[[mms]]
id = "beta"
joined = "2025-12"
accounts = [ { name = "b1", api_key_file = "b.key", api_secret_file = "b.secret" }, { name = "b2" } ]
)";
  const Settings s = load_ok(text);
  const Program& p = s.program;
  REQUIRE(p.markets.size() == 4);
  CHECK(p.markets[0].symbol == "BTC_USDC_PERP");
  CHECK(p.markets[1].symbol == "ETH_USDC_PERP");
  CHECK(p.markets[2].symbol == "SOL_USDC");
  CHECK(p.markets[3].symbol == "SOL_USDC_PERP");
  CHECK(p.market_index("SOL_USDC_PERP") == 3u);

  const CategorySpec& perp = p.categories[0];
  REQUIRE(perp.category == Category::perp);
  CHECK(perp.tiers[0].markets == std::vector<uint32_t>{0, 3});
  CHECK(perp.tiers[1].markets == std::vector<uint32_t>{1});
  CHECK(p.categories[1].tiers[0].markets == std::vector<uint32_t>{2});
  CHECK(p.markets[0].reward_tier == 1);
  CHECK(p.markets[1].reward_tier == 2);

  REQUIRE(p.mms.size() == 3);
  CHECK(p.mms[0].id == "Zed");  // byte order
  CHECK(p.mms[1].id == "alpha");
  CHECK(p.mms[2].id == "beta");
  CHECK(p.mms[2].joined == YearMonth{2025, 12});
  CHECK(p.mms[2].accounts == std::vector<std::string>{"b1", "b2"});
  REQUIRE(s.accounts.size() == 3);
  CHECK(s.accounts[0][0].name == "z1");
  CHECK(s.accounts[1][0].name == "main");
  CHECK(s.accounts[2][0].api_key_file == "b.key");
  CHECK(s.accounts[2][1].api_key_file.empty());
  CHECK(p.account_index(2, "b2") == 1u);
}

TEST_CASE("first_trade as a string or a TOML date-time, new markets", "[config]") {
  const std::string text = replaced(kTwoCategories, "symbol = \"BTC_USDC_PERP\"\ncategory = \"perp\"",
                                    "symbol = \"BTC_USDC_PERP\"\ncategory = \"perp\"\nfirst_trade = \"2026-02-10T12:00:00Z\"");
  const std::string text2 = replaced(text, "symbol = \"ETH_USDC_PERP\"\ncategory = \"perp\"",
                                     "symbol = \"ETH_USDC_PERP\"\ncategory = \"perp\"\nfirst_trade = 2026-02-10T12:00:00.5Z");
  const std::string text3 = replaced(text2, "symbol = \"SOL_USDC\"\ncategory = \"spot\"",
                                     "symbol = \"SOL_USDC\"\ncategory = \"spot\"\nnew = true");
  const Program p = load_ok(text3).program;
  const TimeUs expected = *parse_rfc3339("2026-02-10T12:00:00Z");
  CHECK(p.markets[*p.market_index("BTC_USDC_PERP")].first_trade == expected);
  CHECK(p.markets[*p.market_index("ETH_USDC_PERP")].first_trade == expected + 500'000);
  CHECK(p.markets[*p.market_index("SOL_USDC")].is_new);
  CHECK_FALSE(p.markets[*p.market_index("SOL_USDC")].first_trade);
}

TEST_CASE("paths are resolved against the config file's folder", "[config]") {
  const auto dir = std::filesystem::temp_directory_path() / ("mmscore_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sub");
  const auto file = dir / "sub" / "cfg.toml";
  {
    std::ofstream out(file);
    out << R"([journal]
dir = "data/journal"
[report]
dir = "/abs/reports"
[api]
tokens_file = "../tokens"
[feed]
ca_file = "ca.pem"
)" << replaced(kMinimal, "joined = \"2025-11\"",
               "joined = \"2025-11\"\naccounts = [ { name = \"m\", api_key_file = \"k/a.key\", api_secret_file = \"/s\" } ]");
  }
  auto result = load_config_file(file.string());
  std::filesystem::remove_all(dir);
  REQUIRE(result);
  const Settings& s = *result;
  const std::string sub = (dir / "sub").string();
  CHECK(s.path == file.string());
  CHECK(s.journal.dir == sub + "/data/journal");
  CHECK(s.report.dir == "/abs/reports");
  CHECK(s.api.tokens_file == dir.string() + "/tokens");
  CHECK(s.feed.ca_file == sub + "/ca.pem");
  CHECK(s.accounts[0][0].api_key_file == sub + "/k/a.key");
  CHECK(s.accounts[0][0].api_secret_file == "/s");
}

TEST_CASE("an unreadable file is reported with the system's reason", "[config]") {
  auto result = load_config_file("/nonexistent/mmscore.toml");
  REQUIRE_FALSE(result);
  CHECK(result.message() == "/nonexistent/mmscore.toml: cannot read: No such file or directory");

  auto dir_result = load_config_file("/");
  REQUIRE_FALSE(dir_result);
  CHECK(dir_result.message() == "/: cannot read: Is a directory");
}
