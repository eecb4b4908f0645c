#include "daemon/api/history.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "daemon/api/markets_view.h"
#include "daemon/api/mm_view.h"

namespace mm::api {

namespace {

constexpr float kNull = std::numeric_limits<float>::quiet_NaN();
constexpr size_t kMaxPoints = 100'000;

float opt(const std::optional<double>& v) { return v ? float(*v) : kNull; }

struct SeriesName {
  const char* name;
  int decimals;
};
constexpr SeriesName kMmSeries[] = {
    {"total_reward_usd", 2}, {"volume_share", 6}, {"uptime", 6}, {"avg_spread_bps", 3}};
constexpr SeriesName kMarketSeries[] = {
    {"spread_bps", 3}, {"bid_depth_usd", 2}, {"ask_depth_usd", 2}, {"active_mms", 0}};

}  // namespace

History::History(const Program& program, HistoryOptions options)
    : program_(program),
      options_(options),
      width_(program.mms.size() * kPerMm + program.markets.size() * kPerMarket) {
  if (options_.interval <= 0) options_.interval = kUsPerSecond;
  capacity_ = size_t(std::clamp<TimeUs>(options_.span / options_.interval, 1, TimeUs(kMaxPoints)));
}

bool History::sample(const PublishedState& state) {
  const Report& r = state.report;
  if (!state.started || r.mms.size() != program_.mms.size() || r.markets.size() != program_.markets.size())
    return false;
  const int64_t bucket = state.published_at / options_.interval;
  if (bucket <= last_bucket_) return false;
  last_bucket_ = bucket;

  if (t_ms_.size() < capacity_) {  // grows to capacity, then wraps
    t_ms_.resize(t_ms_.size() + 1);
    values_.resize(values_.size() + width_);
  }
  const size_t s = head_;
  t_ms_[s] = state.published_at / 1000;
  float* v = values_.data() + s * width_;
  for (uint32_t i = 0; i < program_.mms.size(); ++i) {
    const MmFigures f = mm_figures(r, i);
    *v++ = float(double(r.mms[i].total_reward) / 100.0);
    *v++ = opt(f.volume_share);
    *v++ = opt(f.uptime);
    *v++ = opt(f.avg_spread_bps);
  }
  for (uint32_t m = 0; m < program_.markets.size(); ++m) {
    const MarketFigures f = market_figures(program_, state, m);
    *v++ = opt(f.spread_bps);
    *v++ = float(notional_to_double(f.bid_depth_usd));
    *v++ = float(notional_to_double(f.ask_depth_usd));
    *v++ = float(f.active_mms);
  }
  head_ = (head_ + 1) % capacity_;
  count_ = std::min(count_ + 1, capacity_);
  return true;
}

std::string History::json(const Role& role, int64_t since_ms) const {
  size_t first = 0;  // oldest point to include
  while (first < count_ && t_ms_[slot(first)] <= since_ms) ++first;
  auto series = [&](JsonWriter& w, size_t column, int decimals) {
    w.begin_array();
    for (size_t k = first; k < count_; ++k) {
      const float x = values_[slot(k) * width_ + column];
      if (std::isnan(x)) w.null();
      else write_number(w, double(x), decimals);
    }
    w.end_array();
  };

  JsonWriter w(false);
  w.begin_object();
  w.key("interval_ms").value(int64_t(options_.interval / 1000));
  w.key("capacity").value(uint64_t(capacity_));
  w.key("t_ms").begin_array();
  for (size_t k = first; k < count_; ++k) w.value(t_ms_[slot(k)]);
  w.end_array();
  w.key("mms").begin_array();
  for (uint32_t i = 0; i < program_.mms.size(); ++i) {
    if (!role.sees_mm(i)) continue;
    w.begin_object().key("mm_id").value(program_.mms[i].id);
    for (size_t c = 0; c < kPerMm; ++c) {
      w.key(kMmSeries[c].name);
      series(w, i * kPerMm + c, kMmSeries[c].decimals);
    }
    w.end_object();
  }
  w.end_array();
  w.key("markets").begin_array();
  const size_t base = program_.mms.size() * kPerMm;
  for (uint32_t m = 0; m < program_.markets.size(); ++m) {
    w.begin_object().key("symbol").value(program_.markets[m].symbol);
    for (size_t c = 0; c < kPerMarket; ++c) {
      w.key(kMarketSeries[c].name);
      series(w, base + m * kPerMarket + c, kMarketSeries[c].decimals);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace mm::api
