#include "core/engine.h"

#include <algorithm>
#include <string>

namespace mm {

Engine::Engine(const Program& program, EngineObserver* observer)
    : program_(program), observer_(observer ? observer : &null_observer_) {
  const size_t n_markets = program.markets.size();
  books_.resize(n_markets);
  counted_.resize(n_markets);
  credited_.resize(n_markets);
  last_public_id_.resize(n_markets);
  views_.resize(n_markets);
  scratch_.resize(n_markets * program.mms.size());
  mid2_.resize(n_markets);
  mm_observed_.resize(program.mms.size());
  for (const MmSpec& m : program.mms) {
    account_base_.push_back(uint32_t(accounts_.size()));
    accounts_.resize(accounts_.size() + m.accounts.size());
  }
  month_.first_trade_seen.resize(n_markets);
}

void Engine::reject() {
  ++counters_.records;
  ++counters_.rejected;
  InputCounters& in = started_ ? month_.input : pending_input_;
  ++in.records;
  ++in.rejected;
}

void Engine::torn() {
  InputCounters& in = started_ ? month_.input : pending_input_;
  ++in.torn;
}

void Engine::apply(const Record& r) {
  if (!started_) start(r.ts);
  sample_dense(r.ts);
  advance_to(r.ts);
  sample_dense(r.ts);  // the new month's instants, when this record closed the month
  ++month_.input.records;
  ++counters_.records;
  month_.last_ts = clock_;
  if (r.source.kind == SourceKind::market || r.source.kind == SourceKind::mm) {
    if (!std::holds_alternative<ConnectionEvent>(r.payload)) source_seen(r.source);
  }
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, IgnoredEvent>) {
          ++month_.input.ignored;
          ++counters_.ignored;
        } else if constexpr (std::is_same_v<T, TradeEvent>) {
          on_trade(e);
        } else if constexpr (std::is_same_v<T, DepthEvent>) {
          on_depth(e);
        } else if constexpr (std::is_same_v<T, DepthSnapshotEvent>) {
          on_depth_snapshot(e);
        } else if constexpr (std::is_same_v<T, OrderEvent>) {
          on_order(r.source, e);
        } else if constexpr (std::is_same_v<T, OpenOrdersEvent>) {
          on_open_orders(r.source, e);
        } else if constexpr (std::is_same_v<T, ConnectionEvent>) {
          on_connection(r.source, e);
        } else if constexpr (std::is_same_v<T, TickEvent>) {
          on_tick(e);
        } else if constexpr (std::is_same_v<T, TradeHistoryEvent>) {
          on_trade_history(e);
        } else if constexpr (std::is_same_v<T, FillHistoryEvent>) {
          on_fill_history(r.source, e);
        }
      },
      r.payload);
}

// ---- time -----------------------------------------------------------------------------

void Engine::start(TimeUs ts) {
  started_ = true;
  clock_ = ts;
  open_month(month_of(ts));
  month_.input = pending_input_;
  pending_input_ = {};
  // Instants before the first record are not taken.
  next_interval_ = schedule_->first_at_or_after(ts);
  const TimeUs step = program_.dense_interval, since = ts - month_.month.start();
  dense_next_ = month_.month.start() + (since + step - 1) / step * step;
}

void Engine::open_month(YearMonth m) {
  month_.reset(m, program_.markets.size(), program_.mms.size());
  schedule_.emplace(m, program_.snapshot_interval, program_.snapshot_jitter, program_.snapshot_seed);
  next_interval_ = 0;
  dense_next_ = m.start();
  legs_.clear();  // a trade is classified in the month it was credited in
}

void Engine::close_month() {
  observer_->month_closed(month_);
  open_month(month_.month.next());
}

void Engine::advance_to(TimeUs ts) {
  if (ts <= clock_) return;  // time never runs backwards; late records apply at the clock
  while (true) {
    while (!tick_mode_ && next_interval_ < schedule_->count() && schedule_->instant(next_interval_) < ts) {
      take_snapshot(next_interval_++);
    }
    if (ts < month_.month.end()) break;
    sample_dense(month_.month.end());  // the live timer closes months too: same instants as a replay
    clock_ = month_.month.end();
    month_.last_ts = clock_;
    close_month();
  }
  clock_ = ts;
}

void Engine::advance_clock(TimeUs now) {
  if (!started_) return;
  advance_to(now);
  month_.last_ts = clock_;
}

std::optional<TimeUs> Engine::next_deadline() const {
  if (!started_) return std::nullopt;
  if (next_interval_ < schedule_->count()) return schedule_->instant(next_interval_);
  return month_.month.end();
}

// ---- connection state -------------------------------------------------------------------

void Engine::source_seen(const Source& s) {
  if (s.kind == SourceKind::market) {
    public_up_ = true;
  } else {
    AccountState& a = account_state(s.mm, s.account);
    a.up = true;
    a.last_frame = clock_;
  }
}

void Engine::on_connection(const Source& s, const ConnectionEvent& e) {
  ++counters_.connection_events;
  if (s.kind == SourceKind::market) {
    public_up_ = e.up;
    for (uint32_t m = 0; m < books_.size(); ++m) {
      if (e.up) {
        if (books_[m].needs_seed()) observer_->book_needs_seed(m);
        observer_->trades_backfill_needed(m, backfill_target(m));
      } else {
        books_[m].invalidate();
      }
    }
    return;
  }
  if (s.kind != SourceKind::mm) return;
  AccountState& a = account_state(s.mm, s.account);
  a.up = e.up;
  if (e.up) {
    observer_->account_needs_open_orders(s.mm, s.account);
    // From its last private record (minus the overlap), or the month start when the
    // month holds none yet (SCORING.md section 13).
    const TimeUs month_start = month_.month.start();
    const TimeUs from = a.last_frame >= month_start ? a.last_frame - program_.backfill_overlap : month_start;
    observer_->fills_backfill_needed(s.mm, s.account, from);
  } else {
    a.orders_synced = false;
  }
}

// ---- volume ---------------------------------------------------------------------------

bool Engine::count_trade(uint32_t market, uint64_t trade_id, u128 n) {
  if (!counted_[market].insert(trade_id)) return false;
  MarketMonth& mk = month_.markets[market];
  mk.maker_volume += n;
  track_missing(market, trade_id);
  ++mk.trades;
  return true;
}

// Keeps trades_missing = the holes of the counted ids between the month's lowest and
// highest id, each hole longer than max_trade_id_jump left out (an anomaly, logged).
void Engine::track_missing(uint32_t market, uint64_t id) {
  MarketMonth& mk = month_.markets[market];
  if (mk.trades == 0 || id == mk.id_high + 1) {  // the first of the month, or the next one
    if (mk.trades == 0) mk.id_low = id;
    mk.id_high = id;
    return;
  }
  const uint64_t max_hole = program_.max_trade_id_jump;
  auto fit = [max_hole](uint64_t hole) { return hole <= max_hole ? hole : 0; };
  const IdRanges& ids = counted_[market];
  const IdRanges::Neighbours nb = ids.neighbours(id);
  if (id > mk.id_low && id < mk.id_high) {  // fills (part of) a hole inside the month's span
    const uint64_t below = *nb.below, above = *nb.above;
    mk.trades_missing = mk.trades_missing - fit(above - below - 1) + fit(id - below - 1) + fit(above - id - 1);
    return;
  }
  // The span grows: holes between the old end and the nearest member (ids counted in an
  // earlier month may lie there) and the new hole next to `id` come into it.
  uint64_t hole;
  if (id > mk.id_high) {
    mk.trades_missing += ids.holes_between(mk.id_high, *nb.below, max_hole);
    hole = id - *nb.below - 1;
    mk.id_high = id;
  } else {
    mk.trades_missing += ids.holes_between(*nb.above, mk.id_low, max_hole);
    hole = *nb.above - id - 1;
    mk.id_low = id;
  }
  if (hole <= max_hole) {
    mk.trades_missing += hole;
    return;
  }
  ++mk.trade_id_jumps;
  ++counters_.trade_id_jumps;
  observer_->notice("trade id jump on " + program_.markets[market].symbol + ": " + std::to_string(id) + " is " +
                    std::to_string(hole + 1) + " ids from the nearest seen id; not counted as missing");
}

bool Engine::credit_mm(uint16_t mm, uint32_t market, uint64_t trade_id, u128 n) {
  if (!credited_[market].insert(trade_id)) {
    ++counters_.fills_duplicate;
    return false;
  }
  MmMarketMonth& c = month_.cell(mm, market);
  c.maker_volume += n;
  ++c.fills;
  maker_leg(mm, market, trade_id, n);
  return true;
}

// ---- self and cross-MM trades (SCORING.md section 16) ------------------------------------

void Engine::maker_leg(uint16_t mm, uint32_t market, uint64_t trade_id, u128 n) {
  paired(legs_.maker(market, trade_id, mm, n, clock_));
}

void Engine::taker_leg(uint16_t mm, uint32_t market, uint64_t trade_id) {
  paired(legs_.taker(market, trade_id, mm, clock_));
}

void Engine::paired(const std::optional<PairedTrade>& p) {
  if (!p) return;
  MmMarketMonth& c = month_.cell(p->maker_mm, p->market);
  if (!p->self) {
    c.cross_mm_trade_volume += p->notional;
    ++counters_.cross_mm_trades;
    return;
  }
  c.self_trade_volume += p->notional;
  ++counters_.self_trades;
  if (program_.exclude_self_trades) c.maker_volume -= p->notional;  // credited above: never below 0
}

void Engine::on_trade(const TradeEvent& e) {
  ++counters_.trades;
  const MarketSpec& spec = program_.markets[e.market];
  auto& first = month_.first_trade_seen[e.market];
  if (spec.is_new && !first) first = e.engine_time;

  const u128 n = notional(e.price, e.qty);
  TradeFlow& flow = views_[e.market].flow;
  if (count_trade(e.market, e.trade_id, n)) {
    flow.last_new = e.engine_time;
    flow.duplicates_since = 0;
  } else {
    ++counters_.trades_duplicate;
    ++flow.duplicates;
    if (flow.duplicates_since == 0) flow.duplicates_since = e.engine_time;
    flow.last_duplicate = e.engine_time;
  }
  check_public_gap(e.market, e.trade_id);
  // The maker is a program MM when the maker order is one of its live orders. Checked for
  // a repeated id too: an MM's taker fill may have counted the trade before.
  const RestingOrder* o = orders_.find(e.maker_order_id);
  if (o && o->market == e.market) {
    ++counters_.trades_attributed;
    credit_mm(o->mm, e.market, e.trade_id, n);
  }
  // A resting (partly filled) order of an MM on the taking side.
  const RestingOrder* t = orders_.find(e.taker_order_id);
  if (t && t->market == e.market) taker_leg(t->mm, e.market, e.trade_id);
}

// The public stream numbers a market's trades consecutively: a skipped id it has not
// counted from another source means the stream lost trades; the history has them.
void Engine::check_public_gap(uint32_t market, uint64_t id) {
  uint64_t& last = last_public_id_[market];
  if (last != 0 && id > last + 1 && id - last - 1 > program_.max_trade_id_jump) return;  // an anomaly
  if (last != 0 && id > last + 1 && counted_[market].holes_between(last, id, UINT64_MAX) > 0) {
    ++counters_.trade_gaps;
    observer_->trades_backfill_needed(market, TradeBackfillTarget{last + 1, std::nullopt});
  }
  last = std::max(last, id);
}

// After a (re)connect: down to the lowest hole of the month, else to the id after the
// stream's newest (so what came since is fetched; a far-ahead id is no reference), and
// back to the month start when the month has no trade of the market yet.
TradeBackfillTarget Engine::backfill_target(uint32_t market) const {
  TradeBackfillTarget t;
  const MarketMonth& mk = month_.markets[market];
  const IdRanges& ids = counted_[market];
  if (mk.trades > 0) t.down_to_id = ids.lowest_hole(mk.id_low, mk.id_high, program_.max_trade_id_jump);
  if (!t.down_to_id && last_public_id_[market] != 0) t.down_to_id = last_public_id_[market] + 1;
  if (!t.down_to_id) {
    if (const std::optional<uint64_t> top = ids.highest()) t.down_to_id = *top + 1;
  }
  if (mk.trades == 0) t.since = month_.month.start();
  return t;
}

void Engine::count_late(uint32_t market, uint64_t trade_id, u128 n, bool maker_fill) {
  MarketMonth& mk = month_.markets[market];
  if (counted_[market].insert(trade_id)) {
    ++mk.late_trades;
    mk.late_volume += n;
  }
  if (maker_fill && credited_[market].insert(trade_id)) ++mk.late_fills;
}

void Engine::on_trade_history(const TradeHistoryEvent& e) {
  ++counters_.trade_history_records;
  const TimeUs month_start = month_.month.start();
  for (const HistoryTrade& t : e.trades) {
    const u128 n = notional(t.price, t.qty);
    if (t.time < month_start) {
      count_late(e.market, t.trade_id, n, false);
    } else if (count_trade(e.market, t.trade_id, n)) {
      ++counters_.trades_backfilled;
    }
  }
}

void Engine::on_fill_history(const Source& s, const FillHistoryEvent& e) {
  ++counters_.fill_history_records;
  const TimeUs month_start = month_.month.start();
  for (const HistoryFill& f : e.fills) {
    const u128 n = notional(f.price, f.qty);
    if (f.time < month_start) {
      count_late(f.market, f.trade_id, n, f.maker);
      continue;
    }
    count_trade(f.market, f.trade_id, n);  // either side: the trade counts for all users
    if (!f.maker) {
      taker_leg(s.mm, f.market, f.trade_id);
      continue;
    }
    if (credit_mm(s.mm, f.market, f.trade_id, n)) ++counters_.fills_backfilled;
  }
}

void Engine::on_order(const Source& s, const OrderEvent& e) {
  ++counters_.order_events;
  if (e.is_fill) {  // either side: the trade counts in the all-user volume (section 3)
    const u128 n = notional(e.fill_price, e.fill_qty);
    count_trade(e.market, e.trade_id, n);
    if (e.maker) {
      ++counters_.fills_maker;
      credit_mm(s.mm, e.market, e.trade_id, n);
    } else {
      taker_leg(s.mm, e.market, e.trade_id);
    }
  }
  orders_.apply(s.mm, s.account, e);
}

void Engine::on_open_orders(const Source& s, const OpenOrdersEvent& e) {
  ++counters_.open_orders_records;
  orders_.replace(s.mm, s.account, e);
  AccountState& a = account_state(s.mm, s.account);
  if (a.up) a.orders_synced = true;  // only open orders fetched after the reconnect count
}

// ---- books ----------------------------------------------------------------------------

void Engine::on_depth(const DepthEvent& e) {
  switch (books_[e.market].apply_depth(e)) {
    case Book::DepthResult::applied: ++counters_.depth_applied; break;
    case Book::DepthResult::buffered: ++counters_.depth_buffered; break;
    case Book::DepthResult::stale: ++counters_.depth_stale; break;
    case Book::DepthResult::gap:
      ++counters_.depth_gaps;
      observer_->notice("depth gap on " + program_.markets[e.market].symbol + ": U=" + std::to_string(e.first_id));
      observer_->book_needs_seed(e.market);
      break;
  }
}

void Engine::on_depth_snapshot(const DepthSnapshotEvent& e) {
  switch (books_[e.market].seed(e)) {
    case Book::SeedResult::synced: ++counters_.seeds_synced; return;
    case Book::SeedResult::not_bridged: ++counters_.seeds_not_bridged; break;
    case Book::SeedResult::gap: ++counters_.seeds_gap; break;
  }
  observer_->book_needs_seed(e.market);
}

// ---- snapshots ------------------------------------------------------------------------

void Engine::on_tick(const TickEvent& e) {
  ++counters_.ticks;
  tick_mode_ = true;
  // Intervals the recorder skipped were not taken; repeated or stale ticks do nothing.
  if (e.interval < next_interval_ || e.interval >= schedule_->count()) return;
  next_interval_ = e.interval;
  take_snapshot(next_interval_++);
}

// |price - mid| / mid <= band_bps / 10,000, exactly: |2p - 2mid| x 10,000 <= band_bps x 2mid.
bool Engine::in_band(int64_t price, int64_t mid2) const {
  i128 dist = i128(price) * 2 - mid2;
  if (dist < 0) dist = -dist;
  return dist * 10'000 <= i128(program_.band_bps) * mid2;
}

// Why MM `mm` was not observed in `market` at this snapshot: the first failing condition.
UnobservedReason Engine::unobserved_reason(size_t mm, size_t market) const {
  if (!public_up_) return UnobservedReason::public_down;
  if (mid2_[market] == 0) return UnobservedReason::book_not_in_sync;  // out of sync, crossed or one-sided
  for (size_t a = 0; a < program_.mms[mm].accounts.size(); ++a)
    if (!account_state(uint16_t(mm), uint16_t(a)).up) return UnobservedReason::private_down;
  return UnobservedReason::orders_not_in_sync;
}

// The common part of a cell's evidence; `s`: its in-band sums, when they were computed.
CellEvidence Engine::evidence_of(uint32_t interval, size_t mm, size_t market, const Scratch* s) const {
  CellEvidence ev{interval, schedule_->instant(interval), uint16_t(mm), uint32_t(market)};
  ev.mid2 = mid2_[market];
  if (s) {
    ev.looked_at_orders = true;
    ev.bid_notional = s->bid_notional;
    ev.ask_notional = s->ask_notional;
  }
  return ev;
}

// The markets observed now (public feed up, book in sync and sane: 2 x mid, else 0), the
// MMs observed now (every account's private stream up and in sync), and each MM's sums
// over its orders in each observed market.
void Engine::scan_now() {
  const size_t n_markets = program_.markets.size();
  for (size_t m = 0; m < n_markets; ++m) {
    const Book& b = books_[m];
    const auto top = b.top();
    const bool observed = public_up_ && b.in_sync() && top && top->best_bid < top->best_ask;
    mid2_[m] = observed ? top->best_bid + top->best_ask : 0;
  }
  for (size_t i = 0; i < program_.mms.size(); ++i) {
    bool ok = true;
    for (size_t a = 0; a < program_.mms[i].accounts.size(); ++a) {
      const AccountState& s = account_state(uint16_t(i), uint16_t(a));
      ok = ok && s.up && s.orders_synced;
    }
    mm_observed_[i] = ok;
  }
  std::fill(scratch_.begin(), scratch_.end(), Scratch{});
  for (const RestingOrder& o : orders_.all()) {
    if (mid2_[o.market] == 0 || !mm_observed_[o.mm]) continue;
    Scratch& s = scratch_[size_t(o.mm) * n_markets + o.market];
    if (o.side == Side::bid) s.best_bid = std::max(s.best_bid, o.price);
    else s.best_ask = std::min(s.best_ask, o.price);
    if (!in_band(o.price, mid2_[o.market])) continue;
    const u128 n = notional(o.price, o.remaining);
    const double weighted = double(o.price) * double(n);
    if (o.side == Side::bid) {
      s.bid_notional += n;
      s.bid_weighted += weighted;
      s.band_best_bid = std::max(s.band_best_bid, o.price);
    } else {
      s.ask_notional += n;
      s.ask_weighted += weighted;
      s.band_best_ask = std::min(s.band_best_ask, o.price);
    }
  }
}

// At least min_side_notional_usd (strictly positive when that is 0).
bool Engine::side_ok(size_t market, u128 n) const {
  return n > 0 && mul_ge(n, uint64_t(program_.markets[market].usd_rate), u128(program_.min_side_notional_usd),
                         uint64_t(kNotionalScale));
}

Engine::CellState Engine::cell_state(size_t mm, size_t market) const {
  if (mid2_[market] == 0 || !mm_observed_[mm]) return CellState::unobserved;
  const Scratch& s = scratch_[mm * program_.markets.size() + market];
  if (s.best_bid != 0 && s.best_ask != INT64_MAX && s.best_bid >= s.best_ask) return CellState::anomaly;
  // Active: both sides quoted in band with at least min_side_notional_usd each.
  if (!side_ok(market, s.bid_notional) || !side_ok(market, s.ask_notional)) return CellState::inactive;
  return CellState::active;
}

void Engine::sample_dense(TimeUs ts) {
  const TimeUs limit = std::min(ts, month_.month.end());
  if (dense_next_ >= limit) return;
  const TimeUs step = program_.dense_interval;
  const uint32_t n = uint32_t((limit - 1 - dense_next_) / step + 1);  // grid instants in [dense_next_, limit)
  dense_next_ += TimeUs(n) * step;
  scan_now();
  for (size_t i = 0; i < program_.mms.size(); ++i) {
    for (size_t m = 0; m < program_.markets.size(); ++m) {
      const CellState state = cell_state(i, m);
      if (state != CellState::inactive && state != CellState::active) continue;
      MmMarketMonth& c = month_.cell(i, m);
      c.dense_observed += n;
      if (state == CellState::active) c.dense_active += n;
    }
  }
}

void Engine::take_snapshot(uint32_t interval) {
  const TimeUs instant = schedule_->instant(interval);
  const size_t n_markets = program_.markets.size();
  const size_t n_mms = program_.mms.size();
  ++counters_.snapshots;
  ++month_.snapshots_taken;
  if (live_) {  // the tick record the daemon journals for this snapshot
    ++month_.input.records;
    ++counters_.records;
    ++counters_.ticks;
  }
  scan_now();

  for (size_t m = 0; m < n_markets; ++m) {
    const Book& b = books_[m];
    const auto top = b.top();
    MarketView& v = views_[m];
    const TradeFlow flow = v.flow;
    v = MarketView{};
    v.flow = flow;
    v.instant = instant;
    if (top) {
      v.best_bid = top->best_bid;
      v.best_ask = top->best_ask;
    }
    v.observed = mid2_[m] != 0;
    if (!v.observed) {
      ++month_.markets[m].snapshots_unobserved;
      continue;
    }
    ++month_.markets[m].snapshots_observed;
    for (auto it = b.bids().rbegin(); it != b.bids().rend() && in_band(it->price, mid2_[m]); ++it)
      v.bid_depth_in_band += notional(it->price, it->qty);
    for (auto it = b.asks().rbegin(); it != b.asks().rend() && in_band(it->price, mid2_[m]); ++it)
      v.ask_depth_in_band += notional(it->price, it->qty);
  }

  for (size_t i = 0; i < n_mms; ++i) {
    for (size_t m = 0; m < n_markets; ++m) {
      MmMarketMonth& c = month_.cell(i, m);
      const Scratch& s = scratch_[i * n_markets + m];
      switch (cell_state(i, m)) {
        case CellState::unobserved:
          ++c.snapshots_unobserved;
          if (evidence_) {
            CellEvidence ev = evidence_of(interval, i, m, nullptr);
            ev.unobserved = unobserved_reason(i, m);
            evidence_->cell(ev, orders_);
          }
          break;
        case CellState::anomaly:
          ++c.snapshots_anomalous;
          ++c.snapshots_unobserved;
          ++counters_.anomalies;
          observer_->notice("crossed own quotes of " + program_.mms[i].id + " on " + program_.markets[m].symbol);
          if (evidence_) {
            CellEvidence ev = evidence_of(interval, i, m, &s);
            ev.unobserved = UnobservedReason::anomaly;
            evidence_->cell(ev, orders_);
          }
          break;
        case CellState::inactive:
          ++c.snapshots_observed;
          if (evidence_) {
            CellEvidence ev = evidence_of(interval, i, m, &s);
            ev.inactive = s.bid_notional == 0   ? InactiveReason::no_bid_in_band
                          : s.ask_notional == 0 ? InactiveReason::no_ask_in_band
                                                : InactiveReason::below_min_side;
            evidence_->cell(ev, orders_);
          }
          break;
        case CellState::active:
          ++c.snapshots_observed;
          count_active(i, m, interval, s);
          break;
      }
    }
  }
  observer_->snapshot_taken(interval, instant);
}

void Engine::count_active(size_t i, size_t m, uint32_t interval, const Scratch& s) {
  MmMarketMonth& c = month_.cell(i, m);
  ++c.snapshots_active;
  ++views_[m].active_mms;
  const u128 size2 = program_.size_mode == SizeMode::min_side ? 2 * std::min(s.bid_notional, s.ask_notional)
                                                              : s.bid_notional + s.ask_notional;
  c.size_sum2 += size2;
  double spread_raw;  // ask price - bid price, in 1e-9 units
  if (program_.spread_mode == SpreadMode::weighted) {
    spread_raw = s.ask_weighted / double(s.ask_notional) - s.bid_weighted / double(s.bid_notional);
  } else {
    spread_raw = double(s.band_best_ask - s.band_best_bid);
  }
  const double spread_bps = spread_raw * 20'000.0 / double(mid2_[m]);
  c.spread_sum_bps += spread_bps;
  if (evidence_) {
    CellEvidence ev = evidence_of(interval, i, m, &s);
    ev.active = true;
    ev.size2 = size2;
    ev.spread_bps = spread_bps;
    evidence_->cell(ev, orders_);
  }
}

}  // namespace mm
