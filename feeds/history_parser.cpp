// REST history bodies (SCORING.md section 13): the public trade history of one market and
// an MM account's fill history. A page is refused whole when anything in it is wrong, so
// a bad page changes nothing.
#include "core/decimal.h"
#include "feeds/rest_parser.h"

namespace mm::feedjson {

namespace {

bool notional_ok(ObjectFields& f, int64_t price, int64_t qty) {
  return notional(price, qty) <= kMaxSingleNotional || f.fail("quantity", "notional above the single-order limit");
}

bool parse_history_trade(od::object& item, size_t index, ParseContext& ctx) {
  ObjectFields f(item, "body", ctx.failure, int64_t(index));
  HistoryTrade t{};
  if (!f.uint("id", t.trade_id) || !f.price("price", t.price) || !f.positive_qty("quantity", t.qty) ||
      !f.ms_time("timestamp", t.time) || !notional_ok(f, t.price, t.qty)) {
    return false;
  }
  // Newest first, one id each: anything else is not the page that was asked for.
  if (!ctx.history_trades.empty() && t.trade_id >= ctx.history_trades.back().trade_id)
    return f.fail("id", "not below the id before it (history is newest first)");
  ctx.history_trades.push_back(t);
  return true;
}

bool parse_history_fill(od::object& item, size_t index, const RestPlan& plan, ParseContext& ctx) {
  ObjectFields f(item, "body", ctx.failure, int64_t(index));
  HistoryFill fill{};
  std::string_view symbol;
  od::value trade_id;
  bool has_trade_id = false;
  if (!f.find_nullable("tradeId", trade_id, has_trade_id)) return false;
  if (has_trade_id && !f.check("tradeId", read_uint(trade_id, fill.trade_id))) return false;
  if (!f.string("symbol", symbol) || !f.price("price", fill.price) || !f.positive_qty("quantity", fill.qty) ||
      !f.boolean("isMaker", fill.maker) || !f.ms_time("timestamp", fill.time) ||
      !notional_ok(f, fill.price, fill.qty)) {
    return false;
  }
  if (plan.has_symbol && symbol != ctx.filter_symbol) return f.fail("symbol", "not the symbol the request asked for");
  if (fill.time < plan.from || fill.time > plan.to) return f.fail("timestamp", "outside the requested from/to");
  // Without a trade id a fill cannot be told from its other copies: it is not used.
  const std::optional<uint32_t> market = ctx.program.market_index(symbol);
  if (!has_trade_id || !market) return true;
  fill.market = *market;
  ctx.history_fills.push_back(fill);
  return true;
}

}  // namespace

bool parse_trade_history(od::array& body, const RestPlan& plan, ParseContext& ctx, Payload& out) {
  ctx.history_trades.clear();
  if (!for_each_object(body, ctx, [&](od::object& o, size_t i) { return parse_history_trade(o, i, ctx); }))
    return false;
  if (ctx.history_trades.size() > plan.limit) return ctx.failure.at("body", "more trades than the request's limit");
  if (!plan.market_known) return ctx.ignore(out, "symbol not configured");
  out = TradeHistoryEvent{plan.market, ctx.history_trades};
  return true;
}

bool parse_fill_history(od::array& body, const RestPlan& plan, ParseContext& ctx, Payload& out) {
  ctx.history_fills.clear();
  if (!for_each_object(body, ctx, [&](od::object& o, size_t i) { return parse_history_fill(o, i, plan, ctx); }))
    return false;
  out = FillHistoryEvent{ctx.history_fills};
  return true;
}

}  // namespace mm::feedjson
