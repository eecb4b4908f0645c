// Whether each MM was active at the latest snapshot of each market. The published
// report has only month totals, so this is read from how the counts moved between two
// published states: one more observed snapshot with one more active one means active
// now; without one more active, inactive now. Unknown (nullopt) until a snapshot was
// seen moving, when several snapshots of mixed outcome passed at once, or when the
// latest snapshot was unobserved for that MM.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/program.h"
#include "daemon/published_state.h"

namespace mm::api {

class ActivityTracker {
 public:
  void update(const Program& program, const PublishedState& state);
  std::optional<bool> active_now(uint32_t mm, uint32_t market) const;

 private:
  struct Cell {
    uint32_t observed = 0, active = 0, unobserved = 0;
    int8_t now = -1;  // -1 unknown, 0 inactive, 1 active
  };
  bool have_ = false;
  YearMonth month_;
  size_t markets_ = 0;
  std::vector<Cell> cells_;  // [mm * markets_ + market]
};

}  // namespace mm::api
