// The client's pure parts: URLs, request targets, stream lists, error frames, backoff.
#include "feeds/net/protocol.h"

#include <catch2/catch.hpp>

#include "feeds/net/backoff.h"
#include "feeds/net/url.h"

namespace mm::net {

TEST_CASE("URLs: schemes, default ports, paths, IPv6", "[net]") {
  auto u = parse_url("wss://ws.backpack.exchange");
  REQUIRE(u);
  CHECK((u->tls && u->websocket && u->host == "ws.backpack.exchange" && u->port == "443" && u->path == "/"));
  CHECK(u->host_header() == "ws.backpack.exchange");
  CHECK_FALSE(u->host_is_ip());

  u = parse_url("http://127.0.0.1:8080/prefix?x=1");
  REQUIRE(u);
  CHECK((!u->tls && !u->websocket && u->host == "127.0.0.1" && u->port == "8080" && u->path == "/prefix?x=1"));
  CHECK(u->host_header() == "127.0.0.1:8080");
  CHECK(u->host_is_ip());

  u = parse_url("ws://[::1]:9000");
  REQUIRE(u);
  CHECK((u->host == "::1" && u->port == "9000" && u->host_header() == "[::1]:9000" && u->host_is_ip()));
  CHECK(parse_url("HTTPS://api.backpack.exchange/")->port == "443");

  const auto ftp = parse_url("ftp://x");
  CHECK_FALSE(ftp);
  CHECK(ftp.message().find("scheme") != std::string::npos);
  CHECK_FALSE(parse_url("ws://:80"));
  CHECK_FALSE(parse_url("ws://host:0"));
  CHECK_FALSE(parse_url("ws://host:99999"));
  CHECK_FALSE(parse_url("ws://host:8o"));
  CHECK_FALSE(parse_url("api.backpack.exchange"));
  CHECK_FALSE(parse_url("ws://user@host"));
}

TEST_CASE("listen addresses: host and port, IPv6 in brackets", "[net]") {
  auto a = parse_listen_address("[::1]:8080");
  REQUIRE(a);
  CHECK(a->host == "::1");
  CHECK(a->port == 8080);
  a = parse_listen_address("0.0.0.0:0");
  REQUIRE(a);
  CHECK(a->host == "0.0.0.0");
  CHECK(a->port == 0);
  CHECK_FALSE(parse_listen_address("127.0.0.1:65536"));
  CHECK_FALSE(parse_listen_address(":80"));
  CHECK_FALSE(parse_listen_address("::1:80"));
  CHECK(parse_listen_address("127.0.0.1").message() == "listen address '127.0.0.1' is not HOST:PORT");
}

TEST_CASE("request targets and query strings", "[net]") {
  CHECK(split_target("/a?b=c").path == "/a");
  CHECK(split_target("/a?b=c").query == "b=c");
  CHECK(split_target("/a").query.empty());
  CHECK(split_target("/a?b=c?d").query == "b=c?d");  // the first '?' splits
  const auto q = QueryParams::parse("symbol=MU.US_USDC&x=%2F%41&flag&&");
  REQUIRE(q);
  CHECK(q->first("symbol") == "MU.US_USDC");
  CHECK(q->first("x") == "/A");
  CHECK(q->first("flag") == "");
  CHECK_FALSE(QueryParams::parse("a=%4"));
  CHECK_FALSE(QueryParams::parse("a=%g0"));
  CHECK(query_param("x=a%2bb+c%7E", "x") == std::optional<std::string>("a+b+c~"));
  CHECK_FALSE(QueryParams::parse("%"));
}

TEST_CASE("public streams: trade and depth per symbol, split at most N per SUBSCRIBE", "[net]") {
  std::vector<std::string> symbols;
  for (int i = 0; i < 30; ++i) symbols.push_back("S" + std::to_string(i) + "_USDC");
  const auto streams = public_streams(symbols);
  REQUIRE(streams.size() == 60);
  CHECK(streams[0] == "trade.S0_USDC");
  CHECK(streams[1] == "depth.S0_USDC");
  const auto groups = split_streams(streams, 25);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].size() == 25);
  CHECK(groups[2].size() == 10);
  CHECK(groups[2].back() == "depth.S29_USDC");
  CHECK(split_streams({}, 50).empty());
  CHECK(depth_path("MU.US_USDC_PERP") == "/api/v1/depth?symbol=MU.US_USDC_PERP");
  CHECK(symbol_is_plain("kPEPE_USDC_PERP"));
  CHECK_FALSE(symbol_is_plain("A&B"));
}

TEST_CASE("exchange error frames are recognised for logging", "[net]") {
  auto e = exchange_error(R"({"id":null,"error":{"code":4006,"message":"Invalid stream"}})");
  REQUIRE(e);
  CHECK(e->code == "4006");
  CHECK(e->message == "Invalid stream");
  e = exchange_error(R"({"error":{"message":"bad \"sig\"\n","code":"4003"},"id":null})");
  REQUIRE(e);
  CHECK(e->code == "4003");
  CHECK(e->message == R"(bad \"sig\"\n)");
  CHECK_FALSE(exchange_error(R"({"stream":"trade.SOL_USDC","data":{"e":"trade","error":"x"}})"));
  CHECK_FALSE(exchange_error(R"({"stream":"depth.SOL_USDC","data":{}})"));
  // Any key order, blanks, a string code, and an "error" that is just a string.
  e = exchange_error(R"( { "error" : { "message" : "Invalid request" , "code" : 4000 } , "id" : null } )");
  REQUIRE(e);
  CHECK(e->code == "4000");
  CHECK(e->message == "Invalid request");
  e = exchange_error(R"({"id":7,"error":"Invalid"})");
  REQUIRE(e);
  CHECK(e->code == "?");
  CHECK(e->message == "Invalid");
  CHECK(loggable("a\x01"
                 "b",
                 200) == "a?b");
  CHECK(loggable(std::string(300, 'x')).size() == 203);
}

TEST_CASE("exchange error frames: only a top-level \"error\" key of a JSON object counts", "[net]") {
  // "error" inside values or deeper objects is not an error frame.
  CHECK_FALSE(exchange_error(R"({"id":null,"result":"error"})"));
  CHECK_FALSE(exchange_error(R"({"id":null,"result":["error",{"code":1}]})"));
  CHECK_FALSE(exchange_error(R"({"id":null,"result":{"error":{"code":4006,"message":"Invalid stream"}}})"));
  CHECK_FALSE(exchange_error(R"({"id":null,"note":""error":{"code":4006}"})"));
  CHECK_FALSE(exchange_error(R"({"data":{"e":"trade"},"error":{"code":1},"stream":"trade.SOL_USDC"})"));
  // Not JSON, or not an object: never an error frame.
  CHECK_FALSE(exchange_error(R"({"id":null,"error":{"code":4006,"message":"Invalid stream")"));
  CHECK_FALSE(exchange_error(R"({"id":null,"error":{"code":4006}} trailing)"));
  CHECK_FALSE(exchange_error(R"(["error",{"code":4006}])"));
  CHECK_FALSE(exchange_error(R"("error")"));
  CHECK_FALSE(exchange_error(""));
  // No message: the frame itself is logged.
  const auto e = exchange_error(R"({"error":{"code":4006},"id":null})");
  REQUIRE(e);
  CHECK(e->code == "4006");
  CHECK(e->message == R"({"error":{"code":4006},"id":null})");
  // Many frames on one thread reuse the parser: the results stay right.
  for (int i = 0; i < 1000; ++i) {
    const std::string frame = R"({"id":null,"error":{"code":)" + std::to_string(4000 + i % 7) + R"(,"message":"m"}})";
    const auto again = exchange_error(frame);
    REQUIRE(again);
    CHECK(again->code == std::to_string(4000 + i % 7));
  }
}

TEST_CASE("backoff: full jitter above the floor, capped, reset", "[net]") {
  Backoff b(100, 1000, 42);
  for (int round = 0; round < 3; ++round) {
    TimeUs cap = 100;
    for (int i = 0; i < 8; ++i) {
      const TimeUs d = b.next();
      CHECK(d >= 100);
      CHECK(d <= cap);
      cap = std::min<TimeUs>(cap * 2, 1000);
    }
    b.reset();
  }
  // Jitter: many draws at the cap are not all equal.
  Backoff c(100, 100'000, 7);
  for (int i = 0; i < 20; ++i) c.next();
  const TimeUs first = c.next();
  bool differs = false;
  for (int i = 0; i < 10; ++i) differs |= c.next() != first;
  CHECK(differs);
}

}  // namespace mm::net
