// Journal records (SCORING.md section 11) through RecordParser::parse_journal_line.
#include "feeds_test_support.h"

using namespace mm;
using namespace mm::test;

namespace {

const std::string kTrade =
    R"({"data":{"E":1,"T":1700000000000000,"a":"111","b":"222","e":"trade","m":true,"p":"100.5",)"
    R"("q":"2","s":"SOL_USDC","t":42},"stream":"trade.SOL_USDC"})";

const std::string kOrder =
    R"({"data":{"S":"Bid","X":"New","e":"orderAccepted","i":"5","o":"LIMIT","p":"99","q":"3",)"
    R"("s":"SOL_USDC_PERP","t":null,"z":"1"},"stream":"account.orderUpdate"})";

const std::string kDepthBody = R"({"asks":[["101","1"],["102","2"]],"bids":[["99","3"]],"lastUpdateId":"77","timestamp":5})";

void expect_refused(Harness& h, std::string_view line, std::string_view reason) {
  ParseOutcome r = h.journal(line);
  INFO(line);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == reason);
  CHECK(h.ignored());
  CHECK(h.record.ts == 0);
  CHECK(h.record.source.kind == SourceKind::none);
}

}  // namespace

TEST_CASE("journal: public frame record", "[feeds][journal]") {
  Harness h;
  ParseOutcome r = h.journal(R"({"ts":1700000000000123,"src":"public","frame":)" + kTrade + "}");
  REQUIRE(r.ok);
  CHECK(r.reason.empty());
  CHECK(h.record.ts == 1'700'000'000'000'123);
  CHECK(h.record.source.kind == SourceKind::market);
  CHECK(h.payload<TradeEvent>().maker_order_id == 222);
}

TEST_CASE("journal: ts rules", "[feeds][journal]") {
  Harness h;
  REQUIRE(h.journal(R"({"ts":"1700","src":"public","event":"connected"})").ok);
  CHECK(h.record.ts == 1700);
  REQUIRE(h.journal(R"({"ts":0,"src":"public","event":"connected"})").ok);
  CHECK(h.record.ts == 0);
  expect_refused(h, R"({"src":"public","event":"connected"})", "ts: missing");
  expect_refused(h, R"({"ts":-1,"src":"public","event":"connected"})",
                 "ts: expected a non-negative integer that fits 64 bits");
  expect_refused(h, R"({"ts":1.5,"src":"public","event":"connected"})",
                 "ts: expected a non-negative integer that fits 64 bits");
  expect_refused(h, R"({"ts":"-1","src":"public","event":"connected"})", "ts: expected a string of digits");
  expect_refused(h, R"({"ts":null,"src":"public","event":"connected"})",
                 "ts: expected an integer or a string of digits");
  expect_refused(h, R"({"ts":9223372036854775808,"src":"public","event":"connected"})", "ts: time too large");
  // Nanoseconds by mistake (2026-09-02 in ns), and the first microsecond of 2200: refused.
  expect_refused(h, R"({"ts":1788367469346470000,"src":"public","event":"connected"})",
                 "ts: time after 2200-01-01 (expected microseconds)");
  expect_refused(h, R"({"ts":7258118400000000,"src":"public","event":"connected"})",
                 "ts: time after 2200-01-01 (expected microseconds)");
  REQUIRE(h.journal(R"({"ts":7258118399999999,"src":"public","event":"connected"})").ok);
}

TEST_CASE("journal: mm sources, accounts, unknown mm or account", "[feeds][journal]") {
  Harness h;
  REQUIRE(h.journal(frame_record(kOrder, "mm:alpha")).ok);
  CHECK(h.record.source.kind == SourceKind::mm);
  CHECK(h.record.source.mm == 0);
  CHECK(h.record.source.account == 0);
  const auto& o = h.payload<OrderEvent>();
  CHECK(o.market == kSolUsdcPerp);
  CHECK(o.remaining == 2'000'000);
  CHECK(o.rests);

  REQUIRE(h.journal(R"({"ts":1,"src":"mm:alpha","frame":)" + kOrder + R"(,"account":"hedge"})").ok);
  CHECK(h.record.source.mm == 0);
  CHECK(h.record.source.account == 1);
  REQUIRE(h.journal(frame_record(kOrder, "mm:beta")).ok);
  CHECK(h.record.source.mm == 1);

  ParseOutcome r = h.journal(frame_record(kOrder, "mm:gamma"));
  CHECK(r.ok);
  CHECK(r.reason == "mm not configured");
  CHECK(h.ignored());
  CHECK(h.record.ts == 1);
  CHECK(h.record.source.kind == SourceKind::none);  // never mistaken for MM 0

  r = h.journal(R"({"ts":1,"src":"mm:alpha","account":"sub7","frame":)" + kOrder + "}");
  CHECK(r.ok);
  CHECK(r.reason == "account not configured");
  CHECK(h.record.source.kind == SourceKind::none);

  r = h.journal(R"({"ts":1,"src":"mm:gamma","event":"disconnected"})");
  CHECK(r.ok);
  CHECK(h.ignored());

  // Even for an unknown MM, a malformed frame is malformed.
  expect_refused(h, frame_record(replace(kOrder, R"("q":"3")", R"("q":3)"), "mm:gamma"),
                 "frame.data.q: expected a decimal string");
  expect_refused(h, R"({"ts":1,"src":"mm:alpha","account":7,"event":"connected"})", "account: expected a string");
  expect_refused(h, R"({"ts":1,"src":"public","account":"main","event":"connected"})",
                 "account: only allowed with an mm source");
  expect_refused(h, R"({"ts":1,"src":"mm:","event":"connected"})", "src: empty mm id");
  expect_refused(h, R"({"ts":1,"src":"private","event":"connected"})",
                 "src: unknown source (expected public, mm:<id>, rest or rest:mm:<id>)");
  expect_refused(h, R"({"ts":1,"src":["public"],"event":"connected"})", "src: expected a string");
}

TEST_CASE("journal: frame refusals carry the frame. prefix", "[feeds][journal]") {
  Harness h;
  expect_refused(h, frame_record(replace(kTrade, R"("p":"100.5")", R"("p":"1.2.3")")),
                 "frame.data.p: not a plain decimal");
  expect_refused(h, frame_record(R"({"data":{}})"), "frame.stream: missing");
  expect_refused(h, R"({"ts":1,"src":"public","frame":"{}"})", "frame: expected an object");
  // The pairing of frame and source still applies.
  ParseOutcome r = h.journal(frame_record(kOrder, "public"));
  CHECK(r.ok);
  CHECK(r.reason == "private stream on a public source");
  CHECK(h.record.source.kind == SourceKind::market);
}

TEST_CASE("journal: connection events", "[feeds][journal]") {
  Harness h;
  REQUIRE(h.journal(R"({"ts":3,"src":"public","event":"disconnected"})").ok);
  CHECK_FALSE(h.payload<ConnectionEvent>().up);
  CHECK(h.record.source.kind == SourceKind::market);
  REQUIRE(h.journal(R"({"ts":3,"src":"mm:alpha","account":"hedge","event":"connected"})").ok);
  CHECK(h.payload<ConnectionEvent>().up);
  CHECK(h.record.source.kind == SourceKind::mm);
  CHECK(h.record.source.account == 1);

  expect_refused(h, R"({"ts":3,"src":"public","event":"reconnected"})",
                 R"(event: expected "connected" or "disconnected")");
  expect_refused(h, R"({"ts":3,"src":"public","event":"connected","frame":)" + kTrade + "}",
                 "event: not allowed together with frame");
  expect_refused(h, R"({"ts":3,"src":"public"})", "frame: missing (or event)");
  expect_refused(h, R"({"ts":3,"src":"public","event":"connected","path":"/api/v1/depth"})",
                 "path: not allowed with a stream source");
}

TEST_CASE("journal: tick records", "[feeds][journal]") {
  Harness h;
  REQUIRE(h.journal(R"({"ts":5,"tick":"snapshot","interval":4294967295})").ok);
  CHECK(h.payload<TickEvent>().interval == 4294967295u);
  CHECK(h.record.source.kind == SourceKind::none);
  CHECK(h.record.ts == 5);

  expect_refused(h, R"({"ts":5,"tick":"snapshot","interval":4294967296})", "interval: must be below 2^32");
  expect_refused(h, R"({"ts":5,"tick":"snapshot","interval":-1})", "interval: expected a non-negative integer");
  expect_refused(h, R"({"ts":5,"tick":"snapshot","interval":"3"})", "interval: expected a non-negative integer");
  expect_refused(h, R"({"ts":5,"tick":"snapshot"})", "interval: missing");
  expect_refused(h, R"({"ts":5,"tick":"report","interval":1})", R"(tick: unknown tick (expected "snapshot"))");
  expect_refused(h, R"({"ts":5,"tick":"snapshot","interval":1,"src":"public"})", "src: not allowed in a tick record");
  expect_refused(h, R"({"ts":5,"src":"public","event":"connected","interval":1})",
                 "interval: only allowed in a tick record");
}

TEST_CASE("journal: REST depth snapshot", "[feeds][journal][rest]") {
  Harness h;
  REQUIRE(h.journal(R"({"ts":9,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC_PERP","body":)" + kDepthBody + "}").ok);
  CHECK(h.record.source.kind == SourceKind::rest);
  const auto& s = h.payload<DepthSnapshotEvent>();
  CHECK(s.market == kSolUsdcPerp);
  CHECK(s.last_update_id == 77);
  REQUIRE(s.asks.size() == 2);
  CHECK(s.asks[1].price == 102'000'000'000);
  CHECK(s.asks[1].qty == 2'000'000);
  REQUIRE(s.bids.size() == 1);
  CHECK(s.bids[0].qty == 3'000'000);

  // Body first: read after the fields that say how to read it.
  REQUIRE(h.journal(R"({"body":)" + kDepthBody + R"(,"path":"/api/v1/depth?limit=5&symbol=SOL_USDC","src":"rest","ts":9})").ok);
  CHECK(h.payload<DepthSnapshotEvent>().market == kSolUsdc);
  CHECK(h.payload<DepthSnapshotEvent>().asks.size() == 2);

  ParseOutcome r = h.journal(R"({"ts":9,"src":"rest","path":"/api/v1/depth?symbol=ETH_USDC","body":)" + kDepthBody + "}");
  CHECK(r.ok);
  CHECK(r.reason == "symbol not configured");
  r = h.journal(R"({"ts":9,"src":"rest","path":"/api/v1/markets","body":[1,2,{"x":"y"}]})");
  CHECK(r.ok);
  CHECK(r.reason == "REST response not used");

  expect_refused(h, R"({"ts":9,"src":"rest","path":"/api/v1/depth","body":)" + kDepthBody + "}",
                 "path: depth request without symbol");
  expect_refused(h, R"({"ts":9,"src":"rest","path":"/api/v1/depth?symbol=","body":)" + kDepthBody + "}",
                 "path: empty symbol");
  expect_refused(h, R"({"ts":9,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC","body":)" +
                        replace(kDepthBody, R"(["99","3"])", R"(["99","3x"])") + "}",
                 "body.bids[0][1]: not a plain decimal");
  // Same refusal when the body is read after a rewind.
  expect_refused(h, R"({"body":)" + replace(kDepthBody, R"(["99","3"])", R"(["99","3x"])") +
                        R"(,"ts":9,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC"})",
                 "body.bids[0][1]: not a plain decimal");
  expect_refused(h, R"({"ts":9,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC"})", "body: missing");
  expect_refused(h, R"({"ts":9,"src":"rest","body":{}})", "path: missing");
  expect_refused(h, R"({"ts":9,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC","body":)" + kDepthBody +
                        R"(,"frame":{}})",
                 "frame: not allowed with a REST source");
}

TEST_CASE("journal: REST open orders of an MM account", "[feeds][journal][rest]") {
  Harness h;
  const std::string body =
      R"([{"id":"1","symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"99","quantity":"3",)"
      R"("executedQuantity":"1","status":"PartiallyFilled"}])";
  REQUIRE(h.journal(R"({"ts":2,"src":"rest:mm:alpha","account":"hedge","path":"/api/v1/orders","body":)" + body + "}").ok);
  CHECK(h.record.source.kind == SourceKind::mm_rest);
  CHECK(h.record.source.mm == 0);
  CHECK(h.record.source.account == 1);
  const auto& e = h.payload<OpenOrdersEvent>();
  CHECK_FALSE(e.has_market_filter);
  REQUIRE(e.orders.size() == 1);
  CHECK(e.orders[0].remaining == 2'000'000);

  // Filter symbol kept across the rewind needed when the body comes first.
  REQUIRE(h.journal(R"({"body":)" + body + R"(,"ts":2,"path":"/api/v1/orders?symbol=SOL_USDC","src":"rest:mm:beta"})").ok);
  CHECK(h.payload<OpenOrdersEvent>().has_market_filter);
  CHECK(h.payload<OpenOrdersEvent>().only_market == kSolUsdc);
  CHECK(h.record.source.mm == 1);
  expect_refused(h, R"({"body":)" + body + R"(,"ts":2,"path":"/api/v1/orders?symbol=SOL_USDC_PERP","src":"rest:mm:beta"})",
                 "body[0].symbol: not the symbol the request asked for");

  ParseOutcome r = h.journal(R"({"ts":2,"src":"rest:mm:zed","path":"/api/v1/orders","body":)" + body + "}");
  CHECK(r.ok);
  CHECK(r.reason == "mm not configured");
  CHECK(h.record.source.kind == SourceKind::none);
  // Orders on the public REST source, depth on an MM's: not used.
  CHECK(h.journal(R"({"ts":2,"src":"rest","path":"/api/v1/orders","body":)" + body + "}").reason ==
        "REST response not used");
  CHECK(h.journal(R"({"ts":2,"src":"rest:mm:alpha","path":"/api/v1/depth?symbol=SOL_USDC","body":{}})").reason ==
        "REST response not used");
}

TEST_CASE("journal: key order does not matter, unknown fields are skipped", "[feeds][journal]") {
  Harness h;
  REQUIRE(h.journal(R"({"frame":)" + kOrder + R"(,"note":{"a":[1,2]},"account":"hedge","src":"mm:alpha","ts":"44"})").ok);
  CHECK(h.record.ts == 44);
  CHECK(h.record.source.kind == SourceKind::mm);
  CHECK(h.record.source.account == 1);
  CHECK(h.payload<OrderEvent>().order_id == 5);

  // Frame before src: read after the pass, with the same refusals.
  expect_refused(h, R"({"frame":)" + replace(kTrade, R"("q":"2")", R"("q":"")") + R"(,"src":"public","ts":1})",
                 "frame.data.q: empty number");
  expect_refused(h, R"({"frame":{},"ts":1,"src":"rest","path":"/api/v1/depth?symbol=SOL_USDC","body":)" + kDepthBody + "}",
                 "frame: not allowed with a REST source");
  expect_refused(h, R"({"frame":[],"src":"public","ts":1})", "frame: expected an object");

  REQUIRE(h.journal(R"({"interval":3,"x":null,"tick":"snapshot","ts":1})").ok);
  CHECK(h.payload<TickEvent>().interval == 3);
}

TEST_CASE("journal: record-level refusals", "[feeds][journal]") {
  Harness h;
  expect_refused(h, R"([1,2])", "record: not a JSON object");
  expect_refused(h, R"("hello")", "record: not a JSON object");
  expect_refused(h, R"({"ts":1,"src":"public","event":"connected"} {"ts":2})",
                 "record: trailing content after the JSON object");
  expect_refused(h, R"({"ts":1,"ts":2,"src":"public","event":"connected"})", "ts: duplicate key");
  expect_refused(h, R"({"ts":1,"src":"public","frame":)" + kTrade + R"(,"frame":)" + kTrade + "}", "frame: duplicate key");
  expect_refused(h, R"({"ts":1})", "src: missing (or tick)");
  expect_refused(h, R"({"ts":1,"src":"public","event":"connected",})", "record: invalid JSON (The JSON document has "
                                                                       "an improper structure: missing or superfluous "
                                                                       "commas, braces, missing keys, etc.)");
  ParseOutcome r = h.journal(R"({"ts":1,"src":"public","event":"conn)");
  CHECK_FALSE(r.ok);
  CHECK(r.reason.starts_with("record: invalid JSON ("));
  r = h.journal(R"({"ts":1,"src":"public","event":"connected"}])");
  CHECK_FALSE(r.ok);
  CHECK(r.reason.starts_with("record: invalid JSON ("));
  r = h.journal("");
  CHECK_FALSE(r.ok);
  CHECK(r.reason.starts_with("record: invalid JSON ("));
}

TEST_CASE("journal: a refusal after a success leaves nothing applicable", "[feeds][journal]") {
  Harness h;
  REQUIRE(h.journal(frame_record(kTrade)).ok);
  REQUIRE(std::holds_alternative<TradeEvent>(h.record.payload));
  CHECK_FALSE(h.journal(frame_record(replace(kTrade, R"("t":42)", R"("t":null)"))).ok);
  CHECK(h.ignored());
  CHECK(h.record.ts == 0);
  CHECK(h.record.source.kind == SourceKind::none);
}
