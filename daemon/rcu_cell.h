// One writer publishes immutable values; many readers use the latest one, without
// locks on either side. Two-epoch read-copy-update: a reader registers in the current
// epoch while it looks at the value; the writer swaps the pointer, flips the epoch,
// and frees an old value only once nobody registered in its epoch remains. The writer
// never waits: a value still in use is simply freed at a later publish.
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
    reclaim();  // before the flip: older epochs had a whole period to drain
    T* old = current_.exchange(value.release(), std::memory_order_seq_cst);
    const uint32_t e = epoch_.load(std::memory_order_relaxed);
    epoch_.store(e ^ 1, std::memory_order_seq_cst);
    if (old) retired_.push_back({old, e});
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
    uint32_t epoch;  // readers registered in this epoch may still see it
  };
  // A value retired in epoch e is unreachable for readers that register later (they
  // load the newer pointer); it is safe once readers_[e] is zero while e is not current.
  void reclaim() {
    const uint32_t now = epoch_.load(std::memory_order_relaxed);
    size_t keep = 0;
    for (auto& r : retired_) {
      if (r.epoch != now && readers_[r.epoch].load(std::memory_order_seq_cst) == 0) {
        delete r.value;
      } else {
        retired_[keep++] = r;
      }
    }
    retired_.resize(keep);
  }

  std::atomic<T*> current_{nullptr};
  std::atomic<uint32_t> epoch_{0};
  mutable std::atomic<int64_t> readers_[2] = {0, 0};
  std::vector<Retired> retired_;  // writer-only
};

}  // namespace mm
