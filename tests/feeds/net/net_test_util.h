// Shared pieces of the network tests: a recording sink that can refuse on demand, a
// client running on its own io thread, condition polling instead of fixed sleeps.
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "feeds/inbound.h"
#include "feeds/net/exchange_client.h"
#include "tests/support/test_server.h"

namespace boost::asio {
class io_context;
}

namespace mm::test {

struct Received {
  TimeUs ts;
  Source source;
  InboundKind kind;
  std::string path, payload;
};

inline bool same_source(const Source& a, const Source& b) {
  return a.kind == b.kind && a.mm == b.mm && a.account == b.account;
}

inline const Source kPublic{SourceKind::market, 0, 0};
inline const Source kRest{SourceKind::rest, 0, 0};

class RecordingSink final : public InboundSink {
 public:
  bool push(const Inbound& m) override;
  std::vector<Received> all() const;
  std::vector<Received> of(const Source& source) const;  // in push order
  size_t count(const Source& source, InboundKind kind) const;
  size_t size() const;
  void refuse(bool on) { refusing_.store(on); }
  uint64_t refused() const { return refused_.load(); }

 private:
  mutable std::mutex mutex_;
  std::vector<Received> items_;
  std::atomic<bool> refusing_{false};
  std::atomic<uint64_t> refused_{0};
};

// Polls `done` every 2 ms; true as soon as it holds, false after `timeout`.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// An ExchangeClient on its own io thread. stop() (or the destructor) stops it gracefully.
class ClientRunner {
 public:
  ClientRunner(ClientOptions options, InboundSink& sink);
  ~ClientRunner();
  ExchangeClient& client() { return *client_; }
  const ClientStats& stats() const { return client_->stats(); }
  boost::asio::io_context& io();
  // Runs `fn` on the io thread (several calls in it stay together in the io queue).
  void on_io(std::function<void()> fn);
  bool stop();  // true when stop()'s done ran within 10 s

 private:
  struct Io;
  std::unique_ptr<Io> io_;
  std::unique_ptr<ExchangeClient> client_;
  bool stopped_ = false;
};

// Fast timings for loopback tests; URLs from the server.
ClientOptions test_options(const TestServer& server);

// RFC 8032 test 1 seed: a fixed, valid account key.
AccountKey test_account_key();
ClientAccount test_account(uint16_t mm, uint16_t account, std::string label);

// The four strings of a SUBSCRIBE frame's "signature" array; empty when absent.
std::vector<std::string> signature_fields(const std::string& frame);

// A loopback port nothing listens on (bound, then released).
uint16_t unused_port();

}  // namespace mm::test
