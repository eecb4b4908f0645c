// Open-addressing hash map from uint64 keys to small values: linear probing,
// backward-shift deletion (no tombstones), power-of-two capacity. Allocates only
// when it grows, so steady-state inserts and erases on the hot path do not.
#pragma once

#include <cstdint>
#include <vector>

namespace mm {

template <typename V>
class FlatMap {
 public:
  static constexpr uint64_t kEmpty = ~uint64_t(0);  // reserved: never a valid key

  explicit FlatMap(size_t initial_capacity = 1024) { rehash(round_up(initial_capacity)); }

  size_t size() const { return size_; }

  V* find(uint64_t key) {
    size_t i = slot(key);
    while (true) {
      Entry& e = entries_[i];
      if (e.key == key) return &e.value;
      if (e.key == kEmpty) return nullptr;
      i = (i + 1) & mask_;
    }
  }
  const V* find(uint64_t key) const { return const_cast<FlatMap*>(this)->find(key); }

  // Inserts or overwrites. Returns true when the key was new.
  bool put(uint64_t key, const V& value) {
    if ((size_ + 1) * 4 > entries_.size() * 3) rehash(entries_.size() * 2);
    size_t i = slot(key);
    while (true) {
      Entry& e = entries_[i];
      if (e.key == key) {
        e.value = value;
        return false;
      }
      if (e.key == kEmpty) {
        e.key = key;
        e.value = value;
        ++size_;
        return true;
      }
      i = (i + 1) & mask_;
    }
  }

  bool erase(uint64_t key) {
    size_t i = slot(key);
    while (true) {
      if (entries_[i].key == key) break;
      if (entries_[i].key == kEmpty) return false;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later entries of the probe run into the hole.
    size_t hole = i;
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (entries_[j].key == kEmpty) break;
      const size_t home = slot(entries_[j].key);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const bool home_after_hole = ((j - home) & mask_) < ((j - hole) & mask_);
      if (!home_after_hole) {
        entries_[hole] = entries_[j];
        hole = j;
      }
    }
    entries_[hole].key = kEmpty;
    --size_;
    return true;
  }

  void clear() {
    for (Entry& e : entries_) e.key = kEmpty;
    size_ = 0;
  }

 private:
  struct Entry {
    uint64_t key = kEmpty;
    V value{};
  };

  static size_t round_up(size_t n) {
    size_t c = 16;
    while (c < n) c *= 2;
    return c;
  }
  static uint64_t mix(uint64_t x) {  // murmur3 finalizer: ids are sequential, spread them
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }
  size_t slot(uint64_t key) const { return size_t(mix(key)) & mask_; }

  void rehash(size_t capacity) {
    std::vector<Entry> old;
    old.swap(entries_);
    entries_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    size_ = 0;
    for (const Entry& e : old)
      if (e.key != kEmpty) put(e.key, e.value);
  }

  std::vector<Entry> entries_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace mm
