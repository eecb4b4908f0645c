#include "daemon/api/stream_messages.h"

#include "daemon/api/health_view.h"
#include "daemon/api/markets_view.h"
#include "daemon/api/mm_view.h"

namespace mm::api {

std::string update_message(const ViewContext& ctx, const Role& role) {
  JsonWriter w(false);
  w.begin_object();
  w.key("type").value("update");
  write_month_and_as_of(w, ctx);
  w.key("published_at").value(format_rfc3339(ctx.state.published_at));
  w.key("health");
  write_health(w, ctx);
  const bool report = ctx.has_report();
  w.key("markets").begin_array();
  if (report)
    for (uint32_t m = 0; m < ctx.program.markets.size(); ++m) write_market(w, ctx, m, role);
  w.end_array();
  w.key("mms").begin_array();
  if (report)
    for (uint32_t i = 0; i < ctx.program.mms.size(); ++i)
      if (role.sees_mm(i)) write_mm_summary(w, ctx, i);
  w.end_array();
  w.end_object();
  return w.take();
}

std::string month_closed_message(const std::string& month) {
  JsonWriter w(false);
  w.begin_object().key("type").value("month_closed").key("month").value(month).end_object();
  return w.take();
}

}  // namespace mm::api
