#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "core/report_format.h"
#include "daemon/engine_loop.h"
#include "daemon/report_files.h"
#include "feeds/journal_replay.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;
using test_support::temp_dir;

namespace {

Program program() {
  Program p = test_support::one_market_program();
  p.snapshot_interval = 200'000;  // 200 ms: several snapshots during the test
  return p;
}

struct Requests : FeedRequests {
  std::mutex mu;
  std::vector<uint32_t> depth;
  std::vector<std::pair<uint16_t, uint16_t>> orders;
  void request_depth(uint32_t m) override {
    std::lock_guard l(mu);
    depth.push_back(m);
  }
  void request_open_orders(uint16_t mm, uint16_t a) override {
    std::lock_guard l(mu);
    orders.push_back({mm, a});
  }
  std::vector<uint32_t> trade_history;
  std::vector<std::pair<uint16_t, TimeUs>> fill_history;
  void request_trade_history(uint32_t m, const TradeBackfillTarget&) override {
    std::lock_guard l(mu);
    trade_history.push_back(m);
  }
  void request_fill_history(uint16_t mm, uint16_t, TimeUs from) override {
    std::lock_guard l(mu);
    fill_history.push_back({mm, from});
  }
};

std::string order_frame(TimeUs t, const char* id, const char* side, const char* price) {
  return R"({"data":{"E":)" + std::to_string(t) + R"(,"O":"USER","Q":"0","S":")" + side + R"(","T":)" +
         std::to_string(t) + R"(,"V":"RejectTaker","X":"New","Z":"0","e":"orderAccepted","f":"GTC","i":")" + id +
         R"(","o":"LIMIT","p":")" + price + R"(","q":"30","r":false,"s":"SOL_USDC","t":null,"y":true,"z":"0"},"stream":"account.orderUpdate"})";
}

std::string trade_frame(TimeUs t, int id, const char* sep) {
  return std::string(R"({"data":{"E":)") + std::to_string(t) + "," + sep + R"("T":)" + std::to_string(t) +
         R"(,"a":"112","b":"999","e":"trade","m":false,"p":"100.50","q":"2","s":"SOL_USDC","t":)" +
         std::to_string(id) + R"(},"stream":"trade.SOL_USDC"})";
}

void push(InboundRing& ring, TimeUs ts, InboundKind kind, Source s, std::string_view payload = {},
          std::string_view path = {}) {
  Inbound m;
  m.ts = ts;
  m.kind = kind;
  m.source = s;
  m.payload = payload;
  m.path = path;
  while (!ring.push(m)) std::this_thread::yield();
}

std::string without_as_of(std::string json) {
  const auto at = json.find("\"as_of\"");
  return json.erase(at, json.find('\n', at) - at);
}

}  // namespace

TEST_CASE("engine loop: parse, apply, journal in order, the journal replays to the same report") {
  // Sleeping between messages, and polling the ring before sleeping: same outcome.
  const TimeUs spin = GENERATE(TimeUs(0), TimeUs(2000));
  INFO("spin_before_sleep " << spin);
  const std::string dir = temp_dir("loop");
  const Program p = program();
  InboundRing ring(1 << 20);
  // Time is driven by the test, not slept through.
  ManualClock clock(system_clock().now_us());
  JournalWriter journal(p, JournalOptions{.dir = dir + "/journal", .clock = &clock});
  REQUIRE(journal.open(clock.now_us()));
  Requests requests;
  RcuCell<PublishedState> published;
  EngineLoop loop(p, ring, &journal, &requests, published,
                  {.publish_interval = 100'000, .report_dir = dir + "/reports", .spin_before_sleep = spin, .clock = &clock});
  std::atomic<bool> stop{false};
  std::thread engine_thread([&] { loop.run(stop); });

  const Source pub{SourceKind::market}, alpha{SourceKind::mm, 0, 0};
  const TimeUs t0 = clock.now_us();
  push(ring, t0, InboundKind::connected, pub);
  push(ring, t0, InboundKind::rest, Source{SourceKind::rest},
       R"({"asks":[["101","100"]],"bids":[["99","100"]],"lastUpdateId":"10","timestamp":1})",
       "/api/v1/depth?symbol=SOL_USDC");
  push(ring, t0, InboundKind::connected, alpha);
  push(ring, t0, InboundKind::frame, alpha, order_frame(t0, "111", "Bid", "99.50"));
  push(ring, t0, InboundKind::frame, alpha, order_frame(t0, "112", "Ask", "100.50"));
  push(ring, t0, InboundKind::frame, pub, trade_frame(t0, 5, ""));
  push(ring, t0, InboundKind::frame, pub, trade_frame(t0, 6, "\r\n  "));  // pretty-printed: still one record
  push(ring, t0, InboundKind::frame, pub, "{not json");
  // Let a few snapshot intervals pass with the quotes resting: 700 ms of clock time.
  while (loop.processed() < 8) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (int step = 0; step < 14; ++step) {
    clock.advance(50'000);
    ring.wakeup().notify();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  push(ring, clock.now_us(), InboundKind::disconnected, alpha);
  push(ring, clock.now_us(), InboundKind::disconnected, pub);
  while (loop.processed() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  ring.wakeup().notify();
  engine_thread.join();
  journal.close();

  {
    std::lock_guard l(requests.mu);
    CHECK(requests.depth == std::vector<uint32_t>{0});  // the public connect asked for a seed
    CHECK(requests.orders == std::vector<std::pair<uint16_t, uint16_t>>{{0, 0}});
    // ... and the backfills: the market's trades, alpha's fills from the month start.
    CHECK(requests.trade_history == std::vector<uint32_t>{0});
    CHECK(requests.fill_history == std::vector<std::pair<uint16_t, TimeUs>>{{0, month_of(t0).start()}});
  }
  const Engine& live = loop.engine();
  CHECK(live.month().input.records == 10 + live.month().snapshots_taken);  // ticks are journal records
  CHECK(live.month().input.rejected == 1);
  CHECK(live.month().cell(0, 0).maker_volume == u128(402) * kNotionalScale);  // 2 x 100.50 x 2
  CHECK(live.month().snapshots_taken >= 2);
  CHECK(live.month().cell(0, 0).snapshots_active >= 2);
  bool seen = false;
  published.read([&](const PublishedState& s) {
    seen = true;
    CHECK(s.started);
    CHECK(s.report.mms.size() == 1);
    CHECK(s.latency.count() == 10);
    CHECK(s.service.count() == 10);
    CHECK(s.refused.public_frames == 1);  // "{not json"
    CHECK(s.refused.private_frames == 0);
    CHECK(s.refused.rest_bodies == 0);
  });
  CHECK(seen);

  // Replay of the journal: same report, byte for byte but for as_of.
  Engine replayed(p);
  JournalReplayer replayer(p, replayed);
  for (const auto& f : list_journal_files(dir + "/journal")) REQUIRE(replayer.replay_file(f));
  const std::string live_json = report_json(p, score_month(p, live.month(), false));
  const std::string replay_json = report_json(p, score_month(p, replayed.month(), false));
  CHECK(without_as_of(live_json) == without_as_of(replay_json));
  CHECK(replayed.month().snapshots_taken == live.month().snapshots_taken);
  CHECK(replayed.tick_mode());
  std::filesystem::remove_all(dir);
}

TEST_CASE("engine loop: a restore stops when asked (SIGTERM during a long restart)") {
  const std::string dir = temp_dir("restore-stop");
  const Program p = program();
  const std::string file = dir + "/journal-20260301T000000.000000Z.ndjson";
  {
    std::ofstream out(file);
    const TimeUs t0 = 1'772'323'200'000'000;  // 2026-03-01T00:00:00Z
    for (int i = 0; i < 200'000; ++i)
      out << R"({"ts":)" << t0 + i << R"(,"src":"public","event":")" << (i % 2 ? "disconnected" : "connected")
          << "\"}\n";
  }
  InboundRing ring(1 << 20);
  Requests requests;
  RcuCell<PublishedState> published;
  EngineLoop loop(p, ring, nullptr, &requests, published, {.publish_interval = 100'000, .report_dir = dir + "/reports"});
  int asked = 0;
  const auto stopped = loop.restore({file}, [&] { return ++asked == 2; });  // asked every 65,536 records
  REQUIRE_FALSE(stopped);
  CHECK(asked == 2);
  CHECK(stopped.message() == file + ": stopped at line 131072");
  CHECK(loop.engine().month().input.records == 131'072);

  // Not asked to stop: the whole file.
  EngineLoop again(p, ring, nullptr, &requests, published, {.publish_interval = 100'000, .report_dir = dir + "/reports"});
  REQUIRE(again.restore({file}, [] { return false; }));
  CHECK(again.engine().month().input.records == 200'000);
  std::filesystem::remove_all(dir);
}

TEST_CASE("engine loop: a restore writes a month's final report over a running one, never over a final one") {
  const std::string dir = temp_dir("restore-final");
  const Program p = program();
  const std::string reports = dir + "/reports", file = dir + "/journal-20260228T000000.000000Z.ndjson";
  {
    std::ofstream out(file);
    out << R"({"ts":1772236800000000,"src":"public","event":"connected"})" << "\n"   // 2026-02-28
        << R"({"ts":1772323200000000,"src":"public","event":"connected"})" << "\n";  // 2026-03-01: Feb closes
  }
  std::filesystem::create_directories(reports);
  const std::string feb = reports + "/report-2026-02.json";
  Report running;
  running.month = YearMonth{2026, 2};
  std::ofstream(feb) << report_json(p, running);  // left by a stop before the month ended
  REQUIRE_FALSE(is_final_report_file(feb));

  InboundRing ring(1 << 20);
  Requests requests;
  RcuCell<PublishedState> published;
  {
    EngineLoop loop(p, ring, nullptr, &requests, published, {.publish_interval = 100'000, .report_dir = reports});
    REQUIRE(loop.restore({file}));
  }
  CHECK(is_final_report_file(feb));  // the running report was replaced

  std::ofstream(feb) << "{\"month\": \"2026-02\", \"final\": true, \"mark\": 1}";
  {
    EngineLoop loop(p, ring, nullptr, &requests, published, {.publish_interval = 100'000, .report_dir = reports});
    REQUIRE(loop.restore({file}));
  }
  std::ifstream in(feb);
  const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(kept == "{\"month\": \"2026-02\", \"final\": true, \"mark\": 1}");  // a final report is never rewritten
  std::filesystem::remove_all(dir);
}
