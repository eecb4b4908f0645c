// JournalReplayer over journal files (SCORING.md section 14): headers, the chain of
// files, the order of files, torn tails.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/engine.h"
#include "feeds/journal_replay.h"
#include "feeds/journal_writer.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;
using test_support::temp_dir;

namespace {

constexpr TimeUs kMar1 = 1'772'323'200'000'000;  // 2026-03-01T00:00:00Z
constexpr TimeUs kFeb10 = 1'770'681'600'000'000;  // 2026-02-10T00:00:00Z

Program program(const std::string& config_hash = "c0ffee") {
  Program p = test_support::one_market_program();
  p.config_hash = config_hash;
  return p;
}

std::string event(TimeUs ts, bool connected = true) {
  return R"({"ts":)" + std::to_string(ts) + R"(,"src":"public","event":")" +
         (connected ? "connected" : "disconnected") + "\"}";
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string name_of(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// One replay: a program, its engine, the replayer and what it refused.
struct Replay {
  explicit Replay(Program program, JournalReplayOptions options = {})
      : p(std::move(program)), engine(p), replayer(p, engine, options) {
    replayer.on_refusal([this](const std::string& file, uint64_t line, std::string_view reason) {
      refusals.push_back(name_of(file) + ":" + std::to_string(line) + ": " + std::string(reason));
    });
  }
  const InputCounters& input() const { return engine.month().input; }

  Program p;
  Engine engine;
  JournalReplayer replayer;
  std::vector<std::string> refusals;
};

// Three files of one run, chained: rotation every 60 s, two connection events each.
std::vector<std::string> write_chain(const std::string& dir, const Program& p) {
  JournalOptions o{dir};
  o.rotate_every = 60 * kUsPerSecond;
  JournalWriter w(p, o);
  REQUIRE(w.open(kFeb10));
  for (int file = 0; file < 3; ++file) {
    const TimeUs start = kFeb10 + file * 60 * kUsPerSecond;
    if (file > 0) w.maintain(start);
    w.event(start + kUsPerSecond, Source{SourceKind::market}, true);
    w.event(start + 2 * kUsPerSecond, Source{SourceKind::market}, false);
  }
  w.close();
  const auto files = list_journal_files(dir);
  REQUIRE(files.size() == 3);
  return files;
}

}  // namespace

TEST_CASE("journal replay: a last line without its newline is torn: dropped, counted in input.torn") {
  const std::string dir = temp_dir("torn");
  const std::string file = dir + "/j.ndjson";
  // 4 lines, the last one cut by a crash.
  write_file(file, event(kMar1) + "\n" + event(kMar1 + 1, false) + "\n" + event(kMar1 + 2) + "\n" +
                       R"({"ts":1772323200000003,"src":"pub)");
  Replay r(program());
  REQUIRE(r.replayer.replay_file(file));
  CHECK(r.input().records == 3);
  CHECK(r.input().torn == 1);
  CHECK(r.input().rejected == 0);
  CHECK(r.refusals.empty());
  CHECK(r.replayer.records() == 3);

  // Even a complete record is dropped when its newline is missing: the write was cut.
  write_file(file, event(kMar1) + "\n" + event(kMar1 + 5, false));
  Replay whole(program());
  REQUIRE(whole.replayer.replay_file(file));
  CHECK(whole.input().records == 1);
  CHECK(whole.input().torn == 1);
  CHECK(whole.engine.clock() == kMar1);  // the torn record did not move time
  CHECK(whole.engine.public_connected());
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: a broken line anywhere but at the end is malformed, not torn") {
  const std::string dir = temp_dir("broken");
  const std::string file = dir + "/j.ndjson";
  write_file(file, event(kMar1) + "\n" + R"({"ts":1772323200000001,"src":"pub)" + "\n" + event(kMar1 + 2) + "\n");
  Replay r(program());
  REQUIRE(r.replayer.replay_file(file));
  CHECK(r.input().records == 3);
  CHECK(r.input().rejected == 1);
  CHECK(r.input().torn == 0);
  REQUIRE(r.refusals.size() == 1);
  CHECK_THAT(r.refusals[0], Catch::StartsWith("j.ndjson:2: "));
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: a header is not a record and does not move time") {
  const std::string dir = temp_dir("header");
  const Program p = program();
  {
    JournalWriter w(p, JournalOptions{dir});
    REQUIRE(w.open(kMar1));  // the header says March 1st
    w.event(kFeb10, Source{SourceKind::market}, true);  // the records are of February 10th
    w.event(kFeb10 + 1, Source{SourceKind::market}, false);
    w.close();
  }
  Replay r(p);
  REQUIRE(r.replayer.replay_file(list_journal_files(dir).at(0)));
  CHECK(r.input().records == 2);
  CHECK(r.input().rejected == 0);
  CHECK(r.input().ignored == 0);
  CHECK(r.engine.month().month == YearMonth{2026, 2});
  CHECK(r.engine.clock() == kFeb10 + 1);
  CHECK_FALSE(r.replayer.journal_config_hash());
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: files out of order by their timestamps are refused, naming the file") {
  const std::string dir = temp_dir("order");
  const std::string a = dir + "/a.ndjson", b = dir + "/b.ndjson", c = dir + "/c.ndjson";
  write_file(a, event(kMar1 + 100) + "\n" + event(kMar1 + 200, false) + "\n");
  write_file(b, event(kMar1 + 150) + "\n");  // starts before a ends
  write_file(c, event(kMar1 + 200) + "\n");  // starts when a ends: in order
  Replay r(program());
  REQUIRE(r.replayer.replay_file(a));
  const auto refused = r.replayer.replay_file(b);
  REQUIRE_FALSE(refused);
  CHECK(refused.message() == b + ":1: out of order: its first record (ts 1772323200000150) is before the last record "
                                 "of a.ndjson (ts 1772323200000200)");
  CHECK(r.input().records == 2);  // nothing of b was applied
  REQUIRE(r.replayer.replay_file(c));
  CHECK(r.input().records == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: the chain of headers: whole, from its middle, with a file left out, reversed") {
  const std::string dir = temp_dir("chain");
  const Program p = program();
  const auto f = write_chain(dir, p);

  Replay whole(p);
  REQUIRE(whole.replayer.check_headers(f));
  for (const auto& file : f) REQUIRE(whole.replayer.replay_file(file));
  CHECK(whole.input().records == 6);
  CHECK(whole.refusals.empty());

  Replay middle(p);  // the header of the first file given names a file not given: fine; no
                     // check_headers: f[1] is hashed when f[2]'s header asks
  REQUIRE(middle.replayer.replay_file(f[1]));
  REQUIRE(middle.replayer.replay_file(f[2]));
  CHECK(middle.input().records == 4);

  const std::string gap = f[2] + ": out of order: its header names " + name_of(f[1]) + " as the previous file, but " +
                          name_of(f[0]) + " was given before it";
  Replay skipped(p);
  CHECK(skipped.replayer.check_headers({f[0], f[2]}).message() == gap);  // before any work
  CHECK_FALSE(skipped.engine.started());
  REQUIRE(skipped.replayer.replay_file(f[0]));
  CHECK(skipped.replayer.replay_file(f[2]).message() == gap);
  CHECK(skipped.input().records == 2);

  // Reversed: the first file's header has no previous file, so only its timestamps
  // show that it comes first.
  Replay reversed(p);
  REQUIRE(reversed.replayer.check_headers({f[1], f[0]}));
  REQUIRE(reversed.replayer.replay_file(f[1]));
  CHECK_THAT(reversed.replayer.replay_file(f[0]).message(),
             Catch::StartsWith(f[0] + ":2: out of order: its first record"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: a file changed after the next one was opened breaks the chain") {
  const std::string dir = temp_dir("sha");
  const Program p = program();
  const auto f = write_chain(dir, p);
  std::string first = slurp(f[0]);
  const auto at = first.find("\"disconnected\"");
  REQUIRE(at != std::string::npos);
  first.replace(at, 14, "\"connected\"   ");  // one record changed, the file still parses
  write_file(f[0], first);

  Replay r(p);
  REQUIRE(r.replayer.check_headers(f));  // names are fine; only the bytes changed
  REQUIRE(r.replayer.replay_file(f[0]));
  const auto broken = r.replayer.replay_file(f[1]);
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.message(), Catch::StartsWith(f[1] + ": broken chain: its header gives " + name_of(f[0]) +
                                                 " the SHA-256 "));
  CHECK_THAT(broken.message(), Catch::Contains(", but that file's is "));

  // Without check_headers the file is hashed afterwards, when the next header asks.
  Replay unplanned(p);
  REQUIRE(unplanned.replayer.replay_file(f[0]));
  CHECK(unplanned.replayer.replay_file(f[1]).message() == broken.message());
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: another config hash is refused, or replayed and reported when allowed") {
  const std::string dir = temp_dir("config");
  const auto f = write_chain(dir, program("c0ffee"));
  const std::string why = f[0] + ": written under config hash c0ffee, not this config's beef";

  Replay strict(program("beef"));
  CHECK(strict.replayer.check_headers(f).message() == why + " (replay --allow-config-change accepts it)");
  CHECK(strict.replayer.replay_file(f[0]).message() == why + " (replay --allow-config-change accepts it)");
  CHECK_FALSE(strict.engine.started());

  Replay allowed(program("beef"), JournalReplayOptions{.allow_config_change = true});
  std::vector<std::string> told;
  allowed.replayer.on_config_change(
      [&](const std::string& file, const std::string& hash) { told.push_back(name_of(file) + " " + hash); });
  REQUIRE(allowed.replayer.check_headers(f));
  for (const auto& file : f) REQUIRE(allowed.replayer.replay_file(file));
  CHECK(allowed.input().records == 6);
  REQUIRE(allowed.replayer.journal_config_hash());
  CHECK(*allowed.replayer.journal_config_hash() == "c0ffee");
  CHECK(told == std::vector<std::string>{name_of(f[0]) + " c0ffee", name_of(f[1]) + " c0ffee",
                                         name_of(f[2]) + " c0ffee"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal replay: unknown formats are refused, malformed headers are refused lines") {
  const std::string dir = temp_dir("format");
  const std::string future = dir + "/future.ndjson", bad = dir + "/bad.ndjson", fresh = dir + "/fresh.ndjson";
  write_file(future, R"({"ts":1,"journal":{"format":2,"config_hash":"c0ffee","mmscore":"9.0.0","previous":null,)"
                     R"("previous_sha256":null}})" "\n" + event(kMar1) + "\n");
  Replay r(program());
  CHECK(r.replayer.replay_file(future).message() ==
        future + ": journal format 2 is not supported (this mmscore reads 1)");

  write_file(bad, R"({"ts":1,"journal":{"format":1}})" "\n" + event(kMar1) + "\n");
  Replay m(program());
  REQUIRE(m.replayer.replay_file(bad));
  CHECK(m.input().records == 2);
  CHECK(m.input().rejected == 1);
  CHECK(m.refusals == std::vector<std::string>{"bad.ndjson:1: journal header: journal.config_hash: missing or not a string"});

  // A header without a previous file starts a chain: it may follow any file in time.
  write_file(fresh, R"({"ts":1,"journal":{"format":1,"config_hash":"c0ffee","mmscore":"0.1.0","previous":null,)"
                    R"("previous_sha256":null}})" "\n" + event(kMar1 + 1) + "\n");
  REQUIRE(m.replayer.replay_file(fresh));
  CHECK(m.input().records == 3);
  std::filesystem::remove_all(dir);
}
