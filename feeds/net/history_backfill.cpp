#include "feeds/net/history_backfill.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "feeds/net/protocol.h"

namespace mm::net {
namespace {

// Whole ms at or before `us`, and at or after it: the fill window [from, to] in ms
// then still contains every µs of [from, to].
int64_t floor_ms(TimeUs us) { return us >= 0 ? us / 1000 : -((-us + 999) / 1000); }
int64_t ceil_ms(TimeUs us) { return us >= 0 ? (us + 999) / 1000 : -(-us / 1000); }

// The looser bound of two optional requirements: unset means "no requirement", so the
// merge of a set and an unset one is the set one.
template <class T>
std::optional<T> older(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// core/backfill.h: both set conditions hold at the page's oldest trade; neither set: the
// first page is enough.
bool target_reached(const TradeBackfillTarget& target, const TradePageSummary& page) {
  if (!target.down_to_id && !target.since) return true;
  const bool ids_covered = !target.down_to_id || page.oldest_id <= *target.down_to_id;
  const bool reaches_back = !target.since || __int128(page.oldest_timestamp_ms) * 1000 < *target.since;
  return ids_covered && reaches_back;
}

// "offset 20, attempt 5: HTTP 503: ..."
std::string given_up(int64_t offset, const RestAttempt& attempt) {
  return "offset " + std::to_string(offset) + ", attempt " + std::to_string(attempt.attempt) + ": " + attempt.error;
}

}  // namespace

HistoryBackfills::HistoryBackfills(const ClientOptions& options, std::vector<BackfillAccount> accounts,
                                   std::shared_ptr<RestClient> rest, std::shared_ptr<ClientStats> stats)
    : symbols_(options.symbols),
      accounts_(std::move(accounts)),
      page_limit_(std::clamp(options.backfill_page_limit, 1, 1000)),
      max_pages_(std::max(options.backfill_max_pages, 1)),
      attempts_(std::max(options.backfill_attempts, 1)),
      rest_(std::move(rest)),
      stats_(std::move(stats)) {}

void HistoryBackfills::stop() {
  stopped_ = true;
  trades_.clear();
  fills_.clear();
}

void HistoryBackfills::count_attempt(BackfillKind kind, const RestAttempt& attempt) {
  BackfillStats& s = stats_->backfill_of(kind);
  auto& counter = attempt.ok ? s.requests_ok : attempt.final ? s.requests_failed : s.requests_retried;
  counter.fetch_add(1, std::memory_order_relaxed);
}

void HistoryBackfills::log_end(BackfillKind kind, std::string_view what, Ending ending, int pages,
                               std::string_view why) {
  BackfillStats& s = stats_->backfill_of(kind);
  (ending == Ending::failed ? s.backfills_failed : s.backfills_done).fetch_add(1, std::memory_order_relaxed);
  const char* name = backfill_kind_name(kind);
  if (ending == Ending::failed)
    spdlog::warn("feed: {} backfill {} failed after {} page(s): {}", name, what, pages, why);
  else if (ending == Ending::page_cap)  // older history exists that was not fetched
    spdlog::warn("feed: {} backfill {} stopped at backfill_max_pages ({}): {}", name, what, pages, why);
  else
    spdlog::info("feed: {} backfill {} done after {} page(s): {}", name, what, pages, why);
}

// ---- public trades -------------------------------------------------------------------

void HistoryBackfills::request_trades(uint32_t market, TradeBackfillTarget target) {
  if (stopped_) return;
  if (market >= symbols_.size()) {
    spdlog::warn("feed: trade history requested for unknown market {}", market);
    return;
  }
  if (auto it = trades_.find(market); it != trades_.end()) {
    TradeBackfillTarget& running = it->second.target;
    running.down_to_id = older(running.down_to_id, target.down_to_id);
    running.since = older(running.since, target.since);
    stats_->backfill_of(BackfillKind::trades).backfills_merged.fetch_add(1, std::memory_order_relaxed);
    return;  // the next page result is judged against the wider target
  }
  TradeBackfill& backfill = trades_[market];
  backfill.serial = next_serial_++;
  backfill.target = target;
  stats_->backfill_of(BackfillKind::trades).backfills_started.fetch_add(1, std::memory_order_relaxed);
  send_trade_page(market, backfill);
}

void HistoryBackfills::send_trade_page(uint32_t market, const TradeBackfill& backfill) {
  const std::string& symbol = symbols_[market];
  RestRequest r;
  r.source = Source{SourceKind::rest, 0, 0};
  r.path = trade_history_path(symbol, page_limit_, backfill.offset);
  r.label = "trade history " + symbol + " offset " + std::to_string(backfill.offset);
  r.max_attempts = attempts_;
  r.on_attempt = [weak = weak_from_this(), market, serial = backfill.serial](const RestAttempt& attempt) {
    if (auto self = weak.lock()) self->on_trade_attempt(market, serial, attempt);
  };
  rest_->submit(std::move(r));
}

void HistoryBackfills::on_trade_attempt(uint32_t market, uint64_t serial, const RestAttempt& attempt) {
  const auto it = trades_.find(market);
  if (stopped_ || it == trades_.end() || it->second.serial != serial) return;
  count_attempt(BackfillKind::trades, attempt);
  if (!attempt.final) return;  // a retry follows
  if (!attempt.ok)
    return end_trades(it, Ending::failed, given_up(it->second.offset, attempt));
  on_trade_page(it, attempt.body);
}

void HistoryBackfills::on_trade_page(TradeIt it, std::string_view body) {
  TradeBackfill& backfill = it->second;
  const Result<TradePageSummary> page = reader_.trades(body);
  if (!page)
    return end_trades(it, Ending::failed, "page at offset " + std::to_string(backfill.offset) + ": " + page.message());
  ++backfill.pages;
  if (page->count < size_t(page_limit_)) return end_trades(it, Ending::complete, "short page, nothing older");
  if (target_reached(backfill.target, *page)) return end_trades(it, Ending::complete, "target reached");
  if (backfill.pages >= max_pages_) return end_trades(it, Ending::page_cap, "target not reached");
  backfill.offset += page_limit_;
  send_trade_page(it->first, backfill);
}

void HistoryBackfills::end_trades(TradeIt it, Ending ending, std::string_view why) {
  log_end(BackfillKind::trades, symbols_[it->first], ending, it->second.pages, why);
  trades_.erase(it);
}

// ---- MM fills ------------------------------------------------------------------------

void HistoryBackfills::request_fills(uint16_t mm, uint16_t account, TimeUs from, TimeUs to) {
  if (stopped_) return;
  const auto known = std::find_if(accounts_.begin(), accounts_.end(),
                                  [&](const BackfillAccount& a) { return a.mm == mm && a.account == account; });
  if (known == accounts_.end()) {
    spdlog::warn("feed: fill history requested for unknown account {}/{}", mm, account);
    return;
  }
  const size_t index = size_t(known - accounts_.begin());
  const int64_t from_ms = floor_ms(from), to_ms = ceil_ms(to);
  if (from_ms > to_ms) {
    spdlog::warn("feed: fill history for {} requested with from after to ({} > {} ms)", known->label, from_ms, to_ms);
    return;
  }
  if (auto it = fills_.find(index); it != fills_.end()) {
    FillBackfill& running = it->second;
    if (from_ms < running.from_ms || to_ms > running.to_ms) running.window_grew = true;
    running.from_ms = std::min(running.from_ms, from_ms);
    running.to_ms = std::max(running.to_ms, to_ms);
    stats_->backfill_of(BackfillKind::fills).backfills_merged.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  FillBackfill& backfill = fills_[index];
  backfill.serial = next_serial_++;
  backfill.from_ms = from_ms;
  backfill.to_ms = to_ms;
  stats_->backfill_of(BackfillKind::fills).backfills_started.fetch_add(1, std::memory_order_relaxed);
  send_fill_page(index, backfill);
}

void HistoryBackfills::send_fill_page(size_t account, const FillBackfill& backfill) {
  const BackfillAccount& a = accounts_[account];
  RestRequest r;
  r.source = Source{SourceKind::mm_rest, a.mm, a.account};
  r.params = fill_history_query(backfill.from_ms, backfill.to_ms, page_limit_, backfill.offset);
  r.path = with_query(kFillHistoryPath, r.params);
  r.label = "fill history " + a.label + " offset " + std::to_string(backfill.offset);
  r.key = a.key;
  r.instruction = std::string(kFillHistoryInstruction);
  r.max_attempts = attempts_;
  r.on_attempt = [weak = weak_from_this(), account, serial = backfill.serial](const RestAttempt& attempt) {
    if (auto self = weak.lock()) self->on_fill_attempt(account, serial, attempt);
  };
  rest_->submit(std::move(r));
}

void HistoryBackfills::on_fill_attempt(size_t account, uint64_t serial, const RestAttempt& attempt) {
  const auto it = fills_.find(account);
  if (stopped_ || it == fills_.end() || it->second.serial != serial) return;
  count_attempt(BackfillKind::fills, attempt);
  if (!attempt.final) return;  // a retry follows
  if (!attempt.ok)
    return end_fills(it, Ending::failed, given_up(it->second.offset, attempt));
  on_fill_page(it, attempt.body);
}

void HistoryBackfills::on_fill_page(FillIt it, std::string_view body) {
  FillBackfill& backfill = it->second;
  const Result<size_t> count = reader_.fills(body);
  if (!count)
    return end_fills(it, Ending::failed, "page at offset " + std::to_string(backfill.offset) + ": " + count.message());
  ++backfill.pages;
  if (!backfill.window_grew && *count < size_t(page_limit_))
    return end_fills(it, Ending::complete, "short page, window exhausted");
  if (backfill.pages >= max_pages_) return end_fills(it, Ending::page_cap, "window not exhausted");
  // Offsets index the window's fills: a wider window can put fills before the offset
  // reached, so it is paged again from the start (the engine drops what it has seen).
  backfill.offset = backfill.window_grew ? 0 : backfill.offset + page_limit_;
  backfill.window_grew = false;
  send_fill_page(it->first, backfill);
}

void HistoryBackfills::end_fills(FillIt it, Ending ending, std::string_view why) {
  log_end(BackfillKind::fills, accounts_[it->first].label, ending, it->second.pages, why);
  fills_.erase(it);
}

}  // namespace mm::net
