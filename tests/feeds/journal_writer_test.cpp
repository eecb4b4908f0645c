#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <openssl/evp.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>

#include "core/engine.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"
#include "feeds/journal_writer.h"
#include "feeds/record_parser.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;
using test_support::temp_dir;

namespace {
Program one_market_program() {
  Program p = test_support::one_market_program({"main", "hedge"});
  p.config_hash = "c0ffee";
  return p;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// SHA-256 of a whole file, straight from OpenSSL (independent of the writer's hashing).
std::string sha256_hex_of_file(const std::string& path) {
  const std::string bytes = slurp(path);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

std::string expected_header(TimeUs ts, const std::string& previous, const std::string& previous_sha256) {
  const auto quoted = [](const std::string& s) { return s.empty() ? std::string("null") : "\"" + s + "\""; };
  return "{\"ts\":" + std::to_string(ts) + R"(,"journal":{"format":1,"config_hash":"c0ffee","mmscore":")" +
         std::string(mmscore_version()) + R"(","previous":)" + quoted(previous) + R"(,"previous_sha256":)" +
         quoted(previous_sha256) + "}}";
}

bool is_header(const std::string& line) { return line.find(R"(,"journal":{"format":1,)") != std::string::npos; }

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

const char* kTrade =
    R"({"data":{"E":1788367469346470,"T":1788367469345000,"a":"59885446999","b":"59885471228","e":"trade","m":false,"p":"98.98","q":"5.14","s":"SOL_USDC","t":381737933},"stream":"trade.SOL_USDC"})";
const char* kDepthBody = R"({"asks":[["99","1"]],"bids":[["98","2"]],"lastUpdateId":"7","timestamp":1})";
}  // namespace

TEST_CASE("journal lines are the records of SCORING.md section 11, parseable back") {
  const std::string dir = temp_dir("journal");
  const Program p = one_market_program();
  {
    JournalWriter w(p, JournalOptions{dir});
    REQUIRE(w.open(1'788'367'469'000'000));
    w.event(1'788'367'469'000'000, Source{SourceKind::market}, true);
    w.frame(1'788'367'469'346'470, Source{SourceKind::market}, kTrade);
    w.rest(1'788'367'469'400'000, Source{SourceKind::rest}, "/api/v1/depth?symbol=SOL_USDC", kDepthBody);
    w.rest(1'788'367'469'500'000, Source{SourceKind::mm_rest, 0, 1}, "/api/v1/orders", "[]");
    w.event(1'788'367'469'600'000, Source{SourceKind::mm, 0, 1}, false);
    w.tick(1'788'367'480'000'000, 42);
    w.close();
    CHECK(w.stats().lines == 6);
  }
  const auto files = list_journal_files(dir);
  REQUIRE(files.size() == 1);
  CHECK(std::filesystem::path(files[0]).filename() == "journal-20260902T164429.000000Z.ndjson");
  const auto lines = read_lines(files[0]);
  REQUIRE(lines.size() == 7);  // the header, then the 6 records
  // The first file of an empty directory: no previous file.
  CHECK(lines[0] == R"({"ts":1788367469000000,"journal":{"format":1,"config_hash":"c0ffee","mmscore":")" +
                        std::string(mmscore_version()) + R"(","previous":null,"previous_sha256":null}})");
  CHECK(lines[1] == R"({"ts":1788367469000000,"src":"public","event":"connected"})");
  CHECK(lines[2] == std::string(R"({"ts":1788367469346470,"src":"public","frame":)") + kTrade + "}");
  CHECK(lines[4] == R"({"ts":1788367469500000,"src":"rest:mm:alpha","account":"hedge","path":"/api/v1/orders","body":[]})");
  CHECK(lines[5] == R"({"ts":1788367469600000,"src":"mm:alpha","account":"hedge","event":"disconnected"})");
  CHECK(lines[6] == R"({"ts":1788367480000000,"tick":"snapshot","interval":42})");

  RecordParser parser(p);
  JournalReader reader;
  REQUIRE(reader.open(files[0]));
  std::string_view line;
  REQUIRE(reader.next(line) == JournalReader::Next::line);
  const auto header = parse_journal_header(line);
  REQUIRE(header);
  REQUIRE(header->has_value());
  CHECK((*header)->ts == 1'788'367'469'000'000);
  CHECK((*header)->config_hash == "c0ffee");
  CHECK_FALSE((*header)->previous);
  Record r;
  int n = 0;
  while (reader.next(line) == JournalReader::Next::line) {
    INFO(line);
    REQUIRE(parser.parse_journal_line(line, r).ok);
    ++n;
  }
  CHECK(n == 6);
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal rotates by size and lists files in write order") {
  const std::string dir = temp_dir("rotate");
  const Program p = one_market_program();
  JournalOptions o{dir};
  o.rotate_bytes = 1000;
  JournalWriter w(p, o);
  REQUIRE(w.open(1'000'000));
  for (int i = 0; i < 100; ++i) {
    w.frame(1'000'000 + i, Source{SourceKind::market}, kTrade);
    w.flush();
    w.maintain(1'000'000 + i);
  }
  w.close();
  const auto files = list_journal_files(dir);
  CHECK(files.size() >= 10);  // ~300 bytes a line, 1000 bytes a file
  CHECK(std::is_sorted(files.begin(), files.end()));
  size_t total = 0;
  for (const auto& f : files) {
    const auto lines = read_lines(f);
    REQUIRE_FALSE(lines.empty());
    CHECK(is_header(lines[0]));
    total += lines.size() - 1;
  }
  CHECK(total == 100);
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal: the writer thread writes every appended line, in order, and rotates by time") {
  const std::string dir = temp_dir("writer");
  const Program p = one_market_program();
  JournalOptions o{dir};
  o.rotate_every = 60 * kUsPerSecond;
  o.fsync = JournalOptions::Fsync::interval;
  JournalWriter w(p, o);
  const TimeUs t0 = 1'788'367'440'000'000;  // 2026-09-02T16:44:00Z
  REQUIRE(w.open(t0));
  // 200k lines (~60 MB): many 256 KiB hand-overs; one time rotation in the middle.
  constexpr int kLines = 200'000;
  for (int i = 0; i < kLines; ++i) {
    const TimeUs ts = t0 + TimeUs(i) * 500;  // 100 s in all
    w.frame(ts, Source{SourceKind::market}, kTrade);
    if (i % 1000 == 0) w.maintain(ts);
  }
  w.sync();
  const JournalStats mid = w.stats();
  CHECK(mid.lines == kLines);
  w.close();
  const JournalStats s = w.stats();
  CHECK(s.write_errors == 0);
  CHECK(s.files == 2);
  CHECK(s.fsyncs >= 2);  // at least the close of each file

  const auto files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  CHECK(std::filesystem::path(files[0]).filename() == "journal-20260902T164400.000000Z.ndjson");
  // The rotation came at the first maintain() 60 s after the open, right after line 120000.
  CHECK(std::filesystem::path(files[1]).filename() == "journal-20260902T164500.000000Z.ndjson");
  uint64_t bytes = 0;
  int n = 0;
  for (const auto& f : files) {
    bytes += std::filesystem::file_size(f);
    const auto lines = read_lines(f);
    REQUIRE_FALSE(lines.empty());
    CHECK(is_header(lines[0]));
    for (const std::string& line : std::vector<std::string>(lines.begin() + 1, lines.end())) {
      const std::string expect = "{\"ts\":" + std::to_string(t0 + TimeUs(n) * 500) + ",";
      if (line.compare(0, expect.size(), expect) != 0) FAIL("line " << n << " out of order: " << line.substr(0, 40));
      ++n;
    }
    if (f == files[0]) CHECK(n == 120'001);
  }
  CHECK(n == kLines);
  CHECK(s.bytes == bytes);
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal: a size rotation names the next file by the time of its last line") {
  const std::string dir = temp_dir("size-name");
  const Program p = one_market_program();
  JournalOptions o{dir};
  o.rotate_bytes = 1;  // every hand-over rotates
  JournalWriter w(p, o);
  REQUIRE(w.open(1'788'367'440'000'000));
  w.frame(1'788'367'441'000'000, Source{SourceKind::market}, kTrade);
  w.sync();
  w.frame(1'788'367'441'000'000, Source{SourceKind::market}, kTrade);  // same microsecond
  w.sync();
  w.close();
  const auto files = list_journal_files(dir);
  REQUIRE(files.size() == 3);  // the last one is empty
  CHECK(std::filesystem::path(files[0]).filename() == "journal-20260902T164400.000000Z.ndjson");
  CHECK(std::filesystem::path(files[1]).filename() == "journal-20260902T164401.000000Z.ndjson");
  CHECK(std::filesystem::path(files[2]).filename() == "journal-20260902T164401.000000Z.ndjson.0001");
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal: each file's header names the previous file of the directory and its SHA-256") {
  const std::string dir = temp_dir("chain");
  const Program p = one_market_program();
  JournalOptions o{dir};
  o.rotate_every = 60 * kUsPerSecond;
  const TimeUs t0 = 1'788'367'440'000'000;  // 2026-09-02T16:44:00Z
  {
    JournalWriter w(p, o);
    REQUIRE(w.open(t0));
    w.frame(t0 + kUsPerSecond, Source{SourceKind::market}, kTrade);
    w.maintain(t0 + 60 * kUsPerSecond);  // rotation: the second file, named and stamped 16:45:00
    w.frame(t0 + 61 * kUsPerSecond, Source{SourceKind::market}, kTrade);
    w.close();
  }
  auto files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  const std::string first = "journal-20260902T164400.000000Z.ndjson", second = "journal-20260902T164500.000000Z.ndjson";
  CHECK(std::filesystem::path(files[1]).filename() == second);
  CHECK(read_lines(files[0])[0] == expected_header(t0, "", ""));
  CHECK(read_lines(files[1])[0] == expected_header(t0 + 60 * kUsPerSecond, first, sha256_hex_of_file(files[0])));
  CHECK(read_lines(files[1]).size() == 2);

  // A restart: the first file of the new run names the newest file of the earlier one.
  {
    JournalWriter w(p, o);
    REQUIRE(w.open(t0 + 120 * kUsPerSecond));
    w.close();
  }
  files = list_journal_files(dir);
  REQUIRE(files.size() == 3);
  CHECK(read_lines(files[2])[0] == expected_header(t0 + 120 * kUsPerSecond, second, sha256_hex_of_file(files[1])));

  // A run whose first file would have an existing name (the clock went back): a new
  // file beside it; the old one is not appended to.
  const std::string before = slurp(files[0]);
  const std::string newest_sha = sha256_hex_of_file(files[2]);
  {
    JournalWriter w(p, o);
    REQUIRE(w.open(t0));
    w.frame(t0, Source{SourceKind::market}, kTrade);
    w.close();
    CHECK(std::filesystem::path(w.current_file()).filename() == first + ".0001");
  }
  CHECK(slurp(files[0]) == before);
  CHECK(read_lines(dir + "/" + first + ".0001")[0] ==
        expected_header(t0, "journal-20260902T164600.000000Z.ndjson", newest_sha));
  std::filesystem::remove_all(dir);
}

namespace {
// Record lines of a journal file, each checked: a header first, every record parses,
// the last line ends with its newline (no partial line anywhere).
uint64_t checked_records(const Program& p, const std::string& file) {
  RecordParser parser(p);
  JournalReader reader;
  REQUIRE(reader.open(file));
  std::string_view line;
  uint64_t n = 0;
  bool first = true;
  Record r;
  while (reader.next(line) == JournalReader::Next::line) {
    INFO(file << ": " << line.substr(0, 60));
    if (first) CHECK(is_header(std::string(line)));
    else CHECK(parser.parse_journal_line(line, r).ok);
    n += !first;
    first = false;
  }
  CHECK_FALSE(reader.unterminated());
  return n;
}

uint64_t checked_records(const Program& p, const std::vector<std::string>& files) {
  uint64_t n = 0;
  for (const auto& f : files) n += checked_records(p, f);
  return n;
}

void append_trades(JournalWriter& w, TimeUs& ts, int count) {
  for (int i = 0; i < count; ++i) {
    w.frame(ts += 1000, Source{SourceKind::market}, kTrade);
    if (i % 40 == 39) w.flush();  // many small hand-overs: the cut falls inside one
  }
  w.sync();
}
}  // namespace

TEST_CASE("journal: a full disk drops whole records, never a partial line, and writing resumes") {
  const std::string dir = temp_dir("full");
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=256k") != 0) {
    WARN("cannot mount a 256 KiB tmpfs on " << dir << " (" << std::strerror(errno) << ", needs root): skipped");
    std::filesystem::remove_all(dir);
    return;
  }
  struct Unmount {
    std::string dir;
    ~Unmount() {
      ::umount(dir.c_str());
      std::filesystem::remove_all(dir);
    }
  } unmount{dir};
  const std::string filler = dir + "/filler";
  std::ofstream(filler) << std::string(200 * 1024, 'x');  // leaves ~50 KiB for the journal

  const Program p = one_market_program();
  JournalOptions o{dir + "/journal"};
  JournalWriter w(p, o);
  TimeUs ts = 1'788'367'440'000'000;
  REQUIRE(w.open(ts));
  append_trades(w, ts, 1000);  // ~270 KB: does not fit
  JournalStats s = w.stats();
  CHECK(s.failing);
  CHECK(s.write_errors > 0);
  CHECK(s.lines > 0);
  CHECK(s.lines < 1000);
  CHECK(s.unjournaled == 1000 - s.lines);
  CHECK(checked_records(p, list_journal_files(o.dir)) == s.lines);
  CHECK(s.bytes == std::filesystem::file_size(list_journal_files(o.dir).front()));

  // A rotation while failing: the new file cannot get its header yet.
  w.maintain(ts + o.rotate_every);
  append_trades(w, ts, 10);
  CHECK(w.stats().failing);
  CHECK(w.stats().unjournaled == 1010 - s.lines);

  std::filesystem::remove(filler);  // space returns
  append_trades(w, ts, 100);
  s = w.stats();
  CHECK_FALSE(s.failing);
  CHECK(s.unjournaled == 1110 - s.lines);
  const auto files = list_journal_files(o.dir);
  REQUIRE(files.size() == 2);
  CHECK(checked_records(p, files[1]) == 100);  // its header came before them
  CHECK(checked_records(p, files) == s.lines);
  w.close();
}
