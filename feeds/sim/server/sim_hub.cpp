// SimHub: sessions, subscriptions, fan-out, faults, ground truth (REST: sim_hub_rest.cpp).
#include "feeds/sim/server/sim_hub.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "feeds/sim/model/number_text.h"
#include "feeds/sim/server/sim_rest.h"

namespace mm::sim {

namespace {

constexpr int kInvalidRequest = 4000;  // not Backpack-documented; see feeds/sim/server/README.md
constexpr int kInvalidSignature = 4003;
constexpr int kInvalidStream = 4006;

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
template <class T>
bool erase_one(std::vector<T>& v, const T& x) {
  const auto it = std::find(v.begin(), v.end(), x);
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

// The exchange options with the wall-clock id base when the server asks for it.
ExchangeOptions with_id_base(const SimServerOptions& o) {
  ExchangeOptions e = o.exchange;
  if (o.ids_from_clock && e.id_base == 0) e.id_base = uint64_t(std::max<TimeUs>(o.clock->now_us(), 1));
  return e;
}

}  // namespace

struct SimHub::JsonParser {
  simdjson::dom::parser parser;
};

SimHub::SimHub(const SimServerOptions& options, SimServerStats& stats)
    : stats_(stats),
      exchange_(with_id_base(options)),
      keys_(options.keys, options.exchange.accounts.size()),
      knowable_(options.exchange.accounts.size(), options.exchange.markets.size()),
      delivery_(options.exchange.markets.size(), options.exchange.history_retention),
      fill_history_iso_timestamps_(options.fill_history_iso_timestamps),
      trade_subs_(options.exchange.markets.size()),
      depth_subs_(options.exchange.markets.size()),
      private_subs_(options.exchange.accounts.size()),
      stale_next_(options.exchange.markets.size(), false),
      depth_copies_(options.exchange.markets.size()),
      json_(std::make_unique<JsonParser>()) {
  for (uint32_t m = 0; m < options.exchange.markets.size(); ++m) {
    if (!market_by_symbol_.emplace(options.exchange.markets[m].symbol, m).second) {
      throw std::invalid_argument("sim market " + options.exchange.markets[m].symbol + " given twice");
    }
  }
  markets_body_ = markets_json(options.exchange.markets);
}

SimHub::~SimHub() = default;

// ---- sessions -----------------------------------------------------------------------------

void SimHub::add_session(HubSession& session) { sessions_.try_emplace(&session); }

void SimHub::remove_session(HubSession& session) {
  const auto it = sessions_.find(&session);
  if (it == sessions_.end()) return;
  unsubscribe_all(session, it->second);
  sessions_.erase(it);
}

void SimHub::shutdown_all() {
  for (auto& [session, info] : sessions_) {
    unsubscribe_all(*session, info);
    session->shutdown();
  }
}

bool SimHub::queue(HubSession& session, const std::shared_ptr<const std::string>& frame) {
  if (!session.send(frame)) return false;
  stats_.frames_queued.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void SimHub::send_text(HubSession& session, std::string text) {
  queue(session, std::make_shared<const std::string>(std::move(text)));
}

void SimHub::error(HubSession& session, int code, std::string_view message) {
  stats_.error_frames.fetch_add(1, std::memory_order_relaxed);
  send_text(session, "{\"id\":null,\"error\":{\"code\":" + std::to_string(code) + ",\"message\":\"" +
                         std::string(message) + "\"}}");
}

// ---- SUBSCRIBE / UNSUBSCRIBE --------------------------------------------------------------

void SimHub::on_text(HubSession& session, std::string_view message, TimeUs now) {
  const auto it = sessions_.find(&session);
  if (it != sessions_.end()) handle_request(session, it->second, message, now);
}

void SimHub::handle_request(HubSession& session, SessionInfo& info, std::string_view message, TimeUs now) {
  simdjson::dom::element doc;
  simdjson::dom::object request;
  std::string_view method;
  simdjson::dom::array params;
  if (json_->parser.parse(message.data(), message.size()).get(doc) || doc.get_object().get(request) ||
      request["method"].get_string().get(method) || request["params"].get_array().get(params) ||
      (method != "SUBSCRIBE" && method != "UNSUBSCRIBE")) {
    return error(session, kInvalidRequest, "Invalid request");
  }
  // All or nothing: one bad stream refuses the whole message.
  std::vector<StreamName> streams;
  bool wants_private = false;
  for (simdjson::dom::element param : params) {
    std::string_view name;
    std::optional<StreamName> stream;
    if (param.get_string().get(name) || !(stream = parse_stream(name))) {
      return error(session, kInvalidStream, "Invalid stream");
    }
    wants_private |= stream->kind == StreamKind::orders;
    streams.push_back(*stream);
  }
  if (method == "UNSUBSCRIBE") {  // not signed
    for (const StreamName& s : streams) unsubscribe(session, info, s);
    return;
  }
  std::optional<uint32_t> account;
  if (wants_private) {
    std::string_view parts[4];
    simdjson::dom::array signature;
    size_t n = 0;
    bool shaped = !request["signature"].get_array().get(signature);
    if (shaped) {
      for (simdjson::dom::element part : signature) {
        if (n == 4 || part.get_string().get(parts[n])) {
          shaped = false;
          break;
        }
        ++n;
      }
    }
    const Result<uint32_t> verified = shaped && n == 4
                                          ? keys_.verify("subscribe", {}, parts[0], parts[1], parts[2], parts[3], now)
                                          : Result<uint32_t>(make_error("signature must be 4 strings"));
    if (!verified) {
      stats_.signature_failures.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("sim: refused a private SUBSCRIBE: {}", verified.message());
      return error(session, kInvalidSignature, "Invalid signature");
    }
    account = *verified;
  }
  for (const StreamName& s : streams) subscribe(session, info, s, account.value_or(0));
}

std::optional<SimHub::StreamName> SimHub::parse_stream(std::string_view stream) const {
  if (stream == kOrderUpdateStream) return StreamName{StreamKind::orders, 0};
  const size_t dot = stream.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view kind = stream.substr(0, dot);
  const std::optional<uint32_t> market = market_of(stream.substr(dot + 1));
  if (!market) return std::nullopt;
  if (kind == "trade") return StreamName{StreamKind::trade, *market};
  if (kind == "depth") return StreamName{StreamKind::depth, *market};
  return std::nullopt;
}

std::optional<uint32_t> SimHub::market_of(std::string_view symbol) const {
  const auto it = market_by_symbol_.find(std::string(symbol));
  if (it == market_by_symbol_.end()) return std::nullopt;
  return it->second;
}

void SimHub::subscribe(HubSession& session, SessionInfo& info, StreamName stream, uint32_t account) {
  auto add = [&](SessionList& list, std::vector<uint32_t>& mine, uint32_t market) {
    if (contains(mine, market)) return;
    mine.push_back(market);
    list.push_back(&session);
    stats_.subscriptions.fetch_add(1, std::memory_order_relaxed);
  };
  switch (stream.kind) {
    case StreamKind::trade: return add(trade_subs_[stream.market], info.trade, stream.market);
    case StreamKind::depth: return add(depth_subs_[stream.market], info.depth, stream.market);
    case StreamKind::orders:
      // A session follows one account: a new signature moves it.
      if (info.private_stream) erase_one(private_subs_[*info.account], &session);
      else stats_.subscriptions.fetch_add(1, std::memory_order_relaxed);
      info.private_stream = true;
      info.account = account;
      private_subs_[account].push_back(&session);
      return;
  }
}

void SimHub::unsubscribe(HubSession& session, SessionInfo& info, StreamName stream) {
  auto remove = [&](SessionList& list, std::vector<uint32_t>& mine, uint32_t market) {
    if (!erase_one(mine, market)) return;
    erase_one(list, &session);
    stats_.subscriptions.fetch_sub(1, std::memory_order_relaxed);
  };
  switch (stream.kind) {
    case StreamKind::trade: return remove(trade_subs_[stream.market], info.trade, stream.market);
    case StreamKind::depth: return remove(depth_subs_[stream.market], info.depth, stream.market);
    case StreamKind::orders:
      if (!info.private_stream) return;
      erase_one(private_subs_[*info.account], &session);
      info.private_stream = false;
      stats_.subscriptions.fetch_sub(1, std::memory_order_relaxed);
      return;
  }
}

void SimHub::unsubscribe_all(HubSession& session, SessionInfo& info) {
  while (!info.trade.empty()) unsubscribe(session, info, {StreamKind::trade, info.trade.back()});
  while (!info.depth.empty()) unsubscribe(session, info, {StreamKind::depth, info.depth.back()});
  unsubscribe(session, info, {StreamKind::orders, 0});
}

// ---- the market ---------------------------------------------------------------------------

void SimHub::step(TimeUs now) {
  step_trades_.clear();
  exchange_.step(now, [&](const Frame& f) {
    const SessionList* list = nullptr;
    switch (f.kind) {
      case FrameKind::trade: list = &trade_subs_[f.market]; break;
      case FrameKind::depth: list = &depth_subs_[f.market]; break;
      case FrameKind::order_update: list = &private_subs_[f.account]; break;
    }
    bool queued = false;
    if (!list->empty()) {
      const auto payload = std::make_shared<const std::string>(f.json);
      // By index: a session refusing (and closing) never changes the list during this loop.
      for (size_t i = 0; i < list->size(); ++i) queued |= queue(*(*list)[i], payload);
    }
    knowable_.on_frame(f, queued);
    note_delivery(f, queued);
  });
  knowable_.end_step();
  settle_delivery();
  stats_.exchange_steps.fetch_add(1, std::memory_order_relaxed);
}

// ---- faults -------------------------------------------------------------------------------

void SimHub::drop(HubSession& session, SessionInfo& info) {
  unsubscribe_all(session, info);  // nothing more is queued ...
  session.drain_and_close();       // ... and what is queued still goes out
}

void SimHub::send_malformed(HubSession& session, const SessionInfo& info, TimeUs now) {
  const uint32_t m = info.trade.empty() ? info.depth.front() : info.trade.front();
  const std::string& symbol = exchange_.options().markets[m].symbol;
  auto trade = [&](std::string_view price) {
    std::string out = "{\"data\":{\"E\":";
    append_uint(out, uint64_t(now));
    out.append(",\"T\":");
    append_uint(out, uint64_t(now));
    out.append(",\"a\":\"1\",\"b\":\"2\",\"e\":\"trade\",\"m\":true,\"p\":\"");
    out.append(price);
    out.append("\",\"q\":\"1\",\"s\":\"" + symbol + "\",\"t\":1},\"stream\":\"trade." + symbol + "\"}");
    return out;
  };
  std::string truncated = trade("100");
  truncated.resize(truncated.size() / 2);
  send_text(session, std::move(truncated));
  send_text(session, trade("1e3"));  // well-formed JSON, but not a plain decimal
}

void SimHub::fire(const Fault& fault, TimeUs now) {
  stats_.faults_fired.fetch_add(1, std::memory_order_relaxed);
  stats_.faults_by_kind[size_t(fault.kind)].fetch_add(1, std::memory_order_relaxed);
  size_t affected = 0;
  switch (fault.kind) {
    case FaultKind::drop_public:
    case FaultKind::drop_private:
      for (auto& [session, info] : sessions_) {
        const bool hit = fault.kind == FaultKind::drop_public
                             ? info.is_public()
                             : info.private_stream && info.account == fault.index;
        if (!hit) continue;
        drop(*session, info);
        ++affected;
      }
      break;
    case FaultKind::gap:
      exchange_.skip_next_depth_update(fault.index);
      affected = depth_subs_[fault.index].size();
      break;
    case FaultKind::stale_depth:
      std::fill(stale_next_.begin(), stale_next_.end(), true);
      break;
    case FaultKind::malformed:
      for (auto& [session, info] : sessions_) {
        if (!info.is_public()) continue;
        send_malformed(*session, info, now);
        ++affected;
      }
      break;
    case FaultKind::delay_rest:
      if (now + fault.duration > delay_until_) {
        delay_until_ = now + fault.duration;
        delay_ = fault.duration;
      }
      break;
  }
  spdlog::warn("sim: fault {} fired ({} session{})", fault.text, affected, affected == 1 ? "" : "s");
}

GroundTruth SimHub::ground_truth() const {
  GroundTruth t;
  const size_t accounts = exchange_.account_count(), markets = exchange_.market_count();
  t.maker_volume.assign(accounts, std::vector<u128>(markets, 0));
  t.knowable_maker_volume.assign(accounts, std::vector<u128>(markets, 0));
  t.self_trade_volume = t.cross_mm_trade_volume = t.maker_volume;
  for (uint32_t a = 0; a < accounts; ++a) {
    for (uint32_t m = 0; m < markets; ++m) {
      t.maker_volume[a][m] = exchange_.maker_volume(a, m);
      t.self_trade_volume[a][m] = exchange_.self_trade_volume(a, m);
      t.cross_mm_trade_volume[a][m] = exchange_.cross_mm_trade_volume(a, m);
      t.knowable_maker_volume[a][m] = knowable_.knowable(a, m);
    }
  }
  for (uint32_t m = 0; m < markets; ++m) {
    t.market_volume.push_back(exchange_.market_volume(m));
    t.trades.push_back(exchange_.trade_count(m));
    t.trades_never_served.push_back(exchange_.trade_count(m) - delivery_.delivered(m));
    std::vector<HistoryOnlyTrade>& only = t.history_only.emplace_back(delivery_.history_only(m));
    std::sort(only.begin(), only.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    t.history_only_untracked.push_back(delivery_.history_only_untracked(m));
  }
  return t;
}

}  // namespace mm::sim
