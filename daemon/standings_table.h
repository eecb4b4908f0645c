// A compact text table of the live standings, for the terminal (demo, operators).
#pragma once

#include <string>

#include "core/program.h"
#include "daemon/published_state.h"

namespace mm {

std::string standings_table(const Program& program, const PublishedState& state);

}  // namespace mm
