// Turning Settings into the live daemon's parts: exchange client options with loaded
// account keys, the journal options, which journal files to restore, and (demo) an
// in-process exchange simulator the client is pointed at.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "feeds/journal_writer.h"
#include "feeds/net/exchange_client.h"
#include "feeds/sim/sim_server.h"

namespace mm {

struct LiveSetup {
  ClientOptions client;
  std::unique_ptr<sim::SimServer> simulator;  // [simulator] enabled: started by run
};

// Loads every account's key files (refusing unsafe permissions). With the simulator
// enabled, missing demo key files are generated (mode 0600) and the simulator is
// created and bound, and the client is pointed at it.
bool prepare_live(const Settings& settings, LiveSetup& out, std::string& error);

JournalOptions journal_options(const JournalSettings& s);

// Every journal file of the directory, oldest first: a restart replays them all, so the
// restored state is exactly the one an uninterrupted run would have (resting orders and
// re-seeds from long ago included). Archive old months' files to shorten restarts.
std::vector<std::string> journal_files_to_restore(const std::string& dir);

// The simulator's market model for a program: its markets and accounts, with styles
// assigned in turn so that every kind of quoting appears.
sim::ExchangeOptions simulated_exchange(const Settings& settings);

}  // namespace mm
