#include <catch2/catch.hpp>

#include <random>
#include <unordered_map>

#include "core/flat_map.h"
#include "core/mm_orders.h"

using namespace mm;

TEST_CASE("FlatMap agrees with std::unordered_map under random inserts and erases") {
  FlatMap<uint32_t> fm(16);
  std::unordered_map<uint64_t, uint32_t> ref;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200'000; ++i) {
    const uint64_t key = rng() % 5000;  // dense keys: long probe runs, many backward shifts
    if (rng() % 3 == 0) {
      CHECK(fm.erase(key) == (ref.erase(key) == 1));
    } else {
      const uint32_t v = uint32_t(rng());
      CHECK(fm.put(key, v) == ref.insert_or_assign(key, v).second);
    }
  }
  CHECK(fm.size() == ref.size());
  for (uint64_t k = 0; k < 5000; ++k) {
    const uint32_t* v = fm.find(k);
    auto it = ref.find(k);
    REQUIRE((v != nullptr) == (it != ref.end()));
    if (v) REQUIRE(*v == it->second);
  }
}

TEST_CASE("MmOrders keeps storage dense and replaces an account's orders") {
  MmOrders o;
  auto rest = [](uint64_t id, uint32_t market, Side s, int64_t price, int64_t left) {
    return OrderEvent{market, id, s, true, price, left, false, false, 0, 0, 0};
  };
  o.apply(0, 0, rest(1, 0, Side::bid, 100, 5));
  o.apply(0, 0, rest(2, 0, Side::ask, 110, 5));
  o.apply(0, 1, rest(3, 1, Side::ask, 120, 5));
  o.apply(1, 0, rest(4, 0, Side::bid, 90, 5));
  o.apply(0, 0, rest(1, 0, Side::bid, 101, 3));  // modified in place
  CHECK(o.size() == 4);
  CHECK(o.find(1)->price == 101);
  CHECK(o.find(1)->remaining == 3);
  OrderEvent gone = rest(2, 0, Side::ask, 110, 0);
  gone.rests = false;
  o.apply(0, 0, gone);
  CHECK(o.find(2) == nullptr);
  CHECK(o.find(4)->mm == 1);  // moved into the hole, still found

  // Open orders of MM 0 / account 0: only order 7 rests now; account 1 and MM 1 untouched.
  const OpenOrder fresh[] = {{7, 0, Side::ask, 130, 2}};
  o.replace(0, 0, OpenOrdersEvent{fresh, false, 0});
  CHECK(o.find(1) == nullptr);
  CHECK(o.find(7) != nullptr);
  CHECK(o.find(3) != nullptr);
  CHECK(o.find(4) != nullptr);
  CHECK(o.size() == 3);
  // With a symbol filter only that market's orders of the account are replaced.
  o.replace(0, 1, OpenOrdersEvent{{}, true, 0});
  CHECK(o.find(3) != nullptr);  // market 1
  o.replace(0, 1, OpenOrdersEvent{{}, true, 1});
  CHECK(o.find(3) == nullptr);
}
