// Writing exact fixed-point numbers the way Backpack does, without a heap allocation per
// number: WebSocket style keeps the market's fixed scale ("98.90", "0.00"), REST style
// trims zeros ("100.7", "10"). Same digits as mm::format_fixed (checked by the tests).
#pragma once

#include <cstdint>
#include <string>

#include "core/decimal.h"

namespace mm::sim {

// units / 10^decimals with exactly `decimals` digits after the point.
void append_fixed(std::string& out, u128 units, int decimals);
// The same value with trailing fractional zeros (and a bare point) removed.
void append_trimmed(std::string& out, u128 units, int decimals);
void append_uint(std::string& out, uint64_t v);

// Digits after the point needed to write `raw` (a value in 10^-scale units) exactly,
// e.g. decimals_of(10'000'000, 9) == 2 for a 0.01 tick.
int decimals_of(int64_t raw, int scale);

}  // namespace mm::sim
