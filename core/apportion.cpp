#include "core/apportion.h"

#include <algorithm>
#include <numeric>

namespace mm {

namespace {
// Hands out `left` single units to the largest remainders (stable: lower index first).
template <typename Rem>
void distribute(std::vector<int64_t>& parts, const std::vector<Rem>& remainders, int64_t left) {
  std::vector<size_t> order(parts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t i = 0; left > 0 && !order.empty(); i = (i + 1) % order.size(), --left) ++parts[order[i]];
}
}  // namespace

std::vector<int64_t> apportion_exact(int64_t total, const std::vector<u128>& weights) {
  std::vector<int64_t> parts(weights.size(), 0);
  u128 sum = 0;
  for (u128 w : weights) sum += w;
  if (sum == 0 || total <= 0) return parts;
  std::vector<u128> remainders(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const u128 scaled = u128(total) * weights[i];  // total < 2^63, weights < 2^64 in practice
    parts[i] = int64_t(scaled / sum);
    remainders[i] = scaled % sum;
    given += parts[i];
  }
  distribute(parts, remainders, total - given);
  return parts;
}

std::vector<int64_t> apportion(int64_t total, const std::vector<double>& weights) {
  std::vector<int64_t> parts(weights.size(), 0);
  double sum = 0;
  for (double w : weights) sum += std::max(w, 0.0);
  if (!(sum > 0) || total <= 0) return parts;
  std::vector<double> remainders(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double exact = double(total) * std::max(weights[i], 0.0) / sum;
    parts[i] = std::min<int64_t>(int64_t(exact), total);
    remainders[i] = exact - double(parts[i]);
    given += parts[i];
  }
  // Rounding of doubles can overshoot by a unit: take it back from the smallest remainders.
  for (size_t i = parts.size(); given > total && i-- > 0;) {
    if (parts[i] > 0) {
      --parts[i];
      --given;
    }
  }
  distribute(parts, remainders, total - given);
  return parts;
}

}  // namespace mm
