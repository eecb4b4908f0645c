// Plain POSIX-socket clients for the API tests: full control over the bytes sent
// (malformed requests, garbage, oversized headers), and a minimal WebSocket reader that
// can also be made to stop reading. Every call has a deadline, so a broken server fails
// a test instead of hanging it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace api_test {

struct HttpResult {
  int status = 0;  // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Sends `raw` as is, reads until the server closes (or `timeout_ms`), parses one response.
HttpResult http_raw(uint16_t port, const std::string& raw, int timeout_ms = 10000);
// One request with Connection: close; `token` empty: no Authorization header.
HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& token = "", const std::string& body = "");
inline HttpResult http_get(uint16_t port, const std::string& target, const std::string& token = "") {
  return http_request(port, "GET", target, token);
}

class WsClient {
 public:
  WsClient() = default;
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and sends the upgrade; returns the HTTP status of the answer (101 when
  // upgraded, 0 when none). `receive_buffer` > 0 shrinks SO_RCVBUF before connecting.
  int connect(uint16_t port, const std::string& target, const std::string& token = "", int receive_buffer = 0);
  // The next text message, or nullopt on timeout, close frame or a closed connection.
  std::optional<std::string> read_message(int timeout_ms = 10000);
  bool closed() const { return closed_; }
  // True once the server closed the connection (EOF or reset), reading and discarding.
  bool wait_closed(int timeout_ms);
  std::string handshake_body() const { return handshake_body_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;  // bytes read past the handshake
  std::string handshake_body_;
};

}  // namespace api_test
