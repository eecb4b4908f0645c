// SimHub's REST history endpoints without sockets: trade pages (limit, offset, newest
// first), retention, the signed fill history (signature, bounds, order, paging), bad
// requests, and the JSON shape. Expected values come from what fake sessions were streamed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <tuple>

#include "tests/feeds/sim_server/history_test_support.h"

using namespace mm;
using namespace mm::sim;
using namespace mm::simtest;

namespace {

std::vector<uint64_t> newest_first(uint64_t newest, size_t count) {
  std::vector<uint64_t> ids;
  for (size_t k = 0; k < count; ++k) ids.push_back(newest - k);
  return ids;
}

std::vector<uint64_t> trade_ids(HubRig& rig, const std::string& query) {
  const RestReply reply = rig.rest("/api/v1/trades/history?" + query);
  INFO(query << ": " << reply.body);
  REQUIRE(reply.status == 200);
  return ids_of(parse_trades_body(reply.body));
}

std::set<std::pair<uint32_t, uint64_t>> fill_keys(const std::vector<ServedFill>& fills) {
  std::set<std::pair<uint32_t, uint64_t>> out;
  for (const ServedFill& f : fills) out.insert({sim_market(f.symbol), f.trade_id});
  return out;
}

}  // namespace

TEST_CASE("hub history: trade pages are newest first and consecutive, with limit and offset", "[sim_server][history]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& pub = rig.connect(sessions);
  rig.hub->on_text(pub, subscribe({"trade.SOL_USDC"}), now_us());
  rig.steps(3000);
  const std::vector<uint64_t> streamed = streamed_trade_ids(pub.frames, "SOL_USDC");
  REQUIRE(streamed.size() > 300);
  const uint64_t newest = streamed.back();
  for (size_t i = 1; i < streamed.size(); ++i) REQUIRE(streamed[i] == streamed[i - 1] + 1);

  CHECK(trade_ids(rig, "symbol=SOL_USDC") == newest_first(newest, 100));  // default limit
  CHECK(trade_ids(rig, "symbol=SOL_USDC&limit=3") == std::vector<uint64_t>{newest, newest - 1, newest - 2});
  CHECK(trade_ids(rig, "symbol=SOL_USDC&limit=5&offset=7") == newest_first(newest - 7, 5));
  CHECK(trade_ids(rig, "offset=100&limit=1000&symbol=SOL_USDC") == newest_first(newest - 100, streamed.size() - 100));
  // Every trade the sim made is retained (default 100,000): the last page ends at the first.
  CHECK(trade_ids(rig, "symbol=SOL_USDC&limit=2&offset=" + std::to_string(streamed.size() - 1)) ==
        std::vector<uint64_t>{streamed.front()});
  CHECK(trade_ids(rig, "symbol=SOL_USDC&offset=" + std::to_string(streamed.size())).empty());

  // The values are the stream's, REST-trimmed; quoteQuantity is price x quantity exactly.
  const std::vector<ServedTrade> page =
      parse_trades_body(rig.rest("/api/v1/trades/history?symbol=SOL_USDC&limit=1000").body);
  for (const ServedTrade& t : page) {
    const std::string& frame = *std::find_if(pub.frames.begin(), pub.frames.end(), [&](const std::string& f) {
      return own_json_uint(f, "t") == t.id;
    });
    int64_t price = 0, qty = 0, streamed_price = 0, streamed_qty = 0, quote = 0;
    REQUIRE(parse_price(t.price, price) == DecimalError::ok);
    REQUIRE(parse_qty(t.quantity, qty) == DecimalError::ok);
    REQUIRE(parse_price(t.quote_quantity, quote) == DecimalError::ok);  // 4 decimals here
    REQUIRE(parse_price(*own_json_field(frame, "p"), streamed_price) == DecimalError::ok);
    REQUIRE(parse_qty(*own_json_field(frame, "q"), streamed_qty) == DecimalError::ok);
    CHECK(price == streamed_price);
    CHECK(qty == streamed_qty);
    CHECK(u128(uint64_t(quote)) * 1'000'000 == notional(price, qty));
    CHECK(t.timestamp_ms == int64_t(*own_json_uint(frame, "T") / 1000));
    CHECK((own_json_field(frame, "m") == "true") == t.buyer_is_maker);
    if (t.price.find('.') != std::string::npos) CHECK(t.price.back() != '0');  // REST trims
  }
  CHECK(rig.stats.rest_requests(RestRoute::trade_history, 200) == 7);
}

TEST_CASE("hub history: retention keeps the newest trades and only their fills", "[sim_server][history]") {
  constexpr size_t kRetention = 40;
  HubRig rig([](SimServerOptions& o) { o.exchange.history_retention = kRetention; });
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& pub = rig.connect(sessions);
  FakeSession& alpha = rig.connect(sessions);
  rig.hub->on_text(pub, subscribe({"trade.SOL_USDC", "trade.BTC_USDC_PERP"}), now_us());
  rig.hub->on_text(alpha, subscribe_private(rig.setup.keys[0]), now_us());
  rig.steps(4000);

  uint64_t oldest_retained[2];
  for (const char* symbol : {"SOL_USDC", "BTC_USDC_PERP"}) {
    const std::vector<uint64_t> streamed = streamed_trade_ids(pub.frames, symbol);
    REQUIRE(streamed.size() > 4 * kRetention);
    const uint64_t newest = streamed.back();
    oldest_retained[sim_market(symbol)] = newest - kRetention + 1;
    // Exactly the newest 40, whatever the limit.
    CHECK(trade_ids(rig, std::string("symbol=") + symbol + "&limit=1000") == newest_first(newest, kRetention));
    CHECK(trade_ids(rig, std::string("symbol=") + symbol + "&limit=10&offset=35") == newest_first(newest - 35, 5));
  }

  // Alpha's fills: exactly those of its streamed fills whose trade is still retained.
  std::set<std::pair<uint32_t, uint64_t>> retained_fills;
  size_t dropped_fills = 0;
  for (const StreamedFill& f : streamed_fills(alpha.frames)) {
    if (f.trade_id >= oldest_retained[f.market]) retained_fills.insert({f.market, f.trade_id});
    else ++dropped_fills;
  }
  CHECK(dropped_fills > 0);
  CHECK_FALSE(retained_fills.empty());
  const RestReply reply = fills_request(rig, rig.setup.keys[0], {{"limit", "1000"}});
  REQUIRE(reply.status == 200);
  CHECK(fill_keys(parse_fills_body(reply.body)) == retained_fills);
}

TEST_CASE("hub history: fills need a fillHistoryQueryAll signature over every parameter", "[sim_server][history]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& alpha = rig.connect(sessions);
  FakeSession& beta = rig.connect(sessions);
  rig.hub->on_text(alpha, subscribe_private(rig.setup.keys[0]), now_us());
  rig.hub->on_text(beta, subscribe_private(rig.setup.keys[1]), now_us());
  rig.steps(2000);
  const auto& keys = rig.setup.keys;

  // Valid: 200 and exactly the signer's fills, each with its streamed order id.
  for (uint32_t account : {0u, 1u}) {
    const std::vector<StreamedFill> streamed = streamed_fills(account == 0 ? alpha.frames : beta.frames);
    REQUIRE(streamed.size() > 20);
    REQUIRE(streamed.size() <= 1000);
    const RestReply reply = fills_request(rig, keys[account], {{"limit", "1000"}, {"fillType", "User"}});
    REQUIRE(reply.status == 200);
    const std::vector<ServedFill> served = parse_fills_body(reply.body);
    REQUIRE(served.size() == streamed.size());
    for (const ServedFill& f : served) {
      const auto it = std::find_if(streamed.begin(), streamed.end(), [&](const StreamedFill& s) {
        return s.market == sim_market(f.symbol) && s.trade_id == f.trade_id;
      });
      REQUIRE(it != streamed.end());
      CHECK(f.order_id == it->order_id);
      CHECK(f.timestamp_ms == it->time / 1000);
      if (f.maker) CHECK(f.fee == "0");
    }
  }
  CHECK(rig.stats.rest_requests(RestRoute::fill_history, 200) == 2);

  const std::string target = "/wapi/v1/history/fills?limit=5";
  auto alpha_signed = signed_headers_for(keys[0], "fillHistoryQueryAll", {{"limit", "5"}});
  auto as_beta = alpha_signed;
  as_beta[0].second = keys[1].public_key_b64;  // alpha's signature under beta's key
  const std::vector<Headers> refused = {
      {},                                                                            // unsigned
      signed_headers_for(keys[2], "fillHistoryQueryAll", {{"limit", "5"}}),          // key not configured
      signed_headers_for(keys[0], "orderQueryAll", {{"limit", "5"}}),                // other instruction
      signed_headers_for(keys[0], "fillHistoryQueryAll", {}),                        // limit not signed
      signed_headers_for(keys[0], "fillHistoryQueryAll", {{"limit", "5"}}, now_ms() - 60'000),  // stale
      as_beta,
  };
  for (const Headers& h : refused) {
    const RestReply reply = rig.rest(target, h);
    CHECK(reply.status == 401);
    CHECK(reply.body.starts_with(R"({"code":"UNAUTHORIZED","message":"Invalid signature: )"));
    CHECK(reply.served_trades.empty());
  }
  CHECK(rig.rest(target, alpha_signed).status == 200);
  CHECK(rig.stats.rest_requests(RestRoute::fill_history, 401) == refused.size());
  CHECK(rig.stats.signature_failures == refused.size());
}

TEST_CASE("hub history: fills from/to are inclusive ms bounds, with Asc, Desc, offset, symbol",
          "[sim_server][history]") {
  HubRig rig;
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& alpha = rig.connect(sessions);
  rig.hub->on_text(alpha, subscribe_private(rig.setup.keys[0]), now_us());
  rig.steps(3000);
  // The exchange's order: (time, market, trade id).
  std::vector<StreamedFill> fills = streamed_fills(alpha.frames);
  std::sort(fills.begin(), fills.end(), [](const StreamedFill& a, const StreamedFill& b) {
    return std::tie(a.time, a.market, a.trade_id) < std::tie(b.time, b.market, b.trade_id);
  });
  REQUIRE(fills.size() > 40);
  const int64_t from = fills[10].time / 1000, to = fills[30].time / 1000;
  std::vector<std::pair<uint32_t, uint64_t>> expected;  // ascending
  for (const StreamedFill& f : fills) {
    if (f.time / 1000 >= from && f.time / 1000 <= to) expected.push_back({f.market, f.trade_id});
  }
  REQUIRE(expected.size() >= 21);  // fills[10..30] at least: both ends are included
  auto served = [&](Headers params) {
    const RestReply reply = fills_request(rig, rig.setup.keys[0], params);
    REQUIRE(reply.status == 200);
    std::vector<std::pair<uint32_t, uint64_t>> out;
    for (const ServedFill& f : parse_fills_body(reply.body)) out.push_back({sim_market(f.symbol), f.trade_id});
    return out;
  };
  const Headers bounds = {{"from", std::to_string(from)}, {"to", std::to_string(to)}};
  auto with = [&](Headers extra) {
    Headers p = bounds;
    p.insert(p.end(), extra.begin(), extra.end());
    return p;
  };
  const std::vector<std::pair<uint32_t, uint64_t>> descending(expected.rbegin(), expected.rend());
  CHECK(served(with({{"sortDirection", "Asc"}})) == expected);
  CHECK(served(bounds) == descending);  // Desc by default
  CHECK(served(with({{"sortDirection", "Desc"}, {"offset", "2"}, {"limit", "3"}})) ==
        std::vector<std::pair<uint32_t, uint64_t>>(descending.begin() + 2, descending.begin() + 5));
  std::vector<std::pair<uint32_t, uint64_t>> btc_only;
  for (const auto& f : expected) {
    if (f.first == 1) btc_only.push_back(f);
  }
  CHECK(served(with({{"symbol", "BTC_USDC_PERP"}, {"sortDirection", "Asc"}})) == btc_only);
  CHECK(served(with({{"marketType", "PERP"}, {"sortDirection", "Asc"}})) == btc_only);
  CHECK(served({{"from", std::to_string(to + 1)}, {"to", std::to_string(from)}}).empty());
  CHECK(served({{"limit", "1"}, {"sortDirection", "Asc"}}) ==
        std::vector<std::pair<uint32_t, uint64_t>>{{fills.front().market, fills.front().trade_id}});
}

TEST_CASE("hub history: bad parameters get a 400 that names them", "[sim_server][history]") {
  HubRig rig;
  rig.steps(500);
  auto trades = [&](const std::string& query) { return rig.rest("/api/v1/trades/history" + query); };
  const std::string invalid_symbol = R"({"code":"INVALID_CLIENT_REQUEST","message":"Invalid symbol"})";
  CHECK(trades("").body == invalid_symbol);
  CHECK(trades("?symbol=ETH_USDC").body == invalid_symbol);
  CHECK(trades("?symbol=SOL_USDC&limit=1001").body ==
        R"({"code":"INVALID_CLIENT_REQUEST","message":"limit must be an integer from 1 to 1000"})");
  for (const char* bad : {"?symbol=SOL_USDC&limit=0", "?symbol=SOL_USDC&limit=ten", "?symbol=SOL_USDC&offset=-1",
                          "?symbol=SOL_USDC&offset=1.5", "?symbol=%zz"}) {
    INFO(bad);
    CHECK(trades(bad).status == 400);
  }
  CHECK(trades("?symbol=SOL_USDC&limit=1000").status == 200);
  const RestRequest post{"POST", "/api/v1/trades/history?symbol=SOL_USDC", {}, {}, {}, {}};
  CHECK(rig.hub->handle_rest(post, now_us()).status == 404);
  CHECK(rig.stats.rest_requests(RestRoute::trade_history, 400) == 8);

  const std::vector<std::pair<Headers, std::string>> bad_fills = {
      {{{"limit", "1001"}}, "limit must be an integer from 1 to 1000"},
      {{{"symbol", "ETH_USDC"}}, "Invalid symbol"},
      {{{"sortDirection", "Up"}}, "sortDirection must be Asc or Desc"},
      {{{"fillType", "Liquidation"}}, "fillType: the simulator has User fills only"},
      {{{"from", "yesterday"}}, "from must be an integer (ms since the epoch)"},
      {{{"to", "1e12"}}, "to must be an integer (ms since the epoch)"},
      {{{"marketType", "FUTURES"}}, "marketType must be SPOT or PERP"},
  };
  for (const auto& [params, message] : bad_fills) {
    const RestReply reply = fills_request(rig, rig.setup.keys[0], params);
    CHECK(reply.status == 400);
    CHECK(reply.body == R"({"code":"INVALID_CLIENT_REQUEST","message":")" + message + "\"}");
  }
  CHECK(rig.stats.rest_requests(RestRoute::fill_history, 400) == bad_fills.size());
}

TEST_CASE("hub history: fill timestamps as ISO text when asked", "[sim_server][history]") {
  HubRig rig([](SimServerOptions& o) { o.fill_history_iso_timestamps = true; });
  std::vector<std::unique_ptr<FakeSession>> sessions;
  FakeSession& alpha = rig.connect(sessions);
  rig.hub->on_text(alpha, subscribe_private(rig.setup.keys[0]), now_us());
  rig.steps(1000);
  const std::vector<StreamedFill> streamed = streamed_fills(alpha.frames);
  REQUIRE_FALSE(streamed.empty());
  const std::vector<ServedFill> served =
      parse_fills_body(fills_request(rig, rig.setup.keys[0], {{"sortDirection", "Asc"}, {"limit", "1"}}).body);
  REQUIRE(served.size() == 1);
  const int64_t ms = streamed.front().time / 1000;
  std::string expected = format_rfc3339((ms - ms % 1000) * 1000);  // "...:SSZ"
  expected.pop_back();
  expected += "." + std::to_string(1000 + ms % 1000).substr(1);
  CHECK(served[0].timestamp_text == expected);
}

TEST_CASE("hub ids start at the server's start time: a restarted hub's ids lie above the first one's",
          "[sim_server][ids]") {
  const TimeUs t1 = 1'780'000'000'000'000;  // 2026, in microseconds
  ManualClock clock(t1);
  auto streamed_after = [&](bool from_clock) {
    HubRig rig([&](SimServerOptions& o) {
      o.clock = &clock;
      o.ids_from_clock = from_clock;
    });
    std::vector<std::unique_ptr<FakeSession>> sessions;
    FakeSession& pub = rig.connect(sessions);
    rig.hub->on_text(pub, subscribe({"trade.SOL_USDC"}), now_us());
    rig.steps(2000);
    return streamed_trade_ids(pub.frames, "SOL_USDC");
  };
  const std::vector<uint64_t> first = streamed_after(true);
  REQUIRE(first.size() > 100);
  CHECK(first.front() == uint64_t(t1));  // consecutive from the start time
  CHECK(first.back() == uint64_t(t1) + first.size() - 1);
  clock.set(t1 + kUsPerSecond);  // the same seed, restarted a second later
  const std::vector<uint64_t> second = streamed_after(true);
  CHECK(second.size() == first.size());  // the same market
  CHECK(second.front() == uint64_t(t1 + kUsPerSecond));
  CHECK(second.front() > first.back());
  const std::vector<uint64_t> seeded = streamed_after(false);  // as the model draws them: 9 digits
  CHECK(seeded.size() == first.size());
  CHECK(seeded.front() < 1'000'000'000);
}
