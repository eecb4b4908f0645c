#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "core/engine.h"
#include "core/scoring.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "daemon/report_files.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"

namespace mm {

namespace {

const char* kReplayUsage =
    "usage: mmscore replay --config FILE --journal J1 [--journal J2 ...] --out DIR [--csv]\n"
    "                      [--allow-config-change]\n";

// Keeps each month's final report as the engine closes it, with the journal files its
// manifest names; writes them all once every journal was accepted, so a journal refused
// half-way (out of order) leaves no report. A closed month gets its statements and its
// manifest (SCORING.md section 15); the running month only its report.
class ReportWriter : public EngineObserver {
 public:
  ReportWriter(const Program& p, std::string dir, bool csv, std::string config_path,
               const std::vector<std::string>& journals)
      : program_(p), dir_(std::move(dir)), csv_(csv), config_path_(std::move(config_path)), journals_(journals) {}
  // The replay is now in journals[index].
  void replaying(size_t index) { current_ = index; }
  void month_closed(const MonthState& state) override {
    MonthJournals files;
    files.replay_from.assign(journals_.begin(), journals_.begin() + long(month_first_));
    files.journals.assign(journals_.begin() + long(month_first_), journals_.begin() + long(current_) + 1);
    reports_.push_back({score_month(program_, state, true), std::move(files)});
    month_first_ = current_;  // the next month's first record is in this file
  }
  void add(Report r) { reports_.push_back({std::move(r), {}}); }
  // `journal_config_hash`: what the journals' headers said, when it is not the config's.
  void write_all(const std::optional<std::string>& journal_config_hash) {
    for (auto& [r, files] : reports_) {
      r.journal_config_hash = journal_config_hash;
      write(r, files);
    }
  }
  bool failed() const { return failed_; }

 private:
  void write(const Report& r, const MonthJournals& files) {
    const auto path = write_report_files(dir_, program_, r, csv_);
    if (!path) {
      spdlog::error("{}", path.message());
      failed_ = true;
      return;
    }
    spdlog::info("wrote {} ({}, {} records, {} refused, {} torn)", *path, r.final ? "final" : "running",
                 r.input.records, r.input.rejected, r.input.torn);
    if (!r.final) return;
    const auto manifest = write_month_close(dir_, program_, r, csv_, config_path_, files);
    if (!manifest) {
      spdlog::error("{}", manifest.message());
      failed_ = true;
      return;
    }
    spdlog::info("wrote {} and {} statements", *manifest, program_.mms.size());
  }

  const Program& program_;
  std::string dir_;
  bool csv_;
  std::string config_path_;
  const std::vector<std::string>& journals_;
  size_t current_ = 0, month_first_ = 0;
  std::vector<std::pair<Report, MonthJournals>> reports_;
  bool failed_ = false;
};

// Refuse unreadable inputs before any work, so a typo costs nothing.
Result<> check_inputs(const std::vector<std::string>& journals, const std::string& out_dir) {
  for (const std::string& j : journals) {
    JournalReader probe;
    if (auto opened = probe.open(j); !opened) return opened;
  }
  return ensure_directory(out_dir);
}

void log_progress(const ReplayProgress& p) {
  const double pct = p.total_bytes ? 100.0 * double(p.bytes) / double(p.total_bytes) : 100.0;
  std::fprintf(stderr, "replay: %s: %.1f%% of %.1f MB, %llu records, %.0f records/s\n", p.file->c_str(), pct,
               double(p.total_bytes) / 1e6, static_cast<unsigned long long>(p.records),
               double(p.records) / std::max(p.seconds, 1e-9));
}

// The journals in the order given, through one engine; the months that end inside them
// get final reports, the last month a running one.
int replay_journals(const Program& program, const std::string& config_path, const std::vector<std::string>& journals,
                    const std::string& out_dir, bool csv, bool allow_config_change) {
  ReportWriter writer(program, out_dir, csv, config_path, journals);
  Engine engine(program, &writer);
  JournalReplayer replayer(program, engine, JournalReplayOptions{.allow_config_change = allow_config_change});
  replayer.on_refusal([](const std::string& file, uint64_t line, std::string_view reason) {
    spdlog::warn("{}:{}: refused: {}", file, line, reason);
  });
  replayer.on_config_change([&](const std::string& file, const std::string& journal_hash) {
    spdlog::warn("{}: written under config hash {}, replayed under {} (--allow-config-change)", file, journal_hash,
                 program.config_hash);
  });
  replayer.on_progress(log_progress, std::chrono::seconds(3), std::chrono::seconds(2));
  if (auto checked = replayer.check_headers(journals); !checked) {  // before any work
    std::fprintf(stderr, "mmscore replay: %s\n", checked.message().c_str());
    return kExitUsage;
  }
  for (size_t k = 0; k < journals.size(); ++k) {
    writer.replaying(k);
    if (auto replayed = replayer.replay_file(journals[k]); !replayed) {
      std::fprintf(stderr, "mmscore replay: %s\n", replayed.message().c_str());
      return kExitUsage;
    }
  }
  if (engine.started()) writer.add(score_month(program, engine.month(), false));
  else spdlog::warn("no usable record in the journals: no report written");
  writer.write_all(replayer.journal_config_hash());
  return writer.failed() ? kExitFailure : kExitOk;
}

}  // namespace

int replay_command(int argc, char** argv) {
  CliArgs args({"--config", "--journal", "--out"}, {"--csv", "--allow-config-change"});
  if (auto parsed = args.parse(argc, argv, 2); !parsed) {
    std::fprintf(stderr, "mmscore replay: %s\n%s", parsed.message().c_str(), kReplayUsage);
    return kExitUsage;
  }
  if (!args.has("--config") || !args.has("--journal") || !args.has("--out") || !args.positional().empty()) {
    std::fprintf(stderr, "mmscore replay: --config, --journal and --out are required\n%s", kReplayUsage);
    return kExitUsage;
  }
  auto loaded = load_config_file(*args.get("--config"));
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());
    return kExitUsage;
  }
  const Settings& settings = *loaded;
  const std::vector<std::string> journals = args.all("--journal");
  const std::string out_dir = *args.get("--out");
  if (auto checked = check_inputs(journals, out_dir); !checked) {
    std::fprintf(stderr, "mmscore replay: %s\n", checked.message().c_str());
    return kExitUsage;
  }
  return replay_journals(settings.program, *args.get("--config"), journals, out_dir, args.has("--csv"), args.has("--allow-config-change"));
}

}  // namespace mm
