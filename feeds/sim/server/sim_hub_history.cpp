// SimHub: the REST history endpoints, /api/v1/trades/history (public) and
// /wapi/v1/history/fills (signed), and the bookkeeping of which trades reached a client
// (trade_delivery.h). The endpoints answer from the exchange's history as it is at the
// request: the server thread runs market steps and REST requests one after the other.
#include "feeds/net/url.h"
#include "feeds/sim/server/history_query.h"
#include "feeds/sim/server/sim_hub.h"
#include "feeds/sim/server/sim_rest.h"

namespace mm::sim {

SimHub::RestAnswer SimHub::trades_history(const net::QueryParams& params, RestReply& reply) const {
  const Result<TradeHistoryQuery> query = parse_trade_history_query(params, exchange_.options().markets);
  if (!query) return {400, invalid_request(query.message())};
  HistoryPage page = exchange_.trade_history(query->market, query->limit, query->offset);
  reply.served_trades = std::move(page.trades);
  return {200, std::move(page.body)};
}

SimHub::RestAnswer SimHub::fills_history(const RestRequest& request, const net::QueryParams& params,
                                         RestReply& reply, TimeUs now) {
  const Result<uint32_t> account = verify_signed(request, params, "fillHistoryQueryAll", now);
  if (!account) return {401, unauthorized(account.message())};
  Result<FillQuery> query = parse_fill_history_query(params, *account, exchange_.options().markets);
  if (!query) return {400, invalid_request(query.message())};
  query->iso_timestamps = fill_history_iso_timestamps_;
  HistoryPage page = exchange_.fill_history(*query);
  reply.served_trades = std::move(page.trades);
  return {200, std::move(page.body)};
}

// ---- delivery, fed by step() ---------------------------------------------------------------

void SimHub::note_delivery(const Frame& frame, bool queued) {
  if (frame.kind == FrameKind::trade) {
    step_trades_.push_back({frame.market, frame.trade_id, queued});
    return;
  }
  if (frame.kind != FrameKind::order_update || frame.trade_id == 0 || !queued) return;
  // An orderFill follows its trade frame in the same step.
  for (auto it = step_trades_.rbegin(); it != step_trades_.rend(); ++it) {
    if (it->market == frame.market && it->id == frame.trade_id) {
      it->streamed = true;
      return;
    }
  }
}

void SimHub::settle_delivery() {
  const TradeHistory& history = exchange_.history();
  for (const StepTrade& t : step_trades_) {
    if (t.streamed) {
      delivery_.streamed(t.market, t.id);
      continue;
    }
    // A sweep longer than the retention drops its own first trades: those can never be served.
    const SimTrade* h = history.find(t.market, t.id);
    if (!h) continue;
    delivery_.unstreamed(t.market, {t.id, h->time / 1000, notional(h->price, h->qty)}, history.oldest_id(t.market));
  }
}

}  // namespace mm::sim
