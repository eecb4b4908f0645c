#include "daemon/api/view_context.h"

#include <cmath>

namespace mm::api {

std::string trim_decimal(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

void write_price(JsonWriter& w, int64_t raw) {
  if (raw <= 0) {
    w.null();
    return;
  }
  w.raw(trim_decimal(format_fixed(raw, kPriceDecimals)));
}

void write_number(JsonWriter& w, double v, int decimals) { w.raw(trim_decimal(format_double_fixed(v, decimals))); }

void write_optional(JsonWriter& w, const std::optional<double>& v, int decimals) {
  if (v && std::isfinite(*v)) write_number(w, *v, decimals);
  else w.null();
}

void write_usd_ceil(JsonWriter& w, double usd) {
  if (!(usd > 0) || !std::isfinite(usd)) {
    w.cents(0);
    return;
  }
  // The tiny allowance keeps an exact 12.34 (stored as 12.3400000001) from becoming 12.35.
  w.cents(int64_t(std::ceil(usd * 100.0 - 1e-6)));
}

void write_optional_string(JsonWriter& w, const std::optional<std::string>& s) {
  if (s) w.value(*s);
  else w.null();
}

std::string error_json(std::string_view message) {
  JsonWriter w(false);
  w.begin_object().key("error").value(message).end_object();
  return w.take();
}

void write_month_and_as_of(JsonWriter& w, const ViewContext& ctx) {
  if (ctx.has_report()) {
    w.key("month").value(ctx.state.report.month.to_string());
    w.key("as_of").value(format_rfc3339(ctx.state.report.as_of));
  } else {
    w.key("month").null();
    w.key("as_of").null();
  }
}

}  // namespace mm::api
