// SCORING.md sections 9-10: the report JSON (contract names, values, order, nulls, the
// final flag) and the CSV (header + one row per MM x market). Expectations by hand.
#include <sstream>

#include "core/report_format.h"
#include "tests/core/scoring_test_util.h"

using namespace scoring_test;

namespace {

// Program 300,000 USD: perp 200,000 (tier 1: BTC_USDC_PERP + SOL_USDC_PERP, 100,000 each
// over 30 days), spot 100,000 (tier 1: ETH_USDC); XYZ_USDC is in no tier.
//   BTC: all users 1,000,000; alpha 300,000 (100/100 active, 10,000 USD, 5 bps -> metric
//        2,000), beta 100,000 (50/100 active, 4,000 USD, 2 bps -> 4,000/2 x 0.5 = 1,000).
//        vs 0.75 / 0.25, ls 2/3 / 1/3, blended 0.733333 / 0.266667
//        -> 73,333.33 / 26,666.67.
//   SOL: all users 500,000; alpha alone 50,000 (3,000 USD, 10 bps): blended 1 -> 100,000.00.
//   ETH: all users 200,000; alpha 10,000 (1,500 USD, 5 bps -> 300: avg size < 2,000),
//        beta 30,000 (6,000 USD, 5 bps -> 1,200). vs 0.25 / 0.75, ls 0.2 / 0.8,
//        blended 0.24 / 0.76: beta 76,000.00, alpha's 24,000.00 unallocated (none).
//   XYZ: all users 50,000; beta 5,000 (3,000 USD, 5 bps): eligible but pool 0.
//   gamma does nothing.
// alpha 73,333.33 + 100,000 = 173,333.33; beta 26,666.67 + 76,000 = 102,666.67;
// unallocated 24,000.00; 173,333.33 + 102,666.67 + 24,000 = 300,000.00.
struct ReportCase {
  Fixture f;
  uint32_t btc = 0, eth = 0, sol = 0, xyz = 0, alpha = 0, beta = 0, gamma = 0;
  ReportCase() {
    btc = f.market("BTC_USDC_PERP", Category::perp);
    eth = f.market("ETH_USDC", Category::spot);
    sol = f.market("SOL_USDC_PERP", Category::perp);
    xyz = f.market("XYZ_USDC", Category::spot);
    f.tier(Category::perp, 1, 20'000'000, {"BTC_USDC_PERP", "SOL_USDC_PERP"});
    f.tier(Category::spot, 1, 10'000'000, {"ETH_USDC"});
    alpha = f.mm("alpha");
    beta = f.mm("beta");
    gamma = f.mm("gamma");
    f.fee_tier("MM1", 5'000'000, -0.5);
    f.fee_tier("MM2", 10'000'000, -1.0);
    f.fee_tier("MM3", 20'000'000, -1.5);
    f.fee_tier("MM4", 35'000'000, -2.0);
    f.fee_tier("MM5", 50'000'000, -2.5);
    f.p.config_hash = "c0ffee";
    f.start();
    f.s.last_ts = at("2026-04-15T12:00:00Z");
    f.s.input = InputCounters{1234, 2, 17, 1};
    f.s.snapshots_taken = 100;
    f.s.markets[btc].snapshots_observed = 100;
    f.s.markets[btc].snapshots_unobserved = 3;
    f.s.markets[sol].snapshots_observed = 98;
    f.s.markets[sol].snapshots_unobserved = 5;

    f.all_volume(btc, units(1'000'000));
    f.volume(alpha, btc, units(300'000));
    f.liquidity(alpha, btc, 100, 100, units(10'000), 5.0);
    f.volume(beta, btc, units(100'000));
    f.liquidity(beta, btc, 100, 50, units(4'000), 2.0);

    f.all_volume(sol, units(500'000));
    f.volume(alpha, sol, units(50'000));
    f.liquidity(alpha, sol, 100, 100, units(3'000), 10.0);

    f.all_volume(eth, units(200'000));
    f.volume(alpha, eth, units(10'000));
    f.liquidity(alpha, eth, 100, 100, units(1'500), 5.0);
    f.volume(beta, eth, units(30'000));
    f.liquidity(beta, eth, 100, 100, units(6'000), 5.0);

    f.all_volume(xyz, units(50'000));
    f.volume(beta, xyz, units(5'000));
    f.liquidity(beta, xyz, 100, 100, units(3'000), 5.0);
  }
};

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> reason_list(const Json& arr) {
  std::vector<std::string> out;
  for (const Json& j : arr.items) out.push_back(j.str());
  return out;
}

}  // namespace

TEST_CASE("report: the numbers of the small case", "[scoring][report]") {
  ReportCase rc;
  const Report r = rc.f.run();
  CHECK(r.mms[rc.alpha].markets[rc.btc].reward == 7'333'333);
  CHECK(r.mms[rc.beta].markets[rc.btc].reward == 2'666'667);
  CHECK(r.mms[rc.alpha].markets[rc.sol].reward == 10'000'000);
  CHECK(r.mms[rc.beta].markets[rc.eth].reward == 7'600'000);
  CHECK(r.mms[rc.alpha].total_reward == 17'333'333);
  CHECK(r.mms[rc.beta].total_reward == 10'266'667);
  CHECK(r.mms[rc.gamma].total_reward == 0);
  CHECK(r.unallocated == 2'400'000);
  check_accounting(rc.f.p, r);
}

TEST_CASE("report JSON: contract names and values", "[scoring][report]") {
  ReportCase rc;
  const Report r = rc.f.run(false);
  const std::string text = report_json(rc.f.p, r);
  INFO(text);

  // A few printed forms, verbatim.
  CHECK(contains(text, "\"month\": \"2026-04\""));
  CHECK(contains(text, "\"final\": false"));
  CHECK(contains(text, "\"pool_usd\": 300000.00"));
  CHECK(contains(text, "\"unallocated_usd\": 24000.00"));
  CHECK(contains(text, "\"reward_usd\": 73333.33"));
  CHECK(contains(text, "\"total_reward_usd\": 173333.33"));

  const Json j = parse_json(text);
  CHECK(j["month"].str() == "2026-04");
  CHECK(j["final"].type == Json::bool_t);
  CHECK_FALSE(j["final"].b);
  CHECK(j["as_of"].str() == "2026-04-15T12:00:00Z");
  CHECK(j["config_hash"].str() == "c0ffee");
  CHECK(j["pool_usd"].num() == 300'000.0);
  CHECK(j["unallocated_usd"].num() == 24'000.0);
  CHECK(j["input"]["records"].num() == 1234);
  CHECK(j["input"]["rejected"].num() == 2);
  CHECK(j["input"]["ignored"].num() == 17);
  CHECK(j["input"]["torn"].num() == 1);
  CHECK_FALSE(j.has("journal_config_hash"));  // only a replay under --allow-config-change sets it
  Report replayed = r;
  replayed.journal_config_hash = "beef";
  CHECK(contains(report_json(rc.f.p, replayed), "\"config_hash\": \"c0ffee\",\n  \"journal_config_hash\": \"beef\",\n"));

  // markets: sorted by symbol, every configured market, every contract field.
  const Json& markets = j["markets"];
  REQUIRE(markets.size() == 4);
  const char* symbols[] = {"BTC_USDC_PERP", "ETH_USDC", "SOL_USDC_PERP", "XYZ_USDC"};
  for (size_t k = 0; k < 4; ++k) {
    CHECK(markets[k]["symbol"].str() == symbols[k]);
    for (const char* key : {"symbol", "category", "reward_tier", "active_days", "pair_pool_usd", "maker_volume_usd",
                            "program_maker_volume_usd", "snapshots_observed", "snapshots_unobserved",
                            "unallocated_usd"}) {
      INFO("market " << symbols[k] << " key " << key);
      CHECK(markets[k].has(key));
    }
  }
  const Json& btc = markets[0];
  CHECK(btc["category"].str() == "perp");
  CHECK(btc["reward_tier"].num() == 1);
  CHECK(btc["active_days"].num() == 30.0);
  CHECK(btc["pair_pool_usd"].num() == 100'000.0);  // 200,000 / 2 markets of 30 days
  CHECK(btc["maker_volume_usd"].num() == 1'000'000.0);
  CHECK(btc["program_maker_volume_usd"].num() == 400'000.0);  // 300,000 + 100,000
  CHECK(btc["snapshots_observed"].num() == 100);
  CHECK(btc["snapshots_unobserved"].num() == 3);
  CHECK(btc["unallocated_usd"].num() == 0.0);
  const Json& eth = markets[1];
  CHECK(eth["category"].str() == "spot");
  CHECK(eth["pair_pool_usd"].num() == 100'000.0);
  CHECK(eth["program_maker_volume_usd"].num() == 40'000.0);
  CHECK(eth["unallocated_usd"].num() == 24'000.0);  // alpha's forfeited 0.24 x 100,000
  CHECK(markets[2]["snapshots_observed"].num() == 98);
  CHECK(markets[2]["snapshots_unobserved"].num() == 5);
  const Json& xyz = markets[3];
  CHECK(xyz["reward_tier"].is_null());  // in no tier
  CHECK(xyz["pair_pool_usd"].num() == 0.0);
  CHECK(xyz["maker_volume_usd"].num() == 50'000.0);
  CHECK(xyz["program_maker_volume_usd"].num() == 5'000.0);

  // mms: sorted by mm_id; every MM lists every configured market in symbol order.
  const Json& mms = j["mms"];
  REQUIRE(mms.size() == 3);
  const char* ids[] = {"alpha", "beta", "gamma"};
  for (size_t i = 0; i < 3; ++i) {
    INFO("mm " << ids[i]);
    CHECK(mms[i]["mm_id"].str() == ids[i]);
    for (const char* key : {"mm_id", "total_reward_usd", "meets_min_allocation", "fee_tiers", "markets"})
      CHECK(mms[i].has(key));
    for (const char* cat : {"spot", "perp"})
      for (const char* key : {"total_maker_share", "adjusted_maker_share", "tier"}) {
        INFO(cat << "." << key);
        CHECK(mms[i]["fee_tiers"][cat].has(key));
      }
    REQUIRE(mms[i]["markets"].size() == 4);
    for (size_t k = 0; k < 4; ++k) {
      const Json& e = mms[i]["markets"][k];
      CHECK(e["symbol"].str() == symbols[k]);
      for (const char* key : {"symbol", "maker_volume_usd", "volume_score", "snapshots_active", "snapshots_observed",
                              "avg_size_usd", "avg_spread_bps", "uptime", "liquidity_metric", "liquidity_score",
                              "blended_score", "eligible", "ineligible_reasons", "reward_usd"}) {
        INFO(symbols[k] << " key " << key);
        CHECK(e.has(key));
      }
      // eligible is true exactly when there is no reason.
      CHECK(e["eligible"].b == e["ineligible_reasons"].items.empty());
      CHECK(e["ineligible_reasons"].type == Json::array_t);
    }
  }

  const Json& alpha = mms[0];
  CHECK(alpha["total_reward_usd"].num() == 173'333.33);
  CHECK(alpha["meets_min_allocation"].b);
  // alpha perp: 350,000 / 1,500,000 = 0.233333 -> MM5; spot 10,000 / 250,000 = 0.04 -> MM4.
  CHECK(alpha["fee_tiers"]["perp"]["total_maker_share"].num() == Approx(0.233333333).margin(1e-9));
  CHECK(alpha["fee_tiers"]["perp"]["adjusted_maker_share"].num() == Approx(0.233333333).margin(1e-9));
  CHECK(alpha["fee_tiers"]["perp"]["tier"].str() == "MM5");
  CHECK(alpha["fee_tiers"]["spot"]["total_maker_share"].num() == Approx(0.04).margin(1e-9));
  CHECK(alpha["fee_tiers"]["spot"]["tier"].str() == "MM4");
  const Json& a_btc = alpha["markets"][0];
  CHECK(a_btc["maker_volume_usd"].num() == 300'000.0);
  CHECK(a_btc["volume_score"].num() == Approx(0.75).margin(1e-9));
  CHECK(a_btc["snapshots_active"].num() == 100);
  CHECK(a_btc["snapshots_observed"].num() == 100);
  CHECK(a_btc["avg_size_usd"].num() == Approx(10'000.0).margin(0.005));
  CHECK(a_btc["avg_spread_bps"].num() == Approx(5.0).margin(1e-9));
  CHECK(a_btc["uptime"].num() == Approx(1.0).margin(1e-9));
  CHECK(a_btc["liquidity_metric"].num() == Approx(2'000.0).margin(1e-9));
  CHECK(a_btc["liquidity_score"].num() == Approx(2.0 / 3.0).margin(1e-9));
  CHECK(a_btc["blended_score"].num() == Approx(0.6 + 0.2 * 2.0 / 3.0).margin(1e-9));
  CHECK(a_btc["eligible"].b);
  CHECK(a_btc["reward_usd"].num() == 73'333.33);
  const Json& a_eth = alpha["markets"][1];
  CHECK_FALSE(a_eth["eligible"].b);
  CHECK(reason_list(a_eth["ineligible_reasons"]) == std::vector<std::string>{"avg_size_below_min"});
  CHECK(a_eth["avg_size_usd"].num() == 1'500.0);
  CHECK(a_eth["blended_score"].num() == Approx(0.24).margin(1e-9));  // still reported
  CHECK(a_eth["reward_usd"].num() == 0.0);
  CHECK(alpha["markets"][2]["reward_usd"].num() == 100'000.0);
  // alpha did nothing on XYZ: zeros, both per-market reasons.
  const Json& a_xyz = alpha["markets"][3];
  CHECK(a_xyz["maker_volume_usd"].num() == 0.0);
  CHECK(a_xyz["volume_score"].num() == 0.0);
  CHECK(a_xyz["snapshots_active"].num() == 0);
  {
    std::vector<std::string> got = reason_list(a_xyz["ineligible_reasons"]);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"avg_size_below_min", "volume_score_below_min"});
  }

  const Json& beta = mms[1];
  CHECK(beta["total_reward_usd"].num() == 102'666.67);
  CHECK(beta["markets"][0]["reward_usd"].num() == 26'666.67);
  CHECK(beta["markets"][1]["reward_usd"].num() == 76'000.0);
  CHECK(beta["markets"][3]["eligible"].b);  // eligible on XYZ, but its pool is 0
  CHECK(beta["markets"][3]["reward_usd"].num() == 0.0);
  // beta perp 100,000 / 1,500,000 = 0.0667 -> MM5; spot 35,000 / 250,000 = 0.14 -> MM5.
  CHECK(beta["fee_tiers"]["spot"]["total_maker_share"].num() == Approx(0.14).margin(1e-9));
  CHECK(beta["fee_tiers"]["spot"]["tier"].str() == "MM5");

  const Json& gamma = mms[2];
  CHECK(gamma["total_reward_usd"].num() == 0.0);
  CHECK_FALSE(gamma["meets_min_allocation"].b);
  CHECK(gamma["fee_tiers"]["perp"]["tier"].is_null());  // below the lowest tier
  CHECK(gamma["fee_tiers"]["spot"]["tier"].is_null());
  for (size_t k = 0; k < 4; ++k) {
    const std::vector<std::string> got = reason_list(gamma["markets"][k]["ineligible_reasons"]);
    CHECK(std::find(got.begin(), got.end(), "below_min_allocation") != got.end());
    CHECK_FALSE(gamma["markets"][k]["eligible"].b);
  }

  // Accounting identity on the printed numbers: sum of reward_usd + unallocated_usd = pool.
  double cents = 0;
  for (size_t i = 0; i < 3; ++i)
    for (size_t k = 0; k < 4; ++k) cents += std::round(mms[i]["markets"][k]["reward_usd"].num() * 100);
  cents += std::round(j["unallocated_usd"].num() * 100);
  CHECK(cents == 30'000'000.0);
}

TEST_CASE("report JSON: the final flag, a running estimate uses the same formulas", "[scoring][report]") {
  ReportCase rc;
  const std::string running = report_json(rc.f.p, rc.f.run(false));
  const std::string final_text = report_json(rc.f.p, rc.f.run(true));
  CHECK(contains(running, "\"final\": false"));
  CHECK(contains(final_text, "\"final\": true"));
  CHECK(parse_json(final_text)["final"].b);
  std::string as_running = final_text;
  as_running.replace(as_running.find("\"final\": true"), std::string("\"final\": true").size(), "\"final\": false");
  CHECK(as_running == running);
  // Deterministic: the same state gives the same bytes.
  CHECK(report_json(rc.f.p, rc.f.run(false)) == running);
  CHECK(report_file_stem(rc.f.run(true)) == "report-2026-04");
}

TEST_CASE("report CSV: a header and one row per MM x market", "[scoring][report]") {
  ReportCase rc;
  const Report r = rc.f.run();
  const std::string csv = report_csv(rc.f.p, r);
  INFO(csv);
  std::vector<std::string> lines = split(csv, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  REQUIRE(lines.size() == 1 + 3 * 4);
  const std::vector<std::string> header = split(lines[0], ',');
  auto col = [&](const std::string& name) -> size_t {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return size_t(it - header.begin());
  };
  const size_t c_mm = col("mm_id"), c_sym = col("symbol"), c_vol = col("maker_volume_usd"),
               c_elig = col("eligible"), c_reward = col("reward_usd"), c_reasons = col("ineligible_reasons");
  col("volume_score");
  col("liquidity_score");
  col("blended_score");
  const char* ids[] = {"alpha", "beta", "gamma"};
  const char* symbols[] = {"BTC_USDC_PERP", "ETH_USDC", "SOL_USDC_PERP", "XYZ_USDC"};
  const char* rewards[3][4] = {{"73333.33", "0.00", "100000.00", "0.00"},
                               {"26666.67", "76000.00", "0.00", "0.00"},
                               {"0.00", "0.00", "0.00", "0.00"}};
  for (size_t i = 0; i < 3; ++i)
    for (size_t k = 0; k < 4; ++k) {
      const std::vector<std::string> row = split(lines[1 + i * 4 + k], ',');
      INFO("row " << lines[1 + i * 4 + k]);
      REQUIRE(row.size() == header.size());
      CHECK(row[c_mm] == ids[i]);
      CHECK(row[c_sym] == symbols[k]);
      CHECK(std::strtod(row[c_reward].c_str(), nullptr) == std::strtod(rewards[i][k], nullptr));
      CHECK(row[c_elig] == (row[c_reasons].empty() ? "true" : "false"));
    }
  CHECK(std::strtod(split(lines[1], ',')[c_vol].c_str(), nullptr) == 300'000.0);
  CHECK(split(lines[2], ',')[c_elig] == "false");  // alpha, ETH_USDC: avg size 1,500
  CHECK(contains(split(lines[2], ',')[c_reasons], "avg_size_below_min"));
  CHECK(contains(split(lines[9], ',')[c_reasons], "below_min_allocation"));  // gamma, BTC
}

TEST_CASE("report CSV: its columns are the JSON's MM-market keys, with the same printed values", "[scoring][report]") {
  ReportCase rc;
  const Report r = rc.f.run();
  const Json j = parse_json(report_json(rc.f.p, r));
  std::vector<std::string> lines = split(report_csv(rc.f.p, r), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  const std::vector<std::string> header = split(lines[0], ',');
  // mm_id, then every key of a report MM-market row, in the report's order.
  const Json& first = j["mms"][0]["markets"][0];
  REQUIRE(header.size() == 1 + first.members.size());
  CHECK(header[0] == "mm_id");
  for (size_t c = 0; c < first.members.size(); ++c) CHECK(header[1 + c] == first.members[c].first);

  size_t line = 1;
  for (const Json& mm : j["mms"].items)
    for (const Json& e : mm["markets"].items) {
      REQUIRE(line < lines.size());
      const std::vector<std::string> row = split(lines[line++], ',');
      REQUIRE(row.size() == header.size());
      CHECK(row[0] == mm["mm_id"].str());
      for (size_t c = 1; c < header.size(); ++c) {
        const Json& v = e[header[c]];
        std::string printed = v.text;
        if (v.type == Json::bool_t) printed = v.b ? "true" : "false";
        if (v.type == Json::array_t) {
          printed.clear();
          for (const Json& s : v.items) printed += (printed.empty() ? "" : ";") + s.str();
        }
        INFO(mm["mm_id"].str() << " " << e["symbol"].str() << " column " << header[c]);
        CHECK(row[c] == printed);
      }
    }
  CHECK(line == lines.size());
}
