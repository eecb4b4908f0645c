#include "tests/daemon/api/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <chrono>
#include <cstring>

namespace api_test {

namespace {

using Clock = std::chrono::steady_clock;

int connect_loopback(uint16_t port, int receive_buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += size_t(n);
  }
  return true;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? int(left) : 0;
}

// Appends what arrives before the deadline; false on EOF/error (data kept) or timeout.
bool read_some(int fd, std::string& out, Clock::time_point deadline) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
  char buf[16384];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  out.append(buf, size_t(n));
  return true;
}

HttpResult parse_response(const std::string& raw) {
  HttpResult r;
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || !raw.starts_with("HTTP/1.")) return r;
  const size_t line_end = raw.find("\r\n");
  r.status = std::atoi(raw.substr(9, 3).c_str());
  size_t pos = line_end + 2;
  while (pos < end) {
    const size_t eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      r.headers[name] = line.substr(v);
    }
    pos = eol + 2;
  }
  r.body = raw.substr(end + 4);
  return r;
}

}  // namespace

HttpResult http_raw(uint16_t port, const std::string& raw, int timeout_ms) {
  const int fd = connect_loopback(port, 0);
  if (fd < 0) return {};
  send_all(fd, raw);  // the server may answer (and close) before taking everything
  std::string in;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (read_some(fd, in, deadline)) {
  }
  ::close(fd);
  return parse_response(in);
}

HttpResult http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& token,
                        const std::string& body) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return http_raw(port, req);
}

WsClient::~WsClient() {
  if (fd_ >= 0) ::close(fd_);
}

int WsClient::connect(uint16_t port, const std::string& target, const std::string& token, int receive_buffer) {
  fd_ = connect_loopback(port, receive_buffer);
  if (fd_ < 0) return 0;
  std::string req = "GET " + target +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  req += "\r\n";
  if (!send_all(fd_, req)) return 0;
  std::string in;
  const auto deadline = Clock::now() + std::chrono::milliseconds(10000);
  size_t end;
  while ((end = in.find("\r\n\r\n")) == std::string::npos)
    if (!read_some(fd_, in, deadline)) return parse_response(in).status;
  HttpResult r = parse_response(in.substr(0, end + 4));
  if (r.status != 101) {  // an error answer: read its body (the connection may stay open)
    const size_t length = size_t(std::atoll(r.header("content-length").c_str()));
    while (in.size() < end + 4 + length && read_some(fd_, in, deadline)) {
    }
    handshake_body_ = in.substr(end + 4);
    closed_ = true;
  } else {
    pending_ = in.substr(end + 4);
  }
  return r.status;
}

// One whole frame from the front of `in`: its size in bytes, or 0 when incomplete.
static size_t frame_size(const std::string& in, int& opcode, bool& fin, std::string& payload) {
  if (in.size() < 2) return 0;
  const auto* b = reinterpret_cast<const unsigned char*>(in.data());
  fin = b[0] & 0x80;
  opcode = b[0] & 0x0f;
  uint64_t len = b[1] & 0x7f;
  size_t header = 2;
  if (len == 126 || len == 127) {
    const size_t n = len == 126 ? 2 : 8;
    if (in.size() < 2 + n) return 0;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | b[2 + i];
    header += n;
  }
  if (in.size() < header + len) return 0;  // server frames are never masked
  payload.assign(in, header, len);
  return header + len;
}

std::optional<std::string> WsClient::read_message(int timeout_ms) {
  if (closed_ || fd_ < 0) return std::nullopt;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // Frames are taken from `pending_` only once complete, so a timeout loses nothing.
  while (true) {
    std::string message, payload;
    size_t offset = 0;
    while (true) {
      int opcode = 0;
      bool fin = false;
      const size_t n = frame_size(pending_.substr(offset), opcode, fin, payload);
      if (n == 0) break;
      offset += n;
      if (opcode == 0x8) {
        closed_ = true;
        return std::nullopt;
      }
      if (opcode == 0x9 || opcode == 0xA) {  // ping/pong: nothing to do for a test
        if (message.empty()) {
          pending_.erase(0, offset);
          offset = 0;
        }
        continue;
      }
      message += payload;
      if (fin) {
        pending_.erase(0, offset);
        return message;
      }
    }
    if (!read_some(fd_, pending_, deadline)) return std::nullopt;
  }
}

bool WsClient::wait_closed(int timeout_ms) {
  if (fd_ < 0) return true;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (remaining_ms(deadline) > 0) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
  return false;
}

}  // namespace api_test
