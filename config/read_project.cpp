// The project's own sections: [feed], [journal], [report], [api], [simulator].
#include <limits>

#include "config/sections.h"

namespace mm::config_detail {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// "HOST:PORT" or "[IPv6]:PORT" with a port 0..65535.
bool is_listen_address(std::string_view s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
  } else if (host.find(':') != std::string_view::npos) {
    return false;
  }
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

void read_listen(Fields& f, std::string_view name, std::string& out) {
  const toml::node* n = f.find(name);
  if (!n) return;
  out = f.source().string_of(*n, f.key(name));
  if (!is_listen_address(out))
    f.source().fail(*n, f.key(name), "must be HOST:PORT with a port 0..65535, e.g. \"127.0.0.1:8080\", not \"" + out + "\"");
}

void read_url(Fields& f, std::string_view name, std::string& out, std::string_view scheme_a, std::string_view scheme_b) {
  const toml::node* n = f.find(name);
  if (!n) return;
  out = f.source().string_of(*n, f.key(name));
  const bool ok = (out.starts_with(scheme_a) && out.size() > scheme_a.size()) ||
                  (out.starts_with(scheme_b) && out.size() > scheme_b.size());
  if (!ok)
    f.source().fail(*n, f.key(name), "must start with " + std::string(scheme_a) + " or " + std::string(scheme_b));
}

void read_dir(Fields& f, std::string_view name, std::string& out) {
  const toml::node* n = f.find(name);
  if (!n) return;
  out = f.source().string_of(*n, f.key(name));
  if (out.empty()) f.source().fail(*n, f.key(name), "must not be empty");
}

void read_feed(Fields& f, FeedSettings& feed) {
  read_url(f, "ws_url", feed.ws_url, "wss://", "ws://");
  read_url(f, "rest_url", feed.rest_url, "https://", "http://");
  f.read_duration("stale_after", feed.stale_after);
  f.read("ca_file", feed.ca_file);
  f.read_duration("reconnect_min", feed.reconnect_min);
  f.read_duration("reconnect_max", feed.reconnect_max);
  if (feed.reconnect_max < feed.reconnect_min) {
    // Blame the key the user wrote (one of them was, or the defaults would hold).
    if (const toml::node* max = f.find("reconnect_max"))
      f.source().fail(*max, f.key("reconnect_max"), "must not be shorter than feed.reconnect_min");
    f.source().fail(*f.find("reconnect_min"), f.key("reconnect_min"), "must not be longer than feed.reconnect_max (30s)");
  }
  f.read_duration("rest_timeout", feed.rest_timeout);
  f.read_int("window_ms", feed.window_ms, 1, 60'000);  // Backpack's limit
  f.read_int("engine_spin_us", feed.engine_spin_us, 0, 10'000);
  f.read_int("engine_cpu", feed.engine_cpu, -1, 1023);  // checked against the machine at start
  f.read_int("max_trade_id_jump", feed.max_trade_id_jump, 1, std::numeric_limits<int64_t>::max());
  f.read_int("backfill_max_pages", feed.backfill_max_pages, 1, 100'000);
  f.read_duration("backfill_overlap", feed.backfill_overlap);
  f.finish();
}

void read_journal(Fields& f, JournalSettings& journal) {
  f.read("enabled", journal.enabled);
  read_dir(f, "dir", journal.dir);
  f.read_duration("rotate_every", journal.rotate_every);
  f.read_int("rotate_bytes", journal.rotate_bytes, 1, kMaxInt);
  if (const toml::node* n = f.find("fsync")) {
    journal.fsync = f.source().enum_of<std::string_view>(
        *n, f.key("fsync"), {{"rotate", "rotate"}, {"interval", "interval"}, {"never", "never"}});
  }
  f.read_duration("fsync_interval", journal.fsync_interval);
  f.read("compress", journal.compress);
  f.read_duration("checkpoint_every", journal.checkpoint_every);
  f.read_int("checkpoints_keep", journal.checkpoints_keep, 1, 1000);
  f.finish();
}

void read_api(Fields& f, ApiSettings& api) {
  read_listen(f, "listen", api.listen);
  f.read("tokens_file", api.tokens_file);
  f.read_duration("push_interval", api.push_interval);
  int64_t n = int64_t(api.max_connections);
  if (f.read_int("max_connections", n, 1, 100'000)) api.max_connections = size_t(n);
  n = int64_t(api.max_connections_per_client);
  if (f.read_int("max_connections_per_client", n, 1, 100'000)) api.max_connections_per_client = size_t(n);
  if (f.read_duration("first_byte_timeout", api.first_byte_timeout) &&
      (api.first_byte_timeout < kUsPerSecond / 10 || api.first_byte_timeout > 300 * kUsPerSecond))
    f.source().fail(*f.find("first_byte_timeout"), f.key("first_byte_timeout"),
                    "must be between 100ms and 300s");
  n = api.auth_failures_per_minute;
  if (f.read_int("auth_failures_per_minute", n, 0, 100'000)) api.auth_failures_per_minute = uint32_t(n);
  if (f.read_duration("evidence_window", api.evidence_window) && api.evidence_window > 31 * 24 * 3600 * kUsPerSecond)
    f.source().fail(*f.find("evidence_window"), f.key("evidence_window"), "must be at most 31 days");
  if (api.max_connections_per_client > api.max_connections) {
    // Blame the key the user wrote (one of them was, or the defaults would hold).
    const std::string_view blamed = f.find("max_connections_per_client") ? "max_connections_per_client" : "max_connections";
    f.source().fail(*f.find(blamed), f.key(blamed),
                    "api.max_connections_per_client (" + std::to_string(api.max_connections_per_client) +
                        ") must not exceed api.max_connections (" + std::to_string(api.max_connections) + ")");
  }
  f.finish();
}

void read_simulator(Fields& f, SimulatorSettings& sim) {
  f.read("enabled", sim.enabled);
  read_listen(f, "listen", sim.listen);
  int64_t seed = int64_t(sim.seed);
  if (f.read_int("seed", seed, 0, kMaxInt)) sim.seed = uint64_t(seed);
  f.read("tls", sim.tls);
  f.read("faults", sim.faults);
  f.read_double("events_per_second", sim.events_per_second, 1, 1e6);
  f.finish();
}

}  // namespace

void read_project_sections(Fields& root, Settings& settings) {
  if (auto f = root.read_table("feed")) read_feed(*f, settings.feed);
  if (auto f = root.read_table("journal")) read_journal(*f, settings.journal);
  if (auto f = root.read_table("report")) {
    read_dir(*f, "dir", settings.report.dir);
    f->finish();
  }
  if (auto f = root.read_table("api")) read_api(*f, settings.api);
  if (auto f = root.read_table("simulator")) read_simulator(*f, settings.simulator);
}

}  // namespace mm::config_detail
