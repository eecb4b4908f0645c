// The live tests' wiring of the daemon's exchange client to the simulator: one account
// ("main", or the MM's id alone with `suffix` empty) per program MM, each with a fresh
// ED25519 key that the simulator is told to accept. Call before the server starts; then
// point_at() the started server.
#pragma once

#include <string>

#include "core/program.h"
#include "feeds/net/exchange_client.h"
#include "feeds/signing.h"
#include "feeds/sim/server/sim_server.h"

namespace test_support {

inline void add_sim_accounts(const mm::Program& program, mm::ClientOptions& client, mm::sim::SimServerOptions& so,
                             const std::string& suffix = "/main") {
  for (const mm::MarketSpec& m : program.markets) client.symbols.push_back(m.symbol);
  for (uint16_t i = 0; i < program.mms.size(); ++i) {
    auto key = *mm::key_from_secret_b64(mm::generate_secret_b64());
    client.accounts.push_back({i, 0, program.mms[i].id + suffix, mm::AccountKey{key.public_key_b64, key}});
    so.keys.push_back({i, key.public_key_b64});
  }
}

inline void point_at(mm::ClientOptions& client, const mm::sim::SimServer& server) {
  client.ws_url = server.ws_url();
  client.rest_url = server.rest_url();
}

}  // namespace test_support
