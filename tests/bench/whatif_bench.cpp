// What-if benchmark (issue 13): one what-if answer, project_month (core/whatif.h) plus
// score_month on the projection, for 200 markets x 50 MMs, against score_month alone on
// the month so far (what every publish already costs) as the baseline in this process.
// Goal: under 5 ms per answer. Not a ctest test.
//
//   whatif_bench [--markets N] [--mms N] [--rounds N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_journal.h"
#include "core/scoring.h"
#include "core/whatif.h"
#include "feeds/sim/model/sim_program.h"

using namespace mm;

namespace {

// A month half gone (15 of 30 days, 2,160 of 4,320 ten-minute snapshots), every MM
// quoting and trading every market with figures that differ by MM and market.
MonthState half_month(const Program& p, uint32_t taken) {
  MonthState s;
  s.reset(YearMonth{2026, 4}, p.markets.size(), p.mms.size());
  s.snapshots_taken = taken;
  for (size_t m = 0; m < p.markets.size(); ++m) {
    s.markets[m].maker_volume = u128(1'000'000 + 1'000 * m) * kNotionalScale;
    s.markets[m].snapshots_observed = taken;
    for (size_t i = 0; i < p.mms.size(); ++i) {
      MmMarketMonth& c = s.cell(i, m);
      c.maker_volume = u128(1'000 + 37 * i + 11 * m) * kNotionalScale;
      c.snapshots_observed = taken;
      c.snapshots_active = uint32_t(taken * (30 + (i * 7 + m) % 70) / 100);
      c.size_sum2 = u128(c.snapshots_active) * 2 * (1'000 + 100 * ((i + m) % 40)) * kNotionalScale;
      c.spread_sum_bps = double(c.snapshots_active) * double(5 + (i * 3 + m) % 60);
    }
  }
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  size_t markets = 200, mms = 50, rounds = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--markets") markets = v;
    else if (flag == "--mms") mms = v;
    else if (flag == "--rounds") rounds = v;
    else {
      std::fprintf(stderr, "usage: whatif_bench [--markets N] [--mms N] [--rounds N]\n");
      return 2;
    }
  }
  const Program p = sim::make_sim_program(bench::bench_options(markets, mms, 1), 600 * kUsPerSecond, true).program;
  const uint32_t all = 30 * 144, taken = 15 * 144;  // ten-minute snapshots
  const MonthState now = half_month(p, taken);
  const TimeUs half = now.month.start() + 15 * kUsPerDay;
  WhatIfPlan plan{3, {}};
  for (uint32_t m = 0; m < p.markets.size(); m += 2)
    plan.markets.push_back(MarketPlan{m, u128(50'000) * kNotionalScale, QuotePlan{u128(5'000) * kNotionalScale, 12, 0.9}});

  using Clock = std::chrono::steady_clock;
  std::vector<double> score_only, whatif;
  Cents sink = 0;
  for (size_t r = 0; r < rounds; ++r) {
    auto t0 = Clock::now();
    sink += score_month(p, now, false).mms[0].total_reward;
    auto t1 = Clock::now();
    auto projected = project_month(p, now, half, all, plan);
    sink += score_month(p, projected->month, false).mms[3].total_reward;
    auto t2 = Clock::now();
    score_only.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    whatif.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  std::printf("%zu markets x %zu MMs, %zu rounds, plan for %zu markets\n", p.markets.size(), p.mms.size(), rounds,
              plan.markets.size());
  std::printf("  score_month alone (baseline): median %.2f ms\n", median(score_only));
  std::printf("  what-if (project + score):    median %.2f ms, p99 %.2f ms, %.2fx the baseline\n", median(whatif),
              [&] {
                std::vector<double> v = whatif;
                std::sort(v.begin(), v.end());
                return v[v.size() * 99 / 100];
              }(),
              median(whatif) / median(score_only));
  return sink == -1 ? 1 : 0;  // keeps the results alive
}
