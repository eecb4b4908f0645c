// Real exchange output (MMSCORE_SHARED_DATA) must parse without a single refusal, both
// wrapped as journal records and through the live entry points.
#include "feeds_test_support.h"

#include <map>

using namespace mm;
using namespace mm::test;

namespace {

struct Counts {
  int trades = 0, depths = 0, orders = 0, ignored = 0, refused = 0;
  std::map<std::string, int> ignored_why;
};

void count(Counts& c, const Harness& h, const ParseOutcome& r, const std::string& line) {
  if (!r.ok) {
    ++c.refused;
    FAIL_CHECK("refused: " << r.reason << "\n  " << line);
    return;
  }
  if (std::holds_alternative<TradeEvent>(h.record.payload)) ++c.trades;
  if (std::holds_alternative<DepthEvent>(h.record.payload)) ++c.depths;
  if (std::holds_alternative<OrderEvent>(h.record.payload)) ++c.orders;
  if (h.ignored()) {
    ++c.ignored;
    ++c.ignored_why[std::string(r.reason)];
  }
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("recorded public stream: every frame parses, counts by kind", "[feeds][recorded]") {
  auto path = shared_data("ws_public_sol_usdc.jsonl");
  if (!path) return;
  std::vector<std::string> lines = lines_of(*path);
  REQUIRE(lines.size() == 1506);

  Harness h;
  Counts journal, live;
  for (const std::string& line : lines) {
    std::string record = frame_record(line);
    count(journal, h, h.journal(record), record);
    count(live, h, h.frame(line), line);
  }
  for (const Counts* c : {&journal, &live}) {
    CHECK(c->refused == 0);
    CHECK(c->depths == 400);
    CHECK(c->trades == 1);
    CHECK(c->orders == 0);
    // bookTicker 906 + ticker 90 + kline 18 on SOL_USDC, markPrice 91 on SOL_USDC_PERP.
    CHECK(c->ignored == 906 + 90 + 18 + 91);
    CHECK(c->ignored_why.size() == 1);
    CHECK(c->ignored_why.at("stream not scored") == 1105);
  }
}

TEST_CASE("recorded trade frame: exact values", "[feeds][recorded]") {
  auto path = shared_data("ws_public_sol_usdc.jsonl");
  if (!path) return;
  std::string trade_line;
  for (const std::string& line : lines_of(*path))
    if (line.find(R"("stream":"trade.)") != std::string::npos) trade_line = line;
  REQUIRE_FALSE(trade_line.empty());

  Harness h;
  REQUIRE(h.journal(R"({"ts":1788367469400000,"src":"public","frame":)" + trade_line + "}").ok);
  CHECK(h.record.ts == 1'788'367'469'400'000);
  const auto& t = h.payload<TradeEvent>();
  CHECK(t.market == kSolUsdc);
  CHECK(t.trade_id == 381737933);
  CHECK(t.price == 98'980'000'000);
  CHECK(t.qty == 5'140'000);
  CHECK(t.maker_order_id == 59885446999);  // m is false: the seller `a` made the market
  CHECK(t.engine_time == 1'788'367'469'345'000);
}

TEST_CASE("recorded depth frames: sequence ids chain", "[feeds][recorded]") {
  auto path = shared_data("ws_public_sol_usdc.jsonl");
  if (!path) return;
  Harness h;
  uint64_t last = 0;
  int gaps = 0, frames = 0;
  size_t levels = 0;
  for (const std::string& line : lines_of(*path)) {
    if (line.find(R"("stream":"depth.)") == std::string::npos) continue;
    REQUIRE(h.frame(line).ok);
    const auto& d = h.payload<DepthEvent>();
    CHECK(d.first_id <= d.last_id);
    if (frames++ > 0 && d.first_id != last + 1) ++gaps;
    last = d.last_id;
    levels += d.bids.size() + d.asks.size();
  }
  CHECK(frames == 400);
  CHECK(gaps == 0);
  CHECK(levels >= 400);
}

TEST_CASE("recorded private stream: order updates and balance updates", "[feeds][recorded]") {
  auto path = shared_data("ws_private.jsonl");
  if (!path) return;
  std::vector<std::string> lines = lines_of(*path);
  REQUIRE(lines.size() == 4);

  Harness h;
  Counts journal;
  for (const std::string& line : lines) {
    std::string record = frame_record(line, "mm:alpha");
    count(journal, h, h.journal(record), record);
  }
  CHECK(journal.refused == 0);
  CHECK(journal.orders == 2);
  CHECK(journal.ignored == 2);
  CHECK(journal.ignored_why["stream not scored"] == 2);

  // The accepted order rests; its cancellation takes it off the book.
  REQUIRE(h.frame(lines[0], {SourceKind::mm, 0, 0}).ok);
  const OrderEvent accepted = h.payload<OrderEvent>();
  CHECK(accepted.market == kUsdtUsdc);
  CHECK(accepted.order_id == 59887375336);
  CHECK(accepted.side == Side::ask);
  CHECK(accepted.rests);
  CHECK(accepted.price == 1'007'600'000);
  CHECK(accepted.remaining == 20'000'000);
  REQUIRE(h.frame(lines[2], {SourceKind::mm, 0, 0}).ok);
  CHECK(h.payload<OrderEvent>().order_id == 59887375336);
  CHECK_FALSE(h.payload<OrderEvent>().rests);
}

TEST_CASE("recorded REST depth: 20 levels a side", "[feeds][recorded]") {
  auto path = shared_data("rest_depth_SOL_USDC.json");
  if (!path) return;
  std::string body = read_file(*path);

  Harness h;
  for (int form = 0; form < 2; ++form) {
    ParseOutcome r = form == 0 ? h.journal(R"({"ts":1,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC","body":)" +
                                           body + "}")
                               : h.rest("/api/v1/depth?symbol=SOL_USDC", body);
    INFO(r.reason);
    REQUIRE(r.ok);
    const auto& s = h.payload<DepthSnapshotEvent>();
    CHECK(s.market == kSolUsdc);
    CHECK(s.last_update_id == 4324522523);
    REQUIRE(s.bids.size() == 20);
    REQUIRE(s.asks.size() == 20);
    CHECK(s.asks.front().price == 100'650'000'000);
    CHECK(s.asks.front().qty == 65'500'000);
    CHECK(s.bids.back().price == 100'640'000'000);  // ascending: the best bid is last
    CHECK(s.bids.back().qty == 67'950'000);
  }
}

TEST_CASE("recorded REST bodies not used for state are ignored", "[feeds][recorded]") {
  Harness h;
  for (const char* file : {"rest_trades_SOL_USDC.json", "rest_markets.json"}) {
    auto path = shared_data(file);
    if (!path) return;
    std::string body = read_file(*path);
    ParseOutcome r =
        h.journal(R"({"ts":1,"src":"rest","path":"/api/v1/)" + std::string(file) + R"(","body":)" + body + "}");
    INFO(file << ": " << r.reason);
    CHECK(r.ok);
    CHECK(h.ignored());
  }
}
