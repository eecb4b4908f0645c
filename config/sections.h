// The section readers of the loader. Internal to config/.
// Each reads its part of the root table into Settings, validates it, and throws
// LoadFailure (see toml_reader.h) on the first problem.
#pragma once

#include <string_view>

#include "config/config.h"
#include "config/toml_reader.h"

namespace mm::config_detail {

// Symbols, MM ids and account names: [A-Za-z0-9._-]+ (they appear in journal sources and URLs).
bool is_identifier(std::string_view s);
inline constexpr std::string_view kIdentifierRule = "may hold only letters, digits, '.', '_' and '-'";

// [quotes] and [[markets]]: fills program.markets sorted by symbol.
void read_markets(Fields& root, Program& program);
// [[categories]] with their tiers; needs the markets, program.pool and sets each market's reward_tier.
void read_categories(Fields& root, Program& program);
// [program], [snapshot], [[fee_tiers]].
void read_program_knobs(Fields& root, Program& program);
// [[mms]]: program.mms sorted by id, settings.accounts in the same order.
void read_mms(Fields& root, Settings& settings);
// [feed], [journal], [report], [api], [simulator]; paths not yet resolved.
void read_project_sections(Fields& root, Settings& settings);

}  // namespace mm::config_detail
