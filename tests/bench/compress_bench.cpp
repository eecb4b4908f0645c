// Journal compression benchmark (SCORING.md section 14, issue 11): generates a synthetic
// journal (as replay_bench does), compresses it as the journal writer does
// (compress_journal_file), and measures bytes per record on disk, the compression speed,
// and a full replay (JournalReplayer + scoring) from the .zst file against the plain one,
// best of three each, alternated; the two reports must be identical. Not a ctest test.
//
//   compress_bench [--markets N] [--mms N] [--records N] [--seed N] [--level N] [--window-log N]
//                  [--dir PATH] [--keep]
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_journal.h"
#include "core/engine.h"
#include "core/report_format.h"
#include "core/scoring.h"
#include "feeds/journal_compressor.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"
#include "feeds/sim/model/sim_program.h"

using namespace mm;

namespace {

constexpr TimeUs kSnapshotInterval = 10 * kUsPerSecond;

struct Args {
  size_t markets = 100, mms = 50;
  uint64_t records = 1'000'000, seed = 1;
  int level = kJournalZstdLevel, window_log = kJournalZstdWindowLog;
  std::string dir = "/tmp";
  bool keep = false;
};

constexpr const char* kUsage =
    "usage: compress_bench [--markets N] [--mms N] [--records N] [--seed N] [--level N] [--window-log N]\n"
    "                      [--dir PATH] [--keep]\n"
    "  defaults: 100 markets, 50 MMs, 1000000 records, seed 1, the writer's zstd level and window (--window-log 0:\n"
    "  zstd's for the level), files in /tmp (deleted unless --keep)\n";

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "compress_bench: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + flag);
      return argv[++i];
    };
    auto number = [&]() -> uint64_t {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') usage(flag + " needs a number, not " + v);
      return n;
    };
    if (flag == "--markets") a.markets = number();
    else if (flag == "--mms") a.mms = number();
    else if (flag == "--records") a.records = number();
    else if (flag == "--seed") a.seed = number();
    else if (flag == "--level") a.level = int(number());
    else if (flag == "--window-log") a.window_log = int(number());
    else if (flag == "--dir") a.dir = value();
    else if (flag == "--keep") a.keep = true;
    else if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else usage("unknown option " + flag);
  }
  if (a.markets == 0 || a.mms == 0 || a.records == 0) usage("--markets, --mms and --records must be positive");
  return a;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

double cpu_seconds() {  // of the whole process: the reader's decompression thread included
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

struct Timing {
  double wall = 1e300, cpu = 1e300;
  void keep_best(double w, double c) {
    wall = std::min(wall, w);
    cpu = std::min(cpu, c);
  }
};

// The reader alone: every line of the file, nothing parsed.
void read_lines(const std::string& path, Timing& best) {
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  JournalReader reader;
  if (auto opened = reader.open(path); !opened) usage(opened.message());
  std::string_view line;
  for (JournalReader::Next n; (n = reader.next(line)) != JournalReader::Next::eof;)
    if (n == JournalReader::Next::io_error) usage(reader.error());
  best.keep_best(seconds_since(t0), cpu_seconds() - c0);
}

// A full replay of one file into a fresh engine, then scoring; the report as JSON.
void replay(const Program& program, const std::string& path, std::string& report, Timing& best) {
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  Engine engine(program);
  JournalReplayer replayer(program, engine);
  if (auto replayed = replayer.replay_file(path); !replayed) usage(replayed.message());
  const Report scored = score_month(program, engine.month(), false);
  best.keep_best(seconds_since(t0), cpu_seconds() - c0);
  if (engine.counters().rejected != 0) usage(path + ": refused records");
  report = report_json(program, scored);
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];

  const sim::ExchangeOptions options = bench::bench_options(args.markets, args.mms, args.seed);
  const sim::SimProgram sim = sim::make_sim_program(options, kSnapshotInterval, true);
  const std::string stem = args.dir + "/compress_bench-" + std::to_string(::getpid());
  const std::string plain = stem + ".ndjson", copy = stem + "-copy.ndjson", packed = copy + ".zst";
  bench::GeneratedJournal journal;
  if (auto written = bench::write_journal(options, args.records, plain, journal); !written) usage(written.message());
  std::filesystem::copy_file(plain, copy);

  std::atomic<bool> cancel{false};
  uint64_t in = 0, out = 0;
  const auto t0 = std::chrono::steady_clock::now();
  if (auto done = compress_journal_file(copy, args.level, cancel, in, out, args.window_log); !done) usage(done.message());
  const double compress_s = seconds_since(t0);
  const uint64_t packed_bytes = std::filesystem::file_size(packed);

  Timing read_plain, read_packed, replay_plain, replay_packed;
  std::string report_plain, report_packed;
  for (int round = 0; round < 3; ++round) {
    read_lines(plain, read_plain);
    read_lines(packed, read_packed);
    replay(sim.program, plain, report_plain, replay_plain);
    replay(sim.program, packed, report_packed, replay_packed);
  }
  const bool same = report_plain == report_packed;
  const double records = double(journal.records);
  std::printf("compress_bench: %zu markets x %zu MMs, %.0f records, zstd level %d, window log %d (0: the level's)\n",
              args.markets, args.mms, records, args.level, args.window_log);
  std::printf("%-34s %12.1f MB  %8.1f bytes/record\n", "plain journal", double(journal.bytes) / 1e6,
              double(journal.bytes) / records);
  std::printf("%-34s %12.1f MB  %8.1f bytes/record  (goal <= 30; ratio %.1fx)\n", "compressed (.ndjson.zst)",
              double(packed_bytes) / 1e6, double(packed_bytes) / records, double(journal.bytes) / double(packed_bytes));
  std::printf("%-34s %12.2f s   %8.1f MB/s of plain input (compressor thread)\n", "compression", compress_s,
              double(in) / 1e6 / compress_s);
  auto row = [&](const char* name, const Timing& t) {
    std::printf("%-34s %12.3f s   %8.0f records/s  (CPU %.3f s)\n", name, t.wall, records / t.wall, t.cpu);
  };
  std::printf("best of 3, alternated:\n");
  row("read lines only, plain", read_plain);
  row("read lines only, .zst", read_packed);
  row("full replay + scoring, plain", replay_plain);
  row("full replay + scoring, .zst", replay_packed);
  std::printf("%-34s %12.1f %%   (goal >= 80 %%; by CPU time %.1f %%)\n", "replay speed .zst / plain",
              100.0 * replay_plain.wall / replay_packed.wall, 100.0 * replay_plain.cpu / replay_packed.cpu);
  std::printf("reports (JSON) from both: %s\n", same ? "identical" : "DIFFERENT");
  std::printf("command: %s\n", command.c_str());
  if (args.keep) {
    std::printf("files kept: %s %s\n", plain.c_str(), packed.c_str());
  } else {
    std::remove(plain.c_str());
    std::remove(packed.c_str());
  }
  return same ? 0 : 1;
}
