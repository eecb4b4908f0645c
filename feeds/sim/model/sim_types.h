// Configuration and output types of the synthetic exchange (synthetic_exchange.h).
#pragma once

#include <cstdint>
#include <string>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/time_utc.h"

namespace mm::sim {

// How an MM account quotes when it re-quotes a market (distances from the fair price).
enum class QuoteStyle : uint8_t {
  tight,         // both sides 5-20 bps away, 3,000-10,000 USD per side
  wide,          // both sides 60-95 bps away (inside the 100 bps band), same sizes
  intermittent,  // like tight, but often pulls all its quotes instead
  one_sided,     // bids only: never active
  tiny,          // like tight, under 2,000 USD per side
  sample_timed,  // like tight, but only around the snapshot instants (it knows the seed)
};
const char* to_string(QuoteStyle s);

struct SimMarket {
  std::string symbol;       // e.g. "SOL_USDC"; the quote asset follows the first '_'
  int64_t start_price = 0;  // 1e-9
  int64_t tick = 0;         // 1e-9, > 0
  int64_t step = 0;         // 1e-6 base units, > 0
};

struct SimAccount {
  std::string mm_id;
  std::string account = "main";
  QuoteStyle style = QuoteStyle::tight;
  std::vector<uint32_t> markets;  // markets it quotes and takes in; empty = all
};

// Relative weights of the event kinds; each step picks one.
struct EventMix {
  uint32_t mm_requote = 25;   // an MM account cancels and re-places its quotes in a market
  uint32_t other_order = 55;  // another user places or cancels a limit order
  uint32_t taker = 20;        // a marketable order sweeps one or more levels
  uint32_t mm_taker_permille = 100;  // share of takers that are an MM account (maker=false fills)
};

struct ExchangeOptions {
  uint64_t seed = 1;
  std::vector<SimMarket> markets;
  std::vector<SimAccount> accounts;
  EventMix mix;
  uint32_t other_orders_per_side = 25;  // book depth the other users keep up, per side
  int64_t volatility_ppm = 40;          // fair-price step scale per event, 1e-6 of the price
  uint32_t intermittent_pull_permille = 500;
  uint64_t first_order_id = 59'887'375'336;  // 11-digit ids as in 2026 recordings
  // Non-zero: every market's trade and depth update ids, and the order ids, start at
  // id_base instead of the seeded bases above (the draws still happen, so a seed makes
  // the same market either way). The simulator server passes its start time in
  // microseconds: a restarted simulator's ids then lie above every id of an earlier run,
  // as an exchange's ids only go up (ids grow far slower than one per microsecond).
  uint64_t id_base = 0;
  // Trades kept per market for the REST history (trade_history.h), >= 1; older ones (and
  // their fills) are no longer served.
  size_t history_retention = 100'000;
  // The program's snapshot schedule, for the sample_timed style: it quotes from `lead`
  // before each instant to `lead` after it and pulls its quotes otherwise.
  struct SampleTiming {
    TimeUs interval = 60 * kUsPerSecond;
    bool jitter = true;
    uint64_t seed = 7;
    TimeUs lead = 2 * kUsPerSecond;
  } sample_timing;
};

// Taker fee in basis points, in the quote asset (orderFill `n`, fill history `fee`); makers
// pay none.
inline constexpr int64_t kTakerFeeBps = 10;

enum class FrameKind : uint8_t { trade, depth, order_update };

// One frame exactly as the exchange would send it.
struct Frame {
  FrameKind kind = FrameKind::depth;
  bool is_private = false;
  uint32_t account = 0;   // index into ExchangeOptions::accounts when private
  uint32_t market = 0;    // index into ExchangeOptions::markets
  uint64_t update_id = 0; // depth frames: U == u
  uint64_t trade_id = 0;  // trade and orderFill frames: `t`
  TimeUs event_time = 0;  // `E`
  std::string_view stream;  // "depth.SOL_USDC", "trade.SOL_USDC", "account.orderUpdate"
  std::string_view json;    // {"data":{...},"stream":"..."}; valid until the next step()
};

// Where step() sends its frames: a non-owning reference to any callable taking a
// `const Frame&` (a lambda, a std::function, ...). Unlike std::function it never
// allocates; the callable must outlive the call it is passed to, which a lambda written
// in the call's argument list does.
class FrameSink {
 public:
  template <class F>
    requires(std::is_invocable_v<F&, const Frame&> && !std::is_same_v<std::remove_cvref_t<F>, FrameSink>)
  FrameSink(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, const Frame& frame) { (*static_cast<std::remove_reference_t<F>*>(o))(frame); }) {}

  void operator()(const Frame& frame) const { call_(object_, frame); }

 private:
  void* object_;
  void (*call_)(void*, const Frame&);
};

}  // namespace mm::sim
