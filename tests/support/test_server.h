// A small real server for network tests: WebSocket and HTTP/1.1 on one loopback port,
// plain or TLS (Boost.Beast). It runs its own thread; every method is thread-safe.
// Tests drive it from outside (send, ping, close, drop a connection; answer HTTP with a
// handler) and inspect what the client sent.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_tls.h"

namespace mm::test {

struct HttpRequestRecord {
  std::string method;
  std::string target;                          // "/api/v1/depth?symbol=SOL_USDC"
  std::map<std::string, std::string> headers;  // names in lower case
};

struct HttpReply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class TestServer {
 public:
  struct Options {
    const TestCert* tls = nullptr;  // null: plain ws:// and http://
  };
  explicit TestServer(Options options);
  TestServer() : TestServer(Options{}) {}
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const;
  std::string ws_url() const;    // ws://127.0.0.1:PORT or wss://127.0.0.1:PORT
  std::string http_url() const;  // http://127.0.0.1:PORT or https://...

  // HTTP: the handler runs on the server thread. Without one, every request gets 404.
  void set_http_handler(std::function<HttpReply(const HttpRequestRecord&)> handler);
  std::vector<HttpRequestRecord> http_requests() const;

  // WebSocket connections are numbered 0, 1, ... in the order their upgrade requests
  // arrived; a connection has its number before the client sees the upgrade succeed.
  size_t ws_count() const;
  std::vector<std::string> ws_messages(size_t id) const;  // text messages from the client
  std::string ws_target(size_t id) const;                 // the upgrade request's target
  bool ws_open(size_t id) const;
  // Queued per connection and performed in order on the server thread.
  void ws_send(size_t id, std::string text);
  void ws_ping(size_t id);
  void ws_close(size_t id);  // close handshake (code 1001, going away)
  void ws_drop(size_t id);   // abrupt: the TCP socket is closed without a close frame
  // Runs on the server thread for each text message (auto-replies, fault injection).
  void set_ws_message_handler(std::function<void(size_t id, const std::string& text)> handler);

  uint64_t tls_handshake_failures() const;

  struct State;  // shared with the connection objects (test_server.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mm::test
