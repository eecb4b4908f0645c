// Replay benchmark: generates a synthetic journal (feeds/sim) and measures, in one
// process, (a) parsing alone and (b) a full replay into the Engine plus scoring, best of
// three each, alternated; then (c) the peak memory of a replay in a fresh child process
// (re-executed, so the generator's memory does not count). Not a ctest test.
//
//   replay_bench [--markets N] [--mms N] [--records N] [--seed N] [--out PATH] [--keep]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_journal.h"
#include "core/engine.h"
#include "core/scoring.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"
#include "feeds/record_parser.h"
#include "feeds/sim/model/sim_program.h"

using namespace mm;

namespace {

constexpr TimeUs kSnapshotInterval = 10 * kUsPerSecond;

struct Args {
  size_t markets = 100, mms = 50;
  uint64_t records = 1'000'000, seed = 1;
  std::string out;
  bool keep = false;
  std::string replay_only;  // child mode: replay this journal ("-" = build only, the baseline)
};

constexpr const char* kUsage =
    "usage: replay_bench [--markets N] [--mms N] [--records N] [--seed N] [--out PATH] [--keep]\n"
    "  defaults: 100 markets, 50 MMs, 1000000 records, seed 1, journal in /tmp (deleted unless --keep)\n";

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "replay_bench: %s\n%s", why, kUsage);
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + flag).c_str());
      return argv[++i];
    };
    auto number = [&]() -> uint64_t {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0) usage(("not a positive number: " + flag + " " + v).c_str());
      return n;
    };
    if (flag == "--markets") a.markets = number();
    else if (flag == "--mms") a.mms = number();
    else if (flag == "--records") a.records = number();
    else if (flag == "--seed") a.seed = number();
    else if (flag == "--out") a.out = value();
    else if (flag == "--keep") a.keep = true;
    else if (flag == "--replay-only") a.replay_only = value();
    else if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    else usage(("unknown flag " + flag).c_str());
  }
  if (a.mms > 60000) usage("--mms must be below 60000");
  if (a.out.empty()) a.out = "/tmp/mmscore_replay_bench_" + std::to_string(getpid()) + ".jsonl";
  return a;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct PhaseResult {
  uint64_t records = 0, refused = 0;
  double seconds = 0;
};

// (a) JournalReader + RecordParser over every line; nothing is applied.
PhaseResult parse_only(const Program& program, const std::string& path) {
  PhaseResult r;
  const auto t0 = std::chrono::steady_clock::now();
  JournalReader reader;
  if (auto opened = reader.open(path); !opened) usage(opened.message().c_str());
  RecordParser parser(program);
  Record record;
  std::string_view line;
  for (JournalReader::Next n; (n = reader.next(line)) != JournalReader::Next::eof;) {
    if (n == JournalReader::Next::io_error) usage(reader.error().c_str());
    ++r.records;
    if (n != JournalReader::Next::line || !parser.parse_journal_line(line, record).ok) ++r.refused;
  }
  r.seconds = seconds_since(t0);
  return r;
}

// (b) JournalReplayer into an Engine, then one score_month.
PhaseResult full_replay(const Program& program, const std::string& path, Engine* keep_engine = nullptr,
                        Report* keep_report = nullptr) {
  PhaseResult r;
  const auto t0 = std::chrono::steady_clock::now();
  Engine local(program);
  Engine& engine = keep_engine ? *keep_engine : local;
  JournalReplayer replayer(program, engine);
  if (auto replayed = replayer.replay_file(path); !replayed) usage(replayed.message().c_str());
  const Report report = score_month(program, engine.month(), false);
  r.seconds = seconds_since(t0);
  r.records = replayer.records();
  r.refused = engine.counters().rejected;
  if (report.markets.size() != program.markets.size()) usage("scoring lost markets");
  if (keep_report) *keep_report = report;
  return r;
}

// Re-executes this program in replay-only mode and returns the child's peak RSS in KiB.
long child_peak_rss_kib(char* self, const Args& a, const std::string& journal) {
  const std::string markets = std::to_string(a.markets), mms = std::to_string(a.mms), seed = std::to_string(a.seed);
  std::vector<const char*> argv = {self, "--markets", markets.c_str(), "--mms", mms.c_str(), "--seed", seed.c_str(),
                                   "--replay-only", journal.c_str(), nullptr};
  const pid_t pid = fork();
  if (pid < 0) usage("fork failed");
  if (pid == 0) {
    execv("/proc/self/exe", const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) usage("replay child failed");
  rusage usage_children{};
  getrusage(RUSAGE_CHILDREN, &usage_children);
  return usage_children.ru_maxrss;  // the largest of the children waited for so far
}

int child_main(const Args& a) {
  const sim::SimProgram sim = sim::make_sim_program(bench::bench_options(a.markets, a.mms, a.seed), kSnapshotInterval, true);
  if (a.replay_only == "-") {
    Engine engine(sim.program);  // baseline: everything but the replay itself
    return engine.started() ? 1 : 0;
  }
  return full_replay(sim.program, a.replay_only).refused == 0 ? 0 : 1;
}

// The engine's month against the generator's ground truth; returns the mismatches.
size_t check_ground_truth(const Engine& engine, const sim::SimProgram& sim, const bench::GeneratedJournal& j) {
  size_t mismatches = 0;
  const size_t n_markets = j.market_volume.size();
  for (size_t m = 0; m < n_markets; ++m) {
    mismatches += engine.month().markets[sim.market_of[m]].maker_volume != j.market_volume[m];
    for (size_t mm = 0; mm < sim.program.mms.size(); ++mm) {
      // Single-account MMs: exchange account index == MM order before sorting by id.
      u128 expected = 0;
      for (size_t a = 0; a < sim.mm_of.size(); ++a)
        if (sim.mm_of[a] == mm) expected += j.maker_volume[a * n_markets + m];
      mismatches += engine.month().cell(mm, sim.market_of[m]).maker_volume != expected;
    }
  }
  return mismatches;
}

std::string with_commas(uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string s;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  if (!args.replay_only.empty()) return child_main(args);

  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];

  const sim::ExchangeOptions options = bench::bench_options(args.markets, args.mms, args.seed);
  const sim::SimProgram sim = sim::make_sim_program(options, kSnapshotInterval, true);
  bench::GeneratedJournal journal;
  if (auto written = bench::write_journal(options, args.records, args.out, journal); !written)
    usage(written.message().c_str());

  PhaseResult best_a, best_b;
  best_a.seconds = best_b.seconds = 1e300;
  size_t mismatches = 0;
  Report report;
  double score_ms = 1e300;  // one running estimate: what the live daemon pays per publish
  for (int round = 0; round < 3; ++round) {
    const PhaseResult a = parse_only(sim.program, args.out);
    if (a.seconds < best_a.seconds) best_a = a;
    Engine engine(sim.program);
    const PhaseResult b = full_replay(sim.program, args.out, &engine, round == 0 ? &report : nullptr);
    if (b.seconds < best_b.seconds) best_b = b;
    if (round == 0) mismatches = check_ground_truth(engine, sim, journal);
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 10; ++k) score_month(sim.program, engine.month(), false);
    score_ms = std::min(score_ms, seconds_since(t0) * 100.0);
  }
  size_t rewarded = 0;
  for (const MmResult& mm : report.mms) rewarded += mm.total_reward > 0;
  const long baseline_kib = child_peak_rss_kib(argv[0], Args{args.markets, args.mms, args.records, args.seed, "", false, "-"}, "-");
  const long peak_kib = child_peak_rss_kib(argv[0], args, args.out);

  const double mb = double(journal.bytes) / 1e6;
  std::printf("replay_bench: %zu markets x %zu MMs, %s records (%s frames), %.1f MB journal spanning %.1f s\n",
              args.markets, args.mms, with_commas(journal.records).c_str(), with_commas(journal.frames).c_str(), mb,
              double(journal.last_ts - journal.first_ts) / 1e6);
  std::printf("generated in %.2f s (%.2f M records/s)\n\n", journal.seconds, double(journal.records) / journal.seconds / 1e6);
  std::printf("%-28s %10s %10s %14s %10s\n", "phase (best of 3)", "records", "seconds", "records/s", "MB/s");
  auto row = [&](const char* name, const PhaseResult& r) {
    std::printf("%-28s %10s %10.3f %14s %10.0f\n", name, with_commas(r.records).c_str(), r.seconds,
                with_commas(uint64_t(double(r.records) / r.seconds)).c_str(), mb / r.seconds);
  };
  row("(a) parse only", best_a);
  row("(b) full replay + scoring", best_b);
  std::printf("%-28s %10.2f   (goal <= 2.5)\n", "ratio b/a", best_b.seconds / best_a.seconds);
  std::printf("%-28s %10.1f MiB  (child without replay: %.1f MiB)\n", "(c) peak RSS of a replay", double(peak_kib) / 1024,
              double(baseline_kib) / 1024);
  std::printf("refused records: %s; engine volumes vs exchange ground truth: %s\n",
              with_commas(best_a.refused + best_b.refused).c_str(),
              mismatches == 0 ? "exact match" : (std::to_string(mismatches) + " MISMATCHES").c_str());
  std::printf("scoring: %u snapshots (interval 10 s, jitter on), %zu of %zu MMs rewarded, %.2f USD unallocated\n",
              report.snapshots_taken, rewarded, report.mms.size(), double(report.unallocated) / 100);
  std::printf("score_month (running estimate, %zu markets x %zu MMs): %.3f ms per call\n", args.markets, args.mms,
              score_ms);
  std::printf("command: %s\n", command.c_str());
  if (!args.keep) std::remove(args.out.c_str());
  else std::printf("journal kept: %s\n", args.out.c_str());
  return mismatches == 0 && best_a.refused == 0 && best_b.refused == 0 ? 0 : 1;
}
