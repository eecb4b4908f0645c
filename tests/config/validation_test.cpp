// Every rejected config names the file, the line and the key (SCORING.md sections 7, 12).
#include <catch2/catch.hpp>

#include "config/config.h"
#include "test_util.h"

using namespace mm;
using mm::test::check_error;
using mm::test::check_error_at;
using mm::test::kMinimal;
using mm::test::kTwoCategories;
using mm::test::load_error;
using mm::test::load_ok;
using mm::test::replaced;

namespace {

// kMinimal with `section` (TOML text) put in front.
std::string with_prefix(std::string_view section) { return std::string(section) + "\n" + std::string(kMinimal); }

// kMinimal with lines added to the only [[markets]] table.
std::string with_market_keys(std::string_view keys) {
  return replaced(kMinimal, "category = \"perp\"\n", "category = \"perp\"\n" + std::string(keys));
}

}  // namespace

TEST_CASE("TOML syntax errors carry the parser's position and description", "[config][validation]") {
  const std::string message = load_error("[program]\npool_usd = 300000\nband_bps = [1,\n");
  CHECK_THAT(message, Catch::StartsWith("cfg.toml:3:16: Error while parsing array"));
  CHECK_THAT(message, Catch::Contains("Error while parsing"));

  const std::string duplicate = load_error("[program]\nband_bps = 1\nband_bps = 2\n");
  CHECK_THAT(duplicate, Catch::StartsWith("cfg.toml:3:"));
  CHECK_THAT(duplicate, Catch::Contains("band_bps"));
}

TEST_CASE("pools must add up", "[config][validation]") {
  SECTION("category pools vs program.pool_usd") {
    const std::string text = replaced(kTwoCategories, "pool_usd = 1000", "pool_usd = 1000.01");
    check_error_at(text, "[[categories]]", "categories",
                   "category pools sum to 1000.00 USD but program.pool_usd is 1000.01 USD");
  }
  SECTION("the default program pool of 300,000 applies when [program] is silent") {
    const std::string text = replaced(kMinimal, "pool_usd = 300000\n", "pool_usd = 299999.99\n");
    check_error(replaced(text, "pool_usd = 300000,", "pool_usd = 299999.99,"), 1, "categories",
                "program.pool_usd is 300000.00 USD");
  }
  SECTION("tier pools vs the category pool") {
    const std::string text = replaced(kTwoCategories, "pool_usd = 200,", "pool_usd = 199.99,");
    check_error_at(text, "tiers = [ { tier = 1, pool_usd = 400, markets = [\"BTC", "categories[0].tiers",
                   "tier pools sum to 599.99 USD but categories[0].pool_usd is 600.00 USD");
  }
  SECTION("an empty categories array funds nothing") {
    check_error(replaced(kMinimal, "[[categories]]\nname = \"perp\"\npool_usd = 300000\n"
                                   "tiers = [ { tier = 1, pool_usd = 300000, markets = [\"SOL_USDC_PERP\"] } ]\n",
                         "categories = []\n"),
                1, "categories", "category pools sum to 0.00 USD");
  }
}

TEST_CASE("tiers must name known markets of their category, each once", "[config][validation]") {
  SECTION("a market in two tiers") {
    const std::string text = replaced(kTwoCategories, R"(markets = ["ETH_USDC_PERP"])",
                                      R"(markets = ["ETH_USDC_PERP", "SOL_USDC_PERP"])");
    check_error_at(text, R"("ETH_USDC_PERP", "SOL_USDC_PERP")", "categories[0].tiers[1].markets[1]",
                   "market \"SOL_USDC_PERP\" is already in categories[0].tiers[0]");
  }
  SECTION("a market twice in one tier") {
    const std::string text = replaced(kTwoCategories, R"(markets = ["ETH_USDC_PERP"])",
                                      R"(markets = ["ETH_USDC_PERP", "ETH_USDC_PERP"])");
    check_error_at(text, R"("ETH_USDC_PERP", "ETH_USDC_PERP")", "categories[0].tiers[1].markets[1]",
                   "is already in categories[0].tiers[1]");
  }
  SECTION("an unknown market") {
    const std::string text = replaced(kTwoCategories, R"(markets = ["ETH_USDC_PERP"])", R"(markets = ["NOPE_USDC_PERP"])");
    check_error_at(text, "NOPE", "categories[0].tiers[1].markets[0]", "unknown market \"NOPE_USDC_PERP\"");
  }
  SECTION("a market of the other category") {
    const std::string text = replaced(kTwoCategories, R"(markets = ["SOL_USDC"])", R"(markets = ["ETH_USDC_PERP"])");
    check_error(text, 13, "categories[1].tiers[0].markets[0]", "is a perp market, not spot");
  }
  SECTION("duplicate tier numbers") {
    const std::string text = replaced(kTwoCategories, "{ tier = 2,", "{ tier = 1,");
    check_error(text, 8, "categories[0].tiers[1].tier", "duplicate tier 1 (also categories[0].tiers[0])");
  }
  SECTION("tier numbers start at 1") {
    check_error(replaced(kTwoCategories, "{ tier = 2,", "{ tier = 0,"), 8, "categories[0].tiers[1].tier",
                "must be between 1 and 99");
  }
  SECTION("a tier with a pool needs markets") {
    check_error(replaced(kTwoCategories, R"(markets = ["ETH_USDC_PERP"])", "markets = []"), 8,
                "categories[0].tiers[1].markets", "a tier with a pool needs at least one market");
  }
  SECTION("tier keys are required") {
    check_error(replaced(kTwoCategories, R"(, markets = ["ETH_USDC_PERP"])", ""), 8, "categories[0].tiers[1].markets",
                "missing required key");
  }
}

TEST_CASE("categories are perp or spot, once each", "[config][validation]") {
  SECTION("duplicate category") {
    const std::string text = replaced(kTwoCategories, "name = \"spot\"", "name = \"perp\"");
    check_error(text, 11, "categories[1].name", "duplicate category \"perp\" (also categories[0])");
  }
  SECTION("unknown category name") {
    check_error(replaced(kTwoCategories, "name = \"spot\"", "name = \"futures\""), 11, "categories[1].name",
                "must be one of \"perp\", \"spot\", not \"futures\"");
  }
  SECTION("missing pool") {
    check_error(replaced(kTwoCategories, "pool_usd = 400\n", ""), 10, "categories[1].pool_usd", "missing required key");
  }
  SECTION("negative pool") {
    check_error(replaced(kTwoCategories, "pool_usd = 400\n", "pool_usd = -400\n"), 12, "categories[1].pool_usd",
                "must be >= 0, not -400");
  }
}

TEST_CASE("categories, markets and mms are required, markets and mms non-empty", "[config][validation]") {
  const std::string no_mms = replaced(kMinimal, "[[mms]]\nid = \"alpha\"\njoined = \"2025-11\"\n", "");
  check_error(no_mms, 1, "mms", "missing required key");
  check_error("mms = []\n" + no_mms, 1, "mms", "must list at least one market maker");

  const std::string no_markets = replaced(kMinimal, "[[markets]]\nsymbol = \"SOL_USDC_PERP\"\ncategory = \"perp\"\n", "");
  check_error(no_markets, 1, "markets", "missing required key");
  check_error("markets = []\n" + no_markets, 1, "markets", "must list at least one market");

  const std::string no_categories =
      replaced(kMinimal, "[[categories]]\nname = \"perp\"\npool_usd = 300000\n"
                         "tiers = [ { tier = 1, pool_usd = 300000, markets = [\"SOL_USDC_PERP\"] } ]\n", "");
  check_error(no_categories, 1, "categories", "missing required key");
}

TEST_CASE("unknown keys are rejected at every level", "[config][validation]") {
  check_error(with_prefix("[server]\nport = 1"), 1, "server", "unknown key");
  check_error(with_prefix("[program]\npool = 300000"), 2, "program.pool", "unknown key (expected one of:");
  check_error(with_prefix("[program]\nweights = { volume = 0.8, liquidity = 0.2, depth = 0 }"), 2,
              "program.weights.depth", "unknown key");
  check_error(with_prefix("[program]\neligibility = { min_avg_size = 2000 }"), 2, "program.eligibility.min_avg_size",
              "unknown key");
  check_error(with_prefix("[snapshot]\nintervall = \"60s\""), 2, "snapshot.intervall", "unknown key");
  check_error(with_prefix("[feed]\nurl = \"wss://x\""), 2, "feed.url", "unknown key");
  check_error(with_prefix("[journal]\nfsynk = \"never\""), 2, "journal.fsynk", "unknown key");
  check_error(with_prefix("[report]\ndirectory = \"r\""), 2, "report.directory", "unknown key");
  check_error(with_prefix("[api]\nport = 1"), 2, "api.port", "unknown key");
  check_error(with_prefix("[simulator]\nfault = \"\""), 2, "simulator.fault", "unknown key");
  check_error(with_prefix("[[fee_tiers]]\nname = \"MM5\"\nmin_share = 0\nmaker_fee_bps = 0\nrebate = 1"), 5,
              "fee_tiers[0].rebate", "unknown key");
  check_error(with_market_keys("multipler = 1.5\n"), 9, "markets[0].multipler", "unknown key");
  check_error(replaced(kMinimal, "markets = [\"SOL_USDC_PERP\"] }", "markets = [\"SOL_USDC_PERP\"], weight = 1 }"), 4,
              "categories[0].tiers[0].weight", "unknown key");
  check_error(replaced(kMinimal, "pool_usd = 300000\n", "pool_usd = 300000\ncolor = \"red\"\n"), 4,
              "categories[0].color", "unknown key");
  check_error(kMinimal.data() + std::string("active = true\n"), 13, "mms[0].active", "unknown key");
  check_error(kMinimal.data() + std::string("accounts = [ { name = \"main\", key = \"k\" } ]\n"), 13,
              "mms[0].accounts[0].key", "unknown key");
  // The first unknown key in file order is named, whatever the table's internal order.
  check_error(with_prefix("[program]\nzz = 1\naa = 2"), 2, "program.zz", "unknown key");
}

TEST_CASE("wrong types are rejected", "[config][validation]") {
  check_error(with_prefix("[program]\npool_usd = \"300000\""), 2, "program.pool_usd", "must be a number, not a string");
  check_error(with_prefix("[program]\nband_bps = 100.5"), 2, "program.band_bps", "must be an integer, not a float");
  check_error(with_prefix("[program]\nweights = 0.8"), 2, "program.weights", "must be a table, not a float");
  check_error(with_prefix("[program]\nredistribution = 1"), 2, "program.redistribution", "must be a string");
  check_error(with_prefix("[snapshot]\njitter = \"yes\""), 2, "snapshot.jitter", "must be a boolean");
  check_error(with_prefix("[snapshot]\ninterval = 60"), 2, "snapshot.interval", "must be a duration string");
  check_error(with_prefix("program = 1"), 1, "program", "must be a table, not an integer");
  check_error(with_prefix("[journal]\nrotate_bytes = \"1G\""), 2, "journal.rotate_bytes", "must be an integer");
  check_error(replaced(kMinimal, "symbol = \"SOL_USDC_PERP\"", "symbol = 5"), 7, "markets[0].symbol",
              "must be a string, not an integer");
  check_error(replaced(kMinimal, "tiers = [", "tiers = 1 #"), 4, "categories[0].tiers", "must be an array");
  check_error(replaced(kMinimal, "markets = [\"SOL_USDC_PERP\"]", "markets = [1]"), 4,
              "categories[0].tiers[0].markets[0]", "must be a string");
  check_error("markets = [\"SOL_USDC_PERP\"]\n" +
                  replaced(kMinimal, "[[markets]]\nsymbol = \"SOL_USDC_PERP\"\ncategory = \"perp\"\n", ""),
              1, "markets[0]", "must be a table, not a string");
  check_error(kMinimal.data() + std::string("accounts = \"main\"\n"), 13, "mms[0].accounts", "must be an array");
}

TEST_CASE("values out of range are rejected", "[config][validation]") {
  check_error(with_prefix("[program]\nband_bps = 0"), 2, "program.band_bps", "must be between 1 and 10000, not 0");
  check_error(with_prefix("[program]\nband_bps = 10001"), 2, "program.band_bps", "must be between 1 and 10000");
  check_error(with_prefix("[program]\nredistribution = \"all\""), 2, "program.redistribution",
              "must be one of \"none\", \"renormalize\", not \"all\"");
  check_error(with_prefix("[program]\nsize_mode = \"max\""), 2, "program.size_mode", "must be one of");
  check_error(with_prefix("[program]\nspread_mode = \"mid\""), 2, "program.spread_mode", "must be one of");
  check_error(with_prefix("[program]\naverage_over = \"all\""), 2, "program.average_over", "must be one of");
  check_error(with_prefix("[program]\nactive_days_rounding = \"floor\""), 2, "program.active_days_rounding",
              "must be one of \"exact\", \"ceil\"");
  check_error(with_prefix("[program]\nmin_side_notional_usd = -1"), 2, "program.min_side_notional_usd", "must be >= 0");
  check_error(with_prefix("[program]\npool_usd = 0"), 2, "program.pool_usd", "must be > 0");
  check_error(with_prefix("[program]\nfee_holiday_tier = \"\""), 2, "program.fee_holiday_tier", "must not be empty");
  check_error(with_prefix("[program]\nweights = { volume = 1.2, liquidity = -0.2 }"), 2, "program.weights.volume",
              "must be between 0 and 1");
  check_error(with_prefix("[program]\nweights = { volume = 0.7 }"), 2, "program.weights",
              "volume + liquidity must sum to 1, not 0.8999");
  check_error(with_prefix("[program]\n\n\neligibility = { min_volume_score = 1.5 }"), 4,
              "program.eligibility.min_volume_score", "must be between 0 and 1, not 1.5");
  check_error(with_prefix("[program]\neligibility = { min_allocation_share = -0.01 }"), 2,
              "program.eligibility.min_allocation_share", "must be between 0 and 1");
  check_error(with_prefix("[program]\neligibility = { min_avg_size_usd = nan }"), 2,
              "program.eligibility.min_avg_size_usd", "must be a finite number");
  check_error(with_prefix("[snapshot]\ninterval = \"60\""), 2, "snapshot.interval", "must be a duration");
  check_error(with_prefix("[snapshot]\ninterval = \"0s\""), 2, "snapshot.interval", "must be a duration");
  check_error(with_prefix("[snapshot]\nseed = -1"), 2, "snapshot.seed", "must be >= 0, not -1");
  check_error(with_prefix("[quotes]\nUSDC = 0"), 2, "quotes.USDC", "must be > 0");
  check_error(with_prefix("[feed]\nwindow_ms = 60001"), 2, "feed.window_ms", "must be between 1 and 60000");
  check_error(with_prefix("[feed]\nwindow_ms = 0"), 2, "feed.window_ms", "must be between 1 and 60000");
  check_error(with_prefix("[feed]\nws_url = \"https://ws.backpack.exchange\""), 2, "feed.ws_url",
              "must start with wss:// or ws://");
  check_error(with_prefix("[feed]\nrest_url = \"api.backpack.exchange\""), 2, "feed.rest_url", "must start with https://");
  check_error(with_prefix("[feed]\nreconnect_min = \"1s\"\nreconnect_max = \"500ms\""), 3, "feed.reconnect_max",
              "must not be shorter than feed.reconnect_min");
  check_error(with_prefix("[feed]\nreconnect_min = \"1m\""), 2, "feed.reconnect_min", "must not be longer");
  check_error(with_prefix("[feed]\nstale_after = \"soon\""), 2, "feed.stale_after", "must be a duration");
  check_error(with_prefix("[feed]\nengine_spin_us = 20000"), 2, "feed.engine_spin_us", "must be between 0 and 10000, not 20000");
  check_error(with_prefix("[feed]\nengine_spin_us = -1"), 2, "feed.engine_spin_us", "must be between 0 and 10000, not -1");
  check_error(with_prefix("[feed]\nengine_cpu = -2"), 2, "feed.engine_cpu", "must be between -1 and 1023, not -2");
  check_error(with_prefix("[feed]\nengine_cpu = 1024"), 2, "feed.engine_cpu", "must be between -1 and 1023, not 1024");
  check_error(with_prefix("[feed]\nmax_trade_id_jump = 0"), 2, "feed.max_trade_id_jump", "must be >= 1, not 0");
  check_error(with_prefix("[api]\nmax_connections = 0"), 2, "api.max_connections", "must be between 1 and 100000, not 0");
  check_error(with_prefix("[api]\nmax_connections_per_client = 100001"), 2, "api.max_connections_per_client",
              "must be between 1 and 100000");
  check_error(with_prefix("[api]\nmax_connections = 10\nmax_connections_per_client = 11"), 3,
              "api.max_connections_per_client", "(11) must not exceed api.max_connections (10)");
  check_error(with_prefix("[api]\nmax_connections = 10"), 2, "api.max_connections",
              "api.max_connections_per_client (32) must not exceed api.max_connections (10)");
  check_error(with_prefix("[api]\nfirst_byte_timeout = \"50ms\""), 2, "api.first_byte_timeout",
              "must be between 100ms and 300s");
  check_error(with_prefix("[api]\nevidence_window = \"745h\""), 2, "api.evidence_window", "must be at most 31 days");
  check_error(with_prefix("[api]\nfirst_byte_timeout = \"301s\""), 2, "api.first_byte_timeout",
              "must be between 100ms and 300s");
  check_error(with_prefix("[api]\nauth_failures_per_minute = -1"), 2, "api.auth_failures_per_minute",
              "must be between 0 and 100000, not -1");
  check_error(with_prefix("[journal]\nfsync = \"always\""), 2, "journal.fsync",
              "must be one of \"rotate\", \"interval\", \"never\"");
  check_error(with_prefix("[journal]\nrotate_bytes = 0"), 2, "journal.rotate_bytes", "must be >= 1");
  check_error(with_prefix("[journal]\ndir = \"\""), 2, "journal.dir", "must not be empty");
  check_error(with_prefix("[report]\ndir = \"\""), 2, "report.dir", "must not be empty");
  check_error(with_prefix("[api]\nlisten = \"localhost\""), 2, "api.listen", "must be HOST:PORT");
  check_error(with_prefix("[api]\nlisten = \":8080\""), 2, "api.listen", "must be HOST:PORT");
  check_error(with_prefix("[api]\nlisten = \"127.0.0.1:65536\""), 2, "api.listen", "must be HOST:PORT");
  check_error(with_prefix("[api]\nlisten = \"::1:80\""), 2, "api.listen", "must be HOST:PORT");
  check_error(with_prefix("[simulator]\nlisten = \"127.0.0.1:x\""), 2, "simulator.listen", "must be HOST:PORT");
  check_error(with_prefix("[simulator]\nseed = -5"), 2, "simulator.seed", "must be >= 0");
}

TEST_CASE("more decimals than the target scale name the key", "[config][validation]") {
  check_error(with_prefix("[program]\npool_usd = 300000.001"), 2, "program.pool_usd", "at most 2 decimals (cents)");
  check_error(replaced(kMinimal, "pool_usd = 300000,", "pool_usd = 300000.001,"), 4, "categories[0].tiers[0].pool_usd",
              "at most 2 decimals (cents)");
  check_error(with_prefix("[program]\neligibility = { min_volume_score = 0.0000000001 }"), 2,
              "program.eligibility.min_volume_score", "at most 9 decimals");
  check_error(with_prefix("[quotes]\nEUR = 1.0800000001"), 2, "quotes.EUR", "at most 9 decimals");
}

TEST_CASE("markets are validated", "[config][validation]") {
  SECTION("duplicate symbol") {
    const std::string text = replaced(kTwoCategories, "symbol = \"SOL_USDC\"", "symbol = \"BTC_USDC_PERP\"");
    check_error_at(text, "symbol = \"BTC_USDC_PERP\"\ncategory = \"spot\"", "markets[3].symbol",
                   "duplicate symbol \"BTC_USDC_PERP\" (also markets[1])");
  }
  SECTION("symbol characters") {
    check_error(replaced(kMinimal, "symbol = \"SOL_USDC_PERP\"", "symbol = \"SOL/USDC\""), 7, "markets[0].symbol",
                "may hold only letters, digits, '.', '_' and '-'");
    check_error(replaced(kMinimal, "symbol = \"SOL_USDC_PERP\"", "symbol = \"\""), 7, "markets[0].symbol",
                "may hold only");
  }
  SECTION("symbol and category are required; the table's line is given") {
    check_error(replaced(kMinimal, "symbol = \"SOL_USDC_PERP\"\n", ""), 6, "markets[0].symbol", "missing required key");
    check_error(replaced(kMinimal, "category = \"perp\"\n", ""), 6, "markets[0].category", "missing required key");
  }
  SECTION("category must be perp or spot") {
    check_error(replaced(kMinimal, "category = \"perp\"", "category = \"PERP\""), 8, "markets[0].category",
                "must be one of \"perp\", \"spot\"");
  }
  SECTION("quote must have a rate") {
    check_error(with_market_keys("quote = \"EUR\"\n"), 9, "markets[0].quote",
                "quote asset \"EUR\" has no USD rate in [quotes]");
    const std::string btc_quoted = replaced(kMinimal, "\"SOL_USDC_PERP\"]", "\"SOL_BTC_PERP\"]");
    check_error(replaced(btc_quoted, "\"SOL_USDC_PERP\"", "\"SOL_BTC_PERP\""), 6, "markets[0].quote",
                "quote asset \"BTC\" has no USD rate in [quotes]");
  }
  SECTION("quote cannot be derived from a symbol without '_'") {
    const std::string text = replaced(kTwoCategories, "[[mms]]", "[[markets]]\nsymbol = \"SOLUSDC\"\ncategory = \"spot\"\n\n[[mms]]");
    check_error_at(text, "[[markets]]\nsymbol = \"SOLUSDC\"", "markets[4].quote",
                   "missing, and cannot be derived from symbol \"SOLUSDC\"");
  }
  SECTION("multiplier > 0") {
    check_error(with_market_keys("multiplier = 0\n"), 9, "markets[0].multiplier", "must be > 0");
    check_error(with_market_keys("multiplier = -1.5\n"), 9, "markets[0].multiplier", "must be > 0, not -1.5");
  }
  SECTION("first_trade is RFC 3339 UTC") {
    check_error(with_market_keys("first_trade = \"2026-02-10 12:00\"\n"), 9, "markets[0].first_trade", "RFC 3339");
    check_error(with_market_keys("first_trade = 2026-02-10T12:00:00+01:00\n"), 9, "markets[0].first_trade",
                "must be in UTC");
    check_error(with_market_keys("first_trade = 2026-02-10\n"), 9, "markets[0].first_trade", "not a date");
  }
  SECTION("new together with first_trade") {
    check_error(with_market_keys("first_trade = \"2026-02-10T12:00:00Z\"\nnew = true\n"), 10, "markets[0].new",
                "cannot be true when first_trade is given");
    load_ok(with_market_keys("first_trade = \"2026-02-10T12:00:00Z\"\nnew = false\n"));
  }
}

TEST_CASE("fee tiers are validated", "[config][validation]") {
  const std::string tiers = R"([[fee_tiers]]
name = "MM2"
min_share = 0.005
maker_fee_bps = 0

[[fee_tiers]]
name = "MM1"
min_share = 0.01
maker_fee_bps = -0.5
)";
  SECTION("the default holiday tier must exist once tiers are given") {
    check_error(with_prefix(tiers), 1, "program.fee_holiday_tier",
                "\"MM5\" (the default) is not one of the fee tiers (MM2, MM1)");
  }
  SECTION("an explicit holiday tier must exist") {
    check_error(with_prefix("[program]\nfee_holiday_tier = \"MM9\"\n" + tiers), 2, "program.fee_holiday_tier",
                "\"MM9\" is not one of the fee tiers");
    load_ok(with_prefix("[program]\nfee_holiday_tier = \"MM2\"\n" + tiers));
  }
  SECTION("without fee tiers any holiday tier is accepted") {
    CHECK(load_ok(with_prefix("[program]\nfee_holiday_tier = \"MM9\"")).program.fee_tiers.empty());
    CHECK(load_ok(with_prefix("fee_tiers = []")).program.fee_tiers.empty());
  }
  SECTION("strictly ascending min_share") {
    const std::string text = "[program]\nfee_holiday_tier = \"MM2\"\n" + replaced(tiers, "min_share = 0.01", "min_share = 0.005");
    check_error(with_prefix(text), 10, "fee_tiers[1].min_share",
                "must be greater than fee_tiers[0].min_share (0.005)");
  }
  SECTION("unique names") {
    const std::string text = "[program]\nfee_holiday_tier = \"MM2\"\n" + replaced(tiers, "name = \"MM1\"", "name = \"MM2\"");
    check_error(with_prefix(text), 9, "fee_tiers[1].name", "duplicate fee tier \"MM2\" (also fee_tiers[0])");
  }
  SECTION("fields are required and in range") {
    check_error(with_prefix(replaced(tiers, "maker_fee_bps = 0\n", "")), 1, "fee_tiers[0].maker_fee_bps",
                "missing required key");
    check_error(with_prefix(replaced(tiers, "min_share = 0.01", "min_share = 1.01")), 8, "fee_tiers[1].min_share",
                "must be between 0 and 1");
    check_error(with_prefix(replaced(tiers, "maker_fee_bps = -0.5", "maker_fee_bps = \"-0.5\"")), 9,
                "fee_tiers[1].maker_fee_bps", "must be a number");
  }
}

TEST_CASE("mms are validated", "[config][validation]") {
  const std::string two = std::string(kMinimal) + "\n[[mms]]\nid = \"beta\"\njoined = \"2026-01\"\n";
  check_error(replaced(two, "id = \"beta\"", "id = \"alpha\""), 15, "mms[1].id", "duplicate id \"alpha\" (also mms[0])");
  check_error(replaced(kMinimal, "id = \"alpha\"", "id = \"al pha\""), 11, "mms[0].id", "may hold only");
  check_error(replaced(kMinimal, "id = \"alpha\"\n", ""), 10, "mms[0].id", "missing required key");
  check_error(replaced(kMinimal, "joined = \"2025-11\"\n", ""), 10, "mms[0].joined", "missing required key");
  check_error(replaced(kMinimal, "joined = \"2025-11\"", "joined = \"2025-13\""), 12, "mms[0].joined",
              "must be a month \"YYYY-MM\"");
  check_error(replaced(kMinimal, "joined = \"2025-11\"", "joined = \"2025-11-01\""), 12, "mms[0].joined", "YYYY-MM");
  check_error(kMinimal.data() + std::string("accounts = []\n"), 13, "mms[0].accounts", "at least one account");
  check_error(kMinimal.data() + std::string("accounts = [ { name = \"a\" }, { name = \"a\" } ]\n"), 13,
              "mms[0].accounts[1].name", "duplicate account \"a\" in mms[0]");
  check_error(kMinimal.data() + std::string("accounts = [ { api_key_file = \"k\" } ]\n"), 13, "mms[0].accounts[0].name",
              "missing required key");
  check_error(kMinimal.data() + std::string("accounts = [ { name = \"a\", api_key_file = \"k\" } ]\n"), 13,
              "mms[0].accounts[0]", "api_key_file and api_secret_file must be given together");
}
