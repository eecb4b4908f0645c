// What the participants of the synthetic exchange do: the fair price walk, MM quoting
// styles, other users keeping the book deep, and takers. All integer arithmetic on the
// seeded Rng, so the same seed gives the same events everywhere.
#include "feeds/sim/model/synthetic_exchange.h"

#include <algorithm>

namespace mm::sim {

namespace {

constexpr int64_t kPpm = 1'000'000;  // distances are in 1e-6 of the price (1 bps = 100)

struct StyleShape {
  int64_t min_ppm, max_ppm;  // distance of each order from the fair price
  int64_t min_usd, max_usd;  // notional per side, split over its orders
  bool asks;
};

StyleShape shape_of(QuoteStyle s) {
  switch (s) {
    case QuoteStyle::tight: break;
    case QuoteStyle::wide: return {6'000, 9'500, 3'000, 10'000, true};
    case QuoteStyle::intermittent: break;
    case QuoteStyle::one_sided: return {500, 2'000, 3'000, 10'000, false};
    case QuoteStyle::tiny: return {500, 2'000, 300, 1'800, true};
    case QuoteStyle::sample_timed: break;
  }
  return {500, 2'000, 3'000, 10'000, true};
}

}  // namespace

const char* to_string(QuoteStyle s) {
  switch (s) {
    case QuoteStyle::tight: return "tight";
    case QuoteStyle::wide: return "wide";
    case QuoteStyle::intermittent: return "intermittent";
    case QuoteStyle::one_sided: return "one_sided";
    case QuoteStyle::tiny: return "tiny";
    case QuoteStyle::sample_timed: return "sample_timed";
  }
  return "?";
}

void SyntheticExchange::walk_fair(uint32_t m) {
  MarketState& ms = markets_[m];
  // Random step plus a weak pull back to the start price, so long runs stay realistic.
  const int64_t half_width = options_.volatility_ppm * 7 / 8;  // bell() sd is ~1.15 x half width
  int64_t move_ppm = rng_.bell(half_width);
  const int64_t deviation_ppm = int64_t(i128(ms.fair - ms.start_price) * kPpm / ms.start_price);
  move_ppm -= deviation_ppm / 500;
  ms.fair += int64_t(i128(ms.fair) * move_ppm / kPpm);
  if (ms.fair < 100 * ms.tick) ms.fair = 100 * ms.tick;
}

// A price on the tick grid `distance_ppm` away from the fair price, rounded away from it.
int64_t SyntheticExchange::price_away(uint32_t m, Side side, int64_t distance_ppm) const {
  const MarketState& ms = markets_[m];
  if (side == Side::bid) {
    const int64_t raw = int64_t(i128(ms.fair) * (kPpm - distance_ppm) / kPpm);
    const int64_t p = raw / ms.tick * ms.tick;
    return p > 0 ? p : ms.tick;
  }
  const int64_t raw = int64_t(i128(ms.fair) * (kPpm + distance_ppm) / kPpm);
  return (raw + ms.tick - 1) / ms.tick * ms.tick;
}

// Whole steps worth about `usd` at `price`, rounded down; at least one step.
int64_t SyntheticExchange::qty_for_usd(uint32_t m, int64_t price, int64_t usd) const {
  const MarketState& ms = markets_[m];
  const u128 raw = u128(uint64_t(usd)) * kNotionalScale / u128(uint64_t(price));
  const u128 steps = raw / u128(uint64_t(ms.step));
  if (steps == 0) return ms.step;
  if (steps > u128(INT64_MAX / ms.step)) return INT64_MAX / ms.step * ms.step;
  return int64_t(steps) * ms.step;
}

void SyntheticExchange::requote(uint32_t m, uint32_t account) {
  const QuoteStyle style = options_.accounts[account].style;
  cancel_all(m, account);
  if (style == QuoteStyle::intermittent && rng_.chance(options_.intermittent_pull_permille)) return;
  if (style == QuoteStyle::sample_timed && !sample_window_open_) return;
  const StyleShape shape = shape_of(style);
  auto quote_side = [&](Side side) {
    const int64_t orders = rng_.between(1, 3);
    const int64_t per_order_usd = rng_.between(shape.min_usd, shape.max_usd) / orders;
    for (int64_t i = 0; i < orders; ++i) {
      const int64_t price = price_away(m, side, rng_.between(shape.min_ppm, shape.max_ppm));
      submit(m, int32_t(account), side, price, qty_for_usd(m, price, per_order_usd), false);
    }
  };
  quote_side(Side::bid);
  if (shape.asks) quote_side(Side::ask);
}

bool SyntheticExchange::in_sample_window() {
  const ExchangeOptions::SampleTiming& t = options_.sample_timing;
  const YearMonth month = month_of(now_);
  if (!samples_ || month_of(samples_->instant(0)) != month) samples_.emplace(month, t.interval, t.jitter, t.seed);
  const uint32_t k = samples_->first_at_or_after(now_ - t.lead);
  return k < samples_->count() && samples_->instant(k) <= now_ + t.lead;
}

// Quotes go up as the window around an instant opens and come down as it closes; in
// between the account re-quotes like any other (requote() pulls outside the window).
void SyntheticExchange::follow_samples() {
  const bool open = in_sample_window();
  if (open == sample_window_open_) return;
  sample_window_open_ = open;
  for (uint32_t a : sample_timed_) {
    for (uint32_t m = 0; m < markets_.size(); ++m) {
      const std::vector<uint32_t>& here = markets_[m].accounts;
      if (std::find(here.begin(), here.end(), a) == here.end()) continue;
      if (open) requote(m, a);
      else cancel_all(m, a);
    }
  }
}

void SyntheticExchange::other_user_order(uint32_t m) {
  MarketState& ms = markets_[m];
  const size_t bids = ms.others[0].size(), asks = ms.others[1].size();
  // Keep both sides deep: refill a thin side first, then drift towards the target count.
  if (bids < 3 || asks < 3) {
    place_other(m, bids <= asks ? Side::bid : Side::ask);
    return;
  }
  const size_t target = 2 * size_t(options_.other_orders_per_side);
  const bool place = rng_.chance(bids + asks < target ? 750 : 250);
  if (!place) {
    cancel_other(m);
    return;
  }
  Side side = rng_.chance(500) ? Side::bid : Side::ask;
  if (bids + 4 < asks) side = Side::bid;
  if (asks + 4 < bids) side = Side::ask;
  place_other(m, side);
}

void SyntheticExchange::place_other(uint32_t m, Side side) {
  // Mostly near the top, some deeper, all within 1% of the fair price.
  const uint64_t where = rng_.below(100);
  const int64_t distance = where < 50 ? rng_.between(50, 800)
                         : where < 85 ? rng_.between(800, 4'000)
                                      : rng_.between(4'000, 9'000);
  const uint64_t size = rng_.below(100);
  const int64_t usd = size < 60 ? rng_.between(50, 2'000)
                    : size < 90 ? rng_.between(2'000, 10'000)
                                : rng_.between(10'000, 40'000);
  const int64_t price = price_away(m, side, distance);
  submit(m, kOtherUsers, side, price, qty_for_usd(m, price, usd), false);
}

void SyntheticExchange::cancel_other(uint32_t m) {
  MarketState& ms = markets_[m];
  const Side side = ms.others[0].size() > ms.others[1].size() ? Side::bid
                  : ms.others[0].size() < ms.others[1].size() ? Side::ask
                  : (rng_.chance(500) ? Side::bid : Side::ask);
  const std::vector<uint32_t>& list = ms.others[side == Side::bid ? 0 : 1];
  if (list.empty()) return;
  uint32_t victim = list[rng_.below(list.size())];
  // Half the time the order farthest from the fair price goes: stale orders do not pile up.
  if (rng_.chance(500)) {
    for (uint32_t slot : list) {
      const bool farther = side == Side::bid ? pool_[slot].price < pool_[victim].price
                                             : pool_[slot].price > pool_[victim].price;
      if (farther) victim = slot;
    }
  }
  cancel(m, victim);
}

void SyntheticExchange::take(uint32_t m) {
  MarketState& ms = markets_[m];
  const Side side = rng_.chance(500) ? Side::bid : Side::ask;
  const uint64_t size = rng_.below(100);
  const int64_t usd = size < 70 ? rng_.between(20, 1'500)
                    : size < 95 ? rng_.between(1'500, 10'000)
                                : rng_.between(10'000, 50'000);
  // An immediate-or-cancel order: mostly allowed to sweep up to 1.5% through the book,
  // sometimes limited to a few bps, so that part of it expires.
  const int64_t reach_ppm = rng_.chance(700) ? 15'000 : rng_.between(0, 300);
  const int64_t limit = price_away(m, side == Side::bid ? Side::ask : Side::bid, reach_ppm);
  const int64_t qty = qty_for_usd(m, ms.fair, usd);
  if (!ms.accounts.empty() && rng_.chance(options_.mix.mm_taker_permille)) {
    const uint32_t account = ms.accounts[rng_.below(ms.accounts.size())];
    cancel_all(m, account);  // no self-trades: it pulls its own quotes before taking
    submit(m, int32_t(account), side, limit, qty, true);
    return;
  }
  submit(m, kOtherUsers, side, limit, qty, true);
}

}  // namespace mm::sim
