// What-if (issue 13): "if I quote $X per side at Y bps for the rest of the month, what is
// my reward?" The month's accumulators are extrapolated to the month end (every MM, and
// the market's all-user volume, continuing at its month-to-date rate), one MM's plan for
// the remaining snapshots replaces its own extrapolation where it gives one, and the
// result is scored by score_month, the code of every report. An empty plan is the plain
// projection; at the month end (nothing remaining) the projection is the month itself.
//
// Rates: snapshot counts, sizes and spreads scale by snapshots (the month's instants over
// those taken so far); volumes scale by time (the month's length over the time elapsed at
// `as_of`). Integer figures are rounded down, exactly (no overflow short of 3e23 USD).
// Self and cross-MM trade volumes (section 16) continue like the maker volume, which
// with program.exclude_self_trades is already net of the self trades; a plan's extra
// maker volume is taken as trades with others. The dense grid (dense_uptime, flicker)
// continues by time; under a quoting plan its remaining instants follow active_share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/month_state.h"
#include "core/program.h"
#include "core/result.h"

namespace mm {

// How the MM quotes a market at the remaining snapshots.
struct QuotePlan {
  u128 size_per_side_usd = 0;  // 1e-15 USD, each side, at an active snapshot
  double spread_bps = 0;       // > 0
  double active_share = 1;     // of the remaining snapshots, 0..1 (all of them observed)
};

struct MarketPlan {
  uint32_t market = 0;
  u128 extra_maker_volume_usd = 0;  // 1e-15 USD on top of its month-to-date rate
  std::optional<QuotePlan> quotes;  // none: its month-to-date quoting continues
};

struct WhatIfPlan {
  uint16_t mm = 0;
  std::vector<MarketPlan> markets;  // at most one per market
};

struct Projection {
  MonthState month;               // at the month end
  uint32_t snapshots_remaining = 0;
};

// `snapshots_in_month`: the month's snapshot instants (SnapshotSchedule::count()).
// Errors: a plan for an unknown MM or market, or a market twice.
Result<Projection> project_month(const Program& program, const MonthState& now, TimeUs as_of,
                                 uint32_t snapshots_in_month, const WhatIfPlan& plan);

}  // namespace mm
