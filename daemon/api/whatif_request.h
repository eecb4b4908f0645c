// The body of POST /v1/mms/<id>/whatif (issue 13): per market, for the rest of the month,
// extra maker volume and a quoting plan. Every field checked; an error names it, for a 400.
//
//   {"markets": {"SOL_USDC": {"extra_maker_volume_usd": 50000,
//                             "size_per_side_usd": 5000, "spread_bps": 12, "active_share": 0.9}}}
//
// A market without size_per_side_usd and spread_bps keeps its month-to-date quoting;
// active_share defaults to 1. An empty body (or {}) is the plain projection.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/program.h"
#include "core/result.h"
#include "core/whatif.h"

namespace mm::api {

Result<WhatIfPlan> parse_whatif_request(const Program& program, uint16_t mm, std::string_view body);

}  // namespace mm::api
