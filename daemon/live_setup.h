// Turning Settings into the live daemon's options: exchange client options with loaded
// account keys, the journal, engine and API options, and (demo) an in-process exchange
// simulator the client is pointed at.
#pragma once

#include <string>

#include "config/config.h"
#include "core/result.h"
#include "daemon/live_daemon.h"
#include "feeds/journal_writer.h"
#include "feeds/sim/model/sim_types.h"

namespace mm {

// Loads every account's key files (refusing unsafe permissions). With the simulator
// enabled, missing demo key files are generated (mode 0600), the simulator is created
// and started, and the client is pointed at it.
Result<LiveDaemonOptions> live_daemon_options(const Settings& settings);

JournalOptions journal_options(const JournalSettings& s);

// The simulator's market model for a program: its markets and accounts, with styles
// assigned in turn so that every kind of quoting appears.
sim::ExchangeOptions simulated_exchange(const Settings& settings);

}  // namespace mm
