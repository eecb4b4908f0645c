#include "daemon/live_setup.h"

#include <filesystem>
#include <map>

#include <spdlog/spdlog.h>

#include "feeds/sim/model/market_catalog.h"
#include "feeds/sim/server/sim_server.h"

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
  o.compress = s.compress;  // closed files -> .ndjson.zst (SCORING.md section 14)
  o.checkpoints_keep = size_t(s.checkpoints_keep);
  return o;
}

sim::ExchangeOptions simulated_exchange(const Settings& settings) {
  static const sim::QuoteStyle kStyles[] = {sim::QuoteStyle::tight, sim::QuoteStyle::wide,
                                            sim::QuoteStyle::intermittent, sim::QuoteStyle::one_sided,
                                            sim::QuoteStyle::tiny};
  sim::ExchangeOptions o;
  o.seed = settings.simulator.seed;
  const Program& p = settings.program;
  o.sample_timing = {p.snapshot_interval, p.snapshot_jitter, p.snapshot_seed, 2 * kUsPerSecond};
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
Result<AccountKey> demo_key(const AccountSettings& a) {
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

ClientOptions client_options(const Settings& settings) {
  ClientOptions c;
  c.ws_url = settings.feed.ws_url;
  c.rest_url = settings.feed.rest_url;
  c.ca_file = settings.feed.ca_file;
  c.stale_after = settings.feed.stale_after;
  c.reconnect_min = settings.feed.reconnect_min;
  c.reconnect_max = settings.feed.reconnect_max;
  c.rest_timeout = settings.feed.rest_timeout;
  c.window_ms = settings.feed.window_ms;
  c.backfill_max_pages = int(settings.feed.backfill_max_pages);
  for (const MarketSpec& m : settings.program.markets) c.symbols.push_back(m.symbol);
  return c;
}

// Every account's key, in program order (the simulator numbers accounts the same way).
Result<> load_accounts(const Settings& settings, ClientOptions& c) {
  const Program& program = settings.program;
  for (uint16_t i = 0; i < program.mms.size(); ++i) {
    for (uint16_t a = 0; a < program.mms[i].accounts.size(); ++a) {
      const AccountSettings& files = settings.accounts[i][a];
      const std::string label = program.mms[i].id + "/" + program.mms[i].accounts[a];
      if (!settings.simulator.enabled && files.api_key_file.empty())
        return make_error("account " + label + ": api_key_file and api_secret_file are needed to subscribe to its orders");
      auto key = settings.simulator.enabled ? demo_key(files) : load_account_key(files.api_key_file, files.api_secret_file);
      if (!key) return make_error("account " + label + ": " + key.message());
      c.accounts.push_back(ClientAccount{i, a, label, std::move(*key)});
    }
  }
  return {};
}

// [simulator] enabled: the in-process exchange, started, with the accounts' public keys.
Result<std::shared_ptr<sim::SimServer>> start_simulator(const Settings& settings, ClientOptions& c, const Clock* clock) {
  if (settings.simulator.tls)
    return make_error("[simulator] tls: the built-in simulator serves ws:// only; for wss:// run "
                      "`mmscore simulate --tls-cert C --tls-key K` and point [feed] at it");
  sim::SimServerOptions so;
  so.listen = settings.simulator.listen;
  so.events_per_second = settings.simulator.events_per_second;
  so.exchange = simulated_exchange(settings);
  for (uint32_t flat = 0; flat < c.accounts.size(); ++flat) so.keys.push_back({flat, c.accounts[flat].key.api_key});
  so.faults = settings.simulator.faults;
  so.clock = clock;  // the exchange and the daemon read one clock
  auto simulator = std::make_shared<sim::SimServer>(std::move(so));
  if (auto started = simulator->start(); !started) return make_error("simulator: " + started.message());
  c.ws_url = simulator->ws_url();
  c.rest_url = simulator->rest_url();
  spdlog::info("simulator listening on {}", c.ws_url);
  return simulator;
}

}  // namespace

Result<LiveDaemonOptions> live_daemon_options(const Settings& settings) {
  LiveDaemonOptions o;
  o.client = client_options(settings);
  if (auto r = load_accounts(settings, o.client); !r) return r.error();
  if (settings.simulator.enabled) {
    auto simulator = start_simulator(settings, o.client, o.clock);
    if (!simulator) return simulator.error();
    o.simulator = std::move(*simulator);
  }
  if (settings.journal.enabled) o.journal = journal_options(settings.journal);
  o.engine.report_dir = settings.report.dir;
  o.engine.config_path = settings.path;  // hashed into each month's manifest
  if (settings.journal.enabled) o.engine.checkpoint_every = settings.journal.checkpoint_every;
  o.engine.spin_before_sleep = settings.feed.engine_spin_us;
  o.engine.cpu = int(settings.feed.engine_cpu);
  o.engine.evidence_window = settings.api.evidence_window;
  o.api = api::api_options(settings.api);
  return o;
}

}  // namespace mm
