// Placeholder for the dashboard: served when the dashboard was not built into the binary.
#include "daemon/api/static_assets.h"

namespace mm::api {

namespace {

constexpr std::string_view kIndex = R"(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>mmscore</title></head>
<body>
<h1>mmscore</h1>
<p>The dashboard was not built into this binary (dashboard not built).</p>
<p>The API is available: <code>/v1/health</code>, <code>/v1/report</code>, <code>/v1/markets</code>,
<code>/v1/stream</code>, <code>/metrics</code> (see daemon/api/README.md).</p>
</body>
</html>
)";

constexpr StaticAsset kAssets[] = {
    {"/index.html", "text/html; charset=utf-8", kIndex},
};

}  // namespace

std::span<const StaticAsset> dashboard_assets() { return kAssets; }

}  // namespace mm::api
