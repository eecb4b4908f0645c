#include "core/program.h"

namespace mm {

void Program::index() {
  market_by_symbol_.clear();
  mm_by_id_.clear();
  for (uint32_t i = 0; i < markets.size(); ++i) market_by_symbol_.emplace(markets[i].symbol, i);
  for (uint32_t i = 0; i < mms.size(); ++i) mm_by_id_.emplace(mms[i].id, i);
}

std::optional<uint32_t> Program::market_index(std::string_view symbol) const {
  auto it = market_by_symbol_.find(symbol);
  if (it == market_by_symbol_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> Program::mm_index(std::string_view id) const {
  auto it = mm_by_id_.find(id);
  if (it == mm_by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> Program::account_index(uint32_t mm, std::string_view account) const {
  const auto& accounts = mms[mm].accounts;
  for (uint32_t i = 0; i < accounts.size(); ++i)
    if (accounts[i] == account) return i;
  return std::nullopt;
}

const FeeTierSpec* Program::fee_tier(std::string_view name) const {
  for (const auto& t : fee_tiers)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace mm
