// Order mechanics of the synthetic exchange: submitting (matching, then resting or
// expiring), cancelling, settling fills, and writing the frames each of these causes.
#include "feeds/sim/model/synthetic_exchange.h"

#include <algorithm>
#include <stdexcept>

namespace mm::sim {

namespace {
int side_index(Side s) { return s == Side::bid ? 0 : 1; }
}  // namespace

SyntheticExchange::SyntheticExchange(ExchangeOptions options)
    : options_(std::move(options)),
      history_(options_.markets.size(), options_.accounts.size(), options_.history_retention),
      rng_(options_.seed),
      next_order_id_(options_.id_base ? options_.id_base : options_.first_order_id) {
  const size_t n_markets = options_.markets.size();
  markets_.reserve(n_markets);
  for (const SimMarket& spec : options_.markets) {
    if (spec.tick <= 0 || spec.step <= 0 || spec.start_price <= 0) {
      throw std::invalid_argument("sim market " + spec.symbol + ": tick, step and start_price must be > 0");
    }
    MarketState& ms = markets_.emplace_back(spec, pool_);
    ms.start_price = ms.fair = spec.start_price;
    ms.tick = spec.tick;
    ms.step = spec.step;
    ms.next_trade_id = uint64_t(rng_.between(100'000'000, 899'999'999));
    ms.last_update_id = uint64_t(rng_.between(1'000'000'000, 4'999'999'999));
    if (options_.id_base) ms.next_trade_id = ms.last_update_id = options_.id_base;
  }
  for (uint32_t a = 0; a < options_.accounts.size(); ++a) {
    const SimAccount& acc = options_.accounts[a];
    if (acc.markets.empty()) {
      for (MarketState& ms : markets_) ms.accounts.push_back(a);
    } else {
      for (uint32_t m : acc.markets) {
        if (m >= n_markets) throw std::invalid_argument("sim account " + acc.mm_id + ": market index out of range");
        markets_[m].accounts.push_back(a);
      }
    }
  }
  account_orders_.resize(options_.accounts.size() * n_markets);
  maker_volume_.assign(options_.accounts.size() * n_markets, 0);
  self_volume_.assign(options_.accounts.size() * n_markets, 0);
  cross_volume_.assign(options_.accounts.size() * n_markets, 0);
  for (uint32_t a = 0; a < options_.accounts.size(); ++a)
    if (options_.accounts[a].style == QuoteStyle::sample_timed) sample_timed_.push_back(a);

  // Initial books: other users' orders on both sides, sent to nobody (the REST snapshot
  // is how a client learns them).
  emitting_ = false;
  for (uint32_t m = 0; m < n_markets; ++m) {
    for (uint32_t i = 0; i < options_.other_orders_per_side; ++i) {
      place_other(m, Side::bid);
      place_other(m, Side::ask);
    }
  }
  emitting_ = true;
  arena_.reserve(1 << 16);
}

void SyntheticExchange::step(TimeUs now, FrameSink sink) {
  now_ = now;
  arena_.clear();
  pending_.clear();
  ++steps_;
  if (!sample_timed_.empty()) follow_samples();
  const uint32_t m = uint32_t(rng_.below(markets_.size()));
  walk_fair(m);
  const EventMix& mix = options_.mix;
  uint64_t r = rng_.below(uint64_t(mix.mm_requote) + mix.other_order + mix.taker);
  if (r < mix.mm_requote) {
    const std::vector<uint32_t>& accounts = markets_[m].accounts;
    if (accounts.empty()) {
      other_user_order(m);
    } else {
      requote(m, accounts[rng_.below(accounts.size())]);
    }
  } else if (r < uint64_t(mix.mm_requote) + mix.other_order) {
    other_user_order(m);
  } else {
    take(m);
  }
  // The arena no longer grows: views into it are stable until the next step.
  for (PendingFrame& p : pending_) {
    p.frame.json = std::string_view(arena_.data() + p.offset, p.length);
    sink(p.frame);
  }
}

// ---- order operations ---------------------------------------------------------------------

void SyntheticExchange::submit(uint32_t m, int32_t owner, Side side, int64_t price, int64_t qty,
                               bool immediate_or_cancel) {
  MarketState& ms = markets_[m];
  // The initial fill must not trade: nobody would be told.
  if (!emitting_) {
    const int64_t contra = ms.book.best(side == Side::bid ? Side::ask : Side::bid);
    if (contra != 0 && (side == Side::bid ? price >= contra : price <= contra)) return;
  }
  const uint32_t slot = pool_.allocate();
  {
    SimOrder& o = pool_[slot];
    o.id = next_order_id_;
    o.price = price;
    o.quantity = qty;
    o.created = now_;
    o.owner = owner;
    o.side = side;
  }
  next_order_id_ += uint64_t(rng_.between(1, 5));
  if (owner >= 0) emit_order(m, slot, {OrderEventKind::accepted, nullptr, immediate_or_cancel, 0, 0});

  fills_.clear();
  ms.book.match(side, price, qty, fills_);
  settle_fills(m, slot, immediate_or_cancel);

  if (pool_[slot].remaining() > 0 && !immediate_or_cancel) {
    ms.book.add(slot);
    list_add(m, slot);
    emit_depth_changes(m);
    return;
  }
  const bool expired = pool_[slot].remaining() > 0;
  if (expired && owner >= 0) emit_order(m, slot, {OrderEventKind::expired, nullptr, immediate_or_cancel, 0, 0});
  emit_depth_changes(m);
  pool_.release(slot);
}

void SyntheticExchange::settle_fills(uint32_t m, uint32_t taker_slot, bool immediate_or_cancel) {
  MarketState& ms = markets_[m];
  for (const BookFill& f : fills_) {
    SimOrder& taker = pool_[taker_slot];
    const SimOrder& maker = pool_[f.maker];
    const u128 n = notional(f.price, f.qty);
    taker.executed += f.qty;
    taker.executed_quote += n;
    const uint64_t trade_id = ms.next_trade_id++;
    ms.volume += n;
    ++ms.trades;
    if (maker.owner >= 0) maker_volume_[cell(uint32_t(maker.owner), m)] += n;
    if (maker.owner >= 0 && taker.owner >= 0) {
      const bool same_mm = options_.accounts[size_t(maker.owner)].mm_id == options_.accounts[size_t(taker.owner)].mm_id;
      (same_mm ? self_volume_ : cross_volume_)[cell(uint32_t(maker.owner), m)] += n;
    }

    const bool taker_buys = taker.side == Side::bid;
    const size_t offset = arena_.size();
    const TimeUs event_time = begin_frame();
    append_trade_frame(arena_, ms.text,
                       {event_time, now_, taker_buys ? taker.id : maker.id, taker_buys ? maker.id : taker.id,
                        !taker_buys, f.price, f.qty, trade_id});
    finish_frame(FrameKind::trade, false, 0, m, 0, ms.text.trade_stream, offset, event_time);
    if (emitting_) pending_.back().frame.trade_id = trade_id;
    history_.record(m, trade_id,
                    {f.price, f.qty, now_, maker.id, taker.id, maker.owner, taker.owner, !taker_buys});

    OrderFields fill{OrderEventKind::fill, nullptr, false, 0, 0};
    fill.fill_price = f.price;
    fill.fill_qty = f.qty;
    fill.trade_id = trade_id;
    if (maker.owner >= 0) {
      fill.maker = true;
      emit_order(m, f.maker, fill);
    }
    if (taker.owner >= 0) {
      fill.maker = false;
      fill.immediate_or_cancel = immediate_or_cancel;
      fill.fee = n * u128(kTakerFeeBps) / 10'000;
      emit_order(m, taker_slot, fill);
    }
    if (maker.remaining() == 0) {
      list_remove(m, f.maker);
      pool_.release(f.maker);
    }
  }
}

void SyntheticExchange::cancel(uint32_t m, uint32_t slot) {
  markets_[m].book.remove(slot);
  list_remove(m, slot);
  if (pool_[slot].owner >= 0) emit_order(m, slot, {OrderEventKind::cancelled, nullptr, false, 0, 0});
  emit_depth_changes(m);
  pool_.release(slot);
}

void SyntheticExchange::cancel_all(uint32_t m, uint32_t account) {
  doomed_ = account_orders_[cell(account, m)];
  for (uint32_t slot : doomed_) cancel(m, slot);
}

// ---- owners' order lists ------------------------------------------------------------------

std::vector<uint32_t>& SyntheticExchange::owner_list(uint32_t m, const SimOrder& o) {
  if (o.owner < 0) return markets_[m].others[side_index(o.side)];
  return account_orders_[cell(uint32_t(o.owner), m)];
}

void SyntheticExchange::list_add(uint32_t m, uint32_t slot) {
  SimOrder& o = pool_[slot];
  std::vector<uint32_t>& list = owner_list(m, o);
  o.owner_pos = uint32_t(list.size());
  list.push_back(slot);
}

void SyntheticExchange::list_remove(uint32_t m, uint32_t slot) {
  const SimOrder& o = pool_[slot];
  std::vector<uint32_t>& list = owner_list(m, o);
  const uint32_t pos = o.owner_pos;
  if (pos >= list.size() || list[pos] != slot) return;  // not resting (taker)
  list[pos] = list.back();
  pool_[list[pos]].owner_pos = pos;
  list.pop_back();
}

// ---- frames -------------------------------------------------------------------------------

TimeUs SyntheticExchange::begin_frame() {
  // Event time: a little after the engine time, later for each frame of the event.
  return now_ + 120 + 9 * TimeUs(pending_.size());
}

void SyntheticExchange::finish_frame(FrameKind kind, bool is_private, uint32_t account, uint32_t m,
                                     uint64_t update_id, std::string_view stream, size_t offset,
                                     TimeUs event_time) {
  if (!emitting_) {
    arena_.resize(offset);
    return;
  }
  Frame f;
  f.kind = kind;
  f.is_private = is_private;
  f.account = account;
  f.market = m;
  f.update_id = update_id;
  f.event_time = event_time;
  f.stream = stream;
  pending_.push_back({f, offset, arena_.size() - offset});
}

void SyntheticExchange::emit_order(uint32_t m, uint32_t slot, OrderFields fields) {
  const SimOrder& o = pool_[slot];
  fields.order = &o;
  fields.engine_time = now_;
  const size_t offset = arena_.size();
  fields.event_time = begin_frame();
  append_order_frame(arena_, markets_[m].text, fields);
  finish_frame(FrameKind::order_update, true, uint32_t(o.owner), m, 0, kOrderUpdateStream, offset,
               fields.event_time);
  if (emitting_ && fields.kind == OrderEventKind::fill) pending_.back().frame.trade_id = fields.trade_id;
}

void SyntheticExchange::emit_depth_changes(uint32_t m) {
  MarketState& ms = markets_[m];
  if (!emitting_) {  // the initial book: clients learn it from the REST snapshot
    ms.book.clear_changes();
    return;
  }
  for (const LevelChange& c : ms.book.changes()) {
    const uint64_t id = ++ms.last_update_id;
    if (ms.skip_next_depth) {
      ms.skip_next_depth = false;
      continue;
    }
    const size_t offset = arena_.size();
    const TimeUs event_time = begin_frame();
    append_depth_frame(arena_, ms.text, event_time, now_, id, c.side, c.price,
                       ms.book.level_quantity(c.side, c.price));
    finish_frame(FrameKind::depth, false, 0, m, id, ms.text.depth_stream, offset, event_time);
  }
  ms.book.clear_changes();
}

// ---- REST ---------------------------------------------------------------------------------

std::string SyntheticExchange::depth_snapshot(uint32_t market, TimeUs now) const {
  const MarketState& ms = markets_[market];
  std::string out;
  out.reserve(64 + 48 * (ms.book.level_count(Side::bid) + ms.book.level_count(Side::ask)));
  append_depth_body(out, ms.text, ms.book, ms.last_update_id, now);
  return out;
}

std::string SyntheticExchange::open_orders(uint32_t account, std::optional<uint32_t> market) const {
  std::string out = "[";
  std::vector<uint32_t> slots;
  for (uint32_t m = 0; m < markets_.size(); ++m) {
    if (market && *market != m) continue;
    slots = account_orders_[cell(account, m)];
    std::sort(slots.begin(), slots.end(), [&](uint32_t a, uint32_t b) { return pool_[a].id < pool_[b].id; });
    for (uint32_t slot : slots) {
      if (out.size() > 1) out.push_back(',');
      append_open_order(out, markets_[m].text, pool_[slot]);
    }
  }
  out.push_back(']');
  return out;
}

}  // namespace mm::sim
