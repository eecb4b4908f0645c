#include <catch2/catch.hpp>

#include "core/book.h"
#include "engine_harness.h"

using namespace mm;
using mmtest::px;
using mmtest::qty;

namespace {
struct Frames {
  std::vector<std::vector<Level>> keep;
  std::span<const Level> side(std::initializer_list<std::pair<const char*, const char*>> levels) {
    keep.emplace_back();
    keep.back().reserve(levels.size());
    for (auto& [p, q] : levels) keep.back().push_back({px(p), qty(q)});
    return {keep.back().data(), keep.back().size()};
  }
};
}  // namespace

TEST_CASE("seeding applies the snapshot and bridges buffered frames") {
  Frames f;
  f.keep.reserve(64);
  Book b;
  CHECK(b.needs_seed());
  // Frames arrive while the REST snapshot (lastUpdateId 100) is being fetched.
  CHECK(b.apply_depth({0, 99, 99, f.side({{"98.00", "1"}}), {}}) == Book::DepthResult::buffered);
  CHECK(b.apply_depth({0, 100, 100, f.side({{"98.50", "2"}}), {}}) == Book::DepthResult::buffered);
  CHECK(b.apply_depth({0, 101, 101, {}, f.side({{"101.00", "0"}})}) == Book::DepthResult::buffered);
  CHECK(b.apply_depth({0, 102, 102, f.side({{"99.00", "7"}}), {}}) == Book::DepthResult::buffered);
  CHECK(b.buffered_frames() == 4);

  // Snapshot sides come ascending from REST; 99 and 100 are already in it and dropped.
  auto result = b.seed({0, 100, f.side({{"98.00", "1"}, {"98.50", "2"}, {"99.00", "3"}}),
                        f.side({{"100.00", "4"}, {"101.00", "5"}})});
  CHECK(result == Book::SeedResult::synced);
  CHECK(b.in_sync());
  CHECK(b.buffered_frames() == 0);
  CHECK(b.last_update_id() == 102);
  // Frame 101 removed ask 101.00, frame 102 set bid 99.00 to 7.
  REQUIRE(b.asks().size() == 1);
  CHECK(b.asks().back().price == px("100.00"));
  REQUIRE(b.bids().size() == 3);
  CHECK(b.bids().back().price == px("99.00"));
  CHECK(b.bids().back().qty == qty("7"));
  CHECK(b.top()->best_bid == px("99.00"));
  CHECK(b.top()->best_ask == px("100.00"));

  // From now on each frame must continue the sequence.
  CHECK(b.apply_depth({0, 103, 103, {}, f.side({{"99.50", "1"}})}) == Book::DepthResult::applied);
  CHECK(b.top()->best_ask == px("99.50"));
  CHECK(b.apply_depth({0, 103, 103, {}, f.side({{"99.60", "1"}})}) == Book::DepthResult::stale);
  CHECK(b.top()->best_ask == px("99.50"));
}

TEST_CASE("a snapshot older than the buffered frames does not bridge, the next one does") {
  Frames f;
  f.keep.reserve(64);
  Book b;
  b.apply_depth({0, 205, 205, f.side({{"10.00", "1"}}), {}});
  b.apply_depth({0, 206, 206, f.side({{"10.10", "1"}}), {}});
  // lastUpdateId 200: frames 201-204 are missing, the first buffered starts at 205.
  CHECK(b.seed({0, 200, f.side({{"9.00", "1"}}), f.side({{"11.00", "1"}})}) == Book::SeedResult::not_bridged);
  CHECK_FALSE(b.in_sync());
  CHECK(b.buffered_frames() == 2);  // kept for the next snapshot
  CHECK(b.apply_depth({0, 207, 207, {}, f.side({{"11.50", "1"}})}) == Book::DepthResult::buffered);
  // A newer snapshot (205) bridges through 206.
  CHECK(b.seed({0, 205, f.side({{"9.00", "1"}, {"10.00", "1"}}), f.side({{"11.00", "1"}})}) ==
        Book::SeedResult::synced);
  CHECK(b.last_update_id() == 207);
  CHECK(b.top()->best_bid == px("10.10"));
  CHECK(b.asks().size() == 2);
}

TEST_CASE("a gap after sync invalidates the book until the next seed") {
  Frames f;
  f.keep.reserve(64);
  Book b;
  REQUIRE(b.seed({0, 50, f.side({{"1.00", "1"}}), f.side({{"2.00", "1"}})}) == Book::SeedResult::synced);
  // Aggregated frames span several ids: U <= 51 <= u bridges.
  CHECK(b.apply_depth({0, 49, 53, f.side({{"1.10", "1"}}), {}}) == Book::DepthResult::applied);
  CHECK(b.apply_depth({0, 54, 54, f.side({{"1.20", "1"}}), {}}) == Book::DepthResult::applied);
  CHECK(b.apply_depth({0, 56, 56, f.side({{"1.30", "1"}}), {}}) == Book::DepthResult::gap);  // 55 missing
  CHECK_FALSE(b.in_sync());
  CHECK(b.bids().empty());
  CHECK(b.buffered_frames() == 1);
  CHECK(b.seed({0, 55, f.side({{"1.00", "1"}}), f.side({{"2.00", "1"}})}) == Book::SeedResult::synced);
  CHECK(b.top()->best_bid == px("1.30"));  // the frame that revealed the gap bridged the new seed
}

TEST_CASE("first frame after a seed must bridge it") {
  Frames f;
  f.keep.reserve(16);
  Book b;
  REQUIRE(b.seed({0, 10, f.side({{"1.00", "1"}}), f.side({{"2.00", "1"}})}) == Book::SeedResult::synced);
  CHECK(b.in_sync());  // in sync from the seed on, before any frame
  CHECK(b.apply_depth({0, 12, 12, {}, {}}) == Book::DepthResult::gap);
}

TEST_CASE("crossed and one-sided books are reported") {
  Frames f;
  f.keep.reserve(16);
  Book b;
  REQUIRE(b.seed({0, 1, f.side({{"1.00", "1"}}), {}}) == Book::SeedResult::synced);
  CHECK_FALSE(b.top());
  b.apply_depth({0, 2, 2, {}, f.side({{"0.90", "1"}})});
  CHECK(b.crossed());
  b.apply_depth({0, 3, 3, {}, f.side({{"0.90", "0"}, {"1.10", "2"}})});
  CHECK_FALSE(b.crossed());
  CHECK(b.top()->best_ask == px("1.10"));
}
