// One writer publishes immutable values; many readers use the latest one, without
// locks on either side. Two-epoch read-copy-update: a reader registers in the current
// epoch while it looks at the value; the writer swaps the pointer, then flips the epoch.
// A reader whose registration completed after a flip loads a newer pointer, so a value
// retired at a flip can only be held by readers registered before it, in either epoch
// (a slow reader may stay registered across several flips). It is freed once each of
// the two counters has been seen at zero since that flip. The writer never waits: a
// value still in use is simply freed at a later publish.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace mm {

template <typename T>
class RcuCell {
 public:
  RcuCell() = default;
  RcuCell(const RcuCell&) = delete;
  RcuCell& operator=(const RcuCell&) = delete;
  ~RcuCell() {
    delete current_.load();
    for (auto& r : retired_) delete r.value;
  }

  // Writer (one thread).
  void publish(std::unique_ptr<T> value) {
    reclaim();  // values retired at earlier flips had a whole period to drain
    T* old = current_.exchange(value.release(), std::memory_order_seq_cst);
    const uint32_t e = epoch_.load(std::memory_order_relaxed);
    epoch_.store(e ^ 1, std::memory_order_seq_cst);
    if (old) retired_.push_back({old, {false, false}});
  }

  // Reader (any thread): calls f(const T&) with the latest value, or f is not called
  // and false is returned when nothing was published yet.
  template <typename F>
  bool read(F&& f) const {
    uint32_t e;
    while (true) {
      e = epoch_.load(std::memory_order_seq_cst);
      readers_[e].fetch_add(1, std::memory_order_seq_cst);
      if (epoch_.load(std::memory_order_seq_cst) == e) break;
      readers_[e].fetch_sub(1, std::memory_order_seq_cst);  // flipped meanwhile: retry
    }
    const T* v = current_.load(std::memory_order_seq_cst);
    if (v) f(*v);
    readers_[e].fetch_sub(1, std::memory_order_release);
    return v != nullptr;
  }

  size_t retired() const { return retired_.size(); }

 private:
  struct Retired {
    T* value;
    bool drained[2];  // readers_[e] was seen at zero since the value was retired
  };
  // Every observation here comes after the flip that retired each value: a zero count
  // means every reader registered in that epoch before the flip has left.
  void reclaim() {
    const bool zero[2] = {readers_[0].load(std::memory_order_seq_cst) == 0,
                          readers_[1].load(std::memory_order_seq_cst) == 0};
    size_t keep = 0;
    for (auto& r : retired_) {
      r.drained[0] |= zero[0];
      r.drained[1] |= zero[1];
      if (r.drained[0] && r.drained[1]) delete r.value;
      else retired_[keep++] = r;
    }
    retired_.resize(keep);
  }

  std::atomic<T*> current_{nullptr};
  std::atomic<uint32_t> epoch_{0};
  mutable std::atomic<int64_t> readers_[2] = {0, 0};
  std::vector<Retired> retired_;  // writer-only
};

}  // namespace mm
