// Engine checkpoints, the core half (core/engine_state.cpp): a saved state loads back to
// the same state, and the engine carries on from it exactly as the original does; a
// truncated state or one of another program is refused and leaves the engine as it was.
// The property over a live journal's cut points is tests/daemon/checkpoint_restore_test.cpp.
#include "tests/core/engine_harness.h"

using namespace mmtest;

namespace {

std::string state_of(const Engine& e) {
  StateWriter w;
  e.save_state(w);
  return std::move(w.bytes());
}

// Two markets, two MMs; a book, resting orders, trades and a snapshot behind it.
void first_half(Feed& f) {
  f.connected("2026-03-01T00:00:10Z", {"alpha", "bravo"});
  f.seed("SOL_USDC", 1000, {{"99.00", "10"}}, {{"101.00", "10"}});
  f.quote("alpha", "SOL_USDC", 7, Side::bid, "99.90", "30");
  f.quote("alpha", "SOL_USDC", 8, Side::ask, "100.10", "30");
  f.quote("bravo", "SOL_USDC", 9, Side::ask, "100.40", "5");
  f.at("2026-03-01T00:01:05Z");
  f.trade("SOL_USDC", 500, "100.10", "2", 8);
  f.fill("alpha", "SOL_USDC", 8, Side::ask, "100.10", 500, "2", true, "28");
  f.trade("SOL_USDC", 503, "99.90", "1", 7);  // ids 501, 502 missing
}

void second_half(Feed& f) {
  f.at("2026-03-01T00:02:30Z");
  f.trade("SOL_USDC", 501, "100.00", "1", 999);
  f.cancel("bravo", "SOL_USDC", 9, Side::ask);
  f.at("2026-03-01T00:03:30Z");
  f.trade("SOL_USDC", 504, "100.10", "3", 8);
  f.fill("alpha", "SOL_USDC", 8, Side::ask, "100.10", 504, "3", true, "25");
}

}  // namespace

TEST_CASE("engine state: saved, loaded and carried on, it matches the engine that never stopped") {
  const Program p = make_program({{"SOL_USDC"}, {"ETH_USDC"}}, {"alpha", "bravo"});
  Engine original(p);
  Feed feed(original);
  first_half(feed);
  REQUIRE(original.month().snapshots_taken == 1);

  Engine restored(p);
  REQUIRE(restored.load_state(state_of(original)));
  CHECK(state_of(restored) == state_of(original));
  CHECK(restored.orders().size() == 3);
  CHECK(restored.orders().find(9) != nullptr);  // the order index is rebuilt
  CHECK(restored.month().markets[*p.market_index("SOL_USDC")].trades_missing == 2);

  Feed feed_restored(restored);
  second_half(feed);
  second_half(feed_restored);
  CHECK(state_of(restored) == state_of(original));
  const uint32_t sol = *p.market_index("SOL_USDC");
  CHECK(restored.month().markets[sol].trades_missing == 1);  // 501 arrived, 502 still missing
  CHECK(restored.month().snapshots_taken == 3);
  CHECK(restored.month().cell(feed.mm("alpha"), sol).maker_volume == original.month().cell(feed.mm("alpha"), sol).maker_volume);
  CHECK(restored.orders().find(9) == nullptr);
}

TEST_CASE("engine state: a truncated state or another program's is refused, the engine unchanged") {
  const Program p = make_program({{"SOL_USDC"}, {"ETH_USDC"}}, {"alpha", "bravo"});
  Engine original(p);
  Feed feed(original);
  first_half(feed);
  const std::string saved = state_of(original);

  Engine target(p);
  Feed other(target);
  other.at("2026-03-02T00:00:00Z");
  other.public_up(true);
  const std::string before = state_of(target);

  for (size_t cut : {size_t(0), size_t(3), saved.size() / 2, saved.size() - 1}) {
    INFO("cut at " << cut);
    const auto r = target.load_state(std::string_view(saved).substr(0, cut));
    REQUIRE_FALSE(r);
    CHECK(r.message() == "engine state is truncated");
    CHECK(state_of(target) == before);
  }
  CHECK(target.load_state(saved + "x").message() == "engine state has bytes after its end");

  const Program three = make_program({{"SOL_USDC"}, {"ETH_USDC"}, {"BTC_USDC"}}, {"alpha", "bravo"});
  Engine wider(three);
  const auto r = wider.load_state(saved);
  REQUIRE_FALSE(r);
  CHECK(r.message() == "saved for 2 markets, 2 MMs, 2 accounts; this program has 3, 2, 2");

  std::string future = saved;
  future[0] = 9;  // the state format number comes first
  CHECK(target.load_state(future).message() == "engine state format 9, this mmscore reads 2");
  CHECK(state_of(target) == before);
}
