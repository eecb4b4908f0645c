// An mm::Program matching a simulated exchange, and the index mapping between the two:
// every market in a reward tier of its category (symbols ending in "_PERP" are perps),
// every MM account of the simulation enrolled under its mm_id.
#pragma once

#include <cstdint>
#include <vector>

#include "core/program.h"
#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

struct SimProgram {
  Program program;
  std::vector<uint32_t> market_of;  // exchange market -> program market
  std::vector<uint16_t> mm_of;      // exchange account -> program MM
  std::vector<uint16_t> account_of; // exchange account -> account index within its MM
};

SimProgram make_sim_program(const ExchangeOptions& options, TimeUs snapshot_interval, bool jitter);

}  // namespace mm::sim
