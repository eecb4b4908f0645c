// Engine checkpoints: every member that outlives a record, field by field (no struct
// dumps: padding and layout stay out of the bytes). One field list per type serves both
// directions: visit(io, x) with io = StateWriter saves, io = StateReader loads. What is
// rebuilt instead of saved: the snapshot schedule (from the month and the program),
// the order index, per-snapshot scratch.
#include <string>

#include "core/engine.h"

namespace mm {

namespace {

// Bump when a field list below changes: older checkpoints are then refused (and the
// daemon falls back to an older one or a full replay).
constexpr uint32_t kStateFormat = 2;  // 2: self-trade legs, dense uptime

template <class Io, class T>
void visit(Io& io, T& m)
  requires std::is_same_v<std::remove_const_t<T>, MarketMonth>
{
  io(m.maker_volume), io(m.snapshots_observed), io(m.snapshots_unobserved), io(m.trades);
  io(m.id_low), io(m.id_high), io(m.trades_missing), io(m.trade_id_jumps);
  io(m.late_trades), io(m.late_volume), io(m.late_fills);
}

template <class Io, class T>
void visit(Io& io, T& m)
  requires std::is_same_v<std::remove_const_t<T>, MmMarketMonth>
{
  io(m.maker_volume), io(m.snapshots_observed), io(m.snapshots_unobserved), io(m.snapshots_active);
  io(m.snapshots_anomalous), io(m.size_sum2), io(m.spread_sum_bps), io(m.fills);
  io(m.self_trade_volume), io(m.cross_mm_trade_volume), io(m.dense_observed), io(m.dense_active);
}

template <class Io, class T>
void visit(Io& io, T& c)
  requires std::is_same_v<std::remove_const_t<T>, InputCounters>
{
  io(c.records), io(c.rejected), io(c.ignored), io(c.torn), io(c.unjournaled);
}

template <class Io, class T>
void visit(Io& io, T& v)
  requires std::is_same_v<std::remove_const_t<T>, MarketView>
{
  io(v.observed), io(v.best_bid), io(v.best_ask), io(v.bid_depth_in_band), io(v.ask_depth_in_band);
  io(v.active_mms), io(v.instant);
  io(v.flow.duplicates), io(v.flow.last_new), io(v.flow.duplicates_since), io(v.flow.last_duplicate);
}

template <class Io, class T>
void visit(Io& io, T& c)
  requires std::is_same_v<std::remove_const_t<T>, EngineCounters>
{
  io(c.trades), io(c.trades_duplicate), io(c.trades_attributed), io(c.fills_maker), io(c.fills_duplicate);
  io(c.trade_id_jumps), io(c.depth_applied), io(c.depth_buffered), io(c.depth_stale), io(c.depth_gaps);
  io(c.seeds_synced), io(c.seeds_not_bridged), io(c.seeds_gap), io(c.order_events), io(c.open_orders_records);
  io(c.connection_events), io(c.ticks), io(c.trade_history_records), io(c.fill_history_records);
  io(c.trades_backfilled), io(c.fills_backfilled), io(c.trade_gaps), io(c.snapshots), io(c.anomalies);
  io(c.records), io(c.rejected), io(c.ignored), io(c.self_trades), io(c.cross_mm_trades);
}

template <class Io, class T>
void visit(Io& io, T& l)
  requires std::is_same_v<std::remove_const_t<T>, Level>
{
  io(l.price), io(l.qty);
}

template <class Io, class T>
void visit(Io& io, T& o)
  requires std::is_same_v<std::remove_const_t<T>, RestingOrder>
{
  io(o.order_id), io(o.market), io(o.mm), io(o.account), io(o.side), io(o.price), io(o.remaining);
}

// Sequences: a length, then the elements' fields.
template <class T>
void save_all(StateWriter& w, const std::vector<T>& v) {
  w.put<uint64_t>(v.size());
  for (const T& x : v) visit(w, x);
}

template <class T>
void load_all(StateReader& r, std::vector<T>& v) {
  v.resize(r.get_length(1));
  for (T& x : v) visit(r, x);
}

}  // namespace

// The one friend of Book, IdRanges, MmOrders and Engine: their private members are the
// state. Each pair of functions below must stay mirror images.
struct StateAccess {
  template <class Io, class T>
  static void buffered(Io& io, T& b) {
    io(b.first_id), io(b.last_id), io(b.level_begin), io(b.bid_count), io(b.ask_count);
  }

  static void save(StateWriter& w, const Book& b) {
    save_all(w, b.bids_);
    save_all(w, b.asks_);
    w(b.last_u_), w(b.synced_), w(b.bridged_);
    w.put<uint64_t>(b.buffer_.size());
    for (const auto& x : b.buffer_) buffered(w, x);
    save_all(w, b.buffer_levels_);
  }
  static void load(StateReader& r, Book& b) {
    load_all(r, b.bids_);
    load_all(r, b.asks_);
    r(b.last_u_), r(b.synced_), r(b.bridged_);
    b.buffer_.resize(r.get_length(1));
    for (auto& x : b.buffer_) buffered(r, x);
    load_all(r, b.buffer_levels_);
    for (const auto& x : b.buffer_)  // a buffered frame must point inside the levels
      if (uint64_t(x.level_begin) + x.bid_count + x.ask_count > b.buffer_levels_.size()) r.fail();
  }

  static void save(StateWriter& w, const IdRanges& ids) {
    w.put<uint64_t>(ids.ranges_.size());
    for (const auto& [lo, hi] : ids.ranges_) w(lo), w(hi);
  }
  static void load(StateReader& r, IdRanges& ids) {
    const uint64_t n = r.get_length(16);
    ids.ranges_.clear();
    ids.size_ = 0;
    uint64_t previous_hi = 0;
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      const uint64_t lo = r.get<uint64_t>(), hi = r.get<uint64_t>();
      // Ranges are disjoint, ordered and apart (touching ones are merged on insert).
      if (hi < lo || (i > 0 && lo <= previous_hi + 1)) r.fail();
      ids.ranges_.emplace_hint(ids.ranges_.end(), lo, hi);
      ids.size_ += hi - lo + 1;
      previous_hi = hi;
    }
  }

  template <class Io, class T>
  static void leg(Io& io, T& l) {
    io(l.trade_id), io(l.market), io(l.maker), io(l.taker), io(l.classified), io(l.seen), io(l.notional);
  }
  static void save(StateWriter& w, const TradeLegs& t) {
    w.put<uint64_t>(t.legs_.size());
    for (const auto& l : t.legs_) leg(w, l);
  }
  static void load(StateReader& r, TradeLegs& t) {
    t.legs_.resize(r.get_length(8));
    for (auto& l : t.legs_) leg(r, l);
    t.reindex();
  }
  static void save(StateWriter& w, const MmOrders& o) { save_all(w, o.orders_); }
  static void load(StateReader& r, MmOrders& o) {
    load_all(r, o.orders_);
    o.index_ = FlatMap<uint32_t>();
    for (uint32_t i = 0; i < o.orders_.size(); ++i) o.index_.put(o.orders_[i].order_id, i);
  }

  template <class Io, class T>
  static void account(Io& io, T& a) {
    io(a.up), io(a.orders_synced), io(a.last_frame);
  }

  static void save_month(StateWriter& w, const MonthState& m) {
    w(m.month.year), w(m.month.month), w(m.market_count);
    save_all(w, m.markets);
    save_all(w, m.cells);
    w.put<uint64_t>(m.first_trade_seen.size());
    for (const auto& t : m.first_trade_seen) w.put_optional(t);
    visit(w, m.input);
    w(m.snapshots_taken), w(m.last_ts);
  }
  static void load_month(StateReader& r, MonthState& m) {
    r(m.month.year), r(m.month.month), r(m.market_count);
    load_all(r, m.markets);
    load_all(r, m.cells);
    m.first_trade_seen.resize(r.get_length(1));
    for (auto& t : m.first_trade_seen) r.get_optional(t);
    visit(r, m.input);
    r(m.snapshots_taken), r(m.last_ts);
  }

  static void save(StateWriter& w, const Engine& e) {
    w.put(kStateFormat);
    w.put<uint64_t>(e.books_.size()), w.put<uint64_t>(e.accounts_.size()), w.put<uint64_t>(e.mm_observed_.size());
    w(e.started_), w(e.clock_), w(e.next_interval_), w(e.tick_mode_), w(e.live_);
    visit(w, e.pending_input_);
    save_month(w, e.month_);
    for (const Book& b : e.books_) save(w, b);
    for (const IdRanges& ids : e.counted_) save(w, ids);
    for (const IdRanges& ids : e.credited_) save(w, ids);
    for (uint64_t id : e.last_public_id_) w(id);
    save(w, e.orders_);
    save(w, e.legs_);
    w(e.dense_next_);
    w(e.public_up_);
    for (const auto& a : e.accounts_) account(w, a);
    save_all(w, e.views_);
    visit(w, e.counters_);
  }

  // Into a fresh engine of the same program; the caller checks r.ok().
  static Result<> load(StateReader& r, Engine& e) {
    const uint32_t format = r.get<uint32_t>();
    if (!r.ok()) return make_error("engine state is truncated");
    if (format != kStateFormat)
      return make_error("engine state format " + std::to_string(format) + ", this mmscore reads " +
                        std::to_string(kStateFormat));
    const uint64_t markets = r.get<uint64_t>(), accounts = r.get<uint64_t>(), mms = r.get<uint64_t>();
    if (markets != e.books_.size() || accounts != e.accounts_.size() || mms != e.mm_observed_.size())
      return make_error("saved for " + std::to_string(markets) + " markets, " + std::to_string(mms) + " MMs, " +
                        std::to_string(accounts) + " accounts; this program has " + std::to_string(e.books_.size()) +
                        ", " + std::to_string(e.mm_observed_.size()) + ", " + std::to_string(e.accounts_.size()));
    r(e.started_), r(e.clock_), r(e.next_interval_), r(e.tick_mode_), r(e.live_);
    visit(r, e.pending_input_);
    load_month(r, e.month_);
    for (Book& b : e.books_) load(r, b);
    for (IdRanges& ids : e.counted_) load(r, ids);
    for (IdRanges& ids : e.credited_) load(r, ids);
    for (uint64_t& id : e.last_public_id_) r(id);
    load(r, e.orders_);
    load(r, e.legs_);
    r(e.dense_next_);
    r(e.public_up_);
    for (auto& a : e.accounts_) account(r, a);
    load_all(r, e.views_);
    visit(r, e.counters_);
    return check_shape(r, e);
  }

  static Result<> check_shape(StateReader& r, Engine& e) {
    if (!r.ok()) return make_error("engine state is truncated");
    if (!r.at_end()) return make_error("engine state has bytes after its end");
    const MonthState& m = e.month_;
    const size_t n = e.books_.size();
    if (e.started_ && (m.market_count != n || m.markets.size() != n || m.cells.size() != n * e.mm_observed_.size() ||
                       m.first_trade_seen.size() != n || e.views_.size() != n || m.month.month < 1 ||
                       m.month.month > 12))
      return make_error("engine state does not fit this program");
    for (const RestingOrder& o : e.orders_.orders_)
      if (o.market >= n || o.mm >= e.mm_observed_.size() || o.account >= e.program_.mms[o.mm].accounts.size())
        return make_error("engine state holds an order of an unknown market or account");
    const auto mms = int32_t(e.mm_observed_.size());
    for (const auto& l : e.legs_.legs_)
      if (l.market >= n || l.maker < -1 || l.maker >= mms || l.taker < -1 || l.taker >= mms)
        return make_error("engine state holds a trade leg of an unknown market or MM");
    if (e.started_) {
      e.schedule_.emplace(m.month, e.program_.snapshot_interval, e.program_.snapshot_jitter,
                          e.program_.snapshot_seed);
      if (e.next_interval_ > e.schedule_->count()) return make_error("engine state's snapshot interval is past the month");
    }
    return {};
  }

  // Everything load() sets, from a decoded engine into the live one.
  static void take(Engine& to, Engine& from) {
    to.started_ = from.started_, to.clock_ = from.clock_, to.month_ = std::move(from.month_);
    to.schedule_ = from.schedule_, to.next_interval_ = from.next_interval_;
    to.tick_mode_ = from.tick_mode_, to.live_ = from.live_, to.pending_input_ = from.pending_input_;
    to.books_ = std::move(from.books_), to.counted_ = std::move(from.counted_);
    to.credited_ = std::move(from.credited_), to.last_public_id_ = std::move(from.last_public_id_);
    to.orders_ = std::move(from.orders_), to.public_up_ = from.public_up_;
    to.legs_ = std::move(from.legs_), to.dense_next_ = from.dense_next_;
    to.accounts_ = std::move(from.accounts_), to.views_ = std::move(from.views_);
    to.counters_ = from.counters_;
  }
};

void Engine::save_state(StateWriter& out) const { StateAccess::save(out, *this); }

Result<> Engine::load_state(std::string_view bytes) {
  Engine decoded(program_);
  StateReader r(bytes);
  if (auto loaded = StateAccess::load(r, decoded); !loaded) return loaded;
  // A live engine journals a tick for each snapshot it takes: the journal after a live
  // checkpoint is sampled at its ticks, exactly as a replay of the whole journal is.
  if (decoded.live_) decoded.tick_mode_ = true;
  decoded.live_ = false;
  StateAccess::take(*this, decoded);
  return {};
}

}  // namespace mm
