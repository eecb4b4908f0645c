// Route handlers of ApiCore for files and projections: the snapshot files (list, take,
// download; issue 12), the live evidence rows (GET /v1/mms/<id>/snapshots) and what-if (issue 13: POST /v1/mms/<id>/whatif).
#include <cmath>

#include <spdlog/spdlog.h>

#include "core/snapshot_schedule.h"
#include "core/time_utc.h"
#include "core/whatif.h"
#include "daemon/api/api_core.h"
#include "daemon/api/evidence_view.h"
#include "daemon/api/mm_view.h"
#include "daemon/api/responses.h"
#include "daemon/api/whatif_request.h"
#include "feeds/net/url.h"

namespace mm::api {

ApiResponse ApiCore::snapshots_response(const ApiRequest& req, const Role& role) {
  if (req.method == "POST") {
    if (role.kind != Role::Kind::ops) return forbidden();  // taking one is for ops; listing for ops and risk
    if (!sources_.write_snapshot) return unavailable("snapshots are not available in this process");
    const Result<std::string> path = sources_.write_snapshot();
    if (!path) {
      spdlog::warn("api: snapshot not written: {}", path.message());
      return error_response(500, path.message().empty() ? "the report could not be written" : path.message());
    }
    JsonWriter w(false);
    w.begin_object().key("path").value(*path).end_object();
    return json_response(201, w.take());
  }
  if (!sources_.list_snapshots) return unavailable("snapshots are not available in this process");
  JsonWriter w(false);
  w.begin_object().key("snapshots").begin_array();
  for (const auto& [name, bytes] : sources_.list_snapshots()) {
    w.begin_object();
    w.key("name").value(name);
    w.key("bytes").value(int64_t(bytes));
    w.key("url").value("/v1/snapshots/" + name);
    w.end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

ApiResponse ApiCore::snapshot_file_response(std::string_view name) {
  if (!sources_.read_snapshot) return unavailable("snapshots are not available in this process");
  Result<std::string> content = sources_.read_snapshot(name);
  if (!content) return error_response(404, content.message());
  const bool csv = name.ends_with(".csv");
  return file_response(std::move(*content), csv ? "text/csv" : "application/json", name);
}

// The MM's standing at the month end under the plan: the same shape as /v1/mms/<id>,
// scored by the same code from a projection of the published accumulators (this thread,
// never the engine's).
ApiResponse ApiCore::whatif_response(std::string_view mm_id, std::string_view body) {
  const std::optional<uint32_t> mm = program().mm_index(mm_id);
  if (!mm) return error_response(404, "unknown mm id");
  Result<WhatIfPlan> plan = parse_whatif_request(program(), uint16_t(*mm), body);
  if (!plan) return error_response(400, plan.message());
  return with_state([&](const PublishedState& s) {
    if (!s.started || !s.month) return unavailable("no record processed yet: nothing to project");
    const Program& p = program();
    const SnapshotSchedule schedule(s.month->month, p.snapshot_interval, p.snapshot_jitter, p.snapshot_seed);
    auto projected = project_month(p, *s.month, s.engine_clock, schedule.count(), *plan);
    if (!projected) return error_response(400, projected.message());
    PublishedState at_end = s;
    at_end.report = score_month(p, projected->month, false);
    const ViewContext ctx = context(at_end, now());
    JsonWriter w(false);
    w.begin_object();
    w.key("mm_id").value(mm_id);
    w.key("snapshots_remaining").value(int64_t(projected->snapshots_remaining));
    w.key("planned_markets").value(int64_t(plan->markets.size()));
    w.key("standing").raw(mm_standing_json(ctx, *mm));
    w.end_object();
    return json_response(200, w.take());
  });
}

// After serve() checked may_see_mm(). The statement `run` wrote when the month closed
// (an MM gets its own: SCORING.md section 15), the newest unless ?month=YYYY-MM.
ApiResponse ApiCore::mm_statement_response(std::string_view mm_id, std::string_view query, std::string_view accept) {
  if (!program().mm_index(mm_id)) return error_response(404, "unknown mm id");
  const Result<ResponseFormat> format = export_format(query, accept, {"month", "format"});
  if (!format) return error_response(400, format.message());
  std::optional<YearMonth> month;
  if (const std::optional<std::string> text = net::query_param(query, "month")) {
    month = parse_year_month(*text);
    if (!month) return error_response(400, "month must be a month as YYYY-MM");
  }
  if (!sources_.read_statement) return unavailable("statements are not available in this process");
  const bool csv = *format == ResponseFormat::csv;
  auto file = sources_.read_statement(mm_id, month, csv);
  if (!file) return error_response(404, file.message());
  return file_response(std::move(file->second), csv ? "text/csv" : "application/json", file->first);
}

// After serve() checked may_see_mm(). The rows of the published evidence window.
ApiResponse ApiCore::mm_snapshots_response(std::string_view mm_id, std::string_view query, std::string_view accept) {
  const std::optional<uint32_t> mm = program().mm_index(mm_id);
  if (!mm) return error_response(404, "unknown mm id");
  const Result<ResponseFormat> format = export_format(query, accept, {"market", "from", "to", "format"});
  if (!format) return error_response(400, format.message());
  return with_state([&](const PublishedState& s) {
    if (!s.started) return unavailable("no record processed yet: no evidence");
    const Result<EvidenceQuery> q = parse_evidence_query(program(), query, s.report.month);
    if (!q) return error_response(400, q.message());
    static const EvidenceWindow kNone;
    const EvidenceWindow& window = s.evidence ? *s.evidence : kNone;
    if (*format == ResponseFormat::csv)
      return file_response(evidence_rows_csv(program(), window, uint16_t(*mm), *q), "text/csv",
                           "evidence-" + s.report.month.to_string() + "-" + std::string(mm_id) + ".csv");
    return json_response(200, evidence_rows_json(program(), window, uint16_t(*mm), *q));
  });
}

}  // namespace mm::api
