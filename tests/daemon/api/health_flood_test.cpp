// Health and metrics for a duplicate-trade flood (repeated ids, nothing new counted),
// from an Engine fed hand-made records: what a simulator re-run against a restored
// journal looked like before its ids went up.
#include <catch2/catch.hpp>

#include <algorithm>

#include "daemon/api/health_view.h"
#include "daemon/api/metrics_view.h"
#include "tests/core/engine_harness.h"

using namespace mmtest;

namespace {

// The published state the engine loop would build, with every feed and book fine.
mm::PublishedState published(const mm::Engine& engine) {
  mm::PublishedState s;
  s.started = engine.started();
  s.engine_clock = engine.clock();
  s.published_at = engine.clock();
  s.markets = engine.market_views();
  s.book_in_sync.assign(engine.program().markets.size(), 1);
  s.public_connected = true;
  return s;
}

std::vector<std::string> flood_problems(const mm::Engine& engine) {
  const mm::PublishedState s = published(engine);
  const mm::api::ViewContext ctx{engine.program(), s, s.published_at};
  std::vector<std::string> out;
  for (const std::string& p : mm::api::health_facts(ctx).problems)
    if (p.find("no new trades") != std::string::npos) out.push_back(p);
  return out;
}

}  // namespace

TEST_CASE("health: repeated trade ids with no new one for 30 s are a degraded market") {
  const Program p = make_program({{"BTC_USDC"}, {"SOL_USDC"}}, {"alpha"});
  Engine engine(p);
  Feed feed(engine);
  const TimeUs t0 = at("2026-04-10T12:00:00Z");
  // New ids 100..102 in both markets at t0, t0+1 s, t0+2 s.
  for (uint64_t i = 0; i < 3; ++i) {
    feed.at(t0 + TimeUs(i) * kUsPerSecond);
    feed.trade("SOL_USDC", 100 + i, "150.00", "1", 0);
    feed.trade("BTC_USDC", 100 + i, "60000.00", "0.1", 0);
  }
  // From t0+10 s, the same ids again every second: SOL until t0+45 s, BTC until t0+40 s.
  auto repeat = [&](int from_s, int to_s) {
    for (int t = from_s; t <= to_s; ++t) {
      feed.at(t0 + t * kUsPerSecond);
      feed.trade("SOL_USDC", 100 + uint64_t(t % 3), "150.00", "1", 0);
      if (t <= 40) feed.trade("BTC_USDC", 100 + uint64_t(t % 3), "60000.00", "1", 0);
    }
  };
  repeat(10, 39);
  CHECK(flood_problems(engine).empty());  // repeats for 29 s: not yet
  repeat(40, 45);
  // SOL: repeats from t0+10 to t0+45, the last new id at t0+2, the clock at t0+45.
  // BTC: repeats from t0+10 to t0+40: 30 s, and still arriving (5 s ago).
  CHECK(flood_problems(engine) == std::vector<std::string>{"BTC_USDC: no new trades for 43 s while trades arrive",
                                                            "SOL_USDC: no new trades for 43 s while trades arrive"});
  const auto& views = engine.market_views();
  CHECK(views[feed.market("SOL_USDC")].flow.duplicates == 36);
  CHECK(views[feed.market("BTC_USDC")].flow.duplicates == 31);
  CHECK(engine.counters().trades_duplicate == 67);

  // A new SOL id ends its flood; BTC's repeats stop, and 30 s later it is no flood either.
  feed.at(t0 + 46 * kUsPerSecond);
  feed.trade("SOL_USDC", 103, "150.00", "1", 0);
  CHECK(flood_problems(engine) == std::vector<std::string>{"BTC_USDC: no new trades for 44 s while trades arrive"});
  feed.at(t0 + 71 * kUsPerSecond);
  feed.trade("SOL_USDC", 104, "150.00", "1", 0);
  CHECK(flood_problems(engine).empty());
  CHECK(views[feed.market("SOL_USDC")].flow.duplicates == 36);  // cumulative
}

TEST_CASE("metrics: duplicate trades per market") {
  const Program p = make_program({{"BTC_USDC"}, {"SOL_USDC"}}, {"alpha"});
  Engine engine(p);
  Feed feed(engine);
  feed.at(at("2026-04-10T12:00:00Z"));
  feed.trade("SOL_USDC", 7, "150.00", "1", 0);
  feed.trade("SOL_USDC", 7, "150.00", "1", 0);
  feed.trade("SOL_USDC", 7, "150.00", "1", 0);
  feed.trade("BTC_USDC", 7, "60000.00", "1", 0);  // the same id in another market is new
  const mm::PublishedState s = published(engine);
  mm::api::MetricsInput in{p, &s};
  const std::string text = mm::api::metrics_text(in);
  CHECK(text.find("mmscore_market_trades_duplicate_total{symbol=\"SOL_USDC\"} 2\n") != std::string::npos);
  CHECK(text.find("mmscore_market_trades_duplicate_total{symbol=\"BTC_USDC\"} 0\n") != std::string::npos);
}
