#include "feeds/rest_parser.h"

#include <charconv>

#include "core/decimal.h"
#include "core/result.h"
#include "feeds/net/url.h"

namespace mm::feedjson {

using simdjson::error_code;

namespace {

constexpr std::string_view kDepthPath = "/api/v1/depth";
constexpr std::string_view kOrdersPath = "/api/v1/orders";
constexpr std::string_view kTradeHistoryPath = "/api/v1/trades/history";
constexpr std::string_view kFillHistoryPath = "/wapi/v1/history/fills";
constexpr uint64_t kMaxHistoryLimit = 1000;  // BACKPACK.md: limit at most 1000

// The "symbol" parameter of a REST request's query ("symbol=X&limit=100"), decoded;
// nullopt when there is none. Given twice, empty, or in a query with a bad %-escape: error.
Result<std::optional<std::string>> query_symbol(const net::QueryParams& params) {
  const std::vector<std::string_view> symbols = params.values("symbol");
  if (symbols.empty()) return std::optional<std::string>();
  if (symbols.size() > 1) return make_error("symbol given twice");
  if (symbols.front().empty()) return make_error("empty symbol");
  return std::optional<std::string>(std::string(symbols.front()));
}

RestPlan::Action action_of(SourceKind kind, std::string_view path) {
  using A = RestPlan::Action;
  if (kind == SourceKind::rest) {
    if (path == kDepthPath) return A::depth_snapshot;
    if (path == kTradeHistoryPath) return A::trade_history;
  } else if (kind == SourceKind::mm_rest) {
    if (path == kOrdersPath) return A::open_orders;
    if (path == kFillHistoryPath) return A::fill_history;
  }
  return A::ignore;
}

// A query parameter that must be an unsigned integer (given once), or absent.
Result<std::optional<uint64_t>> query_uint(const net::QueryParams& query, std::string_view key) {
  const std::optional<std::string_view> text = query.first(key);
  if (!text) return std::optional<uint64_t>();
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || text->empty())
    return make_error(std::string(key) + ": not an unsigned integer");
  return std::optional<uint64_t>(value);
}

// The history parameters the body is checked against: limit (trades), from/to (fills).
bool plan_history(const net::QueryParams& query, ParseContext& ctx, RestPlan& plan) {
  if (plan.action == RestPlan::Action::trade_history) {
    const Result<std::optional<uint64_t>> limit = query_uint(query, "limit");
    if (!limit) return ctx.failure.at("path", limit.message());
    plan.limit = limit->value_or(100);  // the exchange's default
    if (plan.limit == 0 || plan.limit > kMaxHistoryLimit) return ctx.failure.at("path", "limit: not 1..1000");
    return true;
  }
  const Result<std::optional<uint64_t>> from = query_uint(query, "from");
  const Result<std::optional<uint64_t>> to = query_uint(query, "to");
  if (!from) return ctx.failure.at("path", from.message());
  if (!to) return ctx.failure.at("path", to.message());
  if (!*from || !*to) return ctx.failure.at("path", "fill history without from and to");
  constexpr uint64_t kMaxMs = uint64_t(INT64_MAX / 1000);
  if (**from > kMaxMs || **to > kMaxMs || **from > **to) return ctx.failure.at("path", "from/to: not a window");
  plan.from = TimeUs(**from) * 1000;
  plan.to = TimeUs(**to) * 1000 + 999;  // `to` is in ms, inclusive
  return true;
}

}  // namespace

bool plan_rest(SourceKind kind, std::string_view path, ParseContext& ctx, RestPlan& plan) {
  plan = RestPlan{};
  const net::Target target = net::split_target(path);
  plan.action = action_of(kind, target.path);
  if (plan.action == RestPlan::Action::ignore) {
    plan.ignore_why = "REST response not used";
    return true;
  }
  // Parsed once; a bad %-escape anywhere makes the whole query unusable.
  const Result<net::QueryParams> query = net::QueryParams::parse(target.query);
  if (!query) return ctx.failure.at("path", query.message());
  const Result<std::optional<std::string>> symbol = query_symbol(*query);
  if (!symbol) return ctx.failure.at("path", symbol.message());
  plan.has_symbol = symbol->has_value();
  if (!plan.has_symbol && plan.action == RestPlan::Action::depth_snapshot)
    return ctx.failure.at("path", "depth request without symbol");
  if (!plan.has_symbol && plan.action == RestPlan::Action::trade_history)
    return ctx.failure.at("path", "trade history request without symbol");
  const bool history =
      plan.action == RestPlan::Action::trade_history || plan.action == RestPlan::Action::fill_history;
  if (history && !plan_history(*query, ctx, plan)) return false;
  if (plan.has_symbol) {
    ctx.filter_symbol.assign(**symbol);
    if (std::optional<uint32_t> market = ctx.program.market_index(**symbol)) {
      plan.market_known = true;
      plan.market = *market;
    }
  }
  return true;
}

bool parse_depth_snapshot(od::object& body, const RestPlan& plan, ParseContext& ctx, Payload& out) {
  ObjectFields f(body, "body", ctx.failure);
  DepthSnapshotEvent snapshot{};
  // Both sides ascending on the wire; passed on as given, the book sorts.
  if (!f.levels("asks", ctx.asks) || !f.levels("bids", ctx.bids) ||
      !f.uint("lastUpdateId", snapshot.last_update_id)) {
    return false;
  }
  if (!plan.market_known) return ctx.ignore(out, "symbol not configured");
  snapshot.market = plan.market;
  snapshot.bids = ctx.bids;
  snapshot.asks = ctx.asks;
  out = snapshot;
  return true;
}

namespace {

// One element of the open-orders array; appends it to ctx.orders when it rests on a
// configured market.
bool parse_open_order(od::object& item, size_t index, const RestPlan& plan, ParseContext& ctx) {
  ObjectFields f(item, "body", ctx.failure, int64_t(index));
  OpenOrder order{};
  std::string_view type, status, symbol;
  if (!f.uint("id", order.order_id) || !f.string("orderType", type) ||
      !f.string("status", status) || !f.string("symbol", symbol)) {
    return false;
  }
  if (plan.has_symbol && symbol != ctx.filter_symbol) {
    return f.fail("symbol", "not the symbol the request asked for");
  }
  // Only a Limit order in state New/PartiallyFilled sits on the book; the rest (trigger
  // orders waiting, ...) are skipped without looking further.
  if (type != "Limit" || (status != "New" && status != "PartiallyFilled")) return true;

  int64_t quantity = 0;
  int64_t executed = 0;
  od::value v;
  bool has_executed = false;
  if (!f.side("side", order.side) || !f.price("price", order.price) ||
      !f.positive_qty("quantity", quantity) || !f.find_nullable("executedQuantity", v, has_executed)) {
    return false;
  }
  if (has_executed && !f.check("executedQuantity", read_qty(v, executed))) return false;
  if (executed > quantity) return f.fail("executedQuantity", "exceeds quantity");
  order.remaining = quantity - executed;
  if (order.remaining == 0) return true;
  if (notional(order.price, order.remaining) > kMaxSingleNotional) {
    return f.fail("quantity", "order notional above the single-order limit");
  }
  std::optional<uint32_t> market = ctx.program.market_index(symbol);
  if (!market) return true;
  order.market = *market;
  ctx.orders.push_back(order);
  return true;
}

}  // namespace

bool parse_open_orders(od::array& body, const RestPlan& plan, ParseContext& ctx, Payload& out) {
  ctx.orders.clear();
  if (!for_each_object(body, ctx, [&](od::object& o, size_t i) { return parse_open_order(o, i, plan, ctx); }))
    return false;
  if (plan.has_symbol && !plan.market_known) return ctx.ignore(out, "symbol not configured");
  OpenOrdersEvent event{};
  event.orders = ctx.orders;
  event.has_market_filter = plan.has_symbol;
  event.only_market = plan.market;
  out = event;
  return true;
}

}  // namespace mm::feedjson
