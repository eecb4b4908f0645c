// WebSocket frames (BACKPACK.md "Streams used") through the live entry point
// RecordParser::parse_frame: field names in reasons are relative to the frame.
#include "feeds_test_support.h"

using namespace mm;
using namespace mm::test;

namespace {

const std::string kTrade =
    R"({"data":{"E":1700000000000100,"T":1700000000000000,"a":"111","b":"222","e":"trade",)"
    R"("m":false,"p":"100.5","q":"2","s":"SOL_USDC","t":42},"stream":"trade.SOL_USDC"})";

const std::string kDepth =
    R"({"data":{"E":1700000000000100,"T":1700000000000000,"U":10,"a":[["101.25","3.5"],["102","0"]],)"
    R"("b":[["100.75","1.25"]],"e":"depth","s":"SOL_USDC","u":12},"stream":"depth.200ms.SOL_USDC"})";

const std::string kAccepted =
    R"({"data":{"E":1700000000000100,"O":"USER","Q":"20.1520","S":"Ask","T":1700000000000000,)"
    R"("V":"RejectTaker","X":"New","Z":"0","e":"orderAccepted","f":"GTC","i":"59887375336",)"
    R"("o":"LIMIT","p":"1.0076","q":"20","r":false,"s":"USDT_USDC","t":null,"y":true,"z":"0"},)"
    R"("stream":"account.orderUpdate"})";

const std::string kFill =
    R"({"data":{"E":1700000000000100,"L":"1.0075","N":"USDC","O":"USER","Q":"20.1520","S":"Bid",)"
    R"("T":1700000000000000,"V":"RejectTaker","X":"PartiallyFilled","Z":"5.03","e":"orderFill",)"
    R"("f":"GTC","i":"77","l":"5","m":true,"n":"0","o":"LIMIT","p":"1.0075","q":"20","r":false,)"
    R"("s":"USDT_USDC","t":9001,"y":true,"z":"5"},"stream":"account.orderUpdate"})";

const Source kAlphaMain{SourceKind::mm, 0, 0};

// Expects a refusal whose reason is exactly `reason`.
void expect_refused(Harness& h, const std::string& frame, std::string_view reason,
                    Source src = {SourceKind::market, 0, 0}) {
  ParseOutcome r = h.frame(frame, src);
  INFO(frame);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == reason);
  CHECK(h.ignored());  // nothing of a refused frame survives
  CHECK(h.record.source.kind == SourceKind::none);
}

}  // namespace

TEST_CASE("trade frame: values, maker order id, engine time", "[feeds][trade]") {
  Harness h;
  ParseOutcome r = h.frame(kTrade, {SourceKind::market, 0, 0}, 77);
  REQUIRE(r.ok);
  CHECK(r.reason.empty());
  CHECK(h.record.ts == 77);
  CHECK(h.record.source.kind == SourceKind::market);
  const auto& t = h.payload<TradeEvent>();
  CHECK(t.market == kSolUsdc);
  CHECK(t.trade_id == 42);
  CHECK(t.price == 100'500'000'000);
  CHECK(t.qty == 2'000'000);
  CHECK(t.maker_order_id == 111);  // m false: the seller `a` is the maker
  CHECK(t.engine_time == 1'700'000'000'000'000);

  REQUIRE(h.frame(replace(kTrade, R"("m":false)", R"("m":true)")).ok);
  CHECK(h.payload<TradeEvent>().maker_order_id == 222);  // buyer `b` is the maker
}

TEST_CASE("trade frame: quoted times and ids, integer order ids", "[feeds][trade]") {
  Harness h;
  std::string quoted = replace(replace(kTrade, R"("T":1700000000000000)", R"("T":"1700000000000001")"),
                               R"("E":1700000000000100)", R"("E":"1700000000000100")");
  REQUIRE(h.frame(quoted).ok);
  CHECK(h.payload<TradeEvent>().engine_time == 1'700'000'000'000'001);

  std::string integers = replace(replace(kTrade, R"("a":"111")", R"("a":111)"), R"("t":42)", R"("t":"43")");
  REQUIRE(h.frame(integers).ok);
  CHECK(h.payload<TradeEvent>().maker_order_id == 111);
  CHECK(h.payload<TradeEvent>().trade_id == 43);

  // 18-digit ids of 2025 and the largest uint64.
  REQUIRE(h.frame(replace(kTrade, R"("a":"111")", R"("a":"18446744073709551615")")).ok);
  CHECK(h.payload<TradeEvent>().maker_order_id == 18446744073709551615ull);
}

TEST_CASE("trade frame: refusals name the field", "[feeds][trade]") {
  Harness h;
  expect_refused(h, replace(kTrade, R"("p":"100.5")", R"("p":100.5)"), "data.p: expected a decimal string");
  expect_refused(h, replace(kTrade, R"("p":"100.5")", R"("p":"0.000")"), "data.p: price must be > 0");
  expect_refused(h, replace(kTrade, R"("p":"100.5")", R"("p":"-1")"), "data.p: not a plain decimal");
  expect_refused(h, replace(kTrade, R"("p":"100.5")", R"("p":"1e3")"), "data.p: not a plain decimal");
  expect_refused(h, replace(kTrade, R"("p":"100.5")", R"("p":"")"), "data.p: empty number");
  expect_refused(h, replace(kTrade, R"("q":"2")", R"("q":"0")"), "data.q: quantity must be > 0");
  expect_refused(h, replace(kTrade, R"("q":"2")", R"("q":"0.0000001")"),
                 "data.q: more decimals than supported");
  expect_refused(h, replace(kTrade, R"("q":"2")", R"("q":"99999999999999")"), "data.q: number too large");
  expect_refused(h, replace(kTrade, R"(,"t":42)", ""), "data.t: missing");
  expect_refused(h, replace(kTrade, R"("t":42)", R"("t":"4x2")"), "data.t: expected a string of digits");
  expect_refused(h, replace(kTrade, R"("t":42)", R"("t":-42)"),
                 "data.t: expected a non-negative integer that fits 64 bits");
  expect_refused(h, replace(kTrade, R"("t":42)", R"("t":4.2)"),
                 "data.t: expected a non-negative integer that fits 64 bits");
  expect_refused(h, replace(kTrade, R"("a":"111")", R"("a":"18446744073709551616")"),
                 "data.a: does not fit 64 bits");
  expect_refused(h, replace(kTrade, R"("b":"222")", R"("b":null)"),
                 "data.b: expected an integer or a string of digits");
  expect_refused(h, replace(kTrade, R"("m":false)", R"("m":"false")"), "data.m: expected true or false");
  expect_refused(h, replace(kTrade, R"("T":1700000000000000)", R"("T":"2026-09-02T16:44:00")"),
                 "data.T: expected a string of digits");
  expect_refused(h, replace(kTrade, R"("T":1700000000000000)", R"("T":9223372036854775808)"),
                 "data.T: time too large");
  expect_refused(h, replace(kTrade, R"("s":"SOL_USDC")", R"("s":"SOL_USDC_PERP")"),
                 "data.s: does not match the stream name");
  // 1e9 x 1001 = 1.001e12 quote units: above kMaxSingleNotional.
  expect_refused(h, replace(replace(kTrade, R"("p":"100.5")", R"("p":"1000000000")"), R"("q":"2")", R"("q":"1001")"),
                 "data.q: notional above the single-trade limit");
  REQUIRE(h.frame(replace(replace(kTrade, R"("p":"100.5")", R"("p":"1000000000")"), R"("q":"2")", R"("q":"1000")")).ok);
}

TEST_CASE("trade frame of an unconfigured symbol is ignored after validation", "[feeds][trade]") {
  Harness h;
  std::string btc = replace(replace(kTrade, R"("s":"SOL_USDC")", R"("s":"BTC_USDC")"), "trade.SOL_USDC", "trade.BTC_USDC");
  ParseOutcome r = h.frame(btc);
  REQUIRE(r.ok);
  CHECK(h.ignored());
  CHECK(r.reason == "symbol not configured");
  // Malformed stays malformed whatever the config.
  expect_refused(h, replace(btc, R"("q":"2")", R"("q":"x")"), "data.q: not a plain decimal");
}

TEST_CASE("depth frame: ids, levels, aggregated stream names", "[feeds][depth]") {
  Harness h;
  REQUIRE(h.frame(kDepth).ok);
  const auto& d = h.payload<DepthEvent>();
  CHECK(d.market == kSolUsdc);
  CHECK(d.first_id == 10);
  CHECK(d.last_id == 12);
  REQUIRE(d.asks.size() == 2);
  CHECK(d.asks[0].price == 101'250'000'000);
  CHECK(d.asks[0].qty == 3'500'000);
  CHECK(d.asks[1].price == 102'000'000'000);
  CHECK(d.asks[1].qty == 0);  // 0 removes the level
  REQUIRE(d.bids.size() == 1);
  CHECK(d.bids[0].price == 100'750'000'000);
  CHECK(d.bids[0].qty == 1'250'000);

  // Real-time name, ids as strings, one side empty and the other absent.
  std::string one_side = R"({"stream":"depth.SOL_USDC_PERP","data":{"s":"SOL_USDC_PERP","U":"7","u":"7","b":[]}})";
  REQUIRE(h.frame(one_side).ok);
  const auto& e = h.payload<DepthEvent>();
  CHECK(e.market == kSolUsdcPerp);
  CHECK(e.first_id == 7);
  CHECK(e.last_id == 7);
  CHECK(e.bids.empty());
  CHECK(e.asks.empty());

  // Symbols may hold dots; the interval prefix is only "<digits>ms.".
  for (const char* stream : {"depth.MU.US_USDC_PERP", "depth.1000ms.MU.US_USDC_PERP"}) {
    std::string dotted = std::string(R"({"stream":")") + stream +
                         R"(","data":{"s":"MU.US_USDC_PERP","U":1,"u":1,"a":[],"b":[]}})";
    ParseOutcome r = h.frame(dotted);
    CHECK(r.ok);
    CHECK(r.reason == "symbol not configured");
  }
}

TEST_CASE("depth frame: refusals name the field and the level", "[feeds][depth]") {
  Harness h;
  expect_refused(h, replace(kDepth, R"("U":10)", R"("U":13)"), "data.U: greater than u");
  expect_refused(h, replace(kDepth, R"("u":12)", R"("u":"12a")"), "data.u: expected a string of digits");
  expect_refused(h, replace(kDepth, R"("U":10,)", ""), "data.U: missing");
  expect_refused(h, replace(kDepth, R"(["100.75","1.25"])", R"(["100.75","1.25"],["99.1234567891","1"])"),
                 "data.b[1][0]: more decimals than supported");
  expect_refused(h, replace(kDepth, R"(["102","0"])", R"(["102","-0"])"), "data.a[1][1]: not a plain decimal");
  expect_refused(h, replace(kDepth, R"(["102","0"])", R"(["0","5"])"), "data.a[1][0]: price must be > 0");
  expect_refused(h, replace(kDepth, R"(["102","0"])", R"(["102",0])"), "data.a[1][1]: expected a decimal string");
  expect_refused(h, replace(kDepth, R"(["102","0"])", R"(["102","0","1"])"),
                 "data.a[1]: expected exactly [price, quantity]");
  expect_refused(h, replace(kDepth, R"(["102","0"])", R"(["102"])"), "data.a[1]: expected exactly [price, quantity]");
  expect_refused(h, replace(kDepth, R"(["102","0"])", R"({"p":"102"})"), "data.a[1]: expected [price, quantity]");
  expect_refused(h, replace(kDepth, R"("b":[["100.75","1.25"]])", R"("b":{})"),
                 "data.b: expected an array of [price, quantity]");
  expect_refused(h, replace(kDepth, "depth.200ms.SOL_USDC", "depth.200ms.SOL_USDC_PERP"),
                 "data.s: does not match the stream name");
  expect_refused(h, replace(kDepth, "depth.200ms.SOL_USDC", "depth.200xs.SOL_USDC"),
                 "data.s: does not match the stream name");
}

TEST_CASE("other streams are ignored without validating their data", "[feeds][frame]") {
  Harness h;
  for (const char* frame : {
           R"({"data":{"a":98.97,"b":null,"u":"x"},"stream":"bookTicker.SOL_USDC"})",
           R"({"data":{"e":"kline","T":"2026-09-02T16:44:00","c":null},"stream":"kline.1m.SOL_USDC"})",
           R"({"data":{},"stream":"markPrice.SOL_USDC_PERP"})",
           R"({"data":{"weird":[1,{"x":[]}]},"stream":"ticker.SOL_USDC"})"}) {
    ParseOutcome r = h.frame(frame);
    INFO(frame);
    CHECK(r.ok);
    CHECK(r.reason == "stream not scored");
    CHECK(h.ignored());
    CHECK(h.record.source.kind == SourceKind::market);  // the connection is still alive
  }
  ParseOutcome error = h.frame(R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})");
  CHECK(error.ok);
  CHECK(error.reason == "exchange error frame");

  expect_refused(h, R"({"data":[],"stream":"ticker.SOL_USDC"})", "data: expected an object");
  expect_refused(h, R"({"data":{}})", "stream: missing");
  expect_refused(h, R"({"stream":"ticker.SOL_USDC"})", "data: missing");
  expect_refused(h, R"({"stream":7,"data":{}})", "stream: expected a string");
}

TEST_CASE("frames: key order does not matter and unknown fields are skipped", "[feeds][frame]") {
  Harness h;
  std::string shuffled =
      R"({"extra":{"deep":[1,2,{"x":null}]},"stream":"trade.SOL_USDC","data":{"t":42,"s":"SOL_USDC",)"
      R"("q":"2","p":"100.5","zz":[[]],"m":false,"e":"trade","b":"222","a":"111","T":1700000000000000,)"
      R"("E":1}})";
  REQUIRE(h.frame(shuffled).ok);
  const auto& t = h.payload<TradeEvent>();
  CHECK(t.trade_id == 42);
  CHECK(t.price == 100'500'000'000);
  CHECK(t.qty == 2'000'000);
  CHECK(t.maker_order_id == 111);
  CHECK(t.engine_time == 1'700'000'000'000'000);

  std::string depth = R"({"stream":"depth.SOL_USDC","data":{"u":5,"b":[["1","2"]],"s":"SOL_USDC","a":[],"U":5,"new":{}}})";
  REQUIRE(h.frame(depth).ok);
  CHECK(h.payload<DepthEvent>().bids.size() == 1);
}

TEST_CASE("live frames: JSON-level refusals", "[feeds][frame]") {
  Harness h;
  ParseOutcome r = h.frame(kTrade + R"( {"a":1})");
  CHECK_FALSE(r.ok);
  CHECK(r.reason == "frame: trailing content after the JSON object");
  r = h.frame(R"([1,2])");
  CHECK_FALSE(r.ok);
  CHECK(r.reason == "frame: not a JSON object");
  r = h.frame(R"({"data":{"p":"1",},"stream":"trade.SOL_USDC"})");
  CHECK_FALSE(r.ok);
  CHECK(r.reason.starts_with("data.T: invalid JSON ("));
  r = h.frame("");
  CHECK_FALSE(r.ok);
  CHECK(r.reason.starts_with("frame: invalid JSON ("));
}

TEST_CASE("order update: accepted, cancelled, null trade id", "[feeds][order]") {
  Harness h;
  ParseOutcome r = h.frame(kAccepted, kAlphaMain, 9);
  REQUIRE(r.ok);
  CHECK(h.record.ts == 9);
  CHECK(h.record.source.kind == SourceKind::mm);
  const auto& o = h.payload<OrderEvent>();
  CHECK(o.market == kUsdtUsdc);
  CHECK(o.order_id == 59887375336);
  CHECK(o.side == Side::ask);
  CHECK(o.rests);
  CHECK(o.price == 1'007'600'000);
  CHECK(o.remaining == 20'000'000);
  CHECK_FALSE(o.is_fill);
  CHECK(o.trade_id == 0);

  REQUIRE(h.frame(replace(replace(kAccepted, R"("X":"New")", R"("X":"Cancelled")"), "orderAccepted", "orderCancelled"),
                  kAlphaMain).ok);
  CHECK_FALSE(h.payload<OrderEvent>().rests);
  CHECK(h.payload<OrderEvent>().remaining == 20'000'000);

  // t absent entirely on a non-fill event is fine too; a number there is read.
  REQUIRE(h.frame(replace(kAccepted, R"("t":null,)", ""), kAlphaMain).ok);
  REQUIRE(h.frame(replace(kAccepted, R"("t":null)", R"("t":"5")"), kAlphaMain).ok);

  for (const char* e : {"orderExpired", "orderModified", "triggerPlaced", "triggerFailed"})
    CHECK(h.frame(replace(kAccepted, "orderAccepted", e), kAlphaMain).ok);
}

TEST_CASE("order update: fill", "[feeds][order]") {
  Harness h;
  REQUIRE(h.frame(kFill, kAlphaMain).ok);
  const auto& o = h.payload<OrderEvent>();
  CHECK(o.order_id == 77);
  CHECK(o.side == Side::bid);
  CHECK(o.is_fill);
  CHECK(o.maker);
  CHECK(o.trade_id == 9001);
  CHECK(o.fill_price == 1'007'500'000);
  CHECK(o.fill_qty == 5'000'000);
  CHECK(o.rests);  // PartiallyFilled with 15 left
  CHECK(o.remaining == 15'000'000);

  std::string filled = replace(replace(kFill, R"("X":"PartiallyFilled")", R"("X":"Filled")"), R"("z":"5")", R"("z":"20")");
  REQUIRE(h.frame(filled, kAlphaMain).ok);
  CHECK_FALSE(h.payload<OrderEvent>().rests);
  CHECK(h.payload<OrderEvent>().remaining == 0);
}

TEST_CASE("order update: market orders need no price or quantity", "[feeds][order]") {
  Harness h;
  std::string market = replace(replace(replace(kAccepted, R"("o":"LIMIT")", R"("o":"MARKET")"), R"("p":"1.0076",)", ""),
                               R"("q":"20",)", "");
  REQUIRE(h.frame(market, kAlphaMain).ok);
  const auto& o = h.payload<OrderEvent>();
  CHECK_FALSE(o.rests);
  CHECK(o.price == 0);
  CHECK(o.remaining == 0);
  CHECK(h.frame(replace(market, R"("Q":"20.1520")", R"("p":null,"q":null)"), kAlphaMain).ok);
}

TEST_CASE("order update: refusals name the field", "[feeds][order]") {
  Harness h;
  expect_refused(h, replace(kFill, R"("t":9001)", R"("t":null)"), "data.t: missing or null (required on orderFill)",
                 kAlphaMain);
  expect_refused(h, replace(kFill, R"("t":9001,)", ""), "data.t: missing or null (required on orderFill)", kAlphaMain);
  expect_refused(h, replace(kFill, R"("l":"5",)", ""), "data.l: missing", kAlphaMain);
  expect_refused(h, replace(kFill, R"("l":"5")", R"("l":"0")"), "data.l: quantity must be > 0", kAlphaMain);
  expect_refused(h, replace(kFill, R"("L":"1.0075")", R"("L":"0")"), "data.L: price must be > 0", kAlphaMain);
  expect_refused(h, replace(kFill, R"("m":true)", R"("m":1)"), "data.m: expected true or false", kAlphaMain);
  expect_refused(h, replace(replace(kFill, R"("L":"1.0075")", R"("L":"1000000000")"), R"("l":"5")", R"("l":"1001")"),
                 "data.l: fill notional above the single-fill limit", kAlphaMain);
  expect_refused(h, replace(kAccepted, "orderAccepted", "orderTeleported"), "data.e: unknown order event", kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("z":"0")", R"("z":"20.5")"), "data.z: executed quantity exceeds q",
                 kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("p":"1.0076",)", ""), "data.p: missing (required for LIMIT orders)",
                 kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("p":"1.0076")", R"("p":"0")"), "data.p: price must be > 0", kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("q":"20",)", ""), "data.q: missing (required for LIMIT orders)", kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("q":"20")", R"("q":"0")"), "data.q: quantity must be > 0", kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("S":"Ask")", R"("S":"Sell")"), R"(data.S: expected "Bid" or "Ask")",
                 kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("i":"59887375336")", R"("i":"")"), "data.i: expected a string of digits",
                 kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("X":"New",)", ""), "data.X: missing", kAlphaMain);
  expect_refused(h, replace(kAccepted, R"("o":"LIMIT")", R"("o":null)"), "data.o: expected a string", kAlphaMain);
  // A resting order worth more than 1e12 quote units.
  expect_refused(h, replace(replace(kAccepted, R"("p":"1.0076")", R"("p":"1000000")"), R"("q":"20")", R"("q":"1000001")"),
                 "data.q: order notional above the single-order limit", kAlphaMain);
}

TEST_CASE("frames and sources must pair up, else ignored", "[feeds][frame]") {
  Harness h;
  ParseOutcome r = h.frame(kAccepted, {SourceKind::market, 0, 0});
  CHECK(r.ok);
  CHECK(r.reason == "private stream on a public source");
  r = h.frame(kTrade, kAlphaMain);
  CHECK(r.ok);
  CHECK(r.reason == "public stream on a private source");
  r = h.frame(R"({"data":{"e":"balanceUpdate","A":"10"},"stream":"account.balanceUpdate"})", kAlphaMain);
  CHECK(r.ok);
  CHECK(r.reason == "stream not scored");
  CHECK(h.record.source.kind == SourceKind::mm);
}
