// REST requests with a concurrency limit, a FIFO queue, a deadline per request and retry
// with backoff: until success or stop(), or (history pages) for a bounded number of
// attempts. Successful bodies go to the sink as kind=rest.
// Internal to ExchangeClient; Beast stays inside rest_client.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/events.h"
#include "feeds/inbound.h"
#include "feeds/net/exchange_client.h"
#include "feeds/net/protocol.h"
#include "feeds/net/tls_context.h"
#include "feeds/net/url.h"

namespace mm::net {

struct RestClientConfig {
  Url base;  // scheme, host, port; its path is a prefix of every request path
  TimeUs timeout, retry_min, retry_max;
  int max_concurrent;
  int64_t window_ms;
  size_t max_message_bytes;
  const Clock* clock = &system_clock();  // receive times, signature timestamps
};

// What one attempt of a request came to (RestRequest::on_attempt).
struct RestAttempt {
  bool ok = false;        // HTTP 200; the body has been handed to the sink
  bool final = false;     // no other attempt follows: ok, or given up (the owner logs why)
  std::string_view body;  // when ok: the body just pushed (valid during the call)
  std::string error;      // when not ok: "HTTP 429: <body>", "timed out after 5000 ms", ...
  int attempt = 1;        // this one's number, from 1
};

struct RestRequest {
  Source source;      // {rest} or {mm_rest, mm, account}
  std::string path;   // sent, and pushed with the body: "/api/v1/depth?symbol=SOL_USDC", "/api/v1/orders"
  std::string label;  // logs: "depth SOL_USDC", "orders alpha/main"
  // Signed requests: the key, the instruction and the parameters it signs (sorted by the
  // signer). The path must carry the same parameters in its query.
  std::shared_ptr<const AccountKey> key;
  std::string instruction;
  QueryList params;
  // 0: retried after any failure until it succeeds or stop(). N > 0: at most N attempts,
  // retried only after HTTP 429, 5xx, a network error or a timeout (a 4xx will not heal).
  int max_attempts = 0;
  // Called on the io thread after every attempt. A request with a callback is never
  // merged with an equal one waiting (its owner would never hear back).
  std::function<void(const RestAttempt&)> on_attempt;
};

class RestClient {
 public:
  virtual ~RestClient() = default;
  virtual void submit(RestRequest request) = 0;  // io thread
  virtual void stop() = 0;                       // drops everything; nothing is pushed afterwards
};

std::shared_ptr<RestClient> make_rest_client(boost::asio::io_context& io, RestClientConfig config,
                                             std::shared_ptr<boost::asio::ssl::context> tls,
                                             std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats);

}  // namespace mm::net
