// The smallest program for tests: the spot market SOL_USDC and the MM "alpha" (joined
// 2026-01) with the given accounts.
#pragma once

#include <string>
#include <vector>

#include "core/program.h"

namespace test_support {

inline mm::Program one_market_program(std::vector<std::string> accounts = {"main"}) {
  mm::Program p;
  mm::MarketSpec m;
  m.symbol = "SOL_USDC";
  m.category = mm::Category::spot;
  m.quote = "USDC";
  p.markets.push_back(m);
  p.mms.push_back(mm::MmSpec{"alpha", mm::YearMonth{2026, 1}, std::move(accounts)});
  p.index();
  return p;
}

}  // namespace test_support
