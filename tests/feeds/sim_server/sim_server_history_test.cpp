// The REST history over real loopback HTTP: answered with the trades of the moment (the
// server thread runs market steps and requests one after the other), signed fills.
#include <catch2/catch.hpp>

#include <set>

#include "tests/feeds/sim_server/history_test_support.h"

using namespace mm;
using namespace mm::sim;
using namespace mm::simtest;

TEST_CASE("server: REST history over HTTP has every trade streamed so far", "[sim_server][net][history]") {
  SimSetup setup;
  RunningServer rs(setup.options);
  WsTestClient pub(rs.server.ws_url());
  WsTestClient alpha(rs.server.ws_url());
  pub.send(subscribe({"trade.SOL_USDC"}));
  alpha.send(subscribe_private(setup.keys[0]));
  std::vector<std::string> pub_frames, alpha_frames;
  REQUIRE(read_until(pub, [&](const std::string& f) { pub_frames.push_back(f); },
                     [&] { return streamed_trade_ids(pub_frames, "SOL_USDC").size() >= 20; }));
  rs.server.pause_market();
  // Nothing new is made now: read what is still on its way.
  while (auto f = pub.next(300ms)) pub_frames.push_back(*f);
  while (auto f = alpha.next(300ms)) alpha_frames.push_back(*f);
  const std::vector<uint64_t> streamed = streamed_trade_ids(pub_frames, "SOL_USDC");
  const uint64_t newest = streamed.back();

  HttpTestClient http(rs.server.rest_url());
  const HttpResult trades = http.get("/api/v1/trades/history?symbol=SOL_USDC&limit=5");
  REQUIRE(trades.status == 200);
  CHECK(ids_of(parse_trades_body(trades.body)) ==
        std::vector<uint64_t>{newest, newest - 1, newest - 2, newest - 3, newest - 4});

  const Headers params = {{"limit", "1000"}, {"fillType", "User"}};
  const HttpResult fills = http.get(with_query("/wapi/v1/history/fills", params),
                                    signed_headers_for(setup.keys[0], "fillHistoryQueryAll", params));
  REQUIRE(fills.status == 200);
  std::set<std::pair<uint32_t, uint64_t>> served;
  for (const ServedFill& f : parse_fills_body(fills.body)) served.insert({sim_market(f.symbol), f.trade_id});
  // The session subscribed after the market started: its fills are a subset of the history.
  for (const StreamedFill& f : streamed_fills(alpha_frames)) CHECK(served.contains({f.market, f.trade_id}));
  CHECK(http.get(with_query("/wapi/v1/history/fills", params)).status == 401);
  CHECK(http.get("/api/v1/trades/history?symbol=SOL_USDC&limit=1001").status == 400);

  // Paging the whole SOL history delivers every trade of it.
  const GroundTruth gt = rs.server.ground_truth();
  REQUIRE(gt.trades[0] <= 1000);
  REQUIRE(http.get("/api/v1/trades/history?symbol=SOL_USDC&limit=1000").status == 200);
  CHECK(rs.server.ground_truth().trades_never_served[0] == 0);
  CHECK(rs.server.stats().rest_requests(RestRoute::trade_history, 200) == 2);
  CHECK(rs.server.stats().rest_requests(RestRoute::fill_history, 401) == 1);
}
