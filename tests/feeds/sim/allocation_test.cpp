// Steady-state generation allocates nothing: buffers are reused, the book is flat, and
// the sink is a non-owning reference (a lambda with many captures costs nothing).
#include "sim_test_support.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// Sanitizers bring their own operator new family; replacing part of it mixes allocators.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MMSCORE_COUNT_ALLOCATIONS 0
#else
#define MMSCORE_COUNT_ALLOCATIONS 1
#endif

#if MMSCORE_COUNT_ALLOCATIONS
// Counting replacements for this test binary, on malloc/free. GCC 12 flags free() on
// memory from "operator new" after inlining: a false positive, as both are replaced here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

using namespace mm;
using namespace mm::simtest;

TEST_CASE("no heap allocation per frame once buffers have grown") {
  if (!MMSCORE_COUNT_ALLOCATIONS) {
    WARN("sanitizer build: allocations are not counted");
    return;
  }
  ExchangeOptions options = small_options(61);
  // The trade history grows until it holds its retention, then reuses its slots: a small
  // retention is reached during the warm-up.
  options.history_retention = 1000;
  SyntheticExchange ex(options);
  uint64_t frames = 0, bytes = 0, privates = 0, depth = 0;
  auto run = [&](int steps, TimeUs t0) {
    for (int i = 0; i < steps; ++i) {
      // Five captures: more than std::function keeps without allocating.
      ex.step(t0 + i * 100, [&frames, &bytes, &privates, &depth, &ex](const Frame& f) {
        ++frames;
        bytes += f.json.size();
        privates += f.is_private;
        depth += f.kind == FrameKind::depth && ex.last_update_id(f.market) > 0;
      });
    }
  };
  run(100'000, kStart);  // grow every buffer to its working size
  const uint64_t before = g_allocations.load();
  const uint64_t frames_before = frames;
  run(100'000, kStart + 100'000 * 100);
  const uint64_t allocations = g_allocations.load() - before;
  INFO(allocations << " allocations for " << frames - frames_before << " frames");
  CHECK(frames - frames_before > 300'000);
  CHECK(allocations <= 10);  // at most a rare amortized growth of a buffer
}
