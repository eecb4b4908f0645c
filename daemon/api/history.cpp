#include "daemon/api/history.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include <spdlog/spdlog.h>

#include "core/state_codec.h"
#include "core/time_utc.h"
#include "daemon/api/markets_view.h"
#include "daemon/api/mm_view.h"
#include "feeds/file_io.h"
#include "feeds/journal_reader.h"  // sha256_hex

namespace mm::api {

namespace {

constexpr float kNull = std::numeric_limits<float>::quiet_NaN();
constexpr size_t kMaxPoints = 100'000;
constexpr std::string_view kMagic = "MMSHIST\n";
constexpr uint32_t kFormat = 1;
constexpr size_t kDigest = 64;  // hex

float opt(const std::optional<double>& v) { return v ? float(*v) : kNull; }

struct SeriesName {
  const char* name;
  int decimals;
};
constexpr SeriesName kMmSeries[] = {
    {"total_reward_usd", 2}, {"volume_share", 6}, {"uptime", 6}, {"avg_spread_bps", 3}};
constexpr SeriesName kMarketSeries[] = {
    {"spread_bps", 3}, {"bid_depth_usd", 2}, {"ask_depth_usd", 2}, {"active_mms", 0}};

// a (standing for na points) merged with b (nb): the weighted mean of the non-null ones.
float merged(float a, uint32_t na, float b, uint32_t nb) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return float((double(a) * na + double(b) * nb) / double(na + nb));
}

}  // namespace

History::History(const Program& program, HistoryOptions options)
    : program_(program),
      options_(std::move(options)),
      width_(program.mms.size() * kPerMm + program.markets.size() * kPerMarket) {
  if (options_.interval <= 0) options_.interval = kUsPerSecond;
  capacity_ = size_t(std::clamp<TimeUs>(options_.span / options_.interval, 1, TimeUs(kMaxPoints)));
  options_.coarse_points = std::min(options_.coarse_points, kMaxPoints);
  if (options_.coarse_points == 1) options_.coarse_points = 2;  // a pair to merge
  load();
}

bool History::sample(const PublishedState& state) {
  if (state.published_at / options_.interval <= last_bucket_) return false;  // before building the row
  return add(state.published_at, row(program_, state));
}

std::vector<float> History::row(const Program& program, const PublishedState& state) {
  const Report& r = state.report;
  if (!state.started || r.mms.size() != program.mms.size() || r.markets.size() != program.markets.size())
    return {};
  std::vector<float> row(program.mms.size() * kPerMm + program.markets.size() * kPerMarket);
  float* v = row.data();
  for (uint32_t i = 0; i < program.mms.size(); ++i) {
    const MmFigures f = mm_figures(r, i);
    *v++ = float(double(r.mms[i].total_reward) / 100.0);
    *v++ = opt(f.volume_share);
    *v++ = opt(f.uptime);
    *v++ = opt(f.avg_spread_bps);
  }
  for (uint32_t m = 0; m < program.markets.size(); ++m) {
    const MarketFigures f = market_figures(program, state, m);
    // An unobserved market (public feed down, book out of sync) has no book to speak
    // of: null, drawn as a gap, not as a spread or a depth of 0.
    const bool seen = f.observed;
    *v++ = seen ? opt(f.spread_bps) : kNull;
    *v++ = seen ? float(notional_to_double(f.bid_depth_usd)) : kNull;
    *v++ = seen ? float(notional_to_double(f.ask_depth_usd)) : kNull;
    *v++ = seen ? float(f.active_mms) : kNull;
  }
  return row;
}

bool History::add(TimeUs t_us, const std::vector<float>& row) {
  const int64_t bucket = t_us / options_.interval;
  if (row.size() != width_ || bucket <= last_bucket_) return false;
  last_bucket_ = bucket;
  // A new month: the coarse tier keeps the month (the fine day still shows the end of
  // the last one), so it does not coarsen month after month.
  if (const TimeUs month = month_of(t_us).start(); month > month_start_) {
    month_start_ = month;
    drop_coarse_before(month / 1000);
  }
  push_fine(t_us / 1000, row.data());
  dirty_ = true;
  return true;
}

void History::push_fine(int64_t t_ms, const float* row) {
  if (t_ms_.size() < capacity_) {  // grows to capacity, then wraps
    t_ms_.resize(t_ms_.size() + 1);
    values_.resize(values_.size() + width_);
  } else if (count_ == capacity_ && options_.coarse_points > 0 && t_ms_[head_] >= month_start_ / 1000) {
    push_coarse(t_ms_[head_], t_ms_[head_], 1, values_.data() + head_ * width_);  // the oldest moves down a tier
  }
  t_ms_[head_] = t_ms;
  std::copy(row, row + width_, values_.data() + head_ * width_);
  head_ = (head_ + 1) % capacity_;
  count_ = std::min(count_ + 1, capacity_);
}

void History::push_coarse(int64_t first_ms, int64_t last_ms, uint32_t n, const float* row) {
  const int64_t gap_ms = 2 * options_.interval / 1000;
  if (!coarse_n_.empty() && coarse_n_.back() + n <= coarse_span_ && first_ms - coarse_t_last_.back() <= gap_ms) {
    float* back = coarse_values_.data() + (coarse_n_.size() - 1) * width_;
    for (size_t c = 0; c < width_; ++c) back[c] = merged(back[c], coarse_n_.back(), row[c], n);
    coarse_t_last_.back() = last_ms;
    coarse_n_.back() += n;
    return;
  }
  coarse_t_first_.push_back(first_ms);
  coarse_t_last_.push_back(last_ms);
  coarse_n_.push_back(n);
  coarse_values_.insert(coarse_values_.end(), row, row + width_);
  if (coarse_n_.size() > options_.coarse_points) halve_coarse();
}

// Neighbouring pairs become one point: about half the points, twice the span. A pair
// with a gap between them (an outage) stays two points, so the chart still shows it,
// unless that leaves the tier over its bound (gaps everywhere): then all pairs merge.
void History::halve_coarse() {
  merge_pairs(true);
  if (coarse_n_.size() > options_.coarse_points) merge_pairs(false);
}

void History::merge_pairs(bool keep_gaps) {
  const int64_t gap_ms = 2 * options_.interval / 1000;
  const size_t n = coarse_n_.size();
  size_t out = 0;
  for (size_t k = 0; k < n; ++out) {
    float* dst = coarse_values_.data() + out * width_;
    const float* a = coarse_values_.data() + k * width_;
    const bool pair = k + 1 < n && !(keep_gaps && coarse_t_first_[k + 1] - coarse_t_last_[k] > gap_ms);
    if (pair) {
      const float* b = a + width_;
      for (size_t c = 0; c < width_; ++c) dst[c] = merged(a[c], coarse_n_[k], b[c], coarse_n_[k + 1]);
      coarse_t_first_[out] = coarse_t_first_[k];
      coarse_t_last_[out] = coarse_t_last_[k + 1];
      coarse_n_[out] = coarse_n_[k] + coarse_n_[k + 1];
      k += 2;
    } else {
      if (out != k) std::copy(a, a + width_, dst);
      coarse_t_first_[out] = coarse_t_first_[k];
      coarse_t_last_[out] = coarse_t_last_[k];
      coarse_n_[out] = coarse_n_[k];
      k += 1;
    }
  }
  coarse_t_first_.resize(out);
  coarse_t_last_.resize(out);
  coarse_n_.resize(out);
  coarse_values_.resize(out * width_);
  coarse_span_ *= 2;
}

// The coarse points that end before `t_ms` (an earlier month's); an emptied tier starts
// again at full coarse resolution.
void History::drop_coarse_before(int64_t t_ms) {
  size_t keep = 0;
  while (keep < coarse_t_last_.size() && coarse_t_last_[keep] < t_ms) ++keep;
  if (keep == 0) return;
  coarse_t_first_.erase(coarse_t_first_.begin(), coarse_t_first_.begin() + keep);
  coarse_t_last_.erase(coarse_t_last_.begin(), coarse_t_last_.begin() + keep);
  coarse_n_.erase(coarse_n_.begin(), coarse_n_.begin() + keep);
  coarse_values_.erase(coarse_values_.begin(), coarse_values_.begin() + keep * width_);
  if (coarse_n_.empty()) coarse_span_ = 1;
  dirty_ = true;
}

std::string History::json(const Role& role, int64_t since_ms) const {
  // Every point in time order, coarse first; a null row (nullptr) after a point followed
  // by more than two intervals without one.
  struct Entry {
    int64_t t;
    const float* row;
  };
  const int64_t interval_ms = options_.interval / 1000;
  std::vector<Entry> entries;
  entries.reserve(size() + 16);
  int64_t prev_last = INT64_MIN;
  auto add = [&](int64_t first, int64_t last, const float* row) {
    if (prev_last != INT64_MIN && first - prev_last > 2 * interval_ms && prev_last + interval_ms > since_ms)
      entries.push_back({prev_last + interval_ms, nullptr});
    if (first > since_ms) entries.push_back({first, row});
    prev_last = last;
  };
  for (size_t k = 0; k < coarse_n_.size(); ++k)
    add(coarse_t_first_[k], coarse_t_last_[k], coarse_values_.data() + k * width_);
  for (size_t k = 0; k < count_; ++k) add(t_ms_[slot(k)], t_ms_[slot(k)], values_.data() + slot(k) * width_);

  auto series = [&](JsonWriter& w, size_t column, int decimals) {
    w.begin_array();
    for (const Entry& e : entries) {
      const float x = e.row ? e.row[column] : kNull;
      if (std::isnan(x)) w.null();
      else write_number(w, double(x), decimals);
    }
    w.end_array();
  };

  JsonWriter w(false);
  w.begin_object();
  w.key("interval_ms").value(int64_t(interval_ms));
  w.key("capacity").value(uint64_t(capacity_));
  w.key("coarse_points").value(uint64_t(options_.coarse_points));
  w.key("coarse_step_ms").value(int64_t(options_.coarse_points ? int64_t(coarse_span_) * interval_ms : 0));
  w.key("t_ms").begin_array();
  for (const Entry& e : entries) w.value(e.t);
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

// ---- persistence ---------------------------------------------------------------------

std::string History::encode() const {
  StateWriter w;
  w.put_bytes(kMagic.data(), kMagic.size());
  w.put<uint32_t>(kFormat);
  w.put<int64_t>(options_.interval);
  w.put<uint64_t>(program_.mms.size());
  for (const auto& m : program_.mms) w.put_string(m.id);
  w.put<uint64_t>(program_.markets.size());
  for (const auto& m : program_.markets) w.put_string(m.symbol);
  w.put<int64_t>(last_bucket_);
  w.put<uint64_t>(count_);
  for (size_t k = 0; k < count_; ++k) {
    w.put<int64_t>(t_ms_[slot(k)]);
    w.put_bytes(values_.data() + slot(k) * width_, width_ * sizeof(float));
  }
  w.put<uint64_t>(coarse_span_);
  w.put_vector(coarse_t_first_);
  w.put_vector(coarse_t_last_);
  w.put_vector(coarse_n_);
  w.put_vector(coarse_values_);
  std::string out = std::move(w.bytes());
  out += sha256_hex(out);
  return out;
}

Result<> History::restore(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + kDigest || bytes.substr(0, kMagic.size()) != kMagic)
    return make_error("not a history file");
  const std::string_view body = bytes.substr(0, bytes.size() - kDigest);
  if (sha256_hex(body) != bytes.substr(body.size())) return make_error("damaged (SHA-256 does not match)");
  StateReader r(body.substr(kMagic.size()));
  if (r.get<uint32_t>() != kFormat) return make_error("another format");
  if (r.get<int64_t>() != options_.interval) return make_error("written at another history interval");
  bool same = r.get<uint64_t>() == program_.mms.size();
  for (size_t i = 0; same && i < program_.mms.size(); ++i) same = r.get_string() == program_.mms[i].id;
  same = same && r.get<uint64_t>() == program_.markets.size();
  for (size_t i = 0; same && i < program_.markets.size(); ++i) same = r.get_string() == program_.markets[i].symbol;
  if (!same || !r.ok()) return make_error("written for other MMs or markets");
  const int64_t last_bucket = r.get<int64_t>();
  const uint64_t fine = r.get_length(sizeof(int64_t) + width_ * sizeof(float));
  std::vector<int64_t> t(fine);
  std::vector<float> values(fine * width_);
  for (size_t k = 0; k < fine; ++k) {
    t[k] = r.get<int64_t>();
    for (size_t c = 0; c < width_; ++c) values[k * width_ + c] = r.get<float>();
  }
  const uint64_t span = r.get<uint64_t>();
  std::vector<int64_t> first, last;
  std::vector<uint32_t> n;
  std::vector<float> coarse;
  r.get_vector(first);
  r.get_vector(last);
  r.get_vector(n);
  r.get_vector(coarse);
  if (!r.ok() || !r.at_end() || last.size() != first.size() || n.size() != first.size() ||
      coarse.size() != first.size() * width_ || span == 0 || span > (uint64_t(1) << 31) || (span & (span - 1)) != 0)
    return make_error("truncated or inconsistent");
  // Times in order, each coarse point standing for 1..span fine ones: anything else
  // would make later merges and the JSON wrong.
  int64_t newest = INT64_MIN;
  for (size_t k = 0; k < first.size(); ++k) {
    if (n[k] == 0 || n[k] > span || first[k] > last[k] || first[k] < newest) return make_error("inconsistent coarse points");
    newest = last[k];
  }
  for (size_t k = 0; k < fine; ++k) {
    if (t[k] < newest) return make_error("points out of order");
    newest = t[k];
  }
  (void)last_bucket;  // taken from the newest point instead: a file from a clock that ran ahead cannot block sampling

  // Rebuilt through the same pushes as live points: a smaller fine tier or coarse tier
  // than the file's (changed options) merges or drops the way the live history would.
  head_ = count_ = 0;
  t_ms_.clear();
  values_.clear();
  coarse_t_first_.clear();
  coarse_t_last_.clear();
  coarse_n_.clear();
  coarse_values_.clear();
  coarse_span_ = 1;
  if (options_.coarse_points > 0) {
    coarse_span_ = span;
    for (size_t k = 0; k < first.size(); ++k) push_coarse(first[k], last[k], n[k], coarse.data() + k * width_);
  }
  for (size_t k = 0; k < fine; ++k) push_fine(t[k], values.data() + k * width_);
  last_bucket_ = newest == INT64_MIN ? INT64_MIN : newest * 1000 / options_.interval;
  dirty_ = false;
  return {};
}

History::~History() {
  if (saver_.joinable()) saver_.join();
}

// Any thread (the saver's too): the file's directory made if missing, the only writer's
// leftover temp file of a crash replaced.
Result<> History::write_file(std::string_view bytes) const {
  std::error_code ec;
  if (const auto dir = std::filesystem::path(options_.file).parent_path(); !dir.empty())
    std::filesystem::create_directories(dir, ec);  // a failure shows in the write's error
  return write_file_durably(options_.file, bytes, TempFile::replace_leftover);
}

Result<> History::save() {
  if (saver_.joinable()) saver_.join();
  if (options_.file.empty() || !dirty_) return {};
  if (auto written = write_file(encode()); !written) {
    save_failures_.fetch_add(1, std::memory_order_relaxed);
    return written;
  }
  dirty_ = false;
  return {};
}

// The bytes are taken here (a copy of the tiers); writing and fsync (tens of MB for 200
// markets x 50 MMs) happen on a thread of their own, so requests are not held up.
void History::save_if_due(TimeUs now) {
  if (options_.file.empty()) return;
  if (last_save_ == 0) last_save_ = now;
  if (now - last_save_ < options_.save_every || saving_.load(std::memory_order_acquire)) return;
  last_save_ = now;
  if (saver_.joinable()) saver_.join();  // done: saving_ is false
  if (!dirty_) return;
  dirty_ = false;
  saving_.store(true, std::memory_order_release);
  saver_ = std::thread([this, bytes = encode()] {
    if (auto written = write_file(bytes); !written) {
      save_failures_.fetch_add(1, std::memory_order_relaxed);  // the next save (new points) tries again
      spdlog::warn("history: not saved: {}", written.message());
    }
    saving_.store(false, std::memory_order_release);
  });
}

void History::load() {
  if (options_.file.empty()) return;
  std::error_code ec;
  if (!std::filesystem::exists(options_.file, ec)) {
    spdlog::info("history: no saved history at {}: the charts start now", options_.file);
    return;
  }
  const Result<std::string> content = read_file(options_.file);
  if (!content) {
    spdlog::warn("history: {}: the charts start now", content.message());
    return;
  }
  if (auto restored = restore(*content); !restored) {
    spdlog::warn("history: {}: {}: ignored, the charts start now", options_.file, restored.message());
    return;
  }
  if (count_ > 0) loaded_until_ = t_ms_[slot(count_ - 1)] * 1000;
  else if (!coarse_t_last_.empty()) loaded_until_ = coarse_t_last_.back() * 1000;
  spdlog::info("history: {} points ({} coarse, {} fine points each) from {}, the last at {}", size(),
               coarse_size(), coarse_span_, options_.file, format_rfc3339(loaded_until_));
}

}  // namespace mm::api
