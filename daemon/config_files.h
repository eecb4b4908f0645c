// The files a config names, checked the way `run` will use them: every account's API key
// and secret (readable, the secret mode 0600, a valid key), the API tokens file (parses,
// names configured MMs) and the feed's CA bundle (loads). All problems, not the first:
// `check-config` prints them, and `run` refuses to start (before creating any file).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace mm {

// Each problem as "CONFIG:LINE: KEY: FILE: reason", LINE being the config file's line of
// the key that names FILE, e.g. "mmscore.toml:212: mms.alpha.accounts.main:
// keys/a.secret: cannot open API secret file" (no ":LINE" for a key left at its
// default). Empty: every named file is usable.
std::vector<std::string> check_config_files(const Settings& settings);

// With the simulator enabled (the demo), the tokens file is the demo's own: a mode open
// to group or others (git keeps no modes) is tightened to 0600, logged once, instead of
// a warning at every start. Production configs are left alone (the warning stays).
void tighten_demo_tokens_file(const Settings& settings);

}  // namespace mm
