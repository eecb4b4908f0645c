// Latency histogram with log-linear buckets (16 per power of two: <= 6% error),
// fixed size, no allocation when recording. Owned by one thread; copied to publish.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace mm {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 4;
  static constexpr int kBuckets = 64 << kSubBits;

  void record(uint64_t ns) {
    ++counts_[bucket(ns)];
    ++count_;
    sum_ += ns;
    if (ns > max_) max_ = ns;
  }
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
  // Upper bound of the bucket holding quantile q (0..1).
  uint64_t quantile(double q) const {
    if (count_ == 0) return 0;
    const uint64_t rank = uint64_t(q * double(count_ - 1)) + 1;
    uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
      seen += counts_[b];
      if (seen >= rank) return upper(b) < max_ ? upper(b) : max_;
    }
    return max_;
  }
  // Cumulative count of values <= limit_ns (Prometheus buckets).
  uint64_t count_at_most(uint64_t limit_ns) const {
    uint64_t n = 0;
    for (int b = 0; b < kBuckets && upper(b) <= limit_ns; ++b) n += counts_[b];
    return n;
  }
  uint64_t sum() const { return sum_; }
  void reset() { *this = LatencyHistogram{}; }

 private:
  static int bucket(uint64_t v) {
    if (v < (1u << kSubBits)) return int(v);
    const int msb = 63 - std::countl_zero(v);
    const int shift = msb - kSubBits;
    return ((shift + 1) << kSubBits) + int((v >> shift) & ((1u << kSubBits) - 1));
  }
  static uint64_t upper(int b) {
    if (b < (1 << kSubBits)) return uint64_t(b);
    const int shift = (b >> kSubBits) - 1;
    const uint64_t mantissa = (uint64_t(1) << kSubBits) | uint64_t(b & ((1 << kSubBits) - 1));
    return ((mantissa + 1) << shift) - 1;
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0, sum_ = 0, max_ = 0;
};

}  // namespace mm
