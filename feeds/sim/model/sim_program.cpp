#include "feeds/sim/model/sim_program.h"

#include <algorithm>
#include <map>

namespace mm::sim {

namespace {

bool is_perp(const std::string& symbol) {
  return symbol.size() >= 5 && symbol.compare(symbol.size() - 5, 5, "_PERP") == 0;
}

// Splits a category's markets over three tiers (fewer when it has fewer markets).
CategorySpec make_category(Category c, Cents pool, const std::vector<Cents>& tier_pools,
                           const std::vector<uint32_t>& markets, std::vector<MarketSpec>& specs) {
  CategorySpec cat;
  cat.category = c;
  cat.pool = pool;
  const size_t tiers = std::min(tier_pools.size(), markets.size());
  for (size_t t = 0; t < tiers; ++t) {
    TierSpec tier;
    tier.tier = int(t + 1);
    tier.pool = tier_pools[t];
    cat.tiers.push_back(tier);
  }
  // Fewer tiers than planned: the last one takes the remaining pool.
  Cents used = 0;
  for (size_t t = 0; t + 1 < tiers; ++t) used += cat.tiers[t].pool;
  if (tiers > 0) cat.tiers[tiers - 1].pool = pool - used;
  for (size_t i = 0; i < markets.size(); ++i) {
    const size_t t = i * tiers / markets.size();
    cat.tiers[t].markets.push_back(markets[i]);
    specs[markets[i]].reward_tier = int(t + 1);
  }
  return cat;
}

}  // namespace

SimProgram make_sim_program(const ExchangeOptions& options, TimeUs snapshot_interval, bool jitter) {
  SimProgram out;
  Program& p = out.program;
  std::vector<uint32_t> by_symbol(options.markets.size());
  for (uint32_t i = 0; i < by_symbol.size(); ++i) by_symbol[i] = i;
  std::sort(by_symbol.begin(), by_symbol.end(),
            [&](uint32_t a, uint32_t b) { return options.markets[a].symbol < options.markets[b].symbol; });
  out.market_of.resize(options.markets.size());
  std::vector<uint32_t> spot, perp;
  for (uint32_t pm = 0; pm < by_symbol.size(); ++pm) {
    const SimMarket& sm = options.markets[by_symbol[pm]];
    out.market_of[by_symbol[pm]] = pm;
    MarketSpec spec;
    spec.symbol = sm.symbol;
    spec.category = is_perp(sm.symbol) ? Category::perp : Category::spot;
    spec.quote = "USDC";
    p.markets.push_back(spec);
    (spec.category == Category::perp ? perp : spot).push_back(pm);
  }
  p.pool = 0;
  if (!perp.empty()) {
    p.categories.push_back(make_category(Category::perp, 20'000'000, {7'000'000, 8'000'000, 5'000'000}, perp, p.markets));
    p.pool += 20'000'000;
  }
  if (!spot.empty()) {
    p.categories.push_back(make_category(Category::spot, 10'000'000, {4'000'000, 3'500'000, 2'500'000}, spot, p.markets));
    p.pool += 10'000'000;
  }

  // MMs sorted by id, accounts in the order the simulation lists them.
  std::map<std::string, std::vector<uint32_t>> accounts_by_mm;
  for (uint32_t a = 0; a < options.accounts.size(); ++a) accounts_by_mm[options.accounts[a].mm_id].push_back(a);
  out.mm_of.resize(options.accounts.size());
  out.account_of.resize(options.accounts.size());
  for (const auto& [id, accounts] : accounts_by_mm) {
    MmSpec mm;
    mm.id = id;
    mm.joined = YearMonth{2025, 1};
    mm.accounts.clear();
    for (uint32_t a : accounts) {
      out.mm_of[a] = uint16_t(p.mms.size());
      out.account_of[a] = uint16_t(mm.accounts.size());
      mm.accounts.push_back(options.accounts[a].account);
    }
    p.mms.push_back(std::move(mm));
  }
  p.snapshot_interval = snapshot_interval;
  p.snapshot_jitter = jitter;
  p.index();
  return out;
}

}  // namespace mm::sim
