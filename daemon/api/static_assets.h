// The dashboard's files, compiled into the binary. This header is the hook between the
// API server and the dashboard build: static_assets_fallback.cpp implements it with a
// placeholder page; a generated source (the dashboard build) replaces that file in
// daemon/api/CMakeLists.txt (MMSCORE_DASHBOARD_ASSETS_SOURCE).
#pragma once

#include <span>
#include <string_view>

namespace mm::api {

struct StaticAsset {
  std::string_view path;          // "/index.html", "/assets/app.js": absolute, no query
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view body;
};

// Every file of the dashboard; "/" is served as "/index.html".
std::span<const StaticAsset> dashboard_assets();

}  // namespace mm::api
