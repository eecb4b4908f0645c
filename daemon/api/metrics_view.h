// GET /metrics: Prometheus text format, built at scrape time from the latest published
// state, the exchange client's counters and the API server's own counters (prometheus-cpp
// core: MetricFamily values and its TextSerializer; no registry, nothing kept between
// scrapes). Names start with mmscore_ and carry their unit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "core/program.h"
#include "daemon/api/api_stats.h"
#include "daemon/published_state.h"

namespace mm {
struct ClientStats;
}

namespace mm::api {

struct MetricsInput {
  const Program& program;
  const PublishedState* state = nullptr;  // null: nothing published yet
  TimeUs now = 0;
  uint64_t processed = 0;
  const ClientStats* client = nullptr;    // null: no exchange client (replay, tests)
  ApiStatsSnapshot api{};
  uint64_t history_points = 0;
  uint64_t history_save_failures = 0;
  // The daemon's restore: mmscore_restore_in_progress, and the progress while it runs.
  // None: not shown (no restore in this process).
  std::optional<RestoreFigures> restore{};
};

std::vector<prometheus::MetricFamily> metric_families(const MetricsInput& in);
std::string metrics_text(const MetricsInput& in);
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The engine latency histogram's bucket bounds, in seconds.
const std::vector<double>& latency_bucket_bounds();

}  // namespace mm::api
