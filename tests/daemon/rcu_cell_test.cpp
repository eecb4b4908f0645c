#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "daemon/rcu_cell.h"

using namespace mm;

namespace {
std::atomic<int> g_live{0};
// A value whose two halves must always agree: a torn or freed read would show.
struct Value {
  explicit Value(uint64_t v) : a(v), b(~v) { g_live.fetch_add(1); }
  ~Value() {
    a = 0;
    b = 0;
    g_live.fetch_sub(1);
  }
  uint64_t a, b;
};
}  // namespace

TEST_CASE("RcuCell: readers always see a whole, live value, old values are freed") {
  {
    RcuCell<Value> cell;
    CHECK_FALSE(cell.read([](const Value&) {}));
    std::atomic<bool> done{false};
    std::atomic<uint64_t> reads{0}, bad{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
      readers.emplace_back([&] {
        uint64_t last = 0;
        while (!done.load()) {
          cell.read([&](const Value& v) {
            if (v.b != ~v.a || v.a < last) bad.fetch_add(1);  // whole and never older
            last = v.a;
          });
          reads.fetch_add(1);
        }
      });
    }
    // Publish until the readers did real work alongside (threads may start late).
    uint64_t i = 0;
    while (++i <= 20'000 || reads.load() < 20'000) cell.publish(std::make_unique<Value>(i));
    done = true;
    for (auto& t : readers) t.join();
    CHECK(bad == 0);
    CHECK(reads >= 20'000);
    // Without readers, more publishes reclaim everything but the newest retirees.
    for (uint64_t k = 1; k <= 3; ++k) cell.publish(std::make_unique<Value>(i + k));
    CHECK(cell.retired() <= 1);
    cell.read([&](const Value& v) { CHECK(v.a == i + 3); });
  }
  CHECK(g_live == 0);  // the destructor frees the rest
}
