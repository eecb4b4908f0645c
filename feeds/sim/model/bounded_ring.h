// The newest `bound` values pushed, oldest first. Storage grows by doubling as values
// arrive, up to the bound; from then on a push overwrites the oldest value. So memory
// never exceeds the bound, and once it is reached pushes allocate nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace mm::sim {

template <class T>
class BoundedRing {
 public:
  explicit BoundedRing(size_t bound) : bound_(std::max<size_t>(bound, 1)) {}

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == bound_; }
  size_t bound() const { return bound_; }

  // The k-th oldest value (0: the oldest), k < size().
  const T& operator[](size_t k) const { return slots_[wrap(head_ + k)]; }
  const T& oldest() const { return (*this)[0]; }
  const T& newest() const { return (*this)[size_ - 1]; }

  void pop_oldest() {
    head_ = wrap(head_ + 1);
    --size_;
  }
  // Appends `value`; when full, the oldest value is dropped first.
  void push(const T& value) {
    if (full()) pop_oldest();
    if (size_ == slots_.size()) grow();
    slots_[wrap(head_ + size_)] = value;
    ++size_;
  }

 private:
  static constexpr size_t kFirstSlots = 16;
  // i < 2 * slots_.size() everywhere it is used.
  size_t wrap(size_t i) const { return i >= slots_.size() ? i - slots_.size() : i; }
  void grow() {
    // Unroll the ring so that the new slots come after the newest value.
    std::rotate(slots_.begin(), slots_.begin() + ptrdiff_t(head_), slots_.end());
    head_ = 0;
    slots_.resize(std::min(bound_, std::max(kFirstSlots, slots_.size() * 2)));
  }

  std::vector<T> slots_;
  size_t bound_;
  size_t head_ = 0, size_ = 0;
};

}  // namespace mm::sim
