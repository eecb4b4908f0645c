#include "core/id_ranges.h"

#include <iterator>

namespace mm {

bool IdRanges::insert(uint64_t id) {
  if (!ranges_.empty()) {  // fast path: at or above the last range's start
    auto last = std::prev(ranges_.end());
    if (id >= last->first) {
      if (id <= last->second) return false;
      ++size_;
      if (id == last->second + 1) {
        last->second = id;
      } else {
        ranges_.emplace_hint(ranges_.end(), id, id);
      }
      return true;
    }
  }
  auto next = ranges_.upper_bound(id);  // first range starting above id
  auto prev = next == ranges_.begin() ? ranges_.end() : std::prev(next);
  if (prev != ranges_.end() && id <= prev->second) return false;
  ++size_;
  const bool join_prev = prev != ranges_.end() && prev->second + 1 == id;
  const bool join_next = next != ranges_.end() && next->first == id + 1;
  if (join_prev && join_next) {
    prev->second = next->second;
    ranges_.erase(next);
  } else if (join_prev) {
    prev->second = id;
  } else if (join_next) {  // the key changes: move the node, no allocation
    auto node = ranges_.extract(next);
    node.key() = id;
    ranges_.insert(prev == ranges_.end() ? ranges_.begin() : std::next(prev), std::move(node));
  } else {
    ranges_.emplace_hint(next, id, id);
  }
  return true;
}

bool IdRanges::contains(uint64_t id) const {
  auto next = ranges_.upper_bound(id);
  return next != ranges_.begin() && id <= std::prev(next)->second;
}

IdRanges::Neighbours IdRanges::neighbours(uint64_t id) const {
  Neighbours n;
  auto next = ranges_.upper_bound(id);
  if (next == ranges_.begin()) return n;  // not a member
  auto it = std::prev(next);
  if (id > it->second) return n;
  if (it->first < id) {
    n.below = id - 1;
  } else if (it != ranges_.begin()) {
    n.below = std::prev(it)->second;
  }
  if (it->second > id) {
    n.above = id + 1;
  } else if (next != ranges_.end()) {
    n.above = next->first;
  }
  return n;
}

uint64_t IdRanges::holes_between(uint64_t from, uint64_t to, uint64_t max_hole) const {
  uint64_t sum = 0;
  auto it = ranges_.upper_bound(from);  // the range after the one holding `from`
  if (it == ranges_.begin()) return 0;
  uint64_t prev_hi = std::prev(it)->second;
  for (; it != ranges_.end() && it->first <= to; ++it) {
    const uint64_t hole = it->first - prev_hi - 1;
    if (hole <= max_hole) sum += hole;
    prev_hi = it->second;
  }
  return sum;
}

std::optional<uint64_t> IdRanges::lowest_hole(uint64_t from, uint64_t to, uint64_t max_hole) const {
  auto it = ranges_.upper_bound(from);
  if (it == ranges_.begin()) return std::nullopt;
  uint64_t prev_hi = std::prev(it)->second;
  for (; it != ranges_.end() && it->first <= to; ++it) {
    if (it->first - prev_hi - 1 <= max_hole) return prev_hi + 1;
    prev_hi = it->second;
  }
  return std::nullopt;
}

std::optional<uint64_t> IdRanges::highest() const {
  if (ranges_.empty()) return std::nullopt;
  return ranges_.rbegin()->second;
}

}  // namespace mm
