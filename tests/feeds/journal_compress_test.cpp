// Journal compression (SCORING.md section 14, issue 11): closed files become .ndjson.zst,
// the reader reads both forms alike (also from a start offset), replays and the header
// chain give the same answers from either form, and open() cleans up after a crash.
// Real files in a temp directory; zstd output is checked with libzstd's own decoder.
#include <catch2/catch.hpp>

#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/engine.h"
#include "core/report_format.h"
#include "core/scoring.h"
#include "feeds/journal_compressor.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"
#include "feeds/journal_writer.h"
#include "feeds/sim/model/sim_program.h"
#include "tests/bench/bench_journal.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;
using test_support::temp_dir;
namespace fs = std::filesystem;

namespace {

constexpr TimeUs kFeb10 = 1'770'681'600'000'000;  // 2026-02-10T00:00:00Z

Program program() {
  Program p = test_support::one_market_program();
  p.config_hash = "c0ffee";
  return p;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string name_of(const std::string& path) { return fs::path(path).filename().string(); }

// libzstd's one-shot decoder over every frame of a .zst file (independent of JournalReader).
std::string unzstd(const std::string& path) {
  const std::string packed = slurp(path);
  std::string out;
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ZSTD_inBuffer in{packed.data(), packed.size(), 0};
  std::vector<char> chunk(1 << 16);
  size_t hint = 1;
  while (in.pos < in.size || hint != 0) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    hint = ZSTD_decompressStream(d, &o, &in);
    REQUIRE_FALSE(ZSTD_isError(hint));
    out.append(chunk.data(), o.pos);
    if (o.pos == 0 && in.pos == in.size) break;
  }
  ZSTD_freeDCtx(d);
  REQUIRE(hint == 0);  // the last frame is complete
  return out;
}

// One zstd frame of `content` (libzstd's one-shot encoder).
std::string zstd_frame(const std::string& content, int level = 3) {
  std::string out(ZSTD_compressBound(content.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), content.data(), content.size(), level);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// `path`.zst made by the writer's own routine (which removes `path`).
std::string compress(const std::string& path) {
  std::atomic<bool> cancel{false};
  uint64_t in = 0, out = 0;
  const auto done = compress_journal_file(path, kJournalZstdLevel, cancel, in, out);
  REQUIRE(done);
  REQUIRE_FALSE(fs::exists(path));
  CHECK(in > 0);
  CHECK(out == fs::file_size(path + ".zst"));
  return path + ".zst";
}

// Everything a reader says about a file, one entry per call of next().
std::vector<std::string> read_all(const std::string& path, uint64_t start = 0, size_t max_line = 40,
                                  size_t buffer = 16) {
  JournalReader reader(max_line, buffer);
  const auto opened = reader.open(path, start);
  REQUIRE(opened);
  std::vector<std::string> seen;
  std::string_view line;
  for (;;) {
    const JournalReader::Next n = reader.next(line);
    if (n == JournalReader::Next::eof) break;
    REQUIRE(n != JournalReader::Next::io_error);
    std::string entry = std::to_string(reader.line_number()) + (reader.unterminated() ? " torn " : " ") +
                        (n == JournalReader::Next::too_long ? "<too long>" : std::string(line)) + " @" +
                        std::to_string(reader.bytes_consumed());
    seen.push_back(std::move(entry));
  }
  return seen;
}

std::string event(TimeUs ts, bool connected) {
  return R"({"ts":)" + std::to_string(ts) + R"(,"src":"public","event":")" +
         (connected ? "connected" : "disconnected") + "\"}";
}

// A writer run from `start`: `files` files rotated every 60 s, two events in each.
void write_run(const std::string& dir, const Program& p, TimeUs start, int files, bool compress,
               std::chrono::milliseconds wait = std::chrono::milliseconds(10'000)) {
  JournalOptions o{dir};
  o.rotate_every = 60 * kUsPerSecond;
  o.compress = compress;
  o.compress_wait = wait;
  JournalWriter w(p, o);
  REQUIRE(w.open(start));
  for (int file = 0; file < files; ++file) {
    const TimeUs t = start + file * 60 * kUsPerSecond;
    if (file > 0) w.maintain(t);
    w.event(t + kUsPerSecond, Source{SourceKind::market}, true);
    w.event(t + 2 * kUsPerSecond, Source{SourceKind::market}, false);
  }
  w.close();
}

std::string header(TimeUs ts, const std::string& config_hash, const std::string& previous, const std::string& sha) {
  const auto quoted = [](const std::string& s) { return s.empty() ? std::string("null") : "\"" + s + "\""; };
  return "{\"ts\":" + std::to_string(ts) + R"(,"journal":{"format":1,"config_hash":")" + config_hash +
         R"(","mmscore":")" + std::string(mmscore_version()) + R"(","previous":)" + quoted(previous) +
         R"(,"previous_sha256":)" + quoted(sha) + "}}\n";
}

}  // namespace

TEST_CASE("journal compression: the writer compresses each closed file, never the open one") {
  const std::string dir = temp_dir("compress-writer");
  const Program p = program();
  JournalOptions o{dir};
  o.rotate_every = 60 * kUsPerSecond;
  o.compress = true;
  JournalWriter w(p, o);
  REQUIRE(w.open(kFeb10));
  w.event(kFeb10 + 1, Source{SourceKind::market}, true);
  w.maintain(kFeb10 + 60 * kUsPerSecond);  // rotation: the first file is closed
  w.event(kFeb10 + 60 * kUsPerSecond + 1, Source{SourceKind::market}, false);
  w.sync();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (w.stats().compressed.files < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  const std::string first = dir + "/journal-20260210T000000.000000Z.ndjson";
  const std::string second = dir + "/journal-20260210T000100.000000Z.ndjson";
  CHECK(files[0] == first + ".zst");
  CHECK_FALSE(fs::exists(first));
  CHECK_FALSE(fs::exists(first + ".zst.tmp"));
  CHECK(files[1] == second);  // being written: plain
  CHECK(w.current_file() == second);

  // The first file's content as written: its header and its one record.
  const std::string first_content = header(kFeb10, "c0ffee", "", "") + event(kFeb10 + 1, true) + "\n";
  CHECK(unzstd(files[0]) == first_content);
  // The second header names the first file as written, with the SHA-256 of its plain bytes.
  const std::string second_header =
      header(kFeb10 + 60 * kUsPerSecond, "c0ffee", "journal-20260210T000000.000000Z.ndjson", sha256_hex(first_content));
  CHECK(slurp(second).rfind(second_header, 0) == 0);

  w.close();  // the last file too, waited for
  files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  CHECK(files[1] == second + ".zst");
  CHECK_FALSE(fs::exists(second));
  CHECK(unzstd(files[1]) == second_header + event(kFeb10 + 60 * kUsPerSecond + 1, false) + "\n");
  const JournalStats s = w.stats();
  CHECK(s.compressed.files == 2);
  CHECK(s.compressed.errors == 0);
  CHECK(s.compressed.pending == 0);
  CHECK(s.compressed.bytes_in == first_content.size() + unzstd(files[1]).size());
  CHECK(s.compressed.bytes_out == fs::file_size(files[0]) + fs::file_size(files[1]));
  CHECK(s.bytes == s.compressed.bytes_in);  // every byte written was compressed
  fs::remove_all(dir);
}

TEST_CASE("journal compression: off, the files stay plain") {
  const std::string dir = temp_dir("compress-off");
  write_run(dir, program(), kFeb10, 2, false);
  const auto files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  CHECK(name_of(files[0]) == "journal-20260210T000000.000000Z.ndjson");
  CHECK(name_of(files[1]) == "journal-20260210T000100.000000Z.ndjson");
  fs::remove_all(dir);
}

TEST_CASE("journal reader: a .zst file reads exactly as the plain file") {
  const std::string dir = temp_dir("compress-reader");
  // CRLF, blank lines, a line over the 40-byte cap, lines longer than the 16-byte buffer
  // and a torn tail.
  const std::string content = "{\"a\":1}\r\n\n   \n" + std::string(50, 'x') + "\n{\"b\":\"" + std::string(30, 'y') +
                              "\"}\n{\"c\":3}\n{\"torn\":";
  write_file(dir + "/j.ndjson", content);
  write_file(dir + "/k.ndjson", content);
  const std::string packed = compress(dir + "/k.ndjson");
  CHECK(unzstd(packed) == content);

  const std::vector<std::string> expected = {
      "1 {\"a\":1} @9",
      "4 <too long> @65",
      "5 {\"b\":\"" + std::string(30, 'y') + "\"} @104",
      "6 {\"c\":3} @112",
      "7 torn {\"torn\": @120",
  };
  CHECK(content.size() == 120);
  CHECK(read_all(dir + "/j.ndjson") == expected);
  CHECK(read_all(packed) == expected);
  // A big buffer reads it alike (the whole file decompressed in one piece).
  CHECK(read_all(packed, 0, 40, 1 << 20) == expected);

  // Two frames one after the other are one content; sha256_of_file hashes the content.
  write_file(dir + "/two.ndjson.zst", zstd_frame(content.substr(0, 60)) + zstd_frame(content.substr(60)));
  CHECK(read_all(dir + "/two.ndjson.zst") == expected);
  CHECK(*sha256_of_file(dir + "/two.ndjson.zst") == sha256_hex(content));
  CHECK(*sha256_of_file(packed) == sha256_hex(content));
  CHECK(*sha256_of_file(dir + "/j.ndjson") == sha256_hex(content));

  // Reading while hashing gives the content's hash too.
  JournalReader reader;
  reader.hash_contents(true);
  REQUIRE(reader.open(packed));
  CHECK(reader.compressed());
  std::string_view line;
  while (reader.next(line) != JournalReader::Next::eof) {
  }
  CHECK(reader.sha256_hex() == sha256_hex(content));
  CHECK(reader.file_size() == fs::file_size(packed));  // on disk
  CHECK(reader.disk_bytes_read() == fs::file_size(packed));
  CHECK(reader.bytes_consumed() == content.size());  // of the content
  fs::remove_all(dir);
}

TEST_CASE("journal reader: a plain file compressed since it was listed is read from its .zst") {
  const std::string dir = temp_dir("compress-moved");
  write_file(dir + "/j.ndjson", "{\"a\":1}\n");
  const std::string packed = compress(dir + "/j.ndjson");
  CHECK(read_all(dir + "/j.ndjson") == std::vector<std::string>{"1 {\"a\":1} @8"});
  CHECK(*sha256_of_file(dir + "/j.ndjson") == sha256_hex("{\"a\":1}\n"));
  JournalReader reader;
  CHECK(reader.open(dir + "/none.ndjson").message() == dir + "/none.ndjson: No such file or directory");
  fs::remove_all(dir);
}

TEST_CASE("journal reader: a damaged or cut .zst file is a read error naming it") {
  const std::string dir = temp_dir("compress-damaged");
  std::string content;
  for (int i = 0; i < 2000; ++i) content += event(kFeb10 + i, i % 2 == 0) + "\n";
  write_file(dir + "/j.ndjson", content);
  const std::string packed = compress(dir + "/j.ndjson");
  const std::string bytes = slurp(packed);

  auto read_error = [](const std::string& path) {
    JournalReader reader;
    REQUIRE(reader.open(path));
    std::string_view line;
    for (;;) {
      const JournalReader::Next n = reader.next(line);
      if (n == JournalReader::Next::io_error) return reader.error();
      if (n == JournalReader::Next::eof) return std::string("eof");
    }
  };
  std::string damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x20;
  write_file(dir + "/damaged.ndjson.zst", damaged);
  CHECK_THAT(read_error(dir + "/damaged.ndjson.zst"), Catch::StartsWith(dir + "/damaged.ndjson.zst: zstd: "));
  CHECK_THAT(sha256_of_file(dir + "/damaged.ndjson.zst").message(),
             Catch::StartsWith(dir + "/damaged.ndjson.zst: zstd: "));

  // Past the first MiB the reader's own thread decompresses: its errors come through alike.
  std::string big;
  for (int i = 0; i < 40'000; ++i) big += event(kFeb10 + i, i % 2 == 0) + "\n";
  REQUIRE(big.size() > (size_t(2) << 20));
  write_file(dir + "/big.ndjson", big);
  std::string big_damaged = slurp(compress(dir + "/big.ndjson"));
  big_damaged[big_damaged.size() * 3 / 4] ^= 0x20;
  write_file(dir + "/big-damaged.ndjson.zst", big_damaged);
  CHECK_THAT(read_error(dir + "/big-damaged.ndjson.zst"), Catch::StartsWith(dir + "/big-damaged.ndjson.zst: zstd: "));
  CHECK(read_error(dir + "/big.ndjson.zst") == "eof");

  write_file(dir + "/cut.ndjson.zst", bytes.substr(0, bytes.size() - 10));
  CHECK(read_error(dir + "/cut.ndjson.zst") == dir + "/cut.ndjson.zst: zstd: truncated compressed file");
  write_file(dir + "/empty.ndjson.zst", "");
  CHECK(read_error(dir + "/empty.ndjson.zst") == dir + "/empty.ndjson.zst: zstd: truncated compressed file");
  CHECK(read_error(packed) == "eof");
  fs::remove_all(dir);
}

TEST_CASE("journal reader: open at a start offset, plain and .zst alike") {
  const std::string dir = temp_dir("compress-offset");
  const std::string content = "{\"a\":1}\n{\"bb\":2}\n\n{\"ccc\":3}\n{\"dd\":";  // 8 + 9 + 1 + 10 + 6 bytes
  REQUIRE(content.size() == 34);
  write_file(dir + "/j.ndjson", content);
  write_file(dir + "/k.ndjson", content);
  const std::string plain = dir + "/j.ndjson", packed = compress(dir + "/k.ndjson");
  for (const std::string& path : {plain, packed}) {
    INFO(path);
    // Line numbers count from the offset; bytes_consumed() stays an offset of the content.
    CHECK(read_all(path, 8) == std::vector<std::string>{"1 {\"bb\":2} @17", "3 {\"ccc\":3} @28", "4 torn {\"dd\": @34"});
    CHECK(read_all(path, 17) == std::vector<std::string>{"2 {\"ccc\":3} @28", "3 torn {\"dd\": @34"});
    CHECK(read_all(path, 28) == std::vector<std::string>{"1 torn {\"dd\": @34"});
    CHECK(read_all(path, 0) == read_all(path));
    // With a 4-byte buffer the skipped part spans many reads.
    CHECK(read_all(path, 18, 40, 4) == std::vector<std::string>{"1 {\"ccc\":3} @28", "2 torn {\"dd\": @34"});

    JournalReader reader;
    CHECK(reader.open(path, 9).message() == path + ": start offset 9 is not at the start of a line");
    CHECK(reader.open(path, 34).message() == path + ": start offset 34 is not at the start of a line");
    CHECK(reader.open(path, 35).message() == path + ": start offset 35 is beyond the end (34 bytes)");
    std::string_view line;
    CHECK(reader.next(line) == JournalReader::Next::eof);  // a failed open leaves nothing open

    // Hashing from an offset still hashes the whole content (the chain needs it).
    reader.hash_contents(true);
    REQUIRE(reader.open(path, 17));
    REQUIRE(reader.next(line) == JournalReader::Next::line);
    CHECK(line == "{\"ccc\":3}");
    while (reader.next(line) != JournalReader::Next::eof) {
    }
    CHECK(reader.sha256_hex() == sha256_hex(content));
  }
  // Far into a big file (past the part the reading thread decompresses itself).
  std::string big;
  for (int i = 0; i < 40'000; ++i) big += event(kFeb10 + i, true) + "\n";
  const uint64_t line_size = event(kFeb10, true).size() + 1;
  REQUIRE(big.size() == 40'000 * line_size);
  write_file(dir + "/big.ndjson", big);
  write_file(dir + "/big-plain.ndjson", big);
  const std::string big_packed = compress(dir + "/big.ndjson");
  for (const std::string& path : {dir + "/big-plain.ndjson", big_packed}) {
    INFO(path);
    JournalReader reader;
    REQUIRE(reader.open(path, 30'000 * line_size));
    std::string_view line;
    REQUIRE(reader.next(line) == JournalReader::Next::line);
    CHECK(line == event(kFeb10 + 30'000, true));
    CHECK(reader.line_number() == 1);
    uint64_t lines = 1;
    while (reader.next(line) == JournalReader::Next::line) ++lines;
    CHECK(lines == 10'000);
    CHECK(line == event(kFeb10 + 39'999, true));
    CHECK(reader.bytes_consumed() == big.size());
  }
  // A file that ends with its newline: its end is a valid offset, with nothing after it.
  write_file(dir + "/whole.ndjson", "{\"a\":1}\n");
  const std::string whole = compress(dir + "/whole.ndjson");
  CHECK(read_all(whole, 8).empty());
  fs::remove_all(dir);
}

TEST_CASE("journal compression: a replay of the compressed files reports exactly as of the plain ones") {
  const std::string plain_dir = temp_dir("compress-replay-plain"), packed_dir = temp_dir("compress-replay-zst");
  // A simulated exchange (4 markets, 6 MMs) journal, cut into three chained files.
  const sim::ExchangeOptions options = bench::bench_options(4, 6, 7);
  const sim::SimProgram sim = sim::make_sim_program(options, 10 * kUsPerSecond, true);
  const Program& p = sim.program;
  bench::GeneratedJournal generated;
  REQUIRE(bench::write_journal(options, 30'000, plain_dir + "/all", generated));
  const std::string all = slurp(plain_dir + "/all");
  fs::remove(plain_dir + "/all");
  const size_t cut1 = all.find('\n', all.size() / 3) + 1, cut2 = all.find('\n', 2 * all.size() / 3) + 1;
  const std::string parts[3] = {all.substr(0, cut1), all.substr(cut1, cut2 - cut1),
                                all.substr(cut2) + "{\"ts\":1,\"src\":\"pub"};  // and a torn tail
  std::vector<std::string> plain_files, packed_files;
  std::string previous, previous_sha;
  for (int i = 0; i < 3; ++i) {
    const std::string name = "journal-2026021" + std::to_string(i) + "T000000.000000Z.ndjson";
    const std::string content = header(kFeb10 + i, p.config_hash, previous, previous_sha) + parts[i];
    write_file(plain_dir + "/" + name, content);
    write_file(packed_dir + "/" + name, content);
    previous = name;
    previous_sha = sha256_hex(content);
  }
  plain_files = list_journal_files(plain_dir);
  for (const auto& f : list_journal_files(packed_dir)) packed_files.push_back(compress(f));
  REQUIRE(list_journal_files(packed_dir) == packed_files);
  CHECK(fs::file_size(packed_files[1]) * 5 < fs::file_size(plain_files[1]));

  auto report_of = [&](const std::vector<std::string>& files, bool check_headers) {
    Engine engine(p);
    JournalReplayer replayer(p, engine);
    if (check_headers) REQUIRE(replayer.check_headers(files));  // the chain hashed while replaying
    for (const auto& f : files) {
      const auto replayed = replayer.replay_file(f);
      REQUIRE(replayed);
    }
    CHECK(replayer.records() == generated.records);
    CHECK(engine.month().input.torn == 1);
    CHECK(engine.counters().rejected == 0);
    return report_json(p, score_month(p, engine.month(), false));
  };
  const std::string plain_report = report_of(plain_files, true);
  CHECK(report_of(packed_files, true) == plain_report);
  CHECK(report_of(packed_files, false) == plain_report);  // the chain hashed by reading files again
  const Report scored = [&] {
    Engine engine(p);
    JournalReplayer replayer(p, engine);
    for (const auto& f : packed_files) REQUIRE(replayer.replay_file(f));
    return score_month(p, engine.month(), false);
  }();
  size_t rewarded = 0;
  for (const MmResult& mm : scored.mms) rewarded += mm.total_reward > 0;
  CHECK(rewarded > 0);  // a real report
  fs::remove_all(plain_dir);
  fs::remove_all(packed_dir);
}

TEST_CASE("journal compression: the chain holds across compressed files, a changed byte breaks it, named") {
  const std::string dir = temp_dir("compress-chain");
  const Program p = program();
  write_run(dir, p, kFeb10, 3, true);
  const auto files = list_journal_files(dir);
  REQUIRE(files.size() == 3);
  for (const auto& f : files) CHECK(is_compressed_journal(f));
  for (bool check_headers : {true, false}) {
    Engine engine(p);
    JournalReplayer replayer(p, engine);
    if (check_headers) REQUIRE(replayer.check_headers(files));
    for (const auto& f : files) REQUIRE(replayer.replay_file(f));
    CHECK(engine.month().input.records == 6);
  }

  // One byte of the middle file's content changes (a record's ts 1 µs later: still valid
  // and in order), and the file is compressed again: the third file's header catches it.
  std::string middle = unzstd(files[1]);
  const std::string ts = std::to_string(kFeb10 + 62 * kUsPerSecond);
  const size_t at = middle.find(ts);
  REQUIRE(at != std::string::npos);
  middle[at + ts.size() - 1] = '1';
  const std::string plain_middle = std::string(journal_name_as_written(files[1]));
  write_file(plain_middle, middle);
  fs::remove(files[1]);
  REQUIRE(compress(plain_middle) == files[1]);
  const std::string middle_name = name_of(plain_middle);  // as written, as the header names it
  for (bool check_headers : {true, false}) {
    Engine engine(p);
    JournalReplayer replayer(p, engine);
    if (check_headers) REQUIRE(replayer.check_headers(files));
    REQUIRE(replayer.replay_file(files[0]));
    REQUIRE(replayer.replay_file(files[1]));
    const auto refused = replayer.replay_file(files[2]);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.message(), Catch::StartsWith(files[2] + ": broken chain: its header gives " + middle_name +
                                                    " the SHA-256 "));
    CHECK_THAT(refused.message(), Catch::EndsWith("but that file's is " + sha256_hex(middle)));
  }
  fs::remove_all(dir);
}

TEST_CASE("journal compression: open() removes an interrupted compression, prefers a plain file, compresses the rest") {
  const std::string dir = temp_dir("compress-recover");
  const Program p = program();
  write_run(dir, p, kFeb10, 2, false);  // an earlier run that crashed before compressing
  auto files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  const std::string a = files[0], b = files[1];
  const std::string a_content = slurp(a), b_content = slurp(b);
  write_file(a + ".zst.tmp", "half a compression");  // interrupted mid-way
  write_file(b + ".zst", "not what b says");          // renamed but b not yet unlinked
  // Listing: the plain form wins, temp files never show.
  CHECK(list_journal_files(dir) == std::vector<std::string>{a, b});

  write_run(dir, p, kFeb10 + 3600 * kUsPerSecond, 1, true);  // the next run
  files = list_journal_files(dir);
  REQUIRE(files.size() == 3);
  CHECK(files[0] == a + ".zst");
  CHECK(files[1] == b + ".zst");
  CHECK(is_compressed_journal(files[2]));
  CHECK(unzstd(files[0]) == a_content);
  CHECK(unzstd(files[1]) == b_content);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 3);  // no temp file, no plain file left
  // The new run's header names b as written, with the SHA-256 of its plain bytes.
  CHECK(unzstd(files[2]).rfind(header(kFeb10 + 3600 * kUsPerSecond, "c0ffee", name_of(b), sha256_hex(b_content)), 0) == 0);

  // And the whole directory replays as one chain.
  Engine engine(p);
  JournalReplayer replayer(p, engine);
  REQUIRE(replayer.check_headers(files));
  for (const auto& f : files) REQUIRE(replayer.replay_file(f));
  CHECK(engine.month().input.records == 6);
  fs::remove_all(dir);
}

TEST_CASE("journal compression: defer_earlier keeps earlier runs' plain files until asked") {
  const std::string dir = temp_dir("compress-defer");
  const Program p = program();
  write_run(dir, p, kFeb10, 1, false);  // an earlier run, not compressed
  const std::string earlier = list_journal_files(dir).at(0);
  const std::string content = slurp(earlier);
  JournalOptions o{dir};
  o.compress = true;
  o.defer_earlier = true;
  JournalWriter w(p, o);
  REQUIRE(w.open(kFeb10 + 3600 * kUsPerSecond));  // a restore would read `earlier` now
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(fs::exists(earlier));
  CHECK(w.stats().compressed.pending == 0);
  w.compress_earlier_files();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (w.stats().compressed.files < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK_FALSE(fs::exists(earlier));
  CHECK(unzstd(earlier + ".zst") == content);
  w.close();
  CHECK(list_journal_files(dir).size() == 2);
  fs::remove_all(dir);
}

TEST_CASE("journal compression: list_journal_files orders both forms by the name as written") {
  const std::string dir = temp_dir("compress-list");
  for (const char* name : {"journal-20260210T000000.000000Z.ndjson.zst", "journal-20260210T000000.000000Z.ndjson.0001",
                           "journal-20260210T000000.000000Z.ndjson.0002.zst", "journal-20260209T000000.000000Z.ndjson",
                           "journal-20260211T000000.000000Z.ndjson.zst.tmp", "journal-20260211T000000.000000Z.ndjson.x",
                           "notes.ndjson"})
    write_file(dir + "/" + name, "");
  CHECK(list_journal_files(dir) == std::vector<std::string>{dir + "/journal-20260209T000000.000000Z.ndjson",
                                                           dir + "/journal-20260210T000000.000000Z.ndjson.zst",
                                                           dir + "/journal-20260210T000000.000000Z.ndjson.0001",
                                                           dir + "/journal-20260210T000000.000000Z.ndjson.0002.zst"});
  fs::remove_all(dir);
}

TEST_CASE("journal compression: close() without waiting leaves complete plain files, the next open() compresses them") {
  const std::string dir = temp_dir("compress-nowait");
  const Program p = program();
  {
    JournalOptions o{dir};
    o.compress = true;
    o.compress_wait = std::chrono::milliseconds(0);
    JournalWriter w(p, o);
    REQUIRE(w.open(kFeb10));
    // About 6 MB: likely still being compressed when close() gives up at once.
    const std::string body = R"({"asks":[["99","1"]],"bids":[["98","2"]],"lastUpdateId":"7","timestamp":1})";
    for (int i = 0; i < 60'000; ++i) w.rest(kFeb10 + i, Source{SourceKind::rest}, "/api/v1/depth?symbol=SOL_USDC", body);
    w.close();
  }
  // Either form, complete, never both, never a temp file.
  auto files = list_journal_files(dir);
  REQUIRE(files.size() == 1);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  const std::string content = is_compressed_journal(files[0]) ? unzstd(files[0]) : slurp(files[0]);
  CHECK(std::count(content.begin(), content.end(), '\n') == 60'001);
  const std::string content_sha = sha256_hex(content);

  write_run(dir, p, kFeb10 + 3600 * kUsPerSecond, 1, true);
  files = list_journal_files(dir);
  REQUIRE(files.size() == 2);
  CHECK(is_compressed_journal(files[0]));
  CHECK(is_compressed_journal(files[1]));
  CHECK(sha256_hex(unzstd(files[0])) == content_sha);
  fs::remove_all(dir);
}
