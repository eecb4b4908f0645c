#include "daemon/standings_table.h"

#include <cstdio>

#include "core/json_writer.h"

namespace mm {

std::string standings_table(const Program& p, const PublishedState& s) {
  std::string out;
  char line[256];
  const Report& r = s.report;
  size_t observed = 0;
  for (const MarketView& v : s.markets) observed += v.observed;
  std::snprintf(line, sizeof line, "%s  month %s  snapshots %u  markets observed %zu/%zu  feed %s  records %llu\n",
                format_rfc3339(s.engine_clock).c_str(), r.month.to_string().c_str(), r.snapshots_taken, observed,
                s.markets.size(), s.public_connected ? "up" : "DOWN",
                static_cast<unsigned long long>(r.input.records));
  out += line;
  std::snprintf(line, sizeof line, "  %-10s %10s %9s %9s %9s %14s  %s\n", "mm", "volume $", "vol share", "uptime",
                "eligible", "reward $", "fee tier (perp/spot)");
  out += line;
  for (const MmResult& mm : r.mms) {
    double volume = 0, share_sum = 0, uptime_sum = 0;
    int markets = 0, eligible = 0;
    for (const MmMarketResult& e : mm.markets) {
      volume += notional_to_double(e.maker_volume_usd);
      share_sum += e.volume_score;
      uptime_sum += e.uptime;
      eligible += e.eligible();
      ++markets;
    }
    const auto tier = [&](Category c) { return mm.fee[int(c)].tier.value_or("-"); };
    std::snprintf(line, sizeof line, "  %-10s %10.0f %8.1f%% %8.1f%% %5d/%-3d %14s  %s/%s\n", p.mms[mm.mm].id.c_str(),
                  volume, markets ? 100.0 * share_sum / markets : 0.0, markets ? 100.0 * uptime_sum / markets : 0.0,
                  eligible, markets, format_fixed(mm.total_reward, 2).c_str(), tier(Category::perp).c_str(),
                  tier(Category::spot).c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "  unallocated %s of %s USD\n", format_fixed(r.unallocated, 2).c_str(),
                format_fixed(r.pool, 2).c_str());
  out += line;
  return out;
}

}  // namespace mm
