// POSIX clients bound to a chosen loopback source address (127.0.0.2, 127.0.0.3, ... are
// all loopback on Linux), so a test can be several client addresses at once: the
// per-address connection cap and the auth throttling key on the peer address.
#pragma once

#include <cstdint>
#include <string>

#include "tests/daemon/api/raw_client.h"

namespace api_test {

// A connected socket from `source` (e.g. "127.0.0.2") to 127.0.0.1:port, or -1. The
// connect gives up after 2 s.
int connect_from(const std::string& source, uint16_t port);
// True once the peer closed `fd` (EOF or reset) within timeout_ms; reads and discards.
bool closed_within(int fd, int timeout_ms);

// One kept-alive HTTP/1.1 connection from `source`.
class PeerClient {
 public:
  PeerClient(const std::string& source, uint16_t port) : fd_(connect_from(source, port)) {}
  ~PeerClient();
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Sends one request (keep-alive) and reads its response (Content-Length framed);
  // status 0 when none came within timeout_ms.
  HttpResult request(const std::string& target, const std::string& token = "", int timeout_ms = 10000);

 private:
  int fd_ = -1;
  std::string pending_;  // bytes read past the previous response
};

// One request on a fresh connection from `source` (Connection: close).
HttpResult get_from(const std::string& source, uint16_t port, const std::string& target,
                    const std::string& token = "", int timeout_ms = 10000);

}  // namespace api_test
