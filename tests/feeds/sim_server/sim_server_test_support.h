// Shared helpers of the simulator server tests: a small market setup with generated
// keys, a checker that runs every received frame through RecordParser, and polling.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/book.h"
#include "feeds/record_parser.h"
#include "feeds/signing.h"
#include "feeds/sim/server/frame_fields.h"
#include "feeds/sim/model/market_catalog.h"
#include "feeds/sim/model/sim_program.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/feeds/sim_server/test_clients.h"

namespace mm::simtest {

using namespace mm::sim;

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Polls `done` every few ms until it holds or `timeout` passes (never a fixed sleep).
inline bool wait_until(const std::function<bool()>& done, Ms timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Reads messages into `on_message` until `done` holds; false after `timeout` or when the
// connection ends first.
inline bool read_until(WsTestClient& ws, const std::function<void(const std::string&)>& on_message,
                       const std::function<bool()>& done, Ms timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    const auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    if (left <= Ms(0)) return false;
    std::optional<std::string> m = ws.next(std::min(left, Ms(50)));
    if (m) on_message(*m);
    else if (ws.closed()) return done();
  }
  return true;
}

inline std::string replace_first(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

inline Ed25519Key test_key(uint8_t fill) {
  std::array<uint8_t, 32> seed{};
  seed.fill(fill);
  return *key_from_seed(seed);
}

// Two markets; alpha/main, beta/main (tight quoters) with keys, gamma/main without one.
struct SimSetup {
  SimServerOptions options;
  std::vector<Ed25519Key> keys;  // [account] (gamma's is not registered)

  SimSetup() {
    ExchangeOptions& ex = options.exchange;
    ex.seed = 7;
    ex.markets = {make_sim_market("SOL_USDC", "98.90", "0.01", "0.01"),
                  make_sim_market("BTC_USDC_PERP", "97180.0", "0.1", "0.00001")};
    ex.accounts = {{"alpha", "main", QuoteStyle::tight, {}},
                   {"beta", "main", QuoteStyle::tight, {}},
                   {"gamma", "main", QuoteStyle::tight, {}}};
    for (uint8_t a = 0; a < 3; ++a) keys.push_back(test_key(uint8_t(11 + a)));
    options.keys = {{0, keys[0].public_key_b64}, {1, keys[1].public_key_b64}};
    options.events_per_second = 1500;
  }
};

inline std::string subscribe(const std::vector<std::string>& streams) {
  return subscribe_frame(streams, nullptr, 0, 0);
}
inline std::string subscribe_private(const Ed25519Key& key, int64_t ts_ms = now_ms(), int64_t window_ms = 5000) {
  return subscribe_frame({"account.orderUpdate"}, &key, ts_ms, window_ms);
}
using Headers = std::vector<std::pair<std::string, std::string>>;
inline Headers signed_headers_for(const Ed25519Key& key, std::string_view instruction, Headers params = {},
                                  int64_t ts_ms = now_ms()) {
  const SignedHeaders h = sign_request(key, instruction, std::move(params), ts_ms, 5000);
  return {{"X-API-Key", h.api_key}, {"X-Signature", h.signature}, {"X-Timestamp", h.timestamp},
          {"X-Window", h.window}};
}
inline Headers signed_headers(const Ed25519Key& key, Headers params = {}, int64_t ts_ms = now_ms()) {
  return signed_headers_for(key, "orderQueryAll", std::move(params), ts_ms);
}

// Parses frames and REST bodies as the daemon would, and keeps the first refusal.
class FrameChecker {
 public:
  explicit FrameChecker(const ExchangeOptions& options)
      : sim_(make_sim_program(options, 60 * kUsPerSecond, false)), parser_(sim_.program) {}

  const SimProgram& sim() const { return sim_; }
  uint64_t refused() const { return refused_; }
  const std::string& first_refusal() const { return first_refusal_; }
  const Record& record() const { return record_; }

  // A public frame; true when accepted.
  bool public_frame(std::string_view text) { return frame(text, Source{SourceKind::market, 0, 0}); }
  // A private frame of exchange account `account`.
  bool private_frame(std::string_view text, uint32_t account) {
    return frame(text, Source{SourceKind::mm, sim_.mm_of[account], sim_.account_of[account]});
  }
  bool depth_body(std::string_view symbol, std::string_view body) {
    return check(parser_.parse_rest(ts(), Source{SourceKind::rest, 0, 0}, "/api/v1/depth?symbol=" + std::string(symbol),
                                    pad(body), record_),
                 body);
  }
  bool orders_body(uint32_t account, std::string_view body) {
    return check(parser_.parse_rest(ts(), Source{SourceKind::mm_rest, sim_.mm_of[account], sim_.account_of[account]},
                                    "/api/v1/orders", pad(body), record_),
                 body);
  }

 private:
  static TimeUs ts() { return now_ms() * 1000; }
  std::string_view pad(std::string_view text) {
    buffer_.assign(text);
    buffer_.append(kJsonPadding, ' ');
    return std::string_view(buffer_.data(), text.size());
  }
  bool frame(std::string_view text, Source src) { return check(parser_.parse_frame(ts(), src, pad(text), record_), text); }
  bool check(const ParseOutcome& out, std::string_view text) {
    if (out.ok) return true;
    if (refused_++ == 0) first_refusal_ = std::string(out.reason) + " in " + std::string(text.substr(0, 300));
    return false;
  }

  SimProgram sim_;
  RecordParser parser_;
  Record record_;
  std::string buffer_;
  uint64_t refused_ = 0;
  std::string first_refusal_;
};

// Depth bookkeeping of one client: consecutive ids per market, and a Book per market.
struct DepthTracker {
  explicit DepthTracker(FrameChecker& c) : checker(c), books(2), last_u(2, 0), first_u(2, 0) {}

  // Program markets are sorted by symbol: BTC_USDC_PERP is 0, SOL_USDC is 1.
  size_t index(std::string_view symbol) const { return *checker.sim().program.market_index(symbol); }
  Book& book(std::string_view symbol) { return books[index(symbol)]; }

  FrameChecker& checker;
  std::vector<Book> books;  // [program market]
  std::vector<uint64_t> last_u, first_u;
  uint64_t depth_frames = 0, trades = 0, holes = 0, gaps_reported = 0;

  void on_frame(const std::string& text) {
    if (!checker.public_frame(text)) return;
    const Record& r = checker.record();
    if (const auto* d = std::get_if<DepthEvent>(&r.payload)) {
      ++depth_frames;
      uint64_t& last = last_u[d->market];
      if (first_u[d->market] == 0) first_u[d->market] = d->first_id;
      if (last != 0 && d->first_id != last + 1) holes += d->first_id - last - 1;
      last = d->last_id;
      if (books[d->market].apply_depth(*d) == Book::DepthResult::gap) ++gaps_reported;
    } else if (std::holds_alternative<TradeEvent>(r.payload)) {
      ++trades;
    }
  }

  // Fetches the REST snapshot and seeds the market's book from it.
  Book::SeedResult seed(HttpTestClient& http, const std::string& symbol, uint64_t* snapshot_id = nullptr,
                        TimeUs* snapshot_time = nullptr) {
    const HttpResult res = http.get("/api/v1/depth?symbol=" + symbol);
    REQUIRE(res.status == 200);
    REQUIRE(checker.depth_body(symbol, res.body));
    const auto& snap = std::get<DepthSnapshotEvent>(checker.record().payload);
    if (snapshot_id) *snapshot_id = snap.last_update_id;
    if (snapshot_time) *snapshot_time = TimeUs(*own_json_uint(res.body, "timestamp"));
    return books[snap.market].seed(snap);
  }
};

// A started server; stops in the destructor.
struct RunningServer {
  explicit RunningServer(SimServerOptions options) : server(std::move(options)) {
    const auto started = server.start();
    INFO(started.message());
    REQUIRE(started);
  }
  SimServer server;
};

}  // namespace mm::simtest
