// REST requests with a concurrency limit, a FIFO queue, a deadline per request and retry
// with backoff until success or stop(). Successful bodies go to the sink as kind=rest.
// Internal to ExchangeClient; Beast stays inside rest_client.cpp.
#pragma once

#include <memory>
#include <string>

#include "core/events.h"
#include "feeds/inbound.h"
#include "feeds/net/exchange_client.h"
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

struct RestRequest {
  Source source;      // {rest} or {mm_rest, mm, account}
  std::string path;   // pushed with the body: "/api/v1/depth?symbol=SOL_USDC", "/api/v1/orders"
  std::string label;  // logs: "depth SOL_USDC", "orders alpha/main"
  // Signed requests: the key and instruction (no parameters are sent).
  std::shared_ptr<const AccountKey> key;
  std::string instruction;
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
