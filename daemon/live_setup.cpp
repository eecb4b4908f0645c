#include "daemon/live_setup.h"

#include <filesystem>
#include <map>

#include <spdlog/spdlog.h>

#include "feeds/sim/market_catalog.h"

namespace mm {

JournalOptions journal_options(const JournalSettings& s) {
  JournalOptions o;
  o.dir = s.dir;
  o.rotate_every = s.rotate_every;
  o.rotate_bytes = s.rotate_bytes;
  o.fsync = s.fsync == "interval" ? JournalOptions::Fsync::interval
            : s.fsync == "never"  ? JournalOptions::Fsync::never
                                  : JournalOptions::Fsync::rotate;
  o.fsync_interval = s.fsync_interval;
  return o;
}

std::vector<std::string> journal_files_to_restore(const std::string& dir) { return list_journal_files(dir); }

sim::ExchangeOptions simulated_exchange(const Settings& settings) {
  static const sim::QuoteStyle kStyles[] = {sim::QuoteStyle::tight, sim::QuoteStyle::wide,
                                            sim::QuoteStyle::intermittent, sim::QuoteStyle::one_sided,
                                            sim::QuoteStyle::tiny};
  sim::ExchangeOptions o;
  o.seed = settings.simulator.seed;
  // Real tick/step sizes and prices where the catalog knows the symbol.
  std::map<std::string, sim::SimMarket> known;
  for (sim::SimMarket& m : sim::catalog_markets(120)) known.emplace(m.symbol, m);
  for (const MarketSpec& spec : settings.program.markets) {
    auto it = known.find(spec.symbol);
    o.markets.push_back(it != known.end() ? it->second : sim::make_sim_market(spec.symbol, "100.00", "0.01", "0.01"));
  }
  size_t n = 0;
  for (const MmSpec& mm : settings.program.mms)
    for (const std::string& account : mm.accounts) o.accounts.push_back({mm.id, account, kStyles[n++ % 5], {}});
  return o;
}

namespace {

// With the simulator: accounts without key files get a fresh in-memory key (the demo
// signs for real without secret files); missing configured files are generated 0600.
std::variant<AccountKey, std::string> demo_key(const AccountSettings& a) {
  if (a.api_key_file.empty()) {
    auto key = key_from_secret_b64(generate_secret_b64());
    return AccountKey{key->public_key_b64, *key};
  }
  if (!std::filesystem::exists(a.api_secret_file)) {
    spdlog::info("simulator: generating demo key files {} and {}", a.api_key_file, a.api_secret_file);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(a.api_secret_file).parent_path(), ec);
    return write_key_files(a.api_key_file, a.api_secret_file, generate_secret_b64());
  }
  return load_account_key(a.api_key_file, a.api_secret_file);
}

}  // namespace

bool prepare_live(const Settings& settings, LiveSetup& out, std::string& error) {
  const Program& program = settings.program;
  const bool simulated = settings.simulator.enabled;
  ClientOptions& c = out.client;
  c.ws_url = settings.feed.ws_url;
  c.rest_url = settings.feed.rest_url;
  c.ca_file = settings.feed.ca_file;
  c.stale_after = settings.feed.stale_after;
  c.reconnect_min = settings.feed.reconnect_min;
  c.reconnect_max = settings.feed.reconnect_max;
  c.rest_timeout = settings.feed.rest_timeout;
  c.window_ms = settings.feed.window_ms;
  for (const MarketSpec& m : program.markets) c.symbols.push_back(m.symbol);

  std::vector<sim::SimAccountKey> sim_keys;
  uint32_t flat = 0;
  for (uint16_t i = 0; i < program.mms.size(); ++i) {
    for (uint16_t a = 0; a < program.mms[i].accounts.size(); ++a, ++flat) {
      const AccountSettings& files = settings.accounts[i][a];
      const std::string label = program.mms[i].id + "/" + program.mms[i].accounts[a];
      std::variant<AccountKey, std::string> key;
      if (simulated) {
        key = demo_key(files);
      } else if (files.api_key_file.empty()) {
        error = "account " + label + ": api_key_file and api_secret_file are needed to subscribe to its orders";
        return false;
      } else {
        key = load_account_key(files.api_key_file, files.api_secret_file);
      }
      if (auto* e = std::get_if<std::string>(&key)) {
        error = "account " + label + ": " + *e;
        return false;
      }
      const AccountKey& k = std::get<AccountKey>(key);
      c.accounts.push_back(ClientAccount{i, a, label, k});
      sim_keys.push_back({flat, k.api_key});
    }
  }

  if (simulated) {
    if (settings.simulator.tls) {
      error = "[simulator] tls: the built-in simulator serves ws:// only; for wss:// run "
              "`mmscore simulate --tls-cert C --tls-key K` and point [feed] at it";
      return false;
    }
    sim::SimServerOptions so;
    so.listen = settings.simulator.listen;
    so.events_per_second = settings.simulator.events_per_second;
    so.exchange = simulated_exchange(settings);
    so.keys = std::move(sim_keys);
    so.faults = settings.simulator.faults;
    out.simulator = std::make_unique<sim::SimServer>(std::move(so));
    if (!out.simulator->start(error)) {
      error = "simulator: " + error;
      return false;
    }
    c.ws_url = out.simulator->ws_url();
    c.rest_url = out.simulator->rest_url();
    spdlog::info("simulator listening on {}", c.ws_url);
  }
  return true;
}

}  // namespace mm
