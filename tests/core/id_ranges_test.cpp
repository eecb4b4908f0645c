#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "core/id_ranges.h"

using namespace mm;

TEST_CASE("IdRanges: consecutive ids are one range, a repeat is not new") {
  IdRanges r;
  CHECK(r.empty());
  for (uint64_t id = 560'000'000; id < 560'000'100; ++id) CHECK(r.insert(id));
  CHECK(r.range_count() == 1);
  CHECK(r.size() == 100);
  CHECK_FALSE(r.insert(560'000'000));  // first, last and middle of the range
  CHECK_FALSE(r.insert(560'000'099));
  CHECK_FALSE(r.insert(560'000'050));
  CHECK(r.size() == 100);
  CHECK(r.contains(560'000'099));
  CHECK_FALSE(r.contains(560'000'100));
  CHECK_FALSE(r.contains(559'999'999));
}

TEST_CASE("IdRanges: holes make ranges, filling a hole merges its neighbours") {
  IdRanges r;
  // 10..12, 15, 20..21
  for (uint64_t id : {10, 11, 12, 15, 20, 21}) CHECK(r.insert(id));
  CHECK(r.range_count() == 3);
  CHECK(r.holes_between(10, 21, 100) == 2 + 4);  // 13..14 and 16..19
  CHECK(r.holes_between(10, 21, 3) == 2);        // the 4-id hole is longer than 3
  CHECK(r.holes_between(12, 15, 100) == 2);
  CHECK(r.holes_between(20, 21, 100) == 0);
  CHECK(r.insert(14));  // joins 15 from below: 10..12, 14..15, 20..21
  CHECK(r.range_count() == 3);
  CHECK(r.insert(13));  // joins both: 10..15, 20..21
  CHECK(r.range_count() == 2);
  CHECK(r.insert(17));  // alone in the hole: 10..15, 17, 20..21
  CHECK(r.range_count() == 3);
  CHECK(r.insert(16));  // 10..17, 20..21
  CHECK(r.insert(19));  // 10..17, 19..21
  CHECK(r.range_count() == 2);
  CHECK_FALSE(r.insert(17));
  CHECK(r.insert(18));  // 10..21
  CHECK(r.range_count() == 1);
  CHECK(r.size() == 12);
  CHECK(r.insert(9));  // below the first range: extends it
  CHECK(r.insert(5));  // a new first range
  CHECK(r.range_count() == 2);
  CHECK(r.holes_between(5, 21, 100) == 3);  // 6..8
}

TEST_CASE("IdRanges: neighbours are the nearest members on each side") {
  IdRanges r;
  for (uint64_t id : {10, 11, 12, 20, 30}) r.insert(id);
  auto n = r.neighbours(11);
  CHECK(n.below == 10u);
  CHECK(n.above == 12u);
  n = r.neighbours(12);
  CHECK(n.below == 11u);
  CHECK(n.above == 20u);
  n = r.neighbours(20);
  CHECK(n.below == 12u);
  CHECK(n.above == 30u);
  n = r.neighbours(10);
  CHECK_FALSE(n.below);
  CHECK(n.above == 11u);
  n = r.neighbours(30);
  CHECK(n.below == 20u);
  CHECK_FALSE(n.above);
  n = r.neighbours(15);  // not a member
  CHECK_FALSE(n.below);
  CHECK_FALSE(n.above);
}

TEST_CASE("IdRanges: out-of-order arrival agrees with std::set") {
  // Ids 0..1999 in a shuffled order, each sent twice, with a far-ahead id in the middle.
  std::vector<uint64_t> ids;
  for (uint64_t i = 0; i < 2000; ++i) ids.push_back(1000 + i), ids.push_back(1000 + i);
  ids.push_back(960'000'000);
  std::mt19937_64 rng(5);
  std::shuffle(ids.begin(), ids.end(), rng);
  IdRanges r;
  std::set<uint64_t> s;
  for (uint64_t id : ids) REQUIRE(r.insert(id) == s.insert(id).second);
  CHECK(r.size() == 2001);
  CHECK(r.range_count() == 2);  // 1000..2999 and the far one
  CHECK(r.holes_between(1000, 960'000'000, 1'000'000) == 0);  // the jump is longer than the limit
  CHECK(r.holes_between(1000, 960'000'000, UINT64_MAX) == 960'000'000 - 3000);
}

TEST_CASE("id ranges: the lowest hole between two members, and the highest member") {
  IdRanges ids;
  CHECK(!ids.highest());
  for (uint64_t id : {10, 11, 12, 15, 16, 40, 41, 2000}) ids.insert(id);
  CHECK(ids.highest() == 2000);
  CHECK(ids.lowest_hole(10, 2000, 1000) == 13);
  CHECK(ids.lowest_hole(15, 2000, 1000) == 17);
  CHECK(ids.lowest_hole(40, 2000, 1000) == std::nullopt);  // 42..1999 is longer than 1000
  CHECK(ids.lowest_hole(40, 2000, 2000) == 42);
  CHECK(ids.lowest_hole(10, 12, 1000) == std::nullopt);    // no hole inside one range
  ids.insert(13);
  ids.insert(14);
  CHECK(ids.lowest_hole(10, 2000, 1000) == 17);
}
