#include "daemon/api/activity_tracker.h"

namespace mm::api {

void ActivityTracker::update(const Program& program, const PublishedState& state) {
  const Report& r = state.report;
  if (!state.started || r.mms.size() != program.mms.size() || r.markets.size() != program.markets.size()) return;
  const size_t n_markets = program.markets.size();
  // A new month (or the first state) restarts the counts: nothing is known yet.
  const bool restart = !have_ || r.month != month_ || markets_ != n_markets || cells_.size() != r.mms.size() * n_markets;
  if (restart) {
    have_ = true;
    month_ = r.month;
    markets_ = n_markets;
    cells_.assign(r.mms.size() * n_markets, Cell{});
  }
  for (size_t i = 0; i < r.mms.size(); ++i) {
    for (size_t m = 0; m < n_markets && m < r.mms[i].markets.size(); ++m) {
      const MmMarketResult& e = r.mms[i].markets[m];
      Cell& c = cells_[i * n_markets + m];
      if (!restart) {
        const uint32_t d_observed = e.snapshots_observed - c.observed;
        const uint32_t d_active = e.snapshots_active - c.active;
        const uint32_t d_unobserved = e.snapshots_unobserved - c.unobserved;
        if (d_observed > 0 && d_unobserved == 0) c.now = d_active == d_observed ? 1 : d_active == 0 ? 0 : -1;
        else if (d_observed > 0 || d_unobserved > 0) c.now = -1;
      }
      c.observed = e.snapshots_observed;
      c.active = e.snapshots_active;
      c.unobserved = e.snapshots_unobserved;
    }
  }
}

std::optional<bool> ActivityTracker::active_now(uint32_t mm, uint32_t market) const {
  const size_t i = size_t(mm) * markets_ + market;
  if (!have_ || market >= markets_ || i >= cells_.size() || cells_[i].now < 0) return std::nullopt;
  return cells_[i].now == 1;
}

}  // namespace mm::api
