// What the engine asks the network side to fetch after an outage (SCORING.md section 13).
// Plain data shared by core/ (which decides) and feeds/ (which pages the exchange).
#pragma once

#include <cstdint>
#include <optional>

#include "core/time_utc.h"

namespace mm {

// Public trade history of one market, paged newest first from offset 0. The backfill is
// done once a page's oldest trade satisfies both set conditions: id <= down_to_id (every
// id from there to the newest is in), and timestamp < since (the history reaches back
// before `since`, e.g. the month start). Neither set: the first page only. Paging also
// stops at a short page (the exchange has nothing older) and at feed.backfill_max_pages.
struct TradeBackfillTarget {
  std::optional<uint64_t> down_to_id;
  std::optional<TimeUs> since;
};

}  // namespace mm
