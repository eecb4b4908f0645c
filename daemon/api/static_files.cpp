#include "daemon/api/static_files.h"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace mm::api {

namespace {

std::string etag_of(std::string_view body) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64: content identity, not security
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::optional<StaticFile> find_static_file(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos ||
      path.find('\\') != std::string_view::npos || path.find("//") != std::string_view::npos)
    return std::nullopt;
  if (path == "/") path = "/index.html";
  static const std::vector<std::string> etags = [] {  // hashed once: bundles can be large
    std::vector<std::string> out;
    for (const StaticAsset& a : dashboard_assets()) out.push_back(etag_of(a.body));
    return out;
  }();
  const std::span<const StaticAsset> assets = dashboard_assets();
  for (size_t i = 0; i < assets.size(); ++i)
    if (assets[i].path == path) return StaticFile{&assets[i], etags[i]};
  return std::nullopt;
}

}  // namespace mm::api
