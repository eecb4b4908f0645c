// A set of uint64 ids kept as sorted disjoint ranges [lo, hi]: the trade ids of one
// market (SCORING.md section 13, "Seen ids"). Backpack numbers trades per symbol
// consecutively, so a month of ids is a handful of ranges however many trades it holds.
// insert() is O(log n); the common case, the id after the highest one, extends the
// last range in place (no search, no allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace mm {

class IdRanges {
 public:
  // Adds `id`; true when it was not in the set yet.
  bool insert(uint64_t id);
  bool contains(uint64_t id) const;

  // The nearest members below and above `id` (a member), nullopt at either end.
  struct Neighbours {
    std::optional<uint64_t> below, above;
  };
  Neighbours neighbours(uint64_t id) const;

  // Sum of the lengths of the holes between members `from` < `to`, counting only holes of
  // at most `max_hole` ids.
  uint64_t holes_between(uint64_t from, uint64_t to, uint64_t max_hole) const;

  // The first id of the lowest hole of at most `max_hole` ids between members `from` <
  // `to`; nullopt when there is none.
  std::optional<uint64_t> lowest_hole(uint64_t from, uint64_t to, uint64_t max_hole) const;
  std::optional<uint64_t> highest() const;

  size_t range_count() const { return ranges_.size(); }
  uint64_t size() const { return size_; }  // ids in the set
  bool empty() const { return ranges_.empty(); }

 private:
  friend struct StateAccess;  // checkpoints (core/engine_state.cpp)
  // lo -> hi. A node per range: a hole in the middle costs one allocation, never a copy
  // of the ranges after it.
  std::map<uint64_t, uint64_t> ranges_;
  uint64_t size_ = 0;
};

}  // namespace mm
