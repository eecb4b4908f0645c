// The API's response shapes, shared by the route handlers (api_core.cpp, export_routes.cpp).
#pragma once

#include <string>
#include <string_view>

#include "daemon/api/api_core.h"
#include "daemon/api/view_context.h"

namespace mm::api {

inline ApiResponse json_response(unsigned status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

inline ApiResponse error_response(unsigned status, std::string_view message) {
  return json_response(status, error_json(message));
}

inline ApiResponse unavailable(std::string_view message) {
  ApiResponse r = error_response(503, message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

inline ApiResponse forbidden() { return error_response(403, "this token's role may not use this endpoint"); }

// A download: `filename` is what a browser saves it as.
inline ApiResponse file_response(std::string body, std::string_view content_type, std::string_view filename) {
  ApiResponse r = json_response(200, std::move(body));
  r.content_type = std::string(content_type);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  return r;
}

}  // namespace mm::api
