// Wiring: options -> one public and N private WsConnections, one RestClient and the
// history backfills paging through it. No Beast here; the connections live in
// ws_connection.cpp and rest_client.cpp.
#include "feeds/net/exchange_client.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "feeds/net/history_backfill.h"
#include "feeds/net/protocol.h"
#include "feeds/net/rest_client.h"
#include "feeds/net/url.h"
#include "feeds/net/ws_connection.h"

namespace mm {

using net::Url;

namespace {

// Stands between the connections and the caller's sink so that a client destroyed
// without stop() can never push into a sink that may be gone: closed, it drops.
class SinkGate final : public InboundSink {
 public:
  explicit SinkGate(InboundSink& sink) : sink_(sink) {}
  bool push(const Inbound& m) override { return !open_.load(std::memory_order_acquire) || sink_.push(m); }
  void close() { open_.store(false, std::memory_order_release); }

 private:
  InboundSink& sink_;
  std::atomic<bool> open_{true};
};

}  // namespace

struct ExchangeClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(boost::asio::io_context& io, ClientOptions o, InboundSink& sink)
      : io(io),
        options(std::move(o)),
        gate(std::make_shared<SinkGate>(sink)),
        stats(std::make_shared<ClientStats>(options.accounts.size())) {}

  // Builds the connections; false (logged) when the options cannot work.
  bool build() {
    const Result<Url> ws = net::parse_url(options.ws_url);
    if (!ws || !ws->websocket) {
      spdlog::error("feed: ws_url '{}': {}", options.ws_url, ws ? "not a ws:// or wss:// URL" : ws.message());
      return false;
    }
    const Result<Url> rest = net::parse_url(options.rest_url);
    if (!rest || rest->websocket) {
      spdlog::error("feed: rest_url '{}': {}", options.rest_url, rest ? "not an http:// or https:// URL" : rest.message());
      return false;
    }
    for (const std::string& s : options.symbols)
      if (!net::symbol_is_plain(s)) spdlog::warn("feed: symbol '{}' has characters URLs must escape", net::loggable(s));
    if (ws->tls || rest->tls) {
      if (auto made = net::make_client_tls_context(options.ca_file)) tls = std::move(*made);
      else spdlog::error("feed: TLS: {}; every TLS connection will fail", made.message());
    }

    auto ws_config = [&](Source source, std::string label) {
      net::WsConnectionConfig c;
      c.url = *ws;
      c.source = source;
      c.label = std::move(label);
      c.stale_after = options.stale_after;
      c.connect_timeout = options.connect_timeout;
      c.reconnect_min = options.reconnect_min;
      c.reconnect_max = options.reconnect_max;
      c.stop_timeout = options.stop_timeout;
      c.max_message_bytes = options.max_message_bytes;
      c.clock = options.clock;
      return c;
    };
    if (!options.symbols.empty()) {
      auto c = ws_config(Source{SourceKind::market, 0, 0}, "public");
      c.subscribe_messages =
          [groups = net::split_streams(net::public_streams(options.symbols), options.max_streams_per_subscribe)] {
            std::vector<std::string> out;
            for (const auto& streams : groups) out.push_back(subscribe_frame(streams, nullptr, 0, 0));
            return out;
          };
      connections.push_back(net::make_ws_connection(io, std::move(c), tls, gate, stats, stats->public_stream));
    }
    for (size_t i = 0; i < options.accounts.size(); ++i) {
      const ClientAccount& a = options.accounts[i];
      auto key = std::make_shared<const AccountKey>(a.key);
      keys.push_back(key);
      auto c = ws_config(Source{SourceKind::mm, a.mm, a.account}, a.label);
      c.error_frame_ends_connection = true;
      c.subscribe_messages = [key, window = options.window_ms, clock = options.clock] {
        const int64_t now_ms = clock->now_us() / 1000;
        return std::vector<std::string>{subscribe_frame({std::string(net::kPrivateStream)}, &key->key, now_ms, window)};
      };
      connections.push_back(net::make_ws_connection(io, std::move(c), tls, gate, stats, stats->accounts[i]));
    }
    net::RestClientConfig rc;
    rc.base = *rest;
    rc.timeout = options.rest_timeout;
    rc.retry_min = options.reconnect_min;
    rc.retry_max = options.reconnect_max;
    rc.max_concurrent = options.max_concurrent_rest;
    rc.window_ms = options.window_ms;
    rc.max_message_bytes = options.max_message_bytes;
    rc.clock = options.clock;
    rest_client = net::make_rest_client(io, rc, tls, gate, stats);
    backfills = std::make_shared<net::HistoryBackfills>(options, backfill_accounts(), rest_client, stats);
    return true;
  }

  std::vector<net::BackfillAccount> backfill_accounts() const {
    std::vector<net::BackfillAccount> out;
    for (size_t i = 0; i < options.accounts.size(); ++i) {
      const ClientAccount& a = options.accounts[i];
      out.push_back(net::BackfillAccount{a.mm, a.account, a.label, keys[i]});
    }
    return out;
  }

  void start() {
    if (started || stopping) return;
    started = true;
    for (auto& c : connections) c->start();
  }

  void stop(std::function<void()> done) {
    if (done) done_callbacks.push_back(std::move(done));
    if (stopped) return finish();
    if (stopping) return;
    stopping = true;
    if (backfills) backfills->stop();
    if (rest_client) rest_client->stop();
    pending_stops = connections.size();
    if (pending_stops == 0) return finish();
    for (auto& c : connections)
      c->stop([self = shared_from_this()] {
        if (--self->pending_stops == 0) self->finish();
      });
  }

  void finish() {
    stopped = true;
    for (auto& callback : done_callbacks) callback();
    done_callbacks.clear();
  }

  void request_depth(uint32_t market) {
    if (stopping || !rest_client) return;
    if (market >= options.symbols.size()) {
      spdlog::warn("feed: depth requested for unknown market {}", market);
      return;
    }
    net::RestRequest r;
    r.source = Source{SourceKind::rest, 0, 0};
    r.path = net::depth_path(options.symbols[market]);
    r.label = "depth " + options.symbols[market];
    rest_client->submit(std::move(r));
  }

  void request_open_orders(uint16_t mm, uint16_t account) {
    if (stopping || !rest_client) return;
    for (size_t i = 0; i < options.accounts.size(); ++i) {
      const ClientAccount& a = options.accounts[i];
      if (a.mm != mm || a.account != account) continue;
      net::RestRequest r;
      r.source = Source{SourceKind::mm_rest, mm, account};
      r.path = std::string(net::kOrdersPath);
      r.label = "orders " + a.label;
      r.key = keys[i];
      r.instruction = std::string(net::kOrdersInstruction);
      return rest_client->submit(std::move(r));
    }
    spdlog::warn("feed: open orders requested for unknown account {}/{}", mm, account);
  }

  void request_trade_history(uint32_t market, TradeBackfillTarget target) {
    if (!stopping && backfills) backfills->request_trades(market, target);
  }

  void request_fill_history(uint16_t mm, uint16_t account, TimeUs from, TimeUs to) {
    if (!stopping && backfills) backfills->request_fills(mm, account, from, to);
  }

  boost::asio::io_context& io;
  ClientOptions options;
  std::shared_ptr<SinkGate> gate;
  std::shared_ptr<ClientStats> stats;
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::vector<std::shared_ptr<const AccountKey>> keys;  // per account, shared with the connections
  std::vector<std::shared_ptr<net::WsConnection>> connections;
  std::shared_ptr<net::RestClient> rest_client;
  std::shared_ptr<net::HistoryBackfills> backfills;
  std::vector<std::function<void()>> done_callbacks;
  size_t pending_stops = 0;
  bool started = false, stopping = false, stopped = false;
};

Result<> check_client_options(const ClientOptions& o) {
  const Result<Url> ws = net::parse_url(o.ws_url);
  if (!ws) return make_error("ws_url: " + ws.message());
  if (!ws->websocket) return make_error("ws_url: not a ws:// or wss:// URL");
  const Result<Url> rest = net::parse_url(o.rest_url);
  if (!rest) return make_error("rest_url: " + rest.message());
  if (rest->websocket) return make_error("rest_url: not an http:// or https:// URL");
  if (ws->tls || rest->tls) {
    if (auto tls = net::make_client_tls_context(o.ca_file); !tls) return make_error("ca_file: " + tls.message());
  }
  if (o.window_ms < 1 || o.window_ms > 60000) return make_error("window_ms: must be 1..60000");
  if (o.backfill_page_limit < 1 || o.backfill_page_limit > 1000)
    return make_error("backfill_page_limit: must be 1..1000");
  if (o.backfill_max_pages < 1) return make_error("backfill_max_pages: must be at least 1");
  if (o.backfill_attempts < 1) return make_error("backfill_attempts: must be at least 1");
  for (const std::string& s : o.symbols)
    if (!net::symbol_is_plain(s))
      return make_error("symbol '" + net::loggable(s) + "': characters outside A-Z a-z 0-9 _ . -");
  for (const ClientAccount& a : o.accounts)
    if (a.key.api_key.empty()) return make_error("account " + a.label + ": no API key");
  return {};
}

ExchangeClient::ExchangeClient(boost::asio::io_context& io, ClientOptions options, InboundSink& sink)
    : impl_(std::make_shared<Impl>(io, std::move(options), sink)) {
  if (!impl_->build()) spdlog::error("feed: the exchange client is disabled");
}

ExchangeClient::~ExchangeClient() {
  // Normally stop() already finished and this changes nothing. Otherwise: never touch the
  // sink again, and let the connections wind down if the io_context still runs.
  impl_->gate->close();
  boost::asio::post(impl_->io, [impl = impl_] { impl->stop(nullptr); });
}

void ExchangeClient::start() {
  boost::asio::post(impl_->io, [impl = impl_] { impl->start(); });
}

void ExchangeClient::stop(std::function<void()> done) {
  boost::asio::post(impl_->io, [impl = impl_, done = std::move(done)]() mutable { impl->stop(std::move(done)); });
}

void ExchangeClient::request_depth(uint32_t market) {
  boost::asio::post(impl_->io, [impl = impl_, market] { impl->request_depth(market); });
}

void ExchangeClient::request_open_orders(uint16_t mm, uint16_t account) {
  boost::asio::post(impl_->io, [impl = impl_, mm, account] { impl->request_open_orders(mm, account); });
}

void ExchangeClient::request_trade_history(uint32_t market, TradeBackfillTarget target) {
  boost::asio::post(impl_->io, [impl = impl_, market, target] { impl->request_trade_history(market, target); });
}

void ExchangeClient::request_fill_history(uint16_t mm, uint16_t account, TimeUs from, TimeUs to) {
  if (to == 0) to = impl_->options.clock->now_us();  // "now" is when it was asked for
  boost::asio::post(impl_->io,
                    [impl = impl_, mm, account, from, to] { impl->request_fill_history(mm, account, from, to); });
}

const ClientStats& ExchangeClient::stats() const { return *impl_->stats; }

}  // namespace mm
