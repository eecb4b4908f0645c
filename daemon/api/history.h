// GET /v1/history: time series for the dashboard's charts, sampled by the API server from
// the published states (one point per `interval`, the last `span` kept) in a bounded
// ring. Columnar JSON: one array of times and one array per series, null where a value
// is undefined (no active snapshot yet, a book side missing).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/api/role.h"
#include "daemon/api/view_context.h"

namespace mm::api {

struct HistoryOptions {
  TimeUs interval = 10 * kUsPerSecond;
  TimeUs span = 24 * 3600 * kUsPerSecond;
};

class History {
 public:
  History(const Program& program, HistoryOptions options);

  // Takes a point from `state` when its published_at is in a later interval than the
  // last point's. Returns whether it did.
  bool sample(const PublishedState& state);
  // Points with a time after `since_ms` (unix ms), scoped like the stream.
  std::string json(const Role& role, int64_t since_ms) const;
  size_t size() const { return count_; }
  size_t capacity() const { return capacity_; }

 private:
  static constexpr size_t kPerMm = 4;      // total_reward_usd, volume_share, uptime, avg_spread_bps
  static constexpr size_t kPerMarket = 4;  // spread_bps, bid_depth_usd, ask_depth_usd, active_mms
  size_t slot(size_t k) const { return (head_ + capacity_ - count_ + k) % capacity_; }  // k-th oldest

  const Program& program_;
  HistoryOptions options_;
  size_t width_;     // floats per point
  size_t capacity_;  // points kept
  size_t head_ = 0, count_ = 0;  // next slot to write; points held
  int64_t last_bucket_ = INT64_MIN;
  std::vector<int64_t> t_ms_;   // per slot
  std::vector<float> values_;   // [slot * width_ + series]; NaN = null
};

}  // namespace mm::api
