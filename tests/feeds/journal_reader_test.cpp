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
