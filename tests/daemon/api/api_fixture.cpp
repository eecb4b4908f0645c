#include "tests/daemon/api/api_fixture.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/scoring.h"
#include "daemon/api/api_core.h"
#include "tests/support/temp_dir.h"

namespace api_test {

namespace {

constexpr u128 kUsd = kNotionalScale;  // one USD (USDC) at 1e-15
constexpr int64_t kF = kFractionScale;

MarketSpec market(std::string symbol, Category c, int tier) {
  MarketSpec m;
  m.symbol = std::move(symbol);
  m.category = c;
  m.quote = "USDC";
  m.reward_tier = tier;
  return m;
}

// `active` of `observed` snapshots active with Size `size_usd` and Spread `spread_bps`.
void liquidity(MonthState& s, uint32_t mm, uint32_t m, uint32_t observed, uint32_t active, uint64_t size_usd,
               double spread_bps) {
  MmMarketMonth& c = s.cell(mm, m);
  c.snapshots_observed = observed;
  c.snapshots_active = active;
  c.size_sum2 = u128(2) * active * size_usd * kUsd;
  c.spread_sum_bps = spread_bps * active;
}

}  // namespace

Program make_program() {
  Program p;
  p.config_hash = "api-test";
  p.markets = {market("BTC_USDC_PERP", Category::perp, 1), market("ETH_USDC", Category::spot, 2),
               market("SOL_USDC", Category::spot, 1)};
  p.categories = {CategorySpec{Category::perp, 20'000'000, {TierSpec{1, 20'000'000, {kBtc}}}},
                  CategorySpec{Category::spot, 10'000'000,
                               {TierSpec{1, 8'000'000, {kSol}}, TierSpec{2, 2'000'000, {kEth}}}}};
  p.fee_tiers = {FeeTierSpec{"MM1", 5'000'000, -0.5}, FeeTierSpec{"MM2", 100'000'000, -1.0},
                 FeeTierSpec{"MM3", 500'000'000, -1.5}};
  p.mms = {MmSpec{"alpha", {2025, 11}, {"main"}}, MmSpec{"beta", {2025, 11}, {"main"}},
           MmSpec{"gamma", {2025, 11}, {"main"}}};
  p.index();
  return p;
}

// Worked out by hand (min size 2,000 USD, min volume score 0.015, min allocation 3,000):
//  SOL_USDC  all users 1,000,000; alpha 300,000 / beta 690,000 / gamma 10,000 (program 1,000,000)
//            alpha 90 of 100 active, 5,000 USD, 10 bps: eligible
//            beta  50 of 100, 1,500 USD (size too small); gamma 100 of 100, 3,000 USD, 5 bps,
//            volume score 0.01 (too small)
//  BTC_USDC_PERP all users 2,000,000; alpha 20,000 (0.02) / beta 980,000
//            alpha 100 of 200 active, 1,000 USD (size too small); beta 200 of 200, 10,000 USD, 4 bps
//  ETH_USDC  all users 500,000; beta 90,000 / gamma 10,000: volume scores 0.9 / 0.1
//            beta 50 of 50, 22,500 USD, 10 bps; gamma 50 of 50, 2,500 USD, 10 bps: liquidity 0.9 / 0.1
//            gamma's 0.1 x 20,000 = 2,000 USD is its whole month: below 3,000, forfeited.
MonthState make_month(const Program& p) {
  MonthState s;
  s.reset(YearMonth{2026, 4}, p.markets.size(), p.mms.size());
  s.last_ts = *parse_rfc3339("2026-04-15T12:00:00Z");
  s.snapshots_taken = 200;
  s.input = InputCounters{5000, 3, 40};
  s.markets[kSol].maker_volume = 1'000'000 * kUsd;
  s.markets[kBtc].maker_volume = 2'000'000 * kUsd;
  s.markets[kEth].maker_volume = 500'000 * kUsd;
  for (uint32_t m : {kSol, kBtc, kEth}) s.markets[m].snapshots_observed = m == kEth ? 50 : m == kSol ? 100 : 200;
  s.markets[kBtc].snapshots_unobserved = 4;
  s.cell(kAlpha, kSol).maker_volume = 300'000 * kUsd;
  s.cell(kBeta, kSol).maker_volume = 690'000 * kUsd;
  s.cell(kGamma, kSol).maker_volume = 10'000 * kUsd;
  s.cell(kAlpha, kBtc).maker_volume = 20'000 * kUsd;
  s.cell(kBeta, kBtc).maker_volume = 980'000 * kUsd;
  s.cell(kBeta, kEth).maker_volume = 90'000 * kUsd;
  s.cell(kGamma, kEth).maker_volume = 10'000 * kUsd;
  liquidity(s, kAlpha, kSol, 100, 90, 5000, 10);
  liquidity(s, kBeta, kSol, 100, 50, 1500, 20);
  liquidity(s, kGamma, kSol, 100, 100, 3000, 5);
  liquidity(s, kAlpha, kBtc, 200, 100, 1000, 8);
  liquidity(s, kBeta, kBtc, 200, 200, 10000, 4);
  liquidity(s, kGamma, kBtc, 200, 0, 0, 0);
  liquidity(s, kBeta, kEth, 50, 50, 22500, 10);
  liquidity(s, kGamma, kEth, 50, 50, 2500, 10);
  s.cell(kAlpha, kEth).snapshots_observed = 50;
  return s;
}

std::unique_ptr<PublishedState> make_state(const Program& p, TimeUs published_at) {
  auto s = std::make_unique<PublishedState>();
  s->published_at = published_at;
  s->started = true;
  s->engine_clock = *parse_rfc3339("2026-04-15T12:00:00.5Z");
  s->report = score_month(p, make_month(p), false);
  s->month = std::make_shared<const MonthState>(make_month(p));
  s->markets.resize(p.markets.size());
  // SOL: bid 100.00, ask 100.10 -> mid 100.05, spread 0.1 / 100.05 = 9.995 bps; 250,000 / 180,000 USD in band.
  MarketView& sol = s->markets[kSol];
  sol.observed = true;
  sol.best_bid = 100 * kPriceScale;
  sol.best_ask = 100 * kPriceScale + kPriceScale / 10;
  sol.bid_depth_in_band = 250'000 * kUsd;
  sol.ask_depth_in_band = 180'000 * kUsd;
  sol.active_mms = 2;
  sol.instant = *parse_rfc3339("2026-04-15T11:59:30Z");
  MarketView& eth = s->markets[kEth];
  eth.observed = true;
  eth.best_bid = 2000 * kPriceScale;
  eth.best_ask = 2001 * kPriceScale;
  eth.bid_depth_in_band = 40'000 * kUsd;
  eth.ask_depth_in_band = 50'000 * kUsd;
  eth.active_mms = 2;
  eth.instant = sol.instant;
  s->markets[kBtc].instant = sol.instant;  // not observed: book out of sync
  s->book_in_sync = {0, 1, 1};
  s->public_connected = true;
  s->accounts = {{{true, true}}, {{true, true}}, {{false, false}}};
  s->counters.records = 5000;
  s->counters.rejected = 3;
  s->counters.ignored = 40;
  s->refused = RefusedBySource{2, 1, 0};
  s->counters.trades = 1200;
  s->counters.depth_gaps = 2;
  s->counters.seeds_synced = 5;
  for (uint64_t ns : {500, 1500, 3000, 20'000, 2'000'000}) s->latency.record(ns);
  for (uint64_t ns : {800, 900, 4000}) s->service.record(ns);
  s->ring_used = 4096;
  s->ring_capacity = 64 << 20;
  s->ring_full = 1;
  s->journal = JournalStats{5000, 1'234'567, 2, 0, 1};
  s->months_closed = 0;
  return s;
}

std::unique_ptr<PublishedState> make_healthy_state(const Program& p, TimeUs published_at) {
  auto s = make_state(p, published_at);
  s->book_in_sync = {1, 1, 1};
  s->accounts = {{{true, true}}, {{true, true}}, {{true, true}}};
  return s;
}

std::string temp_dir() { return test_support::temp_dir("api"); }

void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(tmp, path);
}

std::string standard_tokens() {
  return std::string("# API tokens\n") + kOpsToken + " ops\n" + kRiskToken + " risk\n\n" + kAlphaToken +
         " mm:alpha\n" + kBetaToken + " mm:beta\n";
}

Server::Server(api::ApiOptions options, bool publish_now) {
  write_file(tokens_file, standard_tokens());
  options.listen = "127.0.0.1:0";
  options.tokens_file = tokens_file;
  if (publish_now) publish(mm::system_clock().now_us());
  api::ApiSources sources;
  sources.program = &program;
  sources.published = &published;
  sources.write_snapshot = [this]() -> Result<std::string> {
    if (!snapshot_error.empty()) return make_error(snapshot_error);
    return snapshot_path;
  };
  sources.list_snapshots = [] {
    return std::vector<std::pair<std::string, uint64_t>>{{"snapshot-20260415T120000.000000Z.json", 12},
                                                         {"snapshot-20260415T120000.000000Z.csv", 9}};
  };
  sources.read_snapshot = [](std::string_view name) -> Result<std::string> {
    if (name == "snapshot-20260415T120000.000000Z.csv") return std::string("a,b\n1,2\n");
    return make_error("no such snapshot file");
  };
  server = std::make_unique<api::ApiServer>(options, sources);
  REQUIRE(server->start());
  REQUIRE(server->port() != 0);
}

Server::~Server() {
  server->stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

void Server::publish(TimeUs published_at) { published.publish(make_state(program, published_at)); }

}  // namespace api_test
