// Seeded random numbers that give the same sequence on every platform: xoshiro256**
// seeded through splitmix64, and integer-only helpers on top. The std distributions are
// avoided on purpose: their output is implementation-defined.
#pragma once

#include <cstdint>

namespace mm::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : state_) s = splitmix64(seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias is irrelevant here).
  uint64_t below(uint64_t n) {
    __extension__ typedef unsigned __int128 u128;
    return uint64_t((u128(next()) * n) >> 64);
  }
  // Uniform in [lo, hi], lo <= hi.
  int64_t between(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo) + 1)); }
  // True with probability permille / 1000.
  bool chance(uint32_t permille) { return below(1000) < permille; }
  // Bell-shaped in [-4 x half_width, 4 x half_width], mean 0 (sum of four uniforms).
  int64_t bell(int64_t half_width) {
    int64_t sum = 0;
    for (int i = 0; i < 4; ++i) sum += between(-half_width, half_width);
    return sum;
  }

  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace mm::sim
