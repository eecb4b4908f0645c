// Remembers which trade ids of one market were already counted, so that a fill seen on
// both an MM's private stream and the public trade stream counts once. Trade ids are
// sequential per symbol and both sources deliver within seconds of each other, so a
// sliding window of the most recent 2^20 ids (128 KiB per flag) is exact in practice.
// An id older than the window cannot be checked; it counts as unseen and is reported.
#pragma once

#include <cstdint>
#include <vector>

namespace mm {

class TradeDedup {
 public:
  static constexpr uint64_t kWindow = uint64_t(1) << 20;

  enum class Mark : uint8_t { first, duplicate, out_of_window };
  // Sets `flag` (0 or 1) for trade `id` and tells whether it was already set.
  Mark mark(uint64_t id, unsigned flag);

 private:
  void slide_to(uint64_t id);

  std::vector<uint64_t> bits_[2];  // lazily allocated ring bitmaps, one per flag
  uint64_t high_ = 0;              // highest id seen + 1; window is [high_ - kWindow, high_)
};

}  // namespace mm
