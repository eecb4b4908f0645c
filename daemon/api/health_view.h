// GET /v1/health: is the daemon scoring with every feed up? Public: no MM ids in it.
#pragma once

#include <string>
#include <vector>

#include "daemon/api/view_context.h"

namespace mm::api {

struct HealthFacts {
  bool started = false;
  int64_t lag_ms = 0;
  bool public_connected = false;
  size_t accounts_connected = 0, accounts_in_sync = 0, accounts_total = 0;
  size_t books_in_sync = 0, books_total = 0;
  // Empty: "ok". Codes ("public_feed_down"), and per market "SOL_USDC: 212 trades missing".
  std::vector<std::string> problems;
};

HealthFacts health_facts(const ViewContext& ctx);
void write_health(JsonWriter& w, const ViewContext& ctx);
std::string health_json(const ViewContext& ctx);
// Before the engine published anything at all.
std::string health_starting_json();
// While the daemon restores from its journal (before "starting"): status "restoring",
// problems ["restoring"], and `restore` {file, files_done, files_total, bytes_done,
// bytes_total, records}.
std::string health_restoring_json(const RestoreFigures& restore);

}  // namespace mm::api
