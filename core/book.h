// L2 order book of one market, kept in sync by the seeding procedure of BACKPACK.md:
// buffer depth frames while unsynced, seed from a REST snapshot, drop frames with
// u <= lastUpdateId, require the first remaining one to bridge (U <= id+1 <= u), then
// U == previous u + 1 for every frame. Any gap or a disconnect invalidates the book.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/events.h"

namespace mm {

class Book {
 public:
  enum class DepthResult : uint8_t {
    applied,   // book updated
    buffered,  // unsynced: kept for the next seed
    stale,     // u <= last applied id: already contained in the book, dropped
    gap,       // sequence broken: book now unsynced, needs a new seed
  };
  enum class SeedResult : uint8_t {
    synced,       // in sync; buffered frames applied
    not_bridged,  // buffered frames start after the snapshot: too old, fetch again
    gap,          // the buffered frames themselves had a gap: fetch again
  };

  DepthResult apply_depth(const DepthEvent& e);
  SeedResult seed(const DepthSnapshotEvent& e);
  void invalidate();  // disconnect: drop book and buffer

  bool in_sync() const { return synced_; }
  bool needs_seed() const { return !synced_; }

  struct Top {
    int64_t best_bid;
    int64_t best_ask;
  };
  // Best bid and ask when both sides exist.
  std::optional<Top> top() const;
  bool crossed() const;

  // Levels, best first when iterated from the back (bids ascending, asks descending).
  const std::vector<Level>& bids() const { return bids_; }
  const std::vector<Level>& asks() const { return asks_; }
  uint64_t last_update_id() const { return last_u_; }
  size_t buffered_frames() const { return buffer_.size(); }

  static constexpr size_t kMaxBufferedFrames = 100'000;

 private:
  friend struct StateAccess;  // checkpoints (core/engine_state.cpp)
  struct Buffered {
    uint64_t first_id, last_id;
    uint32_t level_begin, bid_count, ask_count;
  };
  void buffer(const DepthEvent& e);
  void apply_levels(std::span<const Level> bids, std::span<const Level> asks);
  void clear_buffer();

  std::vector<Level> bids_;  // ascending price: best bid at back
  std::vector<Level> asks_;  // descending price: best ask at back
  uint64_t last_u_ = 0;
  bool synced_ = false;
  bool bridged_ = false;  // first frame after the seed seen
  std::vector<Buffered> buffer_;
  std::vector<Level> buffer_levels_;
};

}  // namespace mm
