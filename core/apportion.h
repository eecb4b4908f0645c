// Splitting whole cents by weights so the parts sum exactly to the total (largest
// remainder method, ties to the lower index). Keeps the report's accounting identity
// (sum of rewards + unallocated = pool) exact to the cent.
#pragma once

#include <cstdint>
#include <vector>

#include "core/decimal.h"

namespace mm {

// Exact weights (e.g. active microseconds). All zero weights: all parts zero.
std::vector<int64_t> apportion_exact(int64_t total, const std::vector<u128>& weights);
// Real weights (e.g. rewards in USD); negative weights count as zero.
std::vector<int64_t> apportion(int64_t total, const std::vector<double>& weights);

}  // namespace mm
