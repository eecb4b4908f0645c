// Same seed, same bytes: the simulator must be replayable run to run.
#include "sim_test_support.h"

using namespace mm;
using namespace mm::simtest;

namespace {

// Every frame (with its metadata) and REST body of a run, as one string.
std::string transcript(uint64_t seed, uint64_t steps) {
  SyntheticExchange ex(small_options(seed));
  std::string out;
  for (uint64_t i = 0; i < steps; ++i) {
    const TimeUs t = kStart + TimeUs(i) * 500;
    ex.step(t, [&](const Frame& f) {
      out += std::to_string(int(f.kind)) + (f.is_private ? " p" : " P") + std::to_string(f.account) + " " +
             std::string(f.stream) + " " + std::string(f.json) + "\n";
    });
    if (i % 1000 == 0) {
      for (uint32_t m = 0; m < ex.market_count(); ++m) out += ex.depth_snapshot(m, t) + "\n";
      for (uint32_t a = 0; a < ex.account_count(); ++a) out += ex.open_orders(a, std::nullopt) + "\n";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("same seed gives a byte-identical stream, another seed differs") {
  const std::string a = transcript(11, 5000);
  const std::string b = transcript(11, 5000);
  const std::string c = transcript(12, 5000);
  CHECK(a.size() > 100'000);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("the initial books do not depend on anything but the seed") {
  SyntheticExchange a(small_options(3)), b(small_options(3));
  for (uint32_t m = 0; m < a.market_count(); ++m) {
    CHECK(a.depth_snapshot(m, kStart) == b.depth_snapshot(m, kStart));
    CHECK(a.best_bid(m) > 0);
    CHECK(a.best_ask(m) > a.best_bid(m));
  }
}

TEST_CASE("an id base moves only the ids: the same market, every id at or above the base") {
  ExchangeOptions moved = small_options(11);
  moved.id_base = kStart;  // what the server passes: its start time in microseconds
  SyntheticExchange a(small_options(11)), b(moved);
  struct Seen {
    std::vector<FrameKind> kinds;
    std::vector<std::vector<uint64_t>> trade_ids;  // per market, in order
    uint64_t lowest_id = UINT64_MAX;
  };
  auto run = [](SyntheticExchange& ex, Seen& seen) {
    seen.trade_ids.resize(ex.market_count());
    for (uint64_t i = 0; i < 5000; ++i)
      ex.step(kStart + TimeUs(i) * 500, [&](const Frame& f) {
        seen.kinds.push_back(f.kind);
        if (f.kind == FrameKind::trade) seen.trade_ids[f.market].push_back(f.trade_id);
        if (f.kind == FrameKind::trade || f.kind == FrameKind::depth)
          seen.lowest_id = std::min(seen.lowest_id, f.kind == FrameKind::trade ? f.trade_id : f.update_id);
      });
  };
  Seen sa, sb;
  run(a, sa);
  run(b, sb);
  CHECK(sa.kinds == sb.kinds);
  CHECK(sa.lowest_id < 10'000'000'000);  // the seeded bases: 9 and 10 digits
  CHECK(sb.lowest_id >= uint64_t(kStart));
  size_t trades = 0;
  for (uint32_t m = 0; m < a.market_count(); ++m) {
    REQUIRE(sa.trade_ids[m].size() == sb.trade_ids[m].size());
    trades += sa.trade_ids[m].size();
    for (size_t k = 0; k < sb.trade_ids[m].size(); ++k) {
      CHECK(sb.trade_ids[m][k] == uint64_t(kStart) + k);  // consecutive from the base
      CHECK(sa.trade_ids[m][k] == sa.trade_ids[m][0] + k);
    }
    CHECK(a.market_volume(m) == b.market_volume(m));
    for (uint32_t acc = 0; acc < a.account_count(); ++acc) CHECK(a.maker_volume(acc, m) == b.maker_volume(acc, m));
  }
  CHECK(trades > 100);
}
