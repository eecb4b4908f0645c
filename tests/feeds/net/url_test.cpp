// The one query-string parser (feeds/net/url.h, on Boost.URL): percent-encoding, repeated
// keys, empty values, keys that are prefixes of others.
#include "feeds/net/url.h"

#include <catch2/catch.hpp>

namespace mm::net {

namespace {

QueryParams parsed(std::string_view query) {
  Result<QueryParams> p = QueryParams::parse(query);
  INFO(query);
  REQUIRE(p.ok());
  return std::move(p).value();
}

}  // namespace

TEST_CASE("query params: %XX decoded, '+' kept, bad escapes refused", "[net][url]") {
  const QueryParams q = parsed("token=abc%2Bdef%3D%26x&sym=MU.US_USDC&plus=a+b&k%65y=v");
  CHECK(q.first("token") == std::optional<std::string_view>("abc+def=&x"));  // escaped '&' and '=' are data
  CHECK(q.first("sym") == std::optional<std::string_view>("MU.US_USDC"));
  CHECK(q.first("plus") == std::optional<std::string_view>("a+b"));
  CHECK(q.first("key") == std::optional<std::string_view>("v"));  // keys are decoded too
  CHECK(q.first("k%65y") == std::nullopt);
  CHECK(parsed("t=%e2%82%AC").first("t") == std::optional<std::string_view>("\xE2\x82\xAC"));  // either case

  for (const char* bad : {"a=%", "a=%4", "a=%g0", "ok=1&a=%zz", "%=1"}) {
    INFO(bad);
    CHECK_FALSE(QueryParams::parse(bad).ok());
    CHECK(query_param(bad, "ok") == std::nullopt);  // a query with a bad escape has no parameters
  }
  // Characters a URL query may not hold raw are taken as they are (the HTTP parser vetted them).
  CHECK(query_param("token=a|b[c]^d\"e", "token") == std::optional<std::string>("a|b[c]^d\"e"));
  CHECK(query_param("x=a%2bb+c%7E", "x") == std::optional<std::string>("a+b+c~"));  // '+' stays '+'
  CHECK_FALSE(QueryParams::parse("x=%").ok());
}

TEST_CASE("query params: repeated keys, empty values, bare keys", "[net][url]") {
  const QueryParams q = parsed("symbol=A&flag&empty=&symbol=B&&=orphan");
  CHECK(q.values("symbol") == std::vector<std::string_view>{"A", "B"});
  CHECK(q.first("symbol") == std::optional<std::string_view>("A"));  // the first one wins
  CHECK(q.first("empty") == std::optional<std::string_view>(""));
  CHECK(q.values("empty") == std::vector<std::string_view>{""});
  CHECK(q.first("flag") == std::optional<std::string_view>(""));  // present, without a value
  CHECK(q.values("flag").empty());                                  // ... so it has no "flag=" value
  CHECK(q.first("absent") == std::nullopt);
  REQUIRE(q.items().size() == 6);  // "&&" holds one empty item
  CHECK((q.items()[1].key == "flag" && !q.items()[1].has_value));
  CHECK((q.items()[5].key.empty() && q.items()[5].value == "orphan" && q.items()[5].has_value));
  CHECK(parsed("").items().empty());
  CHECK(query_param("since=", "since") == std::optional<std::string>(""));
}

TEST_CASE("query params: a key that is a prefix of another is another key", "[net][url]") {
  const QueryParams q = parsed("symbols=A,B&symbol_x=1&symbol=C");
  CHECK(q.values("symbol") == std::vector<std::string_view>{"C"});
  CHECK(q.first("symbols") == std::optional<std::string_view>("A,B"));
  CHECK(q.first("symb") == std::nullopt);
  CHECK(query_param("symbols=A", "symbol") == std::nullopt);
  CHECK(query_param("tokenx=1&token=2", "token") == std::optional<std::string>("2"));
}

TEST_CASE("query params: empty items carry nothing, bad escapes refused", "[net][url]") {
  const auto q = QueryParams::parse("a=1&&b=x%2Fy&c&");
  REQUIRE(q);
  CHECK(q->first("a") == "1");
  CHECK(q->first("b") == "x/y");
  CHECK(q->first("c") == "");
  CHECK(q->first("") != std::nullopt);  // the empty items between "&&" and at the end
  CHECK_FALSE(QueryParams::parse("a=1&b=%"));
}

}  // namespace mm::net
