// The exchange client: Backpack's WebSocket streams and REST endpoints -> InboundSink.
//
// One public WebSocket (trade.<S> and depth.<S> of every symbol), one private WebSocket
// per MM account (account.orderUpdate, signed), and REST requests on demand (depth
// snapshots, signed open orders, paged trade and fill history). Everything runs on one
// io_context thread, which is also the only thread that pushes into the sink. See
// feeds/net/README.md.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/backfill.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/time_utc.h"
#include "feeds/inbound.h"
#include "feeds/signing.h"

namespace boost::asio {
class io_context;
}

namespace mm {

struct ClientAccount {
  uint16_t mm = 0;
  uint16_t account = 0;
  std::string label;  // "alpha/main", for logs
  AccountKey key;
};

struct ClientOptions {
  std::string ws_url = "wss://ws.backpack.exchange";       // or ws://127.0.0.1:PORT (tests, simulator)
  std::string rest_url = "https://api.backpack.exchange";  // or http://127.0.0.1:PORT
  std::string ca_file;  // PEM bundle trusted instead of the system store; empty = system default paths
  TimeUs stale_after = 130 * kUsPerSecond;  // no frame and no ping for this long: the connection is down
  TimeUs reconnect_min = kUsPerSecond / 2;  // exponential backoff with full jitter between these
  TimeUs reconnect_max = 30 * kUsPerSecond;
  TimeUs rest_timeout = 10 * kUsPerSecond;     // whole request: resolve, connect, TLS, write, read
  TimeUs connect_timeout = 10 * kUsPerSecond;  // WebSocket resolve + connect + TLS + upgrade
  TimeUs stop_timeout = 2 * kUsPerSecond;      // stop(): close handshake and sink drain, at most
  int64_t window_ms = 5000;                    // signature validity window
  int max_concurrent_rest = 4;                 // in flight; the others wait in order
  // History backfills (request_trade_history, request_fill_history):
  int backfill_max_pages = 50;    // pages read per backfill, at most (>= 1)
  int backfill_page_limit = 1000;  // `limit` of each page (1..1000, BACKPACK.md)
  int backfill_attempts = 5;      // tries per page before the backfill fails (>= 1)
  // One SUBSCRIBE per symbol (its trade and depth streams): the exchange refuses a whole
  // SUBSCRIBE naming an unknown stream, so a delisted symbol must not silence the others.
  size_t max_streams_per_subscribe = 2;
  size_t max_message_bytes = size_t(8) << 20;  // larger frames or REST bodies are errors
  std::vector<std::string> symbols;            // index = market number in requests and logs
  std::vector<ClientAccount> accounts;
  const Clock* clock = &system_clock();  // receive times, signature timestamps
};

// Counters of one WebSocket connection; readable from any thread.
struct ConnectionStats {
  std::atomic<bool> up{false};                // subscribed, `connected` pushed, not yet ended
  std::atomic<uint64_t> connects{0};          // times it became up
  std::atomic<uint64_t> disconnects{0};       // times it went down after being up
  std::atomic<uint64_t> connect_failures{0};  // attempts that ended before being up
  std::atomic<uint64_t> reconnect_attempts{0};
  std::atomic<uint64_t> idle_timeouts{0};
  std::atomic<uint64_t> frames{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> pings{0};
  std::atomic<uint64_t> error_frames{0};  // {"id":null,"error":{...}}
  std::atomic<TimeUs> last_frame_us{0};   // receive time of the newest frame
};

// History backfills, per kind. For mmscore_backfill_requests_total{kind,outcome}: the
// three requests_* counters are the outcomes ok, retried, failed of page attempts.
enum class BackfillKind : uint8_t { trades, fills };
inline constexpr size_t kBackfillKinds = 2;
inline const char* backfill_kind_name(BackfillKind kind) { return kind == BackfillKind::trades ? "trades" : "fills"; }

struct BackfillStats {
  std::atomic<uint64_t> requests_ok{0};       // page attempts answered 200 (the page was pushed)
  std::atomic<uint64_t> requests_retried{0};  // page attempts that failed; another follows
  std::atomic<uint64_t> requests_failed{0};   // page attempts that failed and ended their backfill
  std::atomic<uint64_t> backfills_started{0};
  std::atomic<uint64_t> backfills_done{0};    // ended: target reached, short page or max pages
  std::atomic<uint64_t> backfills_failed{0};  // ended: a page given up, or a page not of the expected shape
  std::atomic<uint64_t> backfills_merged{0};  // requests folded into the running backfill
};

struct ClientStats {
  explicit ClientStats(size_t account_count)
      : account_count(account_count), accounts(std::make_unique<ConnectionStats[]>(account_count)) {}

  ConnectionStats public_stream;
  const size_t account_count;
  const std::unique_ptr<ConnectionStats[]> accounts;  // same order as ClientOptions::accounts

  std::atomic<uint64_t> tls_failures{0};  // TLS handshakes that failed (certificate, protocol)
  std::atomic<uint64_t> rest_ok{0};
  std::atomic<uint64_t> rest_failed{0};     // network errors, timeouts, non-200 (backfill pages included)
  std::atomic<uint64_t> rest_coalesced{0};  // requests equal to one already waiting
  std::atomic<uint64_t> rest_in_flight{0};
  std::atomic<uint64_t> rest_queued{0};
  std::atomic<uint64_t> backpressure_waits{0};  // times the sink refused and a connection paused
  std::atomic<uint64_t> dropped_at_stop{0};     // still refused when stop_timeout ran out
  std::array<BackfillStats, kBackfillKinds> backfill;  // index: BackfillKind

  BackfillStats& backfill_of(BackfillKind kind) { return backfill[size_t(kind)]; }
  const BackfillStats& backfill_of(BackfillKind kind) const { return backfill[size_t(kind)]; }

  bool public_up() const { return public_stream.up.load(); }
  bool account_up(size_t index) const { return index < account_count && accounts[index].up.load(); }
  // Sums over all connections.
  uint64_t total(std::atomic<uint64_t> ConnectionStats::*counter) const {
    uint64_t sum = (public_stream.*counter).load();
    for (size_t i = 0; i < account_count; ++i) sum += (accounts[i].*counter).load();
    return sum;
  }
};

// The first problem that would keep the client from working (URLs, CA bundle, window,
// symbols, backfill limits), or nullopt. For the daemon's startup checks.
Result<> check_client_options(const ClientOptions& options);

class ExchangeClient {
 public:
  // `io` must be run by one thread; `sink` must outlive the client. Options that
  // check_client_options() refuses are logged: bad URLs disable the client, an unloadable
  // ca_file makes every TLS connection fail (and count).
  ExchangeClient(boost::asio::io_context& io, ClientOptions options, InboundSink& sink);
  // Best after stop()'s `done` ran. Either way nothing reaches the sink afterwards; if `io`
  // still runs, the connections close in the background. `io` must outlive the client.
  ~ExchangeClient();
  ExchangeClient(const ExchangeClient&) = delete;
  ExchangeClient& operator=(const ExchangeClient&) = delete;

  void start();  // connects everything; thread-safe (posts to io)
  // Graceful: closes every connection, pushes `disconnected` for each source that was up,
  // then calls `done` on the io thread. Nothing is pushed after that. Thread-safe.
  void stop(std::function<void()> done);

  // Thread-safe (post to io). Retried until they succeed or stop(); a request equal to
  // one still waiting in the queue is merged with it.
  void request_depth(uint32_t market);                      // GET /api/v1/depth?symbol=S
  void request_open_orders(uint16_t mm, uint16_t account);  // signed GET /api/v1/orders

  // History backfills (SCORING.md section 13). Thread-safe (post to io). Paged one page at
  // a time through the REST queue, each page pushed like any REST body; a page is tried
  // at most backfill_attempts times. One backfill per market, and per account, at a time:
  // a request while one runs merges into it (counted in backfills_merged).
  //
  // GET /api/v1/trades/history?symbol=S&limit=L&offset=N, N = 0, L, 2L, ..., until the
  // target holds (core/backfill.h), a page is short, or backfill_max_pages were read.
  // Merging widens the target (each condition: the older bound; unset = no requirement).
  void request_trade_history(uint32_t market, TradeBackfillTarget target);
  // Signed GET /wapi/v1/history/fills?fillType=User&from=<ms>&limit=L&offset=N&to=<ms>
  // over [from, to] (to == 0: the clock now, read at the call), while pages are full, up to
  // backfill_max_pages. Merging takes the earlier from and the later to; a window that
  // grew is paged again from offset 0.
  void request_fill_history(uint16_t mm, uint16_t account, TimeUs from, TimeUs to);

  const ClientStats& stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mm
