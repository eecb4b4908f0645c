// The views on a hand-built state (api_fixture.cpp): exact figures, scoping, health.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/report_format.h"
#include "core/scoring.h"
#include "daemon/api/activity_tracker.h"
#include "daemon/api/health_view.h"
#include "daemon/api/history.h"
#include "daemon/api/markets_view.h"
#include "daemon/api/mm_view.h"
#include "daemon/api/static_files.h"
#include "daemon/api/stream_messages.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"

using namespace api_test;
using mm::api::Role;
using mm::api::ViewContext;
using scoring_test::by_key;
using scoring_test::Json;
using scoring_test::parse_json;

namespace {

constexpr TimeUs kPublished = kApril15Noon;

std::vector<std::string> strings(const Json& array) {
  std::vector<std::string> out;
  for (const Json& s : array.items) out.push_back(s.str());
  return out;
}

Role mm_role(uint32_t mm) { return Role{Role::Kind::mm, mm}; }
const Role kOps{Role::Kind::ops, 0};

}  // namespace

TEST_CASE("mm standing: figures and what is missing to each threshold, worked out by hand") {
  const Program p = make_program();
  const auto s = make_state(p, kPublished);
  ViewContext ctx{p, *s};
  ctx.now = kPublished;

  const Json alpha = parse_json(mm::api::mm_standing_json(ctx, kAlpha));
  CHECK(alpha["mm_id"].str() == "alpha");
  CHECK(alpha["month"].str() == "2026-04");
  CHECK(alpha["as_of"].str() == "2026-04-15T12:00:00Z");
  CHECK(alpha["meets_min_allocation"].b);
  CHECK(alpha["min_allocation_usd"].text == "3000.00");
  CHECK(alpha["missing_to_min_allocation_usd"].text == "0.00");
  // SOL only: blended 0.8 x 0.3 + 0.2 x 450 / 1087.5 = 0.322758621; x 80,000 = 25,820.69
  CHECK(alpha["total_reward_usd"].text == "25820.69");
  CHECK(alpha["thresholds"]["min_avg_size_usd"].text == "2000.00");
  CHECK(alpha["thresholds"]["min_volume_score"].text == "0.015000000");

  const Json& sol = by_key(alpha["markets"], "symbol", "SOL_USDC");
  CHECK(sol["volume_score"].text == "0.300000000");
  CHECK(sol["liquidity_score"].text == "0.413793103");
  CHECK(sol["blended_score"].text == "0.322758621");
  CHECK(sol["uptime"].text == "0.900000000");
  CHECK(sol["avg_size_usd"].text == "5000.00");
  CHECK(sol["avg_spread_bps"].text == "10.000000000");
  CHECK(sol["snapshots_active"].text == "90");
  CHECK(sol["snapshots_observed"].text == "100");
  CHECK(sol["eligible"].b);
  CHECK(sol["ineligible_reasons"].size() == 0);
  CHECK(sol["reward_usd"].text == "25820.69");
  CHECK(sol["missing"]["cause"].is_null());
  CHECK(sol["missing"]["avg_size_usd"].text == "0.00");
  CHECK(sol["missing"]["volume_score"].text == "0.000000000");
  CHECK(sol["missing"]["maker_volume_usd"].text == "0.00");

  // BTC: 1,000 USD average size, 1,000 short; volume score 0.02 is enough.
  const Json& btc = by_key(alpha["markets"], "symbol", "BTC_USDC_PERP");
  CHECK(strings(btc["ineligible_reasons"]) == std::vector<std::string>{"avg_size_below_min"});
  CHECK(btc["volume_score"].text == "0.020000000");
  CHECK(btc["uptime"].text == "0.500000000");
  CHECK(btc["missing"]["cause"].str() == "avg_size_below_min");
  CHECK(btc["missing"]["avg_size_usd"].text == "1000.00");
  CHECK(btc["missing"]["volume_score"].text == "0.000000000");
  CHECK(btc["missing"]["maker_volume_usd"].text == "0.00");
  CHECK(btc["reward_usd"].text == "0.00");

  // ETH: nothing at all. (0 + x) / (100,000 + x) = 0.015 -> x = 1,500 / 0.985 = 1,522.8426 -> 1,522.85
  const Json& eth = by_key(alpha["markets"], "symbol", "ETH_USDC");
  CHECK(strings(eth["ineligible_reasons"]) ==
        std::vector<std::string>{"avg_size_below_min", "volume_score_below_min"});
  // Observed 50 times, never active: that is the cause, not size (so no size is asked for).
  CHECK(eth["snapshots_observed"].text == "50");
  CHECK(eth["missing"]["cause"].str() == "no_active_snapshot");
  CHECK(eth["missing"]["avg_size_usd"].text == "0.00");
  CHECK(eth["missing"]["volume_score"].text == "0.015000000");
  CHECK(eth["missing"]["maker_volume_usd"].text == "1522.85");
  CHECK(eth["program_maker_volume_usd"].text == "100000.00");

  // Fee tiers: spot 300,000 of 1,500,000 = 0.2 -> MM2, 0.3 short of MM3 = 450,000 USD;
  // perp 20,000 of 2,000,000 = 0.01 -> MM1, 0.09 short of MM2 = 180,000 USD.
  const Json& spot = alpha["fee_tiers"]["spot"];
  CHECK(spot["tier"].str() == "MM2");
  CHECK(spot["maker_fee_bps"].text == "-1");
  CHECK(spot["total_maker_share"].text == "0.200000000");
  CHECK(spot["next_tier"].str() == "MM3");
  CHECK(spot["next_tier_min_share"].text == "0.500000000");
  CHECK(spot["share_to_next_tier"].text == "0.300000000");
  CHECK(spot["volume_to_next_tier_usd"].text == "450000.00");
  const Json& perp = alpha["fee_tiers"]["perp"];
  CHECK(perp["tier"].str() == "MM1");
  CHECK(perp["next_tier"].str() == "MM2");
  CHECK(perp["share_to_next_tier"].text == "0.090000000");
  CHECK(perp["volume_to_next_tier_usd"].text == "180000.00");

  // gamma: ETH pays 0.1 x 20,000 = 2,000 USD, below the 3,000 minimum: 1,000 missing.
  // SOL volume score 0.01: (10,000 + x) / (1,000,000 + x) = 0.015 -> x = 5,000 / 0.985 = 5,076.1421
  const Json gamma = parse_json(mm::api::mm_standing_json(ctx, kGamma));
  CHECK_FALSE(gamma["meets_min_allocation"].b);
  CHECK(gamma["total_reward_usd"].text == "0.00");
  CHECK(gamma["reward_before_min_allocation_usd"].text == "2000.00");
  CHECK(gamma["missing_to_min_allocation_usd"].text == "1000.00");
  const Json& gamma_sol = by_key(gamma["markets"], "symbol", "SOL_USDC");
  CHECK(gamma_sol["missing"]["volume_score"].text == "0.005000000");
  CHECK(gamma_sol["missing"]["maker_volume_usd"].text == "5076.15");
  CHECK(gamma_sol["missing"]["avg_size_usd"].text == "0.00");
  const Json& gamma_eth = by_key(gamma["markets"], "symbol", "ETH_USDC");
  CHECK(strings(gamma_eth["ineligible_reasons"]) == std::vector<std::string>{"below_min_allocation"});
  CHECK(gamma_eth["blended_score"].text == "0.100000000");
  CHECK(gamma_eth["missing"]["maker_volume_usd"].text == "0.00");
}

TEST_CASE("mm standing: a one-sided market names its cause, the minimum allocation is said once") {
  const Program p = make_program();
  // gamma now trades 50,000 USD maker volume on BTC, where it is observed 200 times and never
  // active: volume score 50,000 / 1,050,000 = 0.047619048 passes, yet the size rule fails.
  MonthState month = make_month(p);
  month.cell(kGamma, kBtc).maker_volume = 50'000 * u128(kNotionalScale);
  month.markets[kBtc].maker_volume += 50'000 * u128(kNotionalScale);
  auto s = make_state(p, kPublished);
  s->report = score_month(p, month, false);
  s->month = std::make_shared<const MonthState>(month);
  ViewContext ctx{p, *s};
  ctx.now = kPublished;

  const Json gamma = parse_json(mm::api::mm_standing_json(ctx, kGamma));
  const Json& btc = by_key(gamma["markets"], "symbol", "BTC_USDC_PERP");
  CHECK(btc["snapshots_observed"].text == "200");
  CHECK(btc["snapshots_active"].text == "0");
  CHECK(btc["volume_score"].text == "0.047619048");
  CHECK(btc["avg_size_usd"].text == "0.00");
  CHECK(btc["missing"]["cause"].str() == "no_active_snapshot");
  CHECK(btc["missing"]["avg_size_usd"].text == "0.00");  // no "more per side"
  CHECK(btc["missing"]["maker_volume_usd"].text == "0.00");
  // SOL: volume score 0.01 first; ETH: only the monthly minimum, whose shortfall is the
  // MM's, once: still 1,000 (BTC pays nothing while ineligible).
  CHECK(by_key(gamma["markets"], "symbol", "SOL_USDC")["missing"]["cause"].str() == "volume_score_below_min");
  const Json& eth = by_key(gamma["markets"], "symbol", "ETH_USDC");
  CHECK(eth["missing"]["cause"].str() == "below_min_allocation");
  CHECK(gamma["reward_before_min_allocation_usd"].text == "2000.00");
  CHECK(gamma["missing_to_min_allocation_usd"].text == "1000.00");
  const std::string text = mm::api::mm_standing_json(ctx, kGamma);
  size_t count = 0;
  for (size_t at = text.find("missing_to_min_allocation_usd"); at != std::string::npos;
       at = text.find("missing_to_min_allocation_usd", at + 1))
    ++count;
  CHECK(count == 1);
}

TEST_CASE("markets: book figures, aggregates, and per-MM rows scoped by role") {
  const Program p = make_program();
  const auto s = make_state(p, kPublished);
  ViewContext ctx{p, *s};
  ctx.now = kPublished;

  const Json all = parse_json(mm::api::markets_json(ctx, kOps));
  REQUIRE(all["markets"].size() == 3);
  const Json& sol = by_key(all["markets"], "symbol", "SOL_USDC");
  CHECK(sol["category"].str() == "spot");
  CHECK(sol["reward_tier"].text == "1");
  CHECK(sol["observed"].b);
  CHECK(sol["book_in_sync"].b);
  CHECK(sol["best_bid"].text == "100");
  CHECK(sol["best_ask"].text == "100.1");
  CHECK(sol["mid"].text == "100.05");
  CHECK(sol["spread_bps"].text == "9.995");  // 0.1 / 100.05 x 10,000 = 9.99500...
  CHECK(sol["bid_depth_usd"].text == "250000.00");
  CHECK(sol["ask_depth_usd"].text == "180000.00");
  CHECK(sol["active_mms"].text == "2");
  CHECK(sol["maker_volume_usd"].text == "1000000.00");
  CHECK(sol["program_maker_volume_usd"].text == "1000000.00");
  CHECK(sol["pair_pool_usd"].text == "80000.00");
  CHECK(sol["snapshots_observed"].text == "100");
  CHECK(sol["mms"].size() == 3);
  CHECK(by_key(sol["mms"], "mm_id", "alpha")["uptime"].text == "0.900000000");
  const Json& btc = by_key(all["markets"], "symbol", "BTC_USDC_PERP");
  CHECK_FALSE(btc["observed"].b);
  CHECK_FALSE(btc["book_in_sync"].b);
  CHECK(btc["best_bid"].is_null());
  CHECK(btc["mid"].is_null());
  CHECK(btc["spread_bps"].is_null());
  CHECK(btc["snapshots_unobserved"].text == "4");

  for (uint32_t me : {kAlpha, kBeta, kGamma}) {
    const std::string body = mm::api::markets_json(ctx, mm_role(me));
    const std::string mine = p.mms[me].id;
    for (const MmSpec& other : p.mms)
      if (other.id != mine) CHECK(body.find(other.id) == std::string::npos);
    const Json j = parse_json(body);
    for (const Json& market : j["markets"].items) {
      REQUIRE(market["mms"].size() == 1);
      CHECK(market["mms"][0]["mm_id"].str() == mine);
    }
    const std::string one = mm::api::market_json(ctx, kSol, mm_role(me));
    for (const MmSpec& other : p.mms)
      if (other.id != mine) CHECK(one.find(other.id) == std::string::npos);
    CHECK(parse_json(one)["market"]["active_mms"].text == "2");  // the aggregates stay
  }
}

TEST_CASE("health: feeds, books and engine lag, never an MM id") {
  const Program p = make_program();
  const auto degraded = make_state(p, kPublished);
  ViewContext ctx{p, *degraded};
  ctx.now = kPublished + 1'500'000;
  ctx.processed = 5010;
  const std::string body = mm::api::health_json(ctx);
  for (const MmSpec& m : p.mms) CHECK(body.find(m.id) == std::string::npos);
  const Json h = parse_json(body);
  CHECK(h["status"].str() == "degraded");
  CHECK(strings(h["problems"]) == std::vector<std::string>{"account_feed_down", "book_out_of_sync"});
  CHECK(h["engine"]["started"].b);
  CHECK(h["engine"]["clock"].str() == "2026-04-15T12:00:00.500000Z");
  CHECK(h["engine"]["processed"].text == "5010");
  CHECK(h["engine"]["lag_ms"].text == "1500");
  CHECK(h["feeds"]["public_connected"].b);
  CHECK(h["feeds"]["accounts_connected"].text == "2");
  CHECK(h["feeds"]["accounts_total"].text == "3");
  CHECK(h["feeds"]["books_in_sync"].text == "2");
  CHECK(h["feeds"]["books_total"].text == "3");
  CHECK(h["month"].str() == "2026-04");

  const auto healthy = make_healthy_state(p, kPublished);
  ViewContext ok{p, *healthy};
  ok.now = kPublished + 200'000;
  CHECK(parse_json(mm::api::health_json(ok))["status"].str() == "ok");
  ok.now = kPublished + 11 * kUsPerSecond;  // nothing published for 11 s: the engine is stuck
  const Json stalled = parse_json(mm::api::health_json(ok));
  CHECK(stalled["status"].str() == "degraded");
  CHECK(strings(stalled["problems"]) == std::vector<std::string>{"engine_stalled"});

  // Trades the backfill could not recover are a problem, named by market.
  auto missing = make_healthy_state(p, kPublished);
  missing->report.markets[kSol].trades_missing = 212;
  missing->report.markets[kBtc].trade_id_jumps = 1;
  ViewContext gaps{p, *missing};
  gaps.now = kPublished + 200'000;
  const Json g = parse_json(mm::api::health_json(gaps));
  CHECK(g["status"].str() == "degraded");
  CHECK(strings(g["problems"]) == std::vector<std::string>{p.markets[kBtc].symbol + ": 1 trade id jumps",
                                                            p.markets[kSol].symbol + ": 212 trades missing"});

  // Records dropped from the journal (a full disk): the month is no longer replayable.
  auto journal = make_healthy_state(p, kPublished);
  journal->journal.failing = true;
  journal->journal.unjournaled = 7;
  ViewContext disk{p, *journal};
  disk.now = kPublished + 200'000;
  const Json j = parse_json(mm::api::health_json(disk));
  CHECK(j["status"].str() == "degraded");
  CHECK(strings(j["problems"]) == std::vector<std::string>{"journal_write_failing"});
  journal->journal.failing = false;  // writing resumed: the dropped records stay counted in metrics only
  CHECK(parse_json(mm::api::health_json(disk))["status"].str() == "ok");

  PublishedState before_start;
  before_start.published_at = kPublished;
  ViewContext idle{p, before_start};
  idle.now = kPublished;
  const Json not_started = parse_json(mm::api::health_json(idle));
  CHECK(not_started["status"].str() == "degraded");
  CHECK(not_started["month"].is_null());
  CHECK(not_started["engine"]["clock"].is_null());
}

TEST_CASE("stream update: compact standings scoped by role") {
  const Program p = make_program();
  const auto s = make_state(p, kPublished);
  ViewContext ctx{p, *s};
  ctx.now = kPublished;

  const Json all = parse_json(mm::api::update_message(ctx, kOps));
  CHECK(all["type"].str() == "update");
  CHECK(all["month"].str() == "2026-04");
  CHECK(all["health"]["status"].str() == "degraded");
  REQUIRE(all["mms"].size() == 3);
  const Json& alpha = by_key(all["mms"], "mm_id", "alpha");
  CHECK(alpha["total_reward_usd"].text == "25820.69");
  CHECK(alpha["volume_share"].text == "0.106666667");  // (0.02 + 0 + 0.3) / 3
  CHECK(alpha["uptime"].text == "0.466666667");        // (0.5 + 0 + 0.9) / 3
  CHECK(alpha["avg_spread_bps"].text == "9");          // (8 + 10) / 2: ETH had no active snapshot
  CHECK(alpha["fee_tiers"]["spot"]["tier"].str() == "MM2");
  CHECK(by_key(all["mms"], "mm_id", "gamma")["avg_spread_bps"].text == "7.5");  // (5 + 10) / 2

  const std::string beta_body = mm::api::update_message(ctx, mm_role(kBeta));
  CHECK(beta_body.find("alpha") == std::string::npos);
  CHECK(beta_body.find("gamma") == std::string::npos);
  const Json beta = parse_json(beta_body);
  REQUIRE(beta["mms"].size() == 1);
  CHECK(beta["mms"][0]["mm_id"].str() == "beta");
  CHECK(beta["markets"].size() == 3);

  CHECK(parse_json(mm::api::month_closed_message("2026-03"))["month"].str() == "2026-03");
}

TEST_CASE("activity tracker: active now from how the snapshot counts moved") {
  const Program p = make_program();
  auto s1 = make_state(p, kPublished);
  mm::api::ActivityTracker t;
  t.update(p, *s1);
  CHECK_FALSE(t.active_now(kAlpha, kSol).has_value());  // nothing moved yet

  auto s2 = make_state(p, kPublished + kUsPerSecond);
  auto cell = [&](PublishedState& s, uint32_t mm, uint32_t m) -> MmMarketResult& { return s.report.mms[mm].markets[m]; };
  cell(*s2, kAlpha, kSol).snapshots_observed += 1;  // observed and active
  cell(*s2, kAlpha, kSol).snapshots_active += 1;
  cell(*s2, kBeta, kSol).snapshots_observed += 1;   // observed, not active
  cell(*s2, kGamma, kSol).snapshots_unobserved += 1;
  t.update(p, *s2);
  CHECK(t.active_now(kAlpha, kSol) == std::optional<bool>(true));
  CHECK(t.active_now(kBeta, kSol) == std::optional<bool>(false));
  CHECK_FALSE(t.active_now(kGamma, kSol).has_value());
  CHECK_FALSE(t.active_now(kAlpha, kBtc).has_value());

  auto s3 = make_state(p, kPublished + 2 * kUsPerSecond);
  s3->report.month = YearMonth{2026, 5};  // a new month: counts restart, nothing known
  t.update(p, *s3);
  CHECK_FALSE(t.active_now(kAlpha, kSol).has_value());

  ViewContext ctx{p, *s2};
  ctx.activity = &t;
  t.update(p, *s1);
  t.update(p, *s2);
  const Json j = parse_json(mm::api::markets_json(ctx, kOps));
  const Json& sol = by_key(j["markets"], "symbol", "SOL_USDC");
  CHECK(by_key(sol["mms"], "mm_id", "alpha")["active_now"].b);
  CHECK(by_key(sol["mms"], "mm_id", "gamma")["active_now"].is_null());
}

TEST_CASE("history: one point per interval, bounded, scoped, since") {
  const Program p = make_program();
  mm::api::History h(p, mm::api::HistoryOptions{kUsPerSecond, 3 * kUsPerSecond});
  CHECK(h.capacity() == 3);
  const TimeUs t0 = kPublished;
  CHECK(h.sample(*make_state(p, t0 + 200'000)));
  CHECK_FALSE(h.sample(*make_state(p, t0 + 700'000)));  // same second
  CHECK(h.sample(*make_state(p, t0 + 1'100'000)));
  const Json two = parse_json(h.json(kOps, INT64_MIN));
  REQUIRE(two["t_ms"].size() == 2);
  CHECK(two["t_ms"][0].text == std::to_string((t0 + 200'000) / 1000));
  const Json& alpha = by_key(two["mms"], "mm_id", "alpha");
  CHECK(alpha["total_reward_usd"][1].text == "25820.69");
  CHECK(alpha["uptime"][0].text == "0.466667");
  const Json& sol = by_key(two["markets"], "symbol", "SOL_USDC");
  CHECK(sol["bid_depth_usd"][0].text == "250000");
  CHECK(sol["active_mms"][0].text == "2");
  CHECK(by_key(two["markets"], "symbol", "BTC_USDC_PERP")["spread_bps"][0].is_null());

  for (int k = 2; k < 6; ++k) CHECK(h.sample(*make_state(p, t0 + k * kUsPerSecond)));
  CHECK(h.size() == 3);  // the oldest points made room
  const Json three = parse_json(h.json(kOps, INT64_MIN));
  REQUIRE(three["t_ms"].size() == 3);
  CHECK(three["t_ms"][0].text == std::to_string((t0 + 3 * kUsPerSecond) / 1000));
  CHECK(three["t_ms"][2].text == std::to_string((t0 + 5 * kUsPerSecond) / 1000));

  const int64_t since = (t0 + 4 * kUsPerSecond) / 1000;
  CHECK(parse_json(h.json(kOps, since))["t_ms"].size() == 1);

  const std::string beta = h.json(mm_role(kBeta), INT64_MIN);
  CHECK(beta.find("alpha") == std::string::npos);
  CHECK(beta.find("gamma") == std::string::npos);
  CHECK(parse_json(beta)["mms"].size() == 1);
}

TEST_CASE("static files: exact lookup only, / is /index.html") {
  const auto index = mm::api::find_static_file("/");
  REQUIRE(index);
  CHECK(index->asset->path == "/index.html");
  CHECK(index->asset->content_type.starts_with("text/html"));
  CHECK(index->etag.size() == 18);
  CHECK(mm::api::find_static_file("/index.html")->etag == index->etag);
  for (const char* bad : {"", "index.html", "/../index.html", "/./index.html/..", "//index.html", "/\\index.html",
                          "/index.html?x=1", "/INDEX.HTML"})
    CHECK_FALSE(mm::api::find_static_file(bad).has_value());
}

namespace {

// Printed forms compared exactly: same type, same text, same elements, same members.
bool same_json(const Json& a, const Json& b) {
  if (a.type != b.type || a.b != b.b || a.text != b.text) return false;
  if (a.items.size() != b.items.size() || a.members.size() != b.members.size()) return false;
  for (size_t i = 0; i < a.items.size(); ++i)
    if (!same_json(a.items[i], b.items[i])) return false;
  for (size_t i = 0; i < a.members.size(); ++i)
    if (a.members[i].first != b.members[i].first || !same_json(a.members[i].second, b.members[i].second))
      return false;
  return true;
}

// Every key of `view` that the report object `report` also has (but `skip`) prints the
// same value; returns how many keys they share.
size_t check_agrees(const Json& view, const Json& report, const std::string& where,
                    std::initializer_list<std::string_view> skip = {}) {
  size_t shared = 0;
  for (const auto& [key, value] : view.members) {
    if (!report.has(key) || std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    ++shared;
    INFO(where << " key " << key);
    CHECK(same_json(value, report[key]));
  }
  return shared;
}

}  // namespace

TEST_CASE("API views and report agree on every key the rows share") {
  const Program p = make_program();
  const auto s = make_state(p, kPublished);
  ViewContext ctx{p, *s};
  ctx.now = kPublished;
  const Json report = parse_json(mm::report_json(p, s->report));
  const Json markets = parse_json(mm::api::markets_json(ctx, kOps));
  const Json list = parse_json(mm::api::mm_list_json(ctx, kOps));
  REQUIRE(report["mms"].size() == p.mms.size());
  REQUIRE(report["markets"].size() == p.markets.size());

  for (uint32_t m = 0; m < p.markets.size(); ++m) {
    const std::string symbol = p.markets[m].symbol;
    // symbol, category, reward_tier, snapshots_(un)observed, active_days, both volumes, pair_pool_usd,
    // trades_missing, late_trades, late_fills, late_volume_usd
    CHECK(check_agrees(markets["markets"][m], report["markets"][m], symbol) == 13);
  }
  for (uint32_t i = 0; i < p.mms.size(); ++i) {
    const std::string id = p.mms[i].id;
    const Json& rep_mm = report["mms"][i];
    const Json standing = parse_json(mm::api::mm_standing_json(ctx, i));
    // mm_id, total_reward_usd, meets_min_allocation (fee_tiers: each tier below)
    CHECK(check_agrees(list["mms"][i], rep_mm, id, {"fee_tiers"}) == 3);
    for (const char* cat : {"spot", "perp"}) {
      const std::string where = id + " fee_tiers." + cat;
      const Json& rep_tier = rep_mm["fee_tiers"][cat];
      CHECK(check_agrees(standing["fee_tiers"][cat], rep_tier, where) == 10);  // every report field
      CHECK(check_agrees(list["mms"][i]["fee_tiers"][cat], rep_tier, where + " (compact)") == 8);
    }
    for (uint32_t m = 0; m < p.markets.size(); ++m) {
      const std::string where = id + " " + p.markets[m].symbol;
      const Json& rep_row = rep_mm["markets"][m];
      const Json& view_row = standing["markets"][m];
      CHECK(check_agrees(view_row, rep_row, where) == 19);  // all but snapshots_anomalous
      for (const char* key : {"category", "pair_pool_usd", "program_maker_volume_usd"}) {
        INFO(where << " key " << key);
        CHECK(same_json(view_row[key], report["markets"][m][key]));
      }
      const Json& market_row = by_key(markets["markets"][m]["mms"], "mm_id", id);
      CHECK(check_agrees(market_row, rep_row, where + " (markets)") == 14);
    }
  }
}
