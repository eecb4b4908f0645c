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
