#include <catch2/catch.hpp>

#include "feeds/sim/server/fault_schedule.h"
#include "feeds/sim/model/market_catalog.h"

using namespace mm;
using namespace mm::sim;

namespace {

std::vector<Fault> parse_ok(std::string_view text) {
  auto faults = parse_fault_schedule(text);
  INFO(faults.message());
  REQUIRE(faults);
  return *faults;
}

std::string parse_error(std::string_view text) {
  const auto faults = parse_fault_schedule(text);
  REQUIRE_FALSE(faults);
  return faults.message();
}

}  // namespace

TEST_CASE("fault times: integer with ms, s or m", "[sim_server][faults]") {
  CHECK(parse_fault_time("250ms") == 250'000);
  CHECK(parse_fault_time("0s") == 0);
  CHECK(parse_fault_time("30s") == 30 * kUsPerSecond);
  CHECK(parse_fault_time("2m") == 120 * kUsPerSecond);
  for (const char* bad : {"", "s", "ms", "m", "30", "1.5s", "-1s", "+1s", "3h", "1 s", "s30", "99999999999999m"}) {
    INFO(bad);
    CHECK_FALSE(parse_fault_time(bad));
  }
}

TEST_CASE("fault schedule: every kind with its argument, sorted by time", "[sim_server][faults]") {
  const auto faults = parse_ok(
      "malformed@90s, drop_public@30s,drop_private:alpha/main@45s,gap:SOL_USDC@60s,"
      "stale_depth@75s,delay_rest:3s@100s, drop_public@30s");
  REQUIRE(faults.size() == 7);
  CHECK(faults[0].kind == FaultKind::drop_public);
  CHECK(faults[0].at == 30 * kUsPerSecond);
  CHECK(faults[1].kind == FaultKind::drop_public);  // ties keep the written order
  CHECK(faults[2].kind == FaultKind::drop_private);
  CHECK(faults[2].target == "alpha/main");
  CHECK(faults[3].kind == FaultKind::gap);
  CHECK(faults[3].target == "SOL_USDC");
  CHECK(faults[4].kind == FaultKind::stale_depth);
  CHECK(faults[5].kind == FaultKind::malformed);
  CHECK(faults[5].text == "malformed@90s");
  CHECK(faults[6].kind == FaultKind::delay_rest);
  CHECK(faults[6].duration == 3 * kUsPerSecond);
  CHECK(faults[6].at == 100 * kUsPerSecond);
  CHECK(std::string(to_string(FaultKind::stale_depth)) == "stale_depth");
}

TEST_CASE("fault schedule: empty means no faults, errors name the item", "[sim_server][faults]") {
  CHECK(parse_ok("").empty());
  CHECK(parse_ok("  ").empty());
  CHECK(parse_error("gap:SOL_USDC@60s,boom@3s") ==
        "fault schedule item 2 'boom@3s': unknown kind 'boom' (drop_public, drop_private, gap, stale_depth, "
        "malformed, delay_rest)");
  CHECK(parse_error("drop_public").find("missing '@time'") != std::string::npos);
  CHECK(parse_error("drop_public@soon").find("bad time 'soon'") != std::string::npos);
  CHECK(parse_error("drop_public:x@1s").find("takes no argument") != std::string::npos);
  CHECK(parse_error("drop_private@1s").find("mm_id/account") != std::string::npos);
  CHECK(parse_error("drop_private:alpha@1s").find("mm_id/account") != std::string::npos);
  CHECK(parse_error("drop_private:alpha/main/x@1s").find("mm_id/account") != std::string::npos);
  CHECK(parse_error("drop_private:/main@1s").find("mm_id/account") != std::string::npos);
  CHECK(parse_error("gap@1s").find("gap needs a symbol") != std::string::npos);
  CHECK(parse_error("delay_rest@1s").find("positive duration") != std::string::npos);
  CHECK(parse_error("delay_rest:0s@1s").find("positive duration") != std::string::npos);
  CHECK(parse_error("delay_rest:3@1s").find("positive duration") != std::string::npos);
  CHECK(parse_error("malformed@1s,,gap:X@2s").find("item 2 '': empty item") != std::string::npos);
  CHECK(parse_error("malformed@1s,").find("item 2") != std::string::npos);
}

TEST_CASE("fault targets resolve to accounts and markets", "[sim_server][faults]") {
  ExchangeOptions ex;
  ex.markets = {make_sim_market("SOL_USDC", "98.90", "0.01", "0.01"),
                make_sim_market("MU.US_USDC_PERP", "100.0", "0.1", "0.01")};
  ex.accounts = {{"alpha", "main", QuoteStyle::tight, {}}, {"alpha", "hedge", QuoteStyle::wide, {}}};
  auto faults = parse_ok("gap:MU.US_USDC_PERP@1s,drop_private:alpha/hedge@2s,drop_public@3s");
  REQUIRE(resolve_fault_targets(faults, ex));
  CHECK(faults[0].index == 1);
  CHECK(faults[1].index == 1);

  auto unknown_market = parse_ok("gap:ETH_USDC@1s");
  const auto no_market = resolve_fault_targets(unknown_market, ex);
  CHECK_FALSE(no_market);
  CHECK(no_market.message() == "fault 'gap:ETH_USDC@1s': no market ETH_USDC");
  auto unknown_account = parse_ok("drop_private:beta/main@1s");
  const auto no_account = resolve_fault_targets(unknown_account, ex);
  CHECK_FALSE(no_account);
  CHECK(no_account.message() == "fault 'drop_private:beta/main@1s': no account beta/main");
}
