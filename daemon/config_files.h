// The files a config names, checked the way `run` will use them: every account's API key
// and secret (readable, the secret mode 0600, a valid key), the API tokens file (parses,
// names configured MMs) and the feed's CA bundle (loads). All problems, not the first:
// `check-config` prints them, and `run` refuses to start (before creating any file).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace mm {

// Each problem as "KEY: FILE: reason", e.g. "mms.alpha.accounts.main: keys/a.secret:
// cannot open API secret file". Empty: every named file is usable.
std::vector<std::string> check_config_files(const Settings& settings);

}  // namespace mm
