// JournalReader: line splitting, limits and buffer handling on real temporary files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feeds/journal_reader.h"
#include "feeds/record_parser.h"

using namespace mm;
using Next = JournalReader::Next;

namespace {

// A file under /tmp with a unique name, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("mmscore_feeds_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".jsonl");
    std::ofstream out(path_, std::ios::binary);
    out << content;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

struct Item {
  Next next;
  std::string line;
  uint64_t number;
};

// Reads everything, checking the padding promise on every line.
std::vector<Item> read_all(JournalReader& reader) {
  std::vector<Item> items;
  for (;;) {
    std::string_view line;
    Next n = reader.next(line);
    if (n == Next::eof || n == Next::io_error) break;
    if (n == Next::line) {
      volatile char last_padding_byte = line.data()[line.size() + kJsonPadding - 1];  // must be readable
      (void)last_padding_byte;
    }
    items.push_back({n, n == Next::line ? std::string(line) : std::string(), reader.line_number()});
  }
  return items;
}

std::vector<Item> read_file(const std::string& content, size_t max_line = 1 << 20, size_t buffer = 1 << 16) {
  TempFile file(content);
  JournalReader reader(max_line, buffer);
  REQUIRE(reader.open(file.path()));
  std::vector<Item> items = read_all(reader);
  CHECK(reader.bytes_consumed() == content.size());
  CHECK(reader.file_size() == content.size());
  return items;
}

}  // namespace

TEST_CASE("reader: lines, CRLF, blank lines, no final newline", "[feeds][reader]") {
  auto items = read_file("{\"a\":1}\r\n\n  \r\n{\"b\":2}\n\t\n{\"c\":3}");
  REQUIRE(items.size() == 3);
  CHECK(items[0].line == "{\"a\":1}");
  CHECK(items[0].number == 1);
  CHECK(items[1].line == "{\"b\":2}");
  CHECK(items[1].number == 4);  // blank lines 2 and 3 skipped but counted
  CHECK(items[2].line == "{\"c\":3}");
  CHECK(items[2].number == 6);

  CHECK(read_file("").empty());
  CHECK(read_file("\n\n\r\n").empty());
  auto crlf_last = read_file("x\r");
  REQUIRE(crlf_last.size() == 1);
  CHECK(crlf_last[0].line == "x");
}

TEST_CASE("reader: a too-long line is skipped and reading continues", "[feeds][reader]") {
  const std::string long_line(5000, 'x');
  auto items = read_file("short\n" + long_line + "\nafter\n" + long_line, 100, 64);
  REQUIRE(items.size() == 4);
  CHECK(items[0].next == Next::line);
  CHECK(items[1].next == Next::too_long);
  CHECK(items[1].number == 2);
  CHECK(items[2].next == Next::line);
  CHECK(items[2].line == "after");
  CHECK(items[2].number == 3);
  CHECK(items[3].next == Next::too_long);  // the last line, without "\n"
  CHECK(items[3].number == 4);

  // Exactly at the cap is fine, with or without "\r"; one byte more is not.
  const std::string at_cap(100, 'y');
  auto edge = read_file(at_cap + "\n" + at_cap + "\r\n" + at_cap + "z\n" + at_cap, 100, 16);
  REQUIRE(edge.size() == 4);
  CHECK(edge[0].next == Next::line);
  CHECK(edge[0].line == at_cap);
  CHECK(edge[1].next == Next::line);
  CHECK(edge[1].line == at_cap);
  CHECK(edge[2].next == Next::too_long);
  CHECK(edge[3].next == Next::line);
  CHECK(edge[3].number == 4);
}

TEST_CASE("reader: a file many times bigger than the buffer", "[feeds][reader]") {
  std::string content;
  std::vector<std::string> expected;
  for (int i = 0; i < 3000; ++i) {
    // Varying lengths so lines straddle buffer boundaries at every offset.
    std::string line = "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(size_t(i % 97), 'p') + "\"}";
    expected.push_back(line);
    content += line + (i % 3 == 0 ? "\r\n" : "\n");
  }
  REQUIRE(content.size() > 100 * 1024);
  auto items = read_file(content, 1 << 20, 4096);
  REQUIRE(items.size() == expected.size());
  for (size_t i = 0; i < items.size(); ++i) {
    CHECK(items[i].line == expected[i]);
    CHECK(items[i].number == i + 1);
  }

  // A line longer than the initial buffer but under the cap makes the buffer grow.
  std::string big(10000, 'b');
  auto grown = read_file("a\n" + big + "\nc\n", 20000, 256);
  REQUIRE(grown.size() == 3);
  CHECK(grown[1].line == big);
  CHECK(grown[2].line == "c");
}

TEST_CASE("reader: open errors name the path", "[feeds][reader]") {
  JournalReader reader;
  const auto missing = reader.open("/nonexistent/mmscore/journal.jsonl");
  REQUIRE_FALSE(missing);
  CHECK(missing.message() == "/nonexistent/mmscore/journal.jsonl: No such file or directory");
  const auto directory = reader.open("/tmp");
  REQUIRE_FALSE(directory);
  CHECK(directory.message() == "/tmp: Is a directory");
  std::string_view line;
  CHECK(reader.next(line) == Next::eof);
}

TEST_CASE("reader: lines feed the record parser", "[feeds][reader]") {
  Program program;
  program.index();
  RecordParser parser(program);
  TempFile file("{\"ts\":1,\"tick\":\"snapshot\",\"interval\":0}\n{\"ts\":2,\"tick\":\"snapshot\",\"interval\":1}\n");
  JournalReader reader;
  REQUIRE(reader.open(file.path()));
  std::string_view line;
  Record record;
  int ticks = 0;
  while (reader.next(line) == Next::line) {
    REQUIRE(parser.parse_journal_line(line, record).ok);
    CHECK(std::get<TickEvent>(record.payload).interval == uint32_t(ticks++));
  }
  CHECK(ticks == 2);
}

TEST_CASE("reader: unterminated() marks only a last line without its newline", "[feeds][reader]") {
  TempFile file("{\"a\":1}\n{\"b\":\n{\"c\":3}");
  JournalReader reader;
  REQUIRE(reader.open(file.path()));
  std::string_view line;
  REQUIRE(reader.next(line) == Next::line);
  CHECK_FALSE(reader.unterminated());
  REQUIRE(reader.next(line) == Next::line);  // broken, but ended by its newline
  CHECK(line == "{\"b\":");
  CHECK_FALSE(reader.unterminated());
  REQUIRE(reader.next(line) == Next::line);
  CHECK(line == "{\"c\":3}");
  CHECK(reader.unterminated());
  CHECK(reader.next(line) == Next::eof);

  TempFile ends_well("x\ny\n  ");  // trailing blanks are no line
  REQUIRE(reader.open(ends_well.path()));
  REQUIRE(reader.next(line) == Next::line);
  REQUIRE(reader.next(line) == Next::line);
  CHECK_FALSE(reader.unterminated());
  CHECK(reader.next(line) == Next::eof);

  const std::string long_line(500, 'x');
  TempFile long_torn("a\n" + long_line);
  JournalReader small(100, 64);
  REQUIRE(small.open(long_torn.path()));
  REQUIRE(small.next(line) == Next::line);
  CHECK(small.next(line) == Next::too_long);
  CHECK(small.unterminated());
}

TEST_CASE("reader: the SHA-256 of every byte read", "[feeds][reader]") {
  // SHA-256("abc\n"), and of the empty file.
  const std::string abc = "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb";
  const std::string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  TempFile file("abc\n");
  JournalReader reader(100, 2);  // reads in pieces
  reader.hash_contents(true);
  REQUIRE(reader.open(file.path()));
  std::string_view line;
  while (reader.next(line) != Next::eof) {
  }
  CHECK(reader.sha256_hex() == abc);
  auto whole = sha256_of_file(file.path());
  REQUIRE(whole);
  CHECK(*whole == abc);
  TempFile nothing("");
  CHECK(*sha256_of_file(nothing.path()) == empty);
  CHECK(sha256_of_file("/nonexistent/j.ndjson").message() == "/nonexistent/j.ndjson: No such file or directory");
}

TEST_CASE("journal header: fields, null previous, malformed headers, records are not headers", "[feeds][reader]") {
  const std::string sha(64, 'a');
  auto h = parse_journal_header(R"({"ts":5,"journal":{"format":1,"config_hash":"h","mmscore":"0.1.0",)"
                                R"("previous":"journal-1.ndjson","previous_sha256":")" + sha + "\"}}");
  REQUIRE(h);
  REQUIRE(h->has_value());
  CHECK((*h)->ts == 5);
  CHECK((*h)->format == 1);
  CHECK((*h)->config_hash == "h");
  CHECK((*h)->mmscore == "0.1.0");
  CHECK((*h)->previous == "journal-1.ndjson");
  CHECK((*h)->previous_sha256 == sha);

  auto first = parse_journal_header(
      R"({"ts":5,"journal":{"format":1,"config_hash":"h","mmscore":"0.1.0","previous":null,"previous_sha256":null}})");
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK_FALSE((*first)->previous);
  CHECK_FALSE((*first)->previous_sha256);

  // Not headers: records, broken JSON, a "journal" key only inside a frame.
  for (const char* line : {R"({"ts":1,"src":"public","event":"connected"})", R"({"ts":1,"journal")",
                           R"({"ts":1,"src":"public","frame":{"stream":"journal","data":{"journal":1}}})"}) {
    auto none = parse_journal_header(line);
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
  }
  const auto reason = [](const std::string& line) { return parse_journal_header(line).message(); };
  CHECK(reason(R"({"ts":1,"journal":[]})") == "journal header: journal: not an object");
  CHECK(reason(R"({"journal":{}})") == "journal header: ts: missing or not a non-negative integer");
  CHECK(reason(R"({"ts":1,"journal":{"format":1,"mmscore":"x","previous":null,"previous_sha256":null}})") ==
        "journal header: journal.config_hash: missing or not a string");
  CHECK(reason(R"({"ts":1,"journal":{"format":1,"config_hash":"h","mmscore":"x","previous_sha256":null}})") ==
        "journal header: journal.previous: missing or not a string or null");
  CHECK(reason(R"({"ts":1,"journal":{"format":1,"config_hash":"h","mmscore":"x","previous":"p","previous_sha256":"AB"}})") ==
        "journal header: journal.previous_sha256: not 64 lowercase hex digits");
  CHECK(reason(R"({"ts":1,"journal":{"format":1,"config_hash":"h","mmscore":"x","previous":null,"previous_sha256":")" +
               sha + "\"}}") == "journal header: journal.previous_sha256: set without previous");
}
