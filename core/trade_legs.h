// Self and cross-MM trades (SCORING.md section 16): the two legs of a trade in which a
// program account took part, kept until the other leg shows up. A maker leg comes from
// crediting an MM (its maker fill, or a public trade on its live order); a taker leg from
// an MM's fill with the maker flag false (private stream or fill history), or a public
// trade whose taker order is a live order of an MM. When both legs of a (market, trade id)
// are known the trade is classified once: `self` (same MM) or `cross_mm`.
//
// Bounded: legs older than kRetention (engine time) are dropped in bulk once an hour, so
// a trade whose legs arrive more than a day apart is not classified; the month close drops
// all (a trade is classified in the month it was credited in).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/decimal.h"
#include "core/flat_map.h"
#include "core/time_utc.h"

namespace mm {

struct PairedTrade {
  uint32_t market;
  uint16_t maker_mm;
  bool self;  // taker is the same MM (else another program MM)
  u128 notional;
};

class TradeLegs {
 public:
  static constexpr TimeUs kRetention = 24 * 3600 * kUsPerSecond;
  static constexpr uint32_t kMaxMarkets = 1u << 12;  // the index key packs the market in 12 bits

  // The pair, when this leg completes one not classified before.
  std::optional<PairedTrade> maker(uint32_t market, uint64_t trade_id, uint16_t mm, u128 notional, TimeUs now);
  std::optional<PairedTrade> taker(uint32_t market, uint64_t trade_id, uint16_t mm, TimeUs now);
  void clear();
  size_t size() const { return legs_.size(); }

 private:
  friend struct StateAccess;  // checkpoints (core/engine_state.cpp)
  struct Leg {
    uint64_t trade_id = 0;
    uint32_t market = 0;
    int32_t maker = -1, taker = -1;  // MM index; -1: not known yet
    bool classified = false;
    TimeUs seen = 0;  // when the first leg arrived
    u128 notional = 0;
  };
  static uint64_t key(uint32_t market, uint64_t trade_id) { return (trade_id << 12) | market; }
  Leg& leg(uint32_t market, uint64_t trade_id, TimeUs now);
  std::optional<PairedTrade> pair(Leg& l);
  void prune(TimeUs now);
  void reindex();

  std::vector<Leg> legs_;          // in arrival order
  FlatMap<uint32_t> index_{1024};  // key -> position in legs_
};

}  // namespace mm
