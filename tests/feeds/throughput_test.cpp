// Parse throughput of the recorded public stream wrapped as journal lines. Hidden: run
// with `feeds_tests "[.bench]"` on a release build.
#include "feeds_test_support.h"

#include <chrono>

using namespace mm;
using namespace mm::test;

TEST_CASE("throughput: recorded public frames as journal lines", "[.bench]") {
  auto path = shared_data("ws_public_sol_usdc.jsonl");
  if (!path) return;
  // One contiguous NDJSON buffer, as JournalReader hands lines out.
  std::string text;
  std::vector<std::pair<size_t, size_t>> lines;
  std::ifstream in(*path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::string record = R"({"ts":1788367430247999,"src":"public","frame":)" + line + "}";
    lines.emplace_back(text.size(), record.size());
    text += record + "\n";
  }
  text.append(kJsonPadding, ' ');

  Program program = make_program();
  RecordParser parser(program);
  Record record;
  const int rounds = 400;
  size_t refused = 0, bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    for (auto [offset, size] : lines) {
      refused += !parser.parse_journal_line(std::string_view(text.data() + offset, size), record).ok;
      bytes += size;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double records = double(lines.size()) * rounds;
  CHECK(refused == 0);
  WARN(records / seconds / 1e6 << " M records/s, " << double(bytes) / seconds / 1e6 << " MB/s ("
                                << records << " records in " << seconds << " s)");
}
