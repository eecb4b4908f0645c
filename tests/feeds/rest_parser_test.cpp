// REST bodies through the live entry point RecordParser::parse_rest.
#include "feeds_test_support.h"

using namespace mm;
using namespace mm::test;

namespace {

const Source kRest{SourceKind::rest, 0, 0};
const Source kAlphaRest{SourceKind::mm_rest, 0, 1};

const std::string kDepthBody =
    R"({"asks":[["100.65","65.5"],["100.7","13.24"]],"bids":[["100.6","102.26"],["100.64","67.95"]],)"
    R"("lastUpdateId":"4324522523","timestamp":1788285151254895})";

// Order 1 rests; 2 is a market order; 3 is fully executed; 4 is a trigger order waiting;
// 5 rests on an unconfigured market.
const std::string kOrders =
    R"([{"id":"1","symbol":"SOL_USDC","side":"Ask","orderType":"Limit","price":"101.5",)"
    R"("quantity":"4","executedQuantity":"1.5","status":"PartiallyFilled","createdAt":1},)"
    R"({"id":2,"symbol":"SOL_USDC","side":"Bid","orderType":"Market","price":null,"quantity":"1",)"
    R"("status":"New"},)"
    R"({"id":"3","symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"99","quantity":"2",)"
    R"("executedQuantity":"2","status":"New"},)"
    R"({"id":"4","symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"99","quantity":"2",)"
    R"("status":"TriggerPending"},)"
    R"({"id":"5","symbol":"ETH_USDC","side":"Bid","orderType":"Limit","price":"2000","quantity":"1",)"
    R"("status":"New"}])";

void expect_refused(Harness& h, std::string_view path, const std::string& body, std::string_view reason,
                    Source src) {
  ParseOutcome r = h.rest(path, body, src);
  INFO(body);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == reason);
  CHECK(h.ignored());
}

}  // namespace

TEST_CASE("REST depth: levels as given, string or integer lastUpdateId", "[feeds][rest]") {
  Harness h;
  REQUIRE(h.rest("/api/v1/depth?symbol=SOL_USDC", kDepthBody, kRest, 31).ok);
  CHECK(h.record.ts == 31);
  CHECK(h.record.source.kind == SourceKind::rest);
  const auto& s = h.payload<DepthSnapshotEvent>();
  CHECK(s.market == kSolUsdc);
  CHECK(s.last_update_id == 4324522523);
  REQUIRE(s.asks.size() == 2);
  CHECK(s.asks[1].price == 100'700'000'000);  // REST trims zeros: "100.7"
  CHECK(s.asks[1].qty == 13'240'000);
  REQUIRE(s.bids.size() == 2);
  CHECK(s.bids[1].price == 100'640'000'000);  // ascending: best bid last, untouched

  REQUIRE(h.rest("/api/v1/depth?symbol=SOL_USDC", replace(kDepthBody, R"("4324522523")", "4324522524"), kRest).ok);
  CHECK(h.payload<DepthSnapshotEvent>().last_update_id == 4324522524);
}

TEST_CASE("REST depth: refusals", "[feeds][rest]") {
  Harness h;
  const char* path = "/api/v1/depth?symbol=SOL_USDC";
  expect_refused(h, path, replace(kDepthBody, R"("100.65")", "100.65"), "body.asks[0][0]: expected a decimal string",
                 kRest);
  expect_refused(h, path, replace(kDepthBody, R"("67.95")", R"("67.9500001")"), "body.bids[1][1]: more decimals than supported",
                 kRest);
  expect_refused(h, path, replace(kDepthBody, R"("lastUpdateId":"4324522523",)", ""), "body.lastUpdateId: missing", kRest);
  expect_refused(h, path, "[]", "body: expected an object", kRest);
  expect_refused(h, path, kDepthBody + "{}", "body: trailing content after the JSON value", kRest);
  expect_refused(h, "/api/v1/depth", kDepthBody, "path: depth request without symbol", kRest);
  expect_refused(h, "/api/v1/depth?symbol=A&symbol=B", kDepthBody, "path: symbol given twice", kRest);
}

TEST_CASE("REST paths not used are ignored without reading the body", "[feeds][rest]") {
  Harness h;
  ParseOutcome r = h.rest("/api/v1/trades?symbol=SOL_USDC", "not even JSON", kRest);
  CHECK(r.ok);
  CHECK(r.reason == "REST response not used");
  CHECK(h.record.source.kind == SourceKind::rest);
  r = h.rest("/api/v1/depth?symbol=SOL_USDC", kDepthBody, kAlphaRest);
  CHECK(r.ok);
  CHECK(r.reason == "REST response not used");
}

TEST_CASE("REST open orders: only resting Limit orders of configured markets", "[feeds][rest]") {
  Harness h;
  REQUIRE(h.rest("/api/v1/orders", kOrders, kAlphaRest, 8).ok);
  CHECK(h.record.source.kind == SourceKind::mm_rest);
  CHECK(h.record.source.account == 1);
  const auto& e = h.payload<OpenOrdersEvent>();
  CHECK_FALSE(e.has_market_filter);
  REQUIRE(e.orders.size() == 1);
  CHECK(e.orders[0].order_id == 1);
  CHECK(e.orders[0].market == kSolUsdc);
  CHECK(e.orders[0].side == Side::ask);
  CHECK(e.orders[0].price == 101'500'000'000);
  CHECK(e.orders[0].remaining == 2'500'000);

  // An empty list is meaningful: the account has nothing on the book.
  REQUIRE(h.rest("/api/v1/orders?symbol=SOL_USDC_PERP", "[]", kAlphaRest).ok);
  CHECK(h.payload<OpenOrdersEvent>().orders.empty());
  CHECK(h.payload<OpenOrdersEvent>().has_market_filter);
  CHECK(h.payload<OpenOrdersEvent>().only_market == kSolUsdcPerp);

  // executedQuantity absent or null means nothing executed yet.
  std::string fresh = R"([{"id":"9","symbol":"SOL_USDC","side":"Bid","orderType":"Limit","price":"1",)"
                      R"("quantity":"2","executedQuantity":null,"status":"New"}])";
  REQUIRE(h.rest("/api/v1/orders?symbol=SOL_USDC", fresh, kAlphaRest).ok);
  CHECK(h.payload<OpenOrdersEvent>().orders[0].remaining == 2'000'000);

  ParseOutcome r = h.rest("/api/v1/orders?symbol=ETH_USDC", "[]", kAlphaRest);
  CHECK(r.ok);
  CHECK(r.reason == "symbol not configured");
}

TEST_CASE("REST open orders: refusals", "[feeds][rest]") {
  Harness h;
  expect_refused(h, "/api/v1/orders?symbol=SOL_USDC", kOrders, "body[4].symbol: not the symbol the request asked for",
                 kAlphaRest);
  expect_refused(h, "/api/v1/orders", replace(kOrders, R"("executedQuantity":"1.5")", R"("executedQuantity":"4.5")"),
                 "body[0].executedQuantity: exceeds quantity", kAlphaRest);
  expect_refused(h, "/api/v1/orders", replace(kOrders, R"("price":"101.5")", R"("price":"0")"),
                 "body[0].price: price must be > 0", kAlphaRest);
  expect_refused(h, "/api/v1/orders", replace(kOrders, R"("side":"Ask")", R"("side":"ask")"),
                 R"(body[0].side: expected "Bid" or "Ask")", kAlphaRest);
  expect_refused(h, "/api/v1/orders", replace(kOrders, R"("id":2)", R"("id":-2)"),
                 "body[1].id: expected a non-negative integer that fits 64 bits", kAlphaRest);
  expect_refused(h, "/api/v1/orders", replace(kOrders, R"("status":"TriggerPending")", R"("status":4)"),
                 "body[3].status: expected a string", kAlphaRest);
  expect_refused(h, "/api/v1/orders", R"([{"id":"1","symbol":"SOL_USDC","side":"Bid","orderType":"Limit",)"
                                      R"("price":"1000000","quantity":"1000001","status":"New"}])",
                 "body[0].quantity: order notional above the single-order limit", kAlphaRest);
  expect_refused(h, "/api/v1/orders", R"([[]])", "body[0]: expected an object", kAlphaRest);
  expect_refused(h, "/api/v1/orders", R"({})", "body: expected an array", kAlphaRest);
  expect_refused(h, "/api/v1/orders", R"([] [])", "body: trailing content after the JSON value", kAlphaRest);
}

TEST_CASE("REST paths: the query's symbol, decoded, once, not empty, not a longer key", "[feeds][rest]") {
  Harness h;
  REQUIRE(h.rest("/api/v1/depth?limit=100&symbol=SOL%5FUSDC", kDepthBody, kRest).ok);  // %XX decoded
  CHECK(h.payload<DepthSnapshotEvent>().market == kSolUsdc);
  expect_refused(h, "/api/v1/depth?symbols=SOL_USDC", kDepthBody, "path: depth request without symbol", kRest);
  expect_refused(h, "/api/v1/depth?symbol", kDepthBody, "path: depth request without symbol", kRest);  // no value
  expect_refused(h, "/api/v1/depth?symbol=", kDepthBody, "path: empty symbol", kRest);
  expect_refused(h, "/api/v1/depth?symbol=SOL_USDC&limit=5&symbol=SOL_USDC", kDepthBody, "path: symbol given twice",
                 kRest);
  expect_refused(h, "/api/v1/depth?symbol=SOL_USDC&x=%zz", kDepthBody, "path: bad %-escape in the query", kRest);

  REQUIRE(h.rest("/api/v1/orders?symbols=SOL_USDC", "[]", kAlphaRest).ok);  // "symbols" is no filter
  CHECK_FALSE(h.payload<OpenOrdersEvent>().has_market_filter);
  REQUIRE(h.rest("/api/v1/orders?symbol=SOL%5FUSDC_PERP", "[]", kAlphaRest).ok);
  CHECK(h.payload<OpenOrdersEvent>().only_market == kSolUsdcPerp);
}
