// Serving the dashboard assets: exact lookup in the compiled-in table (there is no file
// system behind it, so no path can reach outside it), "/" as "/index.html", and an ETag
// per file so browsers revalidate cheaply (Cache-Control: no-cache).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/api/static_assets.h"

namespace mm::api {

struct StaticFile {
  const StaticAsset* asset = nullptr;
  std::string etag;  // quoted, e.g. "\"1f2e3d4c5b6a7988\""
};

// nullopt: no such file (or a path that is not a plain absolute path).
std::optional<StaticFile> find_static_file(std::string_view path);

}  // namespace mm::api
