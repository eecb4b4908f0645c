// Raw Beast clients for the simulator tests (deliberately not the daemon's client):
// a WebSocket client that reads on its own thread into a queue, and a keep-alive HTTP
// client. Beast stays in test_clients.cpp so the test files compile fast.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mm::simtest {

using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

struct WsClientOptions {
  std::string ca_file;      // wss://: the CA to trust (verification is always on)
  int receive_buffer = 0;   // SO_RCVBUF before connecting, when > 0
  bool read = true;         // false: never read (so never answers a ping either)

  static WsClientOptions trusting(std::string ca) {
    WsClientOptions o;
    o.ca_file = std::move(ca);
    return o;
  }
  static WsClientOptions not_reading(int receive_buffer = 0) {
    WsClientOptions o;
    o.read = false;
    o.receive_buffer = receive_buffer;
    return o;
  }
};

class WsTestClient {
 public:
  // Connects, upgrades and starts reading. Throws std::runtime_error on failure.
  explicit WsTestClient(const std::string& url, WsClientOptions options = {});
  ~WsTestClient();
  WsTestClient(const WsTestClient&) = delete;
  WsTestClient& operator=(const WsTestClient&) = delete;

  void send(std::string text);
  // The next text message, or nullopt after `timeout` (or once closed and drained).
  std::optional<std::string> next(Ms timeout);
  // Waits until the connection has ended (Close frame or socket error).
  bool wait_closed(Ms timeout);
  bool closed() const;
  bool closed_by_close_frame() const;  // ended with a WebSocket Close from the server
  uint64_t pings() const;
  uint64_t messages_received() const;  // text messages ever (queued or taken)

  struct Impl;  // test_clients.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

struct HttpResult {
  unsigned status = 0;  // 0: no response (see error)
  std::string body;
  std::string error;
  bool keep_alive = false;
  Ms elapsed{0};
};

class HttpTestClient {
 public:
  // Connects (and TLS when base_url is https://). Throws std::runtime_error on failure.
  explicit HttpTestClient(const std::string& base_url, std::string ca_file = {});
  ~HttpTestClient();
  HttpTestClient(const HttpTestClient&) = delete;
  HttpTestClient& operator=(const HttpTestClient&) = delete;

  // GET on the same connection (keep-alive).
  HttpResult get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {},
                 Ms timeout = 10s);

  struct Impl;  // test_clients.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

// One GET on a fresh connection.
HttpResult http_get(const std::string& base_url, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}, std::string ca_file = {});

}  // namespace mm::simtest
