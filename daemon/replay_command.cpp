#include <cstdio>
#include <memory>
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
    "usage: mmscore replay --config FILE --journal J1 [--journal J2 ...] --out DIR [--csv]\n";

// Writes each month's final report the moment the engine closes it.
class ReportWriter : public EngineObserver {
 public:
  ReportWriter(const Program& p, std::string dir, bool csv) : program_(p), dir_(std::move(dir)), csv_(csv) {}
  void month_closed(const MonthState& state) override { write(score_month(program_, state, true)); }
  void write(const Report& r) {
    const auto path = write_report_files(dir_, program_, r, csv_);
    if (!path) {
      spdlog::error("{}", path.message());
      failed_ = true;
      return;
    }
    spdlog::info("wrote {} ({}, {} records, {} refused)", *path, r.final ? "final" : "running", r.input.records,
                 r.input.rejected);
  }
  bool failed() const { return failed_; }

 private:
  const Program& program_;
  std::string dir_;
  bool csv_;
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

// The journals in the order given, through one engine; month ends write final reports
// as they happen, the last month's running report is written at the end.
int replay_journals(const Program& program, const std::vector<std::string>& journals, const std::string& out_dir,
                    bool csv) {
  ReportWriter writer(program, out_dir, csv);
  Engine engine(program, &writer);
  JournalReplayer replayer(program, engine);
  replayer.on_refusal([](const std::string& file, uint64_t line, std::string_view reason) {
    spdlog::warn("{}:{}: refused: {}", file, line, reason);
  });
  replayer.on_progress(log_progress, std::chrono::seconds(3), std::chrono::seconds(2));
  for (const std::string& j : journals) {
    if (auto replayed = replayer.replay_file(j); !replayed) {
      std::fprintf(stderr, "mmscore replay: %s\n", replayed.message().c_str());
      return kExitUsage;
    }
  }
  if (!engine.started()) {
    spdlog::warn("no usable record in the journals: no report written");
    return writer.failed() ? kExitFailure : kExitOk;
  }
  writer.write(score_month(program, engine.month(), false));
  return writer.failed() ? kExitFailure : kExitOk;
}

}  // namespace

int replay_command(int argc, char** argv) {
  CliArgs args({"--config", "--journal", "--out"}, {"--csv"});
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
  return replay_journals(settings.program, journals, out_dir, args.has("--csv"));
}

}  // namespace mm
