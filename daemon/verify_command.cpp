// mmscore verify: checks a closed month's manifest (SCORING.md section 15). Re-hashes the
// config, the journals and the files written at the close, replays the journals and
// compares the month's final report and statements with what the replay gives. Names the
// first difference and exits 1, or prints OK and exits 0; an unusable manifest (not
// JSON, a key missing, a file it names missing) exits 2 naming the file.
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "core/engine.h"
#include "core/report_format.h"
#include "core/scoring.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "daemon/report_files.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"

namespace mm {

namespace {

namespace fs = std::filesystem;

const char* kVerifyUsage = "usage: mmscore verify --manifest FILE --config FILE\n";

struct FileEntry {
  std::string path;  // resolved
  std::string sha256;
  uint64_t bytes = 0;
};

struct Manifest {
  std::string path;
  YearMonth month;
  std::string config_hash, config_sha256;
  std::vector<FileEntry> replay_from, journals, files;
};

// Verdicts: kExitUsage (unusable input) or kExitFailure (a difference), with the message.
struct Failure {
  int code;
  std::string message;
};

std::optional<Failure> read_entries(simdjson::dom::object root, const char* key, const Manifest& m,
                                    std::vector<FileEntry>& out) {
  simdjson::dom::array list;
  if (root[key].get_array().get(list)) return Failure{kExitUsage, m.path + ": no array \"" + key + "\""};
  for (simdjson::dom::element e : list) {
    std::string_view file, sha;
    uint64_t bytes = 0;
    if (e["file"].get_string().get(file) || e["sha256"].get_string().get(sha) || e["bytes"].get_uint64().get(bytes))
      return Failure{kExitUsage, m.path + ": an entry of \"" + key + "\" lacks file, sha256 or bytes"};
    fs::path p(file);
    if (p.is_relative()) p = fs::path(m.path).parent_path() / p;  // written beside the manifest
    std::string resolved = p.string();
    // A closed journal may have been compressed since; it hashes as before.
    if (!fs::exists(resolved) && fs::exists(resolved + ".zst")) resolved += ".zst";
    if (!fs::exists(resolved)) return Failure{kExitUsage, resolved + ": named by " + m.path + ", missing"};
    out.push_back({resolved, std::string(sha), bytes});
  }
  return std::nullopt;
}

std::optional<Failure> load_manifest(const std::string& path, Manifest& m) {
  m.path = path;
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return Failure{kExitUsage, path + ": cannot read"};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const auto err = parser.parse(text).get(root))
    return Failure{kExitUsage, path + ": not JSON: " + simdjson::error_message(err)};
  simdjson::dom::object obj;
  std::string_view month, hash, sha;
  if (root.get_object().get(obj) || obj["month"].get_string().get(month) ||
      obj["config_hash"].get_string().get(hash) || obj["config_sha256"].get_string().get(sha))
    return Failure{kExitUsage, path + ": not a manifest (month, config_hash, config_sha256)"};
  const auto ym = parse_year_month(month);
  if (!ym) return Failure{kExitUsage, path + ": month '" + std::string(month) + "' is not YYYY-MM"};
  m.month = *ym;
  m.config_hash = hash;
  m.config_sha256 = sha;
  for (auto [key, list] : {std::pair{"replay_from", &m.replay_from}, std::pair{"journals", &m.journals},
                           std::pair{"files", &m.files}}) {
    if (auto f = read_entries(obj, key, m, *list)) return f;
  }
  return std::nullopt;
}

std::optional<Failure> check_hash(const std::string& path, const std::string& want, std::optional<uint64_t> bytes) {
  const auto sha = sha256_of_file(path);
  if (!sha) return Failure{kExitUsage, sha.message()};
  if (*sha != want) return Failure{kExitFailure, path + ": SHA-256 " + *sha + " is not the manifest's " + want};
  std::error_code ec;
  // A plain file compressed since the manifest was written is hashed from its .zst (as
  // written, decompressed): its size on disk is no longer the manifest's.
  if (bytes && !path.ends_with(".zst") && fs::exists(path, ec) && fs::file_size(path, ec) != *bytes)
    return Failure{kExitFailure, path + ": size differs from the manifest's " + std::to_string(*bytes)};
  return std::nullopt;
}

std::optional<Failure> check_hashes(const Manifest& m, const std::string& config_path) {
  if (auto f = check_hash(config_path, m.config_sha256, std::nullopt)) return f;
  for (const auto* list : {&m.replay_from, &m.journals, &m.files})
    for (const FileEntry& e : *list)
      if (auto f = check_hash(e.path, e.sha256, e.bytes)) return f;
  return std::nullopt;
}

// Catches the final report of one month.
struct MonthCatcher : EngineObserver {
  MonthCatcher(const Program& p, YearMonth m) : program(p), month(m) {}
  void month_closed(const MonthState& s) override {
    if (s.month == month) report = score_month(program, s, true);
  }
  const Program& program;
  YearMonth month;
  std::optional<Report> report;
};

Result<Report> replay_month(const Program& program, const Manifest& m) {
  std::vector<std::string> files;
  for (const auto* list : {&m.replay_from, &m.journals})
    for (const FileEntry& e : *list) files.push_back(e.path);
  MonthCatcher catcher(program, m.month);
  Engine engine(program, &catcher);
  JournalReplayer replayer(program, engine, JournalReplayOptions{.allow_config_change = true});
  if (auto ok = replayer.check_headers(files); !ok) return ok.error();
  for (const std::string& f : files)
    if (auto ok = replayer.replay_file(f); !ok) return ok.error();
  if (!catcher.report) return make_error("the journals do not close " + m.month.to_string());
  catcher.report->journal_config_hash = replayer.journal_config_hash();
  return std::move(*catcher.report);
}

// Array elements are named by their mm_id or symbol where they have one.
std::string element_name(simdjson::dom::element e, size_t index) {
  std::string_view id;
  if (!e["mm_id"].get_string().get(id) || !e["symbol"].get_string().get(id)) return "[" + std::string(id) + "]";
  return "[" + std::to_string(index) + "]";
}

// The path of the first value that differs ("mms[alpha].markets[SOL_USDC].reward_usd: ...").
std::optional<std::string> first_difference(simdjson::dom::element a, simdjson::dom::element b, const std::string& at) {
  if (a.type() != b.type()) return at + ": report " + simdjson::to_string(a) + ", replay " + simdjson::to_string(b);
  if (a.type() == simdjson::dom::element_type::OBJECT) {
    for (auto [key, value] : simdjson::dom::object(a)) {
      const std::string here = at.empty() ? std::string(key) : at + "." + std::string(key);
      simdjson::dom::element other;
      if (b[key].get(other)) return here + ": in the report, not in the replay";
      if (auto d = first_difference(value, other, here)) return d;
    }
    for (auto [key, value] : simdjson::dom::object(b)) {
      simdjson::dom::element other;
      if (a[key].get(other)) return (at.empty() ? "" : at + ".") + std::string(key) + ": in the replay, not in the report";
    }
    return std::nullopt;
  }
  if (a.type() == simdjson::dom::element_type::ARRAY) {
    const simdjson::dom::array x(a), y(b);
    if (x.size() != y.size()) return at + ": " + std::to_string(x.size()) + " entries, replay " + std::to_string(y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      if (auto d = first_difference(x.at(i).value(), y.at(i).value(), at + element_name(x.at(i).value(), i))) return d;
    }
    return std::nullopt;
  }
  const std::string sa = simdjson::to_string(a), sb = simdjson::to_string(b);
  if (sa != sb) return at + ": report " + sa + ", replay " + sb;
  return std::nullopt;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<Failure> compare_report(const std::string& path, const std::string& replayed) {
  simdjson::dom::parser pa, pb;
  simdjson::dom::element a, b;
  const simdjson::padded_string file = simdjson::padded_string(slurp(path));
  const simdjson::padded_string again(replayed);
  if (pa.parse(file).get(a)) return Failure{kExitFailure, path + ": not JSON"};
  if (pb.parse(again).get(b)) return Failure{kExitFailure, path + ": the replay's report is not JSON"};
  if (auto d = first_difference(a, b, "")) return Failure{kExitFailure, path + ": differs from the replay: " + *d};
  if (slurp(path) != replayed) return Failure{kExitFailure, path + ": same values, other bytes than the replay"};
  return std::nullopt;
}

// What the close would have written under each name, from the replayed report.
std::optional<std::string> expected_text(const Program& p, const Report& r, const std::string& name) {
  const std::string stem = report_file_stem(r);
  if (name == stem + ".csv") return report_csv(p, r);
  for (uint32_t i = 0; i < p.mms.size(); ++i) {
    const std::string s = statement_file_stem(r, p, i);
    if (name == s + ".json") return statement_json(p, r, i);
    if (name == s + ".csv") return statement_csv(p, r, i);
  }
  return std::nullopt;
}

std::optional<Failure> compare_files(const Program& p, const Manifest& m, const Report& r) {
  bool report_seen = false;
  for (const FileEntry& e : m.files) {
    const std::string name = fs::path(e.path).filename().string();
    if (name == report_file_stem(r) + ".json") {
      report_seen = true;
      if (auto f = compare_report(e.path, report_json(p, r))) return f;
      continue;
    }
    const auto want = expected_text(p, r, name);
    if (!want) return Failure{kExitFailure, e.path + ": not a file the month's close writes"};
    if (slurp(e.path) != *want) return Failure{kExitFailure, e.path + ": differs from the replay"};
  }
  if (!report_seen) return Failure{kExitUsage, m.path + ": names no " + report_file_stem(r) + ".json"};
  return std::nullopt;
}

std::optional<Failure> verify(const Manifest& m, const std::string& config_path) {
  if (auto f = check_hashes(m, config_path)) return f;
  auto loaded = load_config_file(config_path);
  if (!loaded) return Failure{kExitUsage, loaded.message()};
  const Program& program = loaded->program;
  if (program.config_hash != m.config_hash)
    return Failure{kExitFailure, config_path + ": config hash " + program.config_hash + " is not the manifest's " + m.config_hash};
  auto report = replay_month(program, m);
  if (!report) return Failure{kExitFailure, "replay: " + report.message()};
  return compare_files(program, m, *report);
}

}  // namespace

int verify_command(int argc, char** argv) {
  CliArgs args({"--manifest", "--config"}, {});
  if (auto parsed = args.parse(argc, argv, 2); !parsed) {
    std::fprintf(stderr, "mmscore verify: %s\n%s", parsed.message().c_str(), kVerifyUsage);
    return kExitUsage;
  }
  if (!args.has("--manifest") || !args.has("--config") || !args.positional().empty()) {
    std::fprintf(stderr, "mmscore verify: --manifest and --config are required\n%s", kVerifyUsage);
    return kExitUsage;
  }
  Manifest m;
  std::optional<Failure> failed = load_manifest(*args.get("--manifest"), m);
  if (!failed) failed = verify(m, *args.get("--config"));
  if (failed) {
    std::fprintf(stderr, "mmscore verify: %s\n", failed->message.c_str());
    return failed->code;
  }
  std::printf("OK: %s: %zu journal files replayed, the final report and %zu files match the replay\n",
              m.month.to_string().c_str(), m.replay_from.size() + m.journals.size(), m.files.size());
  return kExitOk;
}

}  // namespace mm
