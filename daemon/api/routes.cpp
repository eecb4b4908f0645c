#include "daemon/api/routes.h"

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

bool method_allowed(Methods methods, std::string_view method) {
  switch (methods) {
    case Methods::get_head: return method == "GET" || method == "HEAD";
    case Methods::get: return method == "GET";
    case Methods::post: return method == "POST";
    case Methods::any: return true;
  }
  return false;
}

const char* allow_header(Methods methods) {
  switch (methods) {
    case Methods::get_head: return "GET, HEAD";
    case Methods::get: return "GET";
    case Methods::post: return "POST";
    case Methods::any: break;
  }
  return "GET, HEAD, POST";
}

}  // namespace mm::api
