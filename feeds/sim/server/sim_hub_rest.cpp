// SimHub: the REST endpoints (BACKPACK.md "Endpoints"), stale depth copies, and the small
// helpers of sim_rest.h.
#include <charconv>
#include <optional>

#include "feeds/net/url.h"
#include "feeds/sim/model/frame_json.h"
#include "feeds/sim/model/number_text.h"
#include "feeds/sim/server/sim_hub.h"
#include "feeds/sim/server/sim_rest.h"

namespace mm::sim {

// ---- helpers (sim_rest.h) -----------------------------------------------------------------

std::string error_body(std::string_view code, std::string_view message) {
  return "{\"code\":\"" + std::string(code) + "\",\"message\":\"" + std::string(message) + "\"}";
}
std::string invalid_request(std::string_view message) { return error_body("INVALID_CLIENT_REQUEST", message); }
std::string unauthorized(std::string_view why) {
  return error_body("UNAUTHORIZED", "Invalid signature: " + std::string(why));
}

std::string markets_json(const std::vector<SimMarket>& markets) {
  std::string out = "[";
  for (const SimMarket& m : markets) {
    const MarketText text = make_market_text(m);
    const bool perp = m.symbol.size() > 5 && m.symbol.ends_with("_PERP");
    if (out.size() > 1) out.push_back(',');
    out.append("{\"baseSymbol\":\"" + m.symbol.substr(0, m.symbol.find('_')) +
               "\",\"createdAt\":\"2025-01-21T06:34:54.691858\",\"filters\":{\"price\":{\"tickSize\":\"");
    append_trimmed(out, u128(uint64_t(m.tick)), kPriceDecimals);
    out.append("\"},\"quantity\":{\"stepSize\":\"");
    append_trimmed(out, u128(uint64_t(m.step)), kQtyDecimals);
    out.append("\"}},\"marketType\":\"");
    out.append(perp ? "PERP" : "SPOT");
    out.append("\",\"orderBookState\":\"Open\",\"quoteSymbol\":\"" + text.quote_asset + "\",\"symbol\":\"" + m.symbol +
               "\"}");
  }
  out.push_back(']');
  return out;
}

std::vector<uint64_t> listed_order_ids(std::string_view body) {
  constexpr std::string_view kKey = "\"id\":\"";
  std::vector<uint64_t> ids;
  for (size_t at = body.find(kKey); at != std::string_view::npos; at = body.find(kKey, at)) {
    at += kKey.size();
    uint64_t id = 0;
    const auto [end, ec] = std::from_chars(body.data() + at, body.data() + body.size(), id);
    if (ec == std::errc() && end < body.data() + body.size() && *end == '"') ids.push_back(id);
  }
  return ids;
}

// ---- SimHub -------------------------------------------------------------------------------

RestReply SimHub::handle_rest(const RestRequest& request, TimeUs now) {
  RestReply reply;
  reply.delay = now < delay_until_ ? delay_ : 0;
  const net::Target target = net::split_target(request.target);
  RestRoute route = RestRoute::other;
  if (target.path == "/api/v1/depth") route = RestRoute::depth;
  else if (target.path == "/api/v1/orders") route = RestRoute::orders;
  else if (target.path == "/api/v1/markets") route = RestRoute::markets;
  else if (target.path == "/api/v1/trades/history") route = RestRoute::trade_history;
  else if (target.path == "/wapi/v1/history/fills") route = RestRoute::fill_history;
  RestAnswer answer = route == RestRoute::other || request.method != "GET"
                          ? RestAnswer{404, error_body("NOT_FOUND", "Not found")}
                          : answer_rest(route, request, target.query, reply, now);
  reply.status = answer.status;
  reply.body = std::move(answer.body);
  stats_.rest[size_t(route)][rest_status_index(reply.status)].fetch_add(1, std::memory_order_relaxed);
  return reply;
}

SimHub::RestAnswer SimHub::answer_rest(RestRoute route, const RestRequest& request, std::string_view query,
                                       RestReply& reply, TimeUs now) {
  const Result<net::QueryParams> params = net::QueryParams::parse(query);
  if (!params) return {400, invalid_request("Invalid query")};
  switch (route) {
    case RestRoute::depth: {
      const std::optional<std::string_view> symbol = params->first("symbol");
      const std::optional<uint32_t> market = symbol ? market_of(*symbol) : std::nullopt;
      if (!market) return {400, invalid_request("Invalid symbol")};
      return {200, depth_body(*market, now)};
    }
    case RestRoute::orders: return open_orders(request, *params, reply, now);
    case RestRoute::markets: return {200, markets_body_};
    case RestRoute::trade_history: return trades_history(*params, reply);
    case RestRoute::fill_history: return fills_history(request, *params, reply, now);
    case RestRoute::other: break;
  }
  return {404, error_body("NOT_FOUND", "Not found")};
}

Result<uint32_t> SimHub::verify_signed(const RestRequest& request, const net::QueryParams& params,
                                       std::string_view instruction, TimeUs now) {
  // X-Window is optional on the exchange (default 5000 ms).
  const std::string_view window = request.window.empty() ? std::string_view("5000") : request.window;
  Result<uint32_t> account =
      keys_.verify(instruction, params.pairs(), request.api_key, request.signature, request.timestamp, window, now);
  if (!account) stats_.signature_failures.fetch_add(1, std::memory_order_relaxed);
  return account;
}

SimHub::RestAnswer SimHub::open_orders(const RestRequest& request, const net::QueryParams& params, RestReply& reply,
                                       TimeUs now) {
  const Result<uint32_t> account = verify_signed(request, params, "orderQueryAll", now);
  if (!account) return {401, unauthorized(account.message())};
  const std::optional<std::string_view> symbol = params.first("symbol");
  const std::optional<uint32_t> market = symbol ? market_of(*symbol) : std::nullopt;
  if (symbol && !market) return {400, invalid_request("Invalid symbol")};
  std::string body = exchange_.open_orders(*account, market);
  reply.listed_account = *account;
  reply.listed_orders = listed_order_ids(body);
  return {200, std::move(body)};
}

void SimHub::on_rest_sent(const RestReply& reply) {
  for (const TradeRef& t : reply.served_trades) delivery_.served(t.market, t.id);
  if (!reply.listed_account) return;
  for (uint64_t id : reply.listed_orders) knowable_.reveal(*reply.listed_account, id);
}

std::string SimHub::depth_body(uint32_t market, TimeUs now) {
  if (!stale_next_[market]) return exchange_.depth_snapshot(market, now);
  stale_next_[market] = false;
  const std::deque<DepthCopy>& copies = depth_copies_[market];
  // The newest copy old enough; else the oldest there is (the fault fired early).
  for (auto it = copies.rbegin(); it != copies.rend(); ++it) {
    if (it->at <= now - kStaleDepthAge) return it->body;
  }
  if (!copies.empty()) return copies.front().body;
  return exchange_.depth_snapshot(market, now);
}

void SimHub::capture_depth(TimeUs now) {
  for (uint32_t m = 0; m < depth_copies_.size(); ++m) {
    std::deque<DepthCopy>& copies = depth_copies_[m];
    copies.push_back({now, exchange_.depth_snapshot(m, now)});
    // Keep the newest copy that is old enough, and everything newer.
    while (copies.size() >= 2 && copies[1].at <= now - kStaleDepthAge) copies.pop_front();
  }
}

}  // namespace mm::sim
