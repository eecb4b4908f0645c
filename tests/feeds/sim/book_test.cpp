// Book invariants seen from outside: consecutive depth ids, never crossed, prices on
// ticks and quantities on steps, and the depth frames rebuild exactly the book that the
// REST snapshot shows (so do the private frames for each account's open orders).
#include "sim_test_support.h"

#include <algorithm>

using namespace mm;
using namespace mm::simtest;

TEST_CASE("depth update ids are consecutive per market, U == u") {
  SyntheticExchange ex(small_options(21));
  std::vector<uint64_t> last(ex.market_count());
  for (uint32_t m = 0; m < ex.market_count(); ++m) last[m] = ex.last_update_id(m);
  const ExchangeOptions options = small_options(21);
  const SimProgram sim = make_sim_program(options, 60 * kUsPerSecond, false);
  RecordParser parser(sim.program);
  Record record;
  std::string buffer;
  uint64_t depth_frames = 0;
  for (int i = 0; i < 20000; ++i) {
    ex.step(kStart + i * 100, [&](const Frame& f) {
      if (f.kind != FrameKind::depth) return;
      ++depth_frames;
      buffer.assign(f.json);
      buffer.append(kJsonPadding, ' ');
      REQUIRE(parser.parse_frame(0, {SourceKind::market}, std::string_view(buffer.data(), f.json.size()), record).ok);
      const DepthEvent& d = std::get<DepthEvent>(record.payload);
      REQUIRE(d.first_id == d.last_id);
      REQUIRE(d.first_id == last[f.market] + 1);
      REQUIRE(d.first_id == f.update_id);
      REQUIRE(d.bids.size() + d.asks.size() == 1);
      last[f.market] = d.last_id;
    });
  }
  CHECK(depth_frames > 30'000);
  for (uint32_t m = 0; m < ex.market_count(); ++m) CHECK(ex.last_update_id(m) == last[m]);
}

TEST_CASE("the book never crosses and stays two-sided, numbers sit on the grid") {
  const ExchangeOptions options = small_options(22);
  SyntheticExchange ex(options);
  EngineRig rig(options, 10 * kUsPerSecond);
  rig.connect_all(ex, kStart);
  const SimProgram& sim = rig.sim();
  uint64_t off_grid = 0, crossed = 0, one_sided = 0;
  TimeUs t = kStart + 1000;
  for (int i = 0; i < 40000; ++i, t += 200) {
    ex.step(t, [&](const Frame& f) {
      rig.feed_frame(f, t);
      const SimMarket& mk = options.markets[f.market];
      auto on_grid = [&](int64_t price, int64_t qty) { return price % mk.tick == 0 && qty % mk.step == 0; };
      const Payload& p = rig.last_record().payload;
      if (auto* d = std::get_if<DepthEvent>(&p)) {
        for (const Level& l : d->bids) off_grid += !on_grid(l.price, l.qty);
        for (const Level& l : d->asks) off_grid += !on_grid(l.price, l.qty);
      } else if (auto* tr = std::get_if<TradeEvent>(&p)) {
        off_grid += !on_grid(tr->price, tr->qty);
      } else if (auto* o = std::get_if<OrderEvent>(&p)) {
        off_grid += !on_grid(o->price, o->remaining);
      }
    });
    for (uint32_t m = 0; m < ex.market_count(); ++m) {
      const int64_t bid = ex.best_bid(m), ask = ex.best_ask(m);
      one_sided += bid == 0 || ask == 0;
      crossed += bid != 0 && ask != 0 && bid >= ask;
      crossed += rig.engine().book(sim.market_of[m]).crossed();
    }
  }
  INFO(rig.first_refusal());
  CHECK(rig.refused() == 0);
  CHECK(off_grid == 0);
  CHECK(crossed == 0);
  CHECK(one_sided == 0);
  // Other users keep several levels each side within 1% of the fair price.
  for (uint32_t m = 0; m < ex.market_count(); ++m) {
    const Book& b = rig.engine().book(sim.market_of[m]);
    const int64_t fair = ex.fair_price(m);
    auto within_1pct = [&](const std::vector<Level>& side) {
      return std::count_if(side.begin(), side.end(), [&](const Level& l) {
        return std::abs(l.price - fair) * 100 <= fair;
      });
    };
    CHECK(within_1pct(b.bids()) >= 5);
    CHECK(within_1pct(b.asks()) >= 5);
  }
}

TEST_CASE("depth frames rebuild the REST snapshot, private frames rebuild open orders") {
  const ExchangeOptions options = small_options(23);
  SyntheticExchange ex(options);
  warm_up(ex, 5000, kStart - 10 * kUsPerSecond);
  EngineRig rig(options, 10 * kUsPerSecond);
  rig.connect_all(ex, kStart);
  const TimeUs t = rig.run(ex, 30000, kStart + 1000, 300);
  const SimProgram& sim = rig.sim();
  REQUIRE(rig.refused() == 0);

  // A second engine seeded only from REST at the end must hold the same books and orders.
  EngineRig fresh(options, 10 * kUsPerSecond);
  fresh.connect_all(ex, t);
  for (uint32_t m = 0; m < ex.market_count(); ++m) {
    const Book& streamed = rig.engine().book(sim.market_of[m]);
    const Book& seeded = fresh.engine().book(sim.market_of[m]);
    REQUIRE(streamed.in_sync());
    auto same = [](const std::vector<Level>& a, const std::vector<Level>& b) {
      return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                        [](const Level& x, const Level& y) { return x.price == y.price && x.qty == y.qty; });
    };
    CHECK(same(streamed.bids(), seeded.bids()));
    CHECK(same(streamed.asks(), seeded.asks()));
  }
  auto sorted_orders = [](const MmOrders& orders) {
    std::vector<RestingOrder> v = orders.all();
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.order_id < b.order_id; });
    return v;
  };
  const auto streamed = sorted_orders(rig.engine().orders());
  const auto seeded = sorted_orders(fresh.engine().orders());
  CHECK(streamed.size() > 20);
  CHECK(ex.resting_orders() >= streamed.size());
  REQUIRE(streamed.size() == seeded.size());
  for (size_t i = 0; i < streamed.size(); ++i) {
    const RestingOrder &a = streamed[i], &b = seeded[i];
    INFO("order " << a.order_id);
    CHECK(a.order_id == b.order_id);
    CHECK(a.market == b.market);
    CHECK(a.mm == b.mm);
    CHECK(a.account == b.account);
    CHECK(a.side == b.side);
    CHECK(a.price == b.price);
    CHECK(a.remaining == b.remaining);
  }
}
