// The daemon's configuration: one TOML file holding the scoring program (SCORING.md
// section 12) and the project's own sections (feed, journal, report, api, simulator).
//
// Loading validates everything up front; a Settings value is always complete and
// consistent. Errors read "FILE:LINE:COL: KEY: what is wrong", KEY being the dotted path
// with array indices in file order, e.g. "markets[3].multiplier".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"
#include <vector>

#include "core/program.h"
#include "core/time_utc.h"

namespace mm {

// One exchange account of an MM. Key file paths are resolved relative to the config
// file's folder; empty when not given.
struct AccountSettings {
  std::string name;
  std::string api_key_file;
  std::string api_secret_file;
  // Its table's key in the file, indices in file order ("mms[2].accounts[0]"; "mms[2]"
  // for the implied "main" account): Settings::line_of(key + ".api_secret_file").
  std::string key;
};

struct FeedSettings {
  std::string ws_url = "wss://ws.backpack.exchange";
  std::string rest_url = "https://api.backpack.exchange";
  TimeUs stale_after = 130 * kUsPerSecond;
  std::string ca_file;  // optional PEM bundle (tests, private CAs); empty = system store
  TimeUs reconnect_min = kUsPerSecond / 2;  // 500 ms
  TimeUs reconnect_max = 30 * kUsPerSecond;
  TimeUs rest_timeout = 10 * kUsPerSecond;
  int64_t window_ms = 5000;  // signature validity window, 1..60000
  int64_t engine_spin_us = 0;  // engine polls the ring this long before sleeping, 0..10000
  int64_t engine_cpu = -1;     // engine thread pinned here, the others kept off it; -1: not pinned
  // A hole in a market's trade ids longer than this is an anomaly, not missing trades.
  // Copied to Program::max_trade_id_jump (outside the config hash).
  int64_t max_trade_id_jump = 1'000'000;
  // Backfill after outages (SCORING.md section 13): pages read per gap, and how far before
  // an account's last private record its fill history is fetched (Program::backfill_overlap).
  int64_t backfill_max_pages = 50;
  TimeUs backfill_overlap = 60 * kUsPerSecond;
};

struct JournalSettings {
  bool enabled = true;
  std::string dir = "journal";
  TimeUs rotate_every = 3600 * kUsPerSecond;
  int64_t rotate_bytes = int64_t(1) << 30;
  std::string fsync = "rotate";  // "rotate" | "interval" | "never"
  TimeUs fsync_interval = kUsPerSecond;
  // Closed files are compressed to .ndjson.zst by the journal's own thread (section 14).
  bool compress = true;
  // Engine state written to <dir>/checkpoints this often, at month close and at shutdown,
  // so a restart replays only the journal after the newest one; the newest few are kept.
  TimeUs checkpoint_every = 600 * kUsPerSecond;
  int64_t checkpoints_keep = 3;
};

struct ReportSettings {
  std::string dir = "reports";
};

struct ApiSettings {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT
  std::string tokens_file;
  TimeUs push_interval = kUsPerSecond;
  size_t max_connections = 256;             // open HTTP and WebSocket connections, all clients
  size_t max_connections_per_client = 32;   // per peer address
  TimeUs first_byte_timeout = 5 * kUsPerSecond;  // silent connection closed after it
  uint32_t auth_failures_per_minute = 20;   // then 429 for a minute; 0: no throttling
  // Live evidence rows kept in memory (GET /v1/mms/<id>/snapshots), at most 31 days.
  TimeUs evidence_window = 24 * 3600 * kUsPerSecond;
};

struct SimulatorSettings {
  bool enabled = false;
  std::string listen = "127.0.0.1:0";
  uint64_t seed = 1;
  bool tls = false;
  std::string faults;  // free-form schedule, validated by the simulator
  double events_per_second = 200;  // market events (each causes a few frames)
};

// Everything in the file.
struct Settings {
  Program program;  // indexed (program.index() called), config_hash set
  FeedSettings feed;
  JournalSettings journal;
  ReportSettings report;
  ApiSettings api;
  SimulatorSettings simulator;
  std::vector<std::vector<AccountSettings>> accounts;  // per program.mms[i], same order
  std::string path;                                    // the file loaded
  // The line (1-based) of every key read, by its dotted key as errors name it
  // ("api.tokens_file", "mms[2].accounts[0].api_secret_file"): messages about what a
  // value names (a missing key file) point at it. 0: the key is not in the file.
  std::map<std::string, uint32_t, std::less<>> key_lines;
  uint32_t line_of(std::string_view key) const {
    const auto it = key_lines.find(key);
    return it == key_lines.end() ? 0 : it->second;
  }
};

// Never throw; return the first error found instead, as "FILE:LINE:COL: KEY: what is wrong".
Result<Settings> load_config_file(const std::string& path);
// Relative paths inside `toml` stay relative to the current directory.
Result<Settings> load_config_string(std::string_view toml, const std::string& display_path);

// Multi-line human summary for `mmscore check-config`.
std::string summarize(const Settings& settings);

// Lower-case hex SHA-256 of the scoring-relevant Program fields (see hash.cpp). Stable
// across comments, key order and non-scoring sections; changes with any scoring input.
std::string compute_config_hash(const Program& program);
// The canonical text that compute_config_hash digests; exposed for tests and debugging.
std::string canonical_program_text(const Program& program);

}  // namespace mm
