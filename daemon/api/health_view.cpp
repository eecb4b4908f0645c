#include "daemon/api/health_view.h"

namespace mm::api {

namespace {

// Repeated trade ids arriving this long with no new one (and still arriving): degraded.
constexpr TimeUs kDuplicateFloodAfter = 30 * kUsPerSecond;

// "SOL_USDC: no new trades for 45 s while trades arrive", or empty.
std::string duplicate_flood(const std::string& symbol, const TradeFlow& f, TimeUs engine_clock) {
  if (f.duplicates_since == 0 || f.last_duplicate - f.duplicates_since < kDuplicateFloodAfter) return {};
  if (engine_clock - f.last_duplicate > kDuplicateFloodAfter) return {};  // they stopped coming
  const TimeUs since = f.last_new != 0 ? f.last_new : f.duplicates_since;
  return symbol + ": no new trades for " + std::to_string((engine_clock - since) / kUsPerSecond) +
         " s while trades arrive";
}

}  // namespace

HealthFacts health_facts(const ViewContext& ctx) {
  const PublishedState& s = ctx.state;
  HealthFacts h;
  h.started = s.started;
  h.lag_ms = (ctx.now - s.published_at) / 1000;
  h.public_connected = s.public_connected;
  for (const auto& mm_accounts : s.accounts)
    for (const AccountStatus& a : mm_accounts) {
      ++h.accounts_total;
      h.accounts_connected += a.connected;
      h.accounts_in_sync += a.connected && a.in_sync;
    }
  h.books_total = ctx.program.markets.size();
  for (size_t m = 0; m < s.book_in_sync.size() && m < h.books_total; ++m) h.books_in_sync += s.book_in_sync[m] != 0;

  if (!s.started) h.problems.push_back("engine_not_started");
  if (ctx.now - s.published_at > ctx.stall_after) h.problems.push_back("engine_stalled");
  if (!s.public_connected) h.problems.push_back("public_feed_down");
  if (h.accounts_connected < h.accounts_total) h.problems.push_back("account_feed_down");
  if (h.accounts_in_sync < h.accounts_connected) h.problems.push_back("account_orders_out_of_sync");
  if (h.books_in_sync < h.books_total) h.problems.push_back("book_out_of_sync");
  // Records are scored but dropped from the journal: the month is no longer replayable.
  if (s.journal.failing) h.problems.push_back("journal_write_failing");
  for (size_t m = 0; m < s.markets.size() && m < ctx.program.markets.size(); ++m)
    if (std::string flood = duplicate_flood(ctx.program.markets[m].symbol, s.markets[m].flow, s.engine_clock);
        !flood.empty())
      h.problems.push_back(std::move(flood));
  if (ctx.has_report()) {
    // Trades the backfill could not recover (SCORING.md section 13) cost the MMs volume.
    for (const MarketResult& mk : s.report.markets) {
      if (mk.market >= ctx.program.markets.size()) continue;
      const std::string& symbol = ctx.program.markets[mk.market].symbol;
      if (mk.trades_missing > 0) h.problems.push_back(symbol + ": " + std::to_string(mk.trades_missing) + " trades missing");
      // An id far from the market's (a proxy, a bug): counted and logged by the engine.
      if (mk.trade_id_jumps > 0) h.problems.push_back(symbol + ": " + std::to_string(mk.trade_id_jumps) + " trade id jumps");
    }
  }
  return h;
}

void write_health(JsonWriter& w, const ViewContext& ctx) {
  const HealthFacts h = health_facts(ctx);
  w.begin_object();
  w.key("status").value(h.problems.empty() ? "ok" : "degraded");
  w.key("problems").begin_array();
  for (const std::string& p : h.problems) w.value(p);
  w.end_array();
  w.key("engine").begin_object();
  w.key("started").value(h.started);
  w.key("clock");
  if (h.started) w.value(format_rfc3339(ctx.state.engine_clock));
  else w.null();
  w.key("processed").value(ctx.processed);
  w.key("lag_ms").value(h.lag_ms);
  w.end_object();
  w.key("feeds").begin_object();
  w.key("public_connected").value(h.public_connected);
  w.key("accounts_connected").value(uint64_t(h.accounts_connected));
  w.key("accounts_in_sync").value(uint64_t(h.accounts_in_sync));
  w.key("accounts_total").value(uint64_t(h.accounts_total));
  w.key("books_in_sync").value(uint64_t(h.books_in_sync));
  w.key("books_total").value(uint64_t(h.books_total));
  w.end_object();
  w.key("month");
  if (ctx.has_report()) w.value(ctx.state.report.month.to_string());
  else w.null();
  w.end_object();
}

std::string health_json(const ViewContext& ctx) {
  JsonWriter w(false);
  write_health(w, ctx);
  return w.take();
}

std::string health_restoring_json(const RestoreFigures& r) {
  JsonWriter w(false);
  w.begin_object();
  w.key("status").value("restoring");
  w.key("problems").begin_array().value("restoring").end_array();
  w.key("restore").begin_object();
  w.key("file");
  if (r.file.empty()) w.null();
  else w.value(r.file);
  w.key("files_done").value(r.files_done);
  w.key("files_total").value(r.files_total);
  w.key("bytes_done").value(r.bytes_done);
  w.key("bytes_total").value(r.bytes_total);
  w.key("records").value(r.records);
  w.end_object();
  w.end_object();
  return w.take();
}

std::string health_starting_json() {
  return R"({"status":"starting","problems":["engine_not_published"],"engine":{"started":false}})";
}

}  // namespace mm::api
