// The pure parts of the history backfills: page paths, Retry-After, and the page reader
// that decides whether to fetch the next page.
#include "feeds/net/history_page.h"

#include <catch2/catch.hpp>

#include "feeds/net/protocol.h"

namespace mm::net {

TEST_CASE("history paths: parameters in the exchange's order, fills alphabetical", "[net][backfill]") {
  CHECK(trade_history_path("SOL_USDC", 1000, 2000) == "/api/v1/trades/history?symbol=SOL_USDC&limit=1000&offset=2000");
  const QueryList fills = fill_history_query(1700000000123, 1700000060457, 1000, 0);
  CHECK(with_query(kFillHistoryPath, fills) ==
        "/wapi/v1/history/fills?fillType=User&from=1700000000123&limit=1000&offset=0&to=1700000060457");
  CHECK(std::is_sorted(fills.begin(), fills.end()));  // sent in the order they are signed
  CHECK(with_query("/x", {}) == "/x");
}

TEST_CASE("Retry-After: delta-seconds only, capped at a day", "[net][backfill]") {
  CHECK(retry_after_delay("3") == 3 * kUsPerSecond);
  CHECK(retry_after_delay(" 0 ") == 0);
  CHECK(retry_after_delay("99999999999999999999") == 86'400 * kUsPerSecond);
  CHECK_FALSE(retry_after_delay(""));
  CHECK_FALSE(retry_after_delay("-1"));
  CHECK_FALSE(retry_after_delay("1.5"));
  CHECK_FALSE(retry_after_delay("Wed, 21 Oct 2015 07:28:00 GMT"));  // HTTP-date: not followed
}

TEST_CASE("trade page: count, and the last element's id and timestamp", "[net][backfill]") {
  HistoryPageReader reader;
  auto page = reader.trades(
      R"([{"id":381731418,"price":"1","timestamp":1700000000999,"isBuyerMaker":true},)"
      R"({"timestamp":1700000000500,"quantity":"2","id":"381731417"}])");
  REQUIRE(page);
  CHECK(page->count == 2);
  CHECK(page->oldest_id == 381731417);  // a string of digits, keys in any order
  CHECK(page->oldest_timestamp_ms == 1700000000500);

  page = reader.trades(" [ ] \n");
  REQUIRE(page);
  CHECK(page->count == 0);
  CHECK(page->oldest_id == 0);

  // The same reader again with a smaller body: nothing of the last one is left over.
  page = reader.trades(R"([{"id":7,"timestamp":1}])");
  REQUIRE(page);
  CHECK((page->count == 1 && page->oldest_id == 7 && page->oldest_timestamp_ms == 1));
}

TEST_CASE("trade page: anything else is refused with the first problem", "[net][backfill]") {
  HistoryPageReader reader;
  const auto reason = [&](std::string_view body) {
    auto page = reader.trades(body);
    return page ? std::string("accepted") : page.message();
  };
  CHECK(reason(R"({"code":"INVALID_SYMBOL","message":"no"})") == "not a JSON array");
  CHECK(reason("not json") == "not a JSON array");
  CHECK(reason("") == "not a JSON array");
  CHECK(reason(R"([{"id":1,"timestamp":1},2])") == "element 1: not an object");
  CHECK(reason(R"([{"timestamp":1}])") == "element 0: no \"id\" (a number or a string of digits)");
  CHECK(reason(R"([{"id":-1,"timestamp":1}])") == "element 0: no \"id\" (a number or a string of digits)");
  CHECK(reason(R"([{"id":"12a","timestamp":1}])") == "element 0: no \"id\" (a number or a string of digits)");
  CHECK(reason(R"([{"id":"","timestamp":1}])") == "element 0: no \"id\" (a number or a string of digits)");
  CHECK(reason(R"([{"id":1.5,"timestamp":1}])") == "element 0: no \"id\" (a number or a string of digits)");
  CHECK(reason(R"([{"id":1}])") == "element 0: no \"timestamp\" (an integer of ms)");
  CHECK(reason(R"([{"id":1,"timestamp":"1700000000000"}])") == "element 0: no \"timestamp\" (an integer of ms)");
  CHECK(reason(R"([{"id":1,"timestamp":1.5}])") == "element 0: no \"timestamp\" (an integer of ms)");
  CHECK(reason(R"([{"id":1,"timestamp":1}] [])") == "content after the array");
  CHECK(reason(R"([{"id":1,"timestamp":1})") != "accepted");  // truncated
}

TEST_CASE("fill page: an array of objects, counted", "[net][backfill]") {
  HistoryPageReader reader;
  auto count = reader.fills(R"([{"tradeId":null,"isMaker":true,"x":[1,{"y":2}]},{}])");
  REQUIRE(count);
  CHECK(*count == 2);
  count = reader.fills("[]");
  REQUIRE(count);
  CHECK(*count == 0);
  CHECK(reader.fills(R"({"code":"UNAUTHORIZED"})").message() == "not a JSON array");
  CHECK(reader.fills(R"([{},"x"])").message() == "element 1: not an object");
  CHECK(reader.fills(R"([{}] [])").message() == "content after the array");
  CHECK_FALSE(reader.fills(R"([{}] {})"));
  CHECK_FALSE(reader.fills(R"([{}]x)"));
}

}  // namespace mm::net
