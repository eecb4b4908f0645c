// Synthetic journals for the replay benchmark (SCORING.md section 11): connected events,
// a REST depth seed per market, an open-orders record per MM, then the exchange's frames
// with receive timestamps 200 µs apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/result.h"
#include "feeds/sim/model/sim_types.h"

namespace mm::bench {

// `markets` catalog markets and `mms` single-account MMs "mm01".. cycling through the
// quote styles.
sim::ExchangeOptions bench_options(size_t markets, size_t mms, uint64_t seed);

struct GeneratedJournal {
  uint64_t records = 0, frames = 0, bytes = 0;
  double seconds = 0;
  TimeUs first_ts = 0, last_ts = 0;
  // Ground truth over the journal's frames only (the warm-up before it excluded).
  std::vector<u128> market_volume;  // [exchange market]
  std::vector<u128> maker_volume;   // [exchange account * markets + market]
};

// Writes at least `records` records to `path`. An error on an I/O error.
Result<> write_journal(const sim::ExchangeOptions& options, uint64_t records, const std::string& path,
                       GeneratedJournal& out);

}  // namespace mm::bench
