// REST history bodies (SCORING.md section 13) through RecordParser: the public trade
// history of a market and an MM account's fill history; refusals are whole.
#include "feeds_test_support.h"

using namespace mm;
using namespace mm::test;

namespace {

const Source kRest{SourceKind::rest, 0, 0};
const Source kAlphaRest{SourceKind::mm_rest, 0, 0};
constexpr const char* kTradesPath = "/api/v1/trades/history?symbol=SOL_USDC&limit=1000&offset=0";
constexpr const char* kFillsPath = "/wapi/v1/history/fills?fillType=User&from=1788285000000&limit=1000&offset=0&to=1788285200000";

const std::string kTrades =
    R"([{"id":381731418,"isBuyerMaker":false,"price":"100.67","quantity":"0.22","quoteQuantity":"22.1474",)"
    R"("timestamp":1788285123140},)"
    R"({"id":"381731417","isBuyerMaker":true,"price":"100.67","quantity":"2.05","quoteQuantity":"206.3735",)"
    R"("timestamp":1788285119299}])";

// 3 maker on SOL_USDC, 4 taker with an ISO time, one with no trade id, one on an
// unconfigured market.
const std::string kFills =
    R"([{"clientId":null,"fee":"0","feeSymbol":"USDC","isMaker":true,"orderId":"11","price":"100.5",)"
    R"("quantity":"2","side":"Ask","symbol":"SOL_USDC","systemOrderType":null,"timestamp":1788285100000,"tradeId":3},)"
    R"({"isMaker":false,"orderId":"12","price":"100","quantity":"1.5","side":"Bid","symbol":"SOL_USDC",)"
    R"("timestamp":"2026-09-01T17:52:10.250","tradeId":"4"},)"
    R"({"isMaker":true,"orderId":"13","price":"100","quantity":"1","side":"Bid","symbol":"SOL_USDC",)"
    R"("timestamp":1788285100000,"tradeId":null},)"
    R"({"isMaker":true,"orderId":"14","price":"2000","quantity":"1","side":"Bid","symbol":"ETH_USDC",)"
    R"("timestamp":1788285100000,"tradeId":9}])";

void expect_refused(Harness& h, std::string_view path, const std::string& body, std::string_view reason, Source src) {
  const ParseOutcome r = h.rest(path, body, src);
  INFO(body);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == reason);
  CHECK(h.ignored());
}

}  // namespace

TEST_CASE("trade history: newest first, ids as numbers or strings, ms times", "[feeds][rest][history]") {
  Harness h;
  REQUIRE(h.rest(kTradesPath, kTrades, kRest).ok);
  const auto& e = h.payload<TradeHistoryEvent>();
  CHECK(e.market == kSolUsdc);
  REQUIRE(e.trades.size() == 2);
  CHECK(e.trades[0].trade_id == 381731418);
  CHECK(e.trades[0].price == 100'670'000'000);
  CHECK(e.trades[0].qty == 220'000);
  CHECK(e.trades[0].time == 1788285123140'000);
  CHECK(e.trades[1].trade_id == 381731417);

  // An unconfigured symbol: well-formed, not used.
  const ParseOutcome other = h.rest("/api/v1/trades/history?symbol=ETH_USDC&limit=10", kTrades, kRest);
  CHECK(other.ok);
  CHECK(h.ignored());
  // Not the public REST source: not used either.
  CHECK(h.rest(kTradesPath, kTrades, kAlphaRest).ok);
  CHECK(h.ignored());
}

TEST_CASE("trade history: refusals", "[feeds][rest][history]") {
  Harness h;
  expect_refused(h, kTradesPath, "{}", "body: expected an array", kRest);
  expect_refused(h, kTradesPath, replace(kTrades, "381731417", "381731418"),
                 "body[1].id: not below the id before it (history is newest first)", kRest);
  expect_refused(h, kTradesPath, replace(kTrades, R"("100.67")", R"("1e2")"), "body[0].price: not a plain decimal", kRest);
  expect_refused(h, kTradesPath, replace(kTrades, "1788285123140", R"("soon")"), "body[0].timestamp: expected ms or an ISO time",
                 kRest);
  expect_refused(h, "/api/v1/trades/history?symbol=SOL_USDC&limit=1", kTrades, "body: more trades than the request's limit",
                 kRest);
  expect_refused(h, "/api/v1/trades/history?limit=1000", kTrades, "path: trade history request without symbol", kRest);
  expect_refused(h, "/api/v1/trades/history?symbol=SOL_USDC&limit=5000", kTrades, "path: limit: not 1..1000", kRest);
  expect_refused(h, "/api/v1/trades/history?symbol=SOL_USDC&limit=x", kTrades, "path: limit: not an unsigned integer", kRest);
}

TEST_CASE("the recorded REST trades parse as one history page", "[feeds][rest][history][recorded]") {
  auto path = shared_data("rest_trades_SOL_USDC.json");
  if (!path) return;
  Harness h;
  const std::string body = read_file(*path);
  REQUIRE(h.rest(kTradesPath, body, kRest).ok);
  const auto& e = h.payload<TradeHistoryEvent>();
  REQUIRE(e.trades.size() == 10);  // 381731418 down to 381731409, no hole
  for (size_t i = 0; i < e.trades.size(); ++i) CHECK(e.trades[i].trade_id == 381731418 - i);
  CHECK(e.trades[0].price == 100'670'000'000);
  CHECK(e.trades[0].qty == 220'000);
  CHECK(e.trades[0].time == 1788285123140'000);
  // The same body as a journal record.
  const ParseOutcome j =
      h.journal(std::string(R"({"ts":1,"src":"rest","path":")") + kTradesPath + R"(","body":)" + body + "}");
  REQUIRE(j.ok);
  CHECK(h.payload<TradeHistoryEvent>().trades.size() == 10);
}

TEST_CASE("fill history: fills of configured markets with a trade id, ms or ISO times", "[feeds][rest][history]") {
  Harness h;
  REQUIRE(h.rest(kFillsPath, kFills, kAlphaRest).ok);
  CHECK(h.record.source.kind == SourceKind::mm_rest);
  const auto& e = h.payload<FillHistoryEvent>();
  REQUIRE(e.fills.size() == 2);
  CHECK(e.fills[0].market == kSolUsdc);
  CHECK(e.fills[0].trade_id == 3);
  CHECK(e.fills[0].maker);
  CHECK(e.fills[0].price == 100'500'000'000);
  CHECK(e.fills[0].qty == 2'000'000);
  CHECK(e.fills[0].time == 1788285100000'000);
  CHECK(e.fills[1].trade_id == 4);
  CHECK_FALSE(e.fills[1].maker);
  CHECK(e.fills[1].time == *parse_rfc3339("2026-09-01T17:52:10.25Z"));
  // Public REST source: not used.
  CHECK(h.rest(kFillsPath, kFills, kRest).ok);
  CHECK(h.ignored());
}

TEST_CASE("fill history: refusals", "[feeds][rest][history]") {
  Harness h;
  expect_refused(h, kFillsPath, replace(kFills, "1788285100000", "1788285300000"),
                 "body[0].timestamp: outside the requested from/to", kAlphaRest);
  expect_refused(h, "/wapi/v1/history/fills?from=1788285000000&symbol=BTC_USDC&to=1788285200000", kFills,
                 "body[0].symbol: not the symbol the request asked for", kAlphaRest);
  expect_refused(h, "/wapi/v1/history/fills?from=1788285000000", kFills, "path: fill history without from and to",
                 kAlphaRest);
  expect_refused(h, "/wapi/v1/history/fills?from=5&to=4", kFills, "path: from/to: not a window", kAlphaRest);
  expect_refused(h, kFillsPath, replace(kFills, R"("isMaker":true)", R"("isMaker":"yes")"),
                 "body[0].isMaker: expected true or false", kAlphaRest);
  expect_refused(h, kFillsPath, "[1]", "body[0]: expected an object", kAlphaRest);
}
