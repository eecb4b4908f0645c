// GET /v1/history beyond the fine ring: the coarse tier that keeps the month (pairs
// merged when full), gaps as null rows, unobserved markets as nulls, and the file that
// carries the history across a restart.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "daemon/api/history.h"
#include "feeds/journal_reader.h"  // sha256_hex
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/api_fixture.h"

using namespace api_test;
using mm::api::History;
using mm::api::HistoryOptions;
using mm::api::Role;
using scoring_test::by_key;
using scoring_test::Json;
using scoring_test::parse_json;

namespace {

constexpr TimeUs kT0 = kApril15Noon;
const Role kOps{Role::Kind::ops, 0};

std::vector<int64_t> times(const Json& h) {
  std::vector<int64_t> out;
  for (const Json& t : h["t_ms"].items) out.push_back(std::stoll(t.text));
  return out;
}

// A state whose alpha reward is `cents`, published at `t`.
std::unique_ptr<PublishedState> state_at(const Program& p, TimeUs t, Cents cents) {
  auto s = make_state(p, t);
  s->report.mms[kAlpha].total_reward = cents;
  return s;
}

}  // namespace

TEST_CASE("history: the coarse tier keeps what the ring lets go, pairs merged when full") {
  const Program p = make_program();
  // Fine: 2 points of 1 s; coarse: at most 4 points.
  History h(p, HistoryOptions{kUsPerSecond, 2 * kUsPerSecond, 4});
  for (int k = 0; k < 10; ++k) REQUIRE(h.sample(*state_at(p, kT0 + k * kUsPerSecond, 100 * k)));
  // 8 points went down a tier: 8 -> 4 -> (a fifth) halved to 3 of 2, then 4 of 2 points.
  CHECK(h.coarse_size() == 4);
  CHECK(h.coarse_span() == 2);
  CHECK(h.size() == 6);
  const Json j = parse_json(h.json(kOps, INT64_MIN));
  CHECK(j["coarse_step_ms"].text == "2000");
  const std::vector<int64_t> t = times(j);
  REQUIRE(t.size() == 6);
  for (int k = 0; k < 4; ++k) CHECK(t[k] == (kT0 + 2 * k * kUsPerSecond) / 1000);  // a pair's first time
  CHECK(t[4] == (kT0 + 8 * kUsPerSecond) / 1000);
  CHECK(t[5] == (kT0 + 9 * kUsPerSecond) / 1000);
  const Json& reward = by_key(j["mms"], "mm_id", "alpha")["total_reward_usd"];
  // Means of the pairs (0, 1), (2, 3), ...: 0.5, 2.5, 4.5, 6.5 USD; then 8 and 9.
  CHECK(reward[0].text == "0.5");
  CHECK(reward[1].text == "2.5");
  CHECK(reward[3].text == "6.5");
  CHECK(reward[4].text == "8");
  CHECK(reward[5].text == "9");

  // A month at 10 s in a day's ring and 2,048 coarse points: bounded, the month covered.
  History month(p, HistoryOptions{10 * kUsPerSecond, 24 * 3600 * kUsPerSecond, 2048});
  const TimeUs start = kT0 - (14 * 24 + 12) * 3600 * kUsPerSecond;  // 2026-04-01T00:00:00Z
  const int points = 30 * 24 * 360;
  auto s = make_state(p, start);
  for (int k = 0; k < points; ++k) {
    s->published_at = start + int64_t(k) * 10 * kUsPerSecond;
    s->report.mms[kAlpha].total_reward = k;
    REQUIRE(month.sample(*s));
  }
  // 250,560 points went down a tier: 2,048 points of 128 (the smallest power of two
  // that fits), the newest day still at 10 s.
  CHECK(month.capacity() == 8640);
  CHECK(month.coarse_span() == 128);
  CHECK(month.coarse_size() > 1024);
  CHECK(month.coarse_size() <= 2048);
  CHECK(month.size() == 8640 + month.coarse_size());
  const Json m = parse_json(month.json(kOps, INT64_MIN));
  const std::vector<int64_t> mt = times(m);
  CHECK(mt.front() == start / 1000);  // the month's first point is still there
  CHECK(mt.back() == (start + int64_t(points - 1) * 10 * kUsPerSecond) / 1000);
  CHECK(std::is_sorted(mt.begin(), mt.end()));
  CHECK(m["t_ms"].size() == month.size());  // no gap: no null rows
}

TEST_CASE("history: an outage is a null row, an unobserved market is null") {
  const Program p = make_program();
  History h(p, HistoryOptions{kUsPerSecond, 60 * kUsPerSecond});
  REQUIRE(h.sample(*make_state(p, kT0)));
  REQUIRE(h.sample(*make_state(p, kT0 + kUsPerSecond)));
  REQUIRE(h.sample(*make_state(p, kT0 + 30 * kUsPerSecond)));  // 29 s without a point
  const Json j = parse_json(h.json(kOps, INT64_MIN));
  const std::vector<int64_t> t = times(j);
  REQUIRE(t.size() == 4);
  CHECK(t[2] == (kT0 + 2 * kUsPerSecond) / 1000);  // one null row after the last point before the gap
  const Json& alpha = by_key(j["mms"], "mm_id", "alpha");
  CHECK_FALSE(alpha["total_reward_usd"][1].is_null());
  CHECK(alpha["total_reward_usd"][2].is_null());
  CHECK_FALSE(alpha["total_reward_usd"][3].is_null());
  // since= after the gap's start: no null row; before it: the row is there.
  CHECK(parse_json(h.json(kOps, (kT0 + 5 * kUsPerSecond) / 1000))["t_ms"].size() == 1);
  CHECK(parse_json(h.json(kOps, (kT0 + kUsPerSecond) / 1000))["t_ms"].size() == 2);

  // BTC_USDC_PERP is not observed in the fixture (book out of sync): no depth of 0, null.
  const Json& btc = by_key(j["markets"], "symbol", "BTC_USDC_PERP");
  CHECK(btc["bid_depth_usd"][0].is_null());
  CHECK(btc["ask_depth_usd"][0].is_null());
  CHECK(btc["active_mms"][0].is_null());
  CHECK(by_key(j["markets"], "symbol", "SOL_USDC")["bid_depth_usd"][0].text == "250000");
}

TEST_CASE("history: an outage in the coarse tier stays a gap when pairs merge") {
  const Program p = make_program();
  // Fine: 1 point of 1 s; coarse: at most 4 points. 3 points, a 60 s outage, 5 more.
  History h(p, HistoryOptions{kUsPerSecond, kUsPerSecond, 4});
  for (int k : {0, 1, 2, 62, 63, 64, 65, 66}) REQUIRE(h.sample(*state_at(p, kT0 + k * kUsPerSecond, 100 * k)));
  // Coarse: 0, 1, 2 | 62, 63, 64, 65 (66 is the fine point); merged pairwise but never
  // across the outage: (0 1) (2) | (62 63) (64 65).
  CHECK(h.coarse_size() == 4);
  const Json j = parse_json(h.json(kOps, INT64_MIN));
  const std::vector<int64_t> t = times(j);
  REQUIRE(t.size() == 6);  // 4 coarse, the null row after the outage's start, 1 fine
  CHECK(t[1] == (kT0 + 2 * kUsPerSecond) / 1000);
  CHECK(t[2] == (kT0 + 3 * kUsPerSecond) / 1000);  // the gap
  CHECK(t[3] == (kT0 + 62 * kUsPerSecond) / 1000);
  const Json& reward = by_key(j["mms"], "mm_id", "alpha")["total_reward_usd"];
  CHECK(reward[0].text == "0.5");
  CHECK(reward[1].text == "2");
  CHECK(reward[2].is_null());
  CHECK(reward[3].text == "62.5");
  CHECK(reward[4].text == "64.5");
  CHECK(reward[5].text == "66");
}

TEST_CASE("history: a new month's first point drops the earlier months' coarse points") {
  const Program p = make_program();
  History h(p, HistoryOptions{kUsPerSecond, 2 * kUsPerSecond, 8});
  const TimeUs may = *parse_rfc3339("2026-05-01T00:00:00Z");
  for (int k = 5; k > 0; --k) REQUIRE(h.sample(*state_at(p, may - k * kUsPerSecond, 100)));  // April's last 5 s
  CHECK(h.coarse_size() == 3);  // 3 went down a tier (4 fit: none merged)
  REQUIRE(h.sample(*state_at(p, may, 200)));
  CHECK(h.coarse_size() == 0);  // April's coarse points are gone; its last fine second stays
  CHECK(h.coarse_span() == 1);
  REQUIRE(h.sample(*state_at(p, may + kUsPerSecond, 300)));
  REQUIRE(h.sample(*state_at(p, may + 2 * kUsPerSecond, 400)));
  CHECK(h.coarse_size() == 1);  // May 1 00:00:00; April's last fine point was dropped
  const std::vector<int64_t> t = times(parse_json(h.json(kOps, INT64_MIN)));
  REQUIRE(t.size() == 3);
  CHECK(t[0] == may / 1000);
}

TEST_CASE("history: saved to its file and read back by a new History") {
  const Program p = make_program();
  const std::string dir = temp_dir();
  HistoryOptions o{kUsPerSecond, 3 * kUsPerSecond, 4, dir + "/checkpoints/history.bin"};
  std::string before;
  {
    History h(p, o);  // no file yet: empty
    CHECK(h.size() == 0);
    for (int k = 0; k < 9; ++k) h.sample(*state_at(p, kT0 + k * kUsPerSecond, 100 * k));
    REQUIRE(h.save());
    before = h.json(kOps, INT64_MIN);
    CHECK(std::filesystem::exists(o.file));
    CHECK_FALSE(std::filesystem::exists(o.file + ".tmp"));
  }
  History again(p, o);
  CHECK(again.json(kOps, INT64_MIN) == before);
  CHECK_FALSE(again.sample(*state_at(p, kT0 + 8 * kUsPerSecond, 0)));  // that interval is taken
  CHECK(again.sample(*state_at(p, kT0 + 20 * kUsPerSecond, 0)));      // after a downtime
  const Json j = parse_json(again.json(kOps, INT64_MIN));
  CHECK(j["t_ms"].items.back().text == std::to_string((kT0 + 20 * kUsPerSecond) / 1000));
  CHECK(j["t_ms"].items[j["t_ms"].size() - 2].text == std::to_string((kT0 + 9 * kUsPerSecond) / 1000));  // the gap

  SECTION("a damaged file or another program's is ignored") {
    std::string bytes = again.encode();
    bytes[bytes.size() / 2] ^= 1;
    History fresh(p, HistoryOptions{kUsPerSecond, 3 * kUsPerSecond, 4});
    CHECK_FALSE(fresh.restore(bytes));
    CHECK(fresh.size() == 0);
    Program other = make_program();
    other.mms[kGamma].id = "zulu";
    History foreign(other, HistoryOptions{kUsPerSecond, 3 * kUsPerSecond, 4});
    const auto refused = foreign.restore(again.encode());
    REQUIRE_FALSE(refused);
    CHECK(refused.message() == "written for other MMs or markets");
    History slower(p, HistoryOptions{2 * kUsPerSecond, 3 * kUsPerSecond, 4});
    CHECK_FALSE(slower.restore(again.encode()));
    // Checksummed but inconsistent: a coarse point standing for 0 points, a span not a
    // power of two, times out of order. Re-signed after the edit, as a bug could write it.
    auto resigned = [](const std::string& body) { return body + mm::sha256_hex(body); };
    const std::string good = again.encode();
    const std::string body = good.substr(0, good.size() - 64);  // the hex SHA-256
    REQUIRE(fresh.restore(resigned(body)));  // the re-signing itself is right
    CHECK(fresh.size() == again.size());
    // The tail of the format: span, then the coarse first and last times, counts and
    // values, each vector a u64 length and its elements.
    const size_t c = again.coarse_size(), width = 4 * (p.mms.size() + p.markets.size());
    REQUIRE(c > 0);
    const size_t n_at = body.size() - (8 + c * width * 4) - (8 + c * 4) + 8;
    const size_t last_at = n_at - 8 - (8 + c * 8) + 8, first_at = last_at - 8 - (8 + c * 8) + 8;
    const size_t span_at = first_at - 8 - 8;
    auto put = [](std::string& b, size_t at, auto v) { std::memcpy(b.data() + at, &v, sizeof v); };
    int64_t last0 = 0;
    std::memcpy(&last0, body.data() + last_at, 8);
    History empty(p, HistoryOptions{kUsPerSecond, 3 * kUsPerSecond, 4});
    const std::vector<std::pair<std::string, std::function<void(std::string&)>>> damage{
        {"a coarse point of no points", [&](std::string& b) { put(b, n_at, uint32_t(0)); }},
        {"a span of 3", [&](std::string& b) { put(b, span_at, uint64_t(3)); }},
        {"a point that ends before it starts", [&](std::string& b) { put(b, first_at, last0 + 1); }},
    };
    for (const auto& [what, edit] : damage) {
      INFO(what);
      std::string bad = body;
      edit(bad);
      CHECK_FALSE(empty.restore(resigned(bad)));
      CHECK(empty.size() == 0);
    }
    write_file(o.file, "garbage");
    History after_garbage(p, o);
    CHECK(after_garbage.size() == 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("history: save_if_due writes on its own thread, once save_every has passed") {
  const Program p = make_program();
  const std::string dir = temp_dir();
  HistoryOptions o{kUsPerSecond, 3 * kUsPerSecond, 4, dir + "/history.bin", 60 * kUsPerSecond};
  {
    History h(p, o);
    REQUIRE(h.sample(*state_at(p, kT0, 100)));
    h.save_if_due(kT0);  // the first call starts the clock
    h.save_if_due(kT0 + 59 * kUsPerSecond);
    CHECK_FALSE(std::filesystem::exists(o.file));
    h.save_if_due(kT0 + 60 * kUsPerSecond);  // due: written in the background
    REQUIRE(h.sample(*state_at(p, kT0 + kUsPerSecond, 200)));  // not in that file
  }  // the destructor waits for the write
  History back(p, o);
  CHECK(back.size() == 1);
  CHECK(back.loaded_until() == kT0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("history: a write that fails is counted, and the history stays in memory") {
  const Program p = make_program();
  const std::string dir = temp_dir();
  write_file(dir + "/not-a-directory", "a file where the history's directory should be");
  HistoryOptions o{kUsPerSecond, 3 * kUsPerSecond, 4, dir + "/not-a-directory/history.bin", 60 * kUsPerSecond};
  History h(p, o);
  REQUIRE(h.sample(*state_at(p, kT0, 100)));
  const auto failed = h.save();
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.message(), Catch::Contains("not-a-directory/history.bin.tmp"));
  CHECK(h.save_failures() == 1);
  REQUIRE(h.sample(*state_at(p, kT0 + kUsPerSecond, 200)));
  h.save_if_due(kT0);
  h.save_if_due(kT0 + 60 * kUsPerSecond);  // on the saver thread: fails too
  REQUIRE(h.save());                       // waits for it (nothing new since: no write)
  CHECK(h.save_failures() == 2);
  CHECK(h.size() == 2);
  std::filesystem::remove_all(dir);
}
