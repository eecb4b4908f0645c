// Messages of GET /v1/stream (WebSocket, JSON text): an "update" with the caller's view
// after each newly published state (at most every push_interval), and "month_closed"
// when the engine froze a month.
#pragma once

#include <string>

#include "daemon/api/role.h"
#include "daemon/api/view_context.h"

namespace mm::api {

// {"type":"update","month","as_of","published_at","health":{...},"markets":[...],"mms":[...]}
// scoped like /v1/markets and /v1/mms; markets and mms are empty before the first record.
std::string update_message(const ViewContext& ctx, const Role& role);
std::string month_closed_message(const std::string& month);

}  // namespace mm::api
