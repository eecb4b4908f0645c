#include "daemon/api/routes.h"

#include <algorithm>
#include <string>
#include <vector>

namespace mm::api {

namespace {

constexpr bool table_in_route_order() {
  for (size_t i = 0; i < kRouteCount; ++i)
    if (size_t(kRoutes[i].route) != i) return false;
  return true;
}
static_assert(table_in_route_order(), "kRoutes must be indexed by Route");

bool matches(const RouteSpec& spec, std::string_view path, std::string_view& segment) {
  switch (spec.match) {
    case PathMatch::exact: return path == spec.path;
    case PathMatch::one_segment: {
      if (!path.starts_with(spec.path)) return false;
      const std::string_view rest = path.substr(spec.path.size());
      if (rest.empty() || rest.find('/') != std::string_view::npos) return false;
      segment = rest;
      return true;
    }
    case PathMatch::segment_suffix: {
      if (!path.starts_with(spec.path) || !path.ends_with(spec.suffix)) return false;
      if (path.size() <= spec.path.size() + spec.suffix.size()) return false;
      const std::string_view rest = path.substr(spec.path.size(), path.size() - spec.path.size() - spec.suffix.size());
      if (rest.find('/') != std::string_view::npos) return false;
      segment = rest;
      return true;
    }
    case PathMatch::none: break;
  }
  return false;
}

}  // namespace

std::optional<Route> route_by_label(std::string_view label) {
  for (const RouteSpec& spec : kRoutes)
    if (spec.label == label) return spec.route;
  return std::nullopt;
}

RouteMatch match_route(std::string_view path) {
  for (const RouteSpec& spec : kRoutes) {
    std::string_view segment;
    if (matches(spec, path, segment)) return {spec.route, segment};
  }
  if (path == "/v1" || path.starts_with("/v1/")) return {Route::unknown, {}};
  return {Route::static_file, {}};
}

namespace {

// Calls f(name, value, has_value) for each `name[=value]` of the query.
template <class F>
void for_each_param(std::string_view query, F&& f) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    f(part.substr(0, eq), eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1),
      eq != std::string_view::npos);
  }
}

// The position of `type` in an Accept header (npos: absent); parameters (";q=") ignored.
size_t accept_position(std::string_view accept, std::string_view type) {
  size_t at = 0;
  while (at != std::string_view::npos) {
    const size_t next = accept.find(',', at);
    std::string_view item = accept.substr(at, next == std::string_view::npos ? next : next - at);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == type) return at;
    at = next == std::string_view::npos ? next : next + 1;
  }
  return std::string_view::npos;
}

}  // namespace

Result<> check_query_params(std::string_view query, std::initializer_list<std::string_view> allowed) {
  std::string error;
  std::vector<std::string_view> seen;
  for_each_param(query, [&](std::string_view name, std::string_view value, bool has_value) {
    if (!error.empty()) return;
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) error = std::string(name) + ": unknown query parameter";
    else if (!has_value || value.empty()) error = std::string(name) + ": needs a value";
    else if (std::find(seen.begin(), seen.end(), name) != seen.end()) error = std::string(name) + ": given twice";
    seen.push_back(name);
  });
  if (!error.empty()) return make_error(error);
  return {};
}

Result<ResponseFormat> requested_format(std::string_view query, std::string_view accept) {
  std::optional<std::string_view> format;
  for_each_param(query, [&](std::string_view name, std::string_view value, bool) {
    if (name == "format") format = value;
  });
  if (format) {
    if (*format == "json") return ResponseFormat::json;
    if (*format == "csv") return ResponseFormat::csv;
    return make_error("format: '" + std::string(*format) + "' is not json or csv");
  }
  const size_t csv = accept_position(accept, "text/csv");
  if (csv == std::string_view::npos) return ResponseFormat::json;
  const size_t json = std::min(accept_position(accept, "application/json"), accept_position(accept, "*/*"));
  return csv < json ? ResponseFormat::csv : ResponseFormat::json;
}

Result<ResponseFormat> export_format(std::string_view query, std::string_view accept,
                                     std::initializer_list<std::string_view> allowed) {
  if (auto ok = check_query_params(query, allowed); !ok) return ok.error();
  return requested_format(query, accept);
}

bool method_allowed(Methods methods, std::string_view method) {
  switch (methods) {
    case Methods::get_head: return method == "GET" || method == "HEAD";
    case Methods::get: return method == "GET";
    case Methods::post: return method == "POST";
    case Methods::get_head_post: return method == "GET" || method == "HEAD" || method == "POST";
    case Methods::any: return true;
  }
  return false;
}

const char* allow_header(Methods methods) {
  switch (methods) {
    case Methods::get_head: return "GET, HEAD";
    case Methods::get: return "GET";
    case Methods::post: return "POST";
    case Methods::get_head_post:
    case Methods::any: break;
  }
  return "GET, HEAD, POST";
}

}  // namespace mm::api
