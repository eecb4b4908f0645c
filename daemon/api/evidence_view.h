// GET /v1/mms/<id>/snapshots: the live evidence rows (SCORING.md section 15) of one MM
// from the published window, filtered by market and time, as JSON or CSV. The fields
// are the ones the window keeps (EvidenceSnapshot): older windows and the in-band
// orders come from `mmscore explain`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/program.h"
#include "core/result.h"
#include "daemon/published_state.h"

namespace mm::api {

struct EvidenceQuery {
  std::optional<uint32_t> market;  // none: all markets
  TimeUs from = INT64_MIN, to = INT64_MAX;  // inclusive
};

// market=S, from=T, to=T (RFC 3339 or integer unix seconds) within `month`: else an
// error naming the parameter.
Result<EvidenceQuery> parse_evidence_query(const Program& p, std::string_view query, YearMonth month);

// Rows by snapshot, then market.
std::string evidence_rows_json(const Program& p, const EvidenceWindow& w, uint16_t mm, const EvidenceQuery& q);
std::string evidence_rows_csv(const Program& p, const EvidenceWindow& w, uint16_t mm, const EvidenceQuery& q);

}  // namespace mm::api
