#include "tests/daemon/api/peer_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>

namespace api_test {

namespace {

using SteadyClock = std::chrono::steady_clock;

sockaddr_in ipv4(const std::string& ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  return a;
}

int left_ms(SteadyClock::time_point deadline) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return ms > 0 ? int(ms) : 0;
}

bool send_all(int fd, const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += size_t(n);
  }
  return true;
}

// Status line and headers of `head` (up to the blank line) into r.
void parse_head(const std::string& head, HttpResult& r) {
  if (!head.starts_with("HTTP/1.") || head.size() < 12) return;
  r.status = std::atoi(head.substr(9, 3).c_str());
  for (size_t pos = head.find("\r\n") + 2; pos < head.size();) {
    size_t eol = head.find("\r\n", pos);
    if (eol == std::string::npos) eol = head.size();
    const std::string line = head.substr(pos, eol - pos);
    if (const size_t colon = line.find(':'); colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      r.headers[name] = line.substr(v);
    }
    pos = eol + 2;
  }
}

}  // namespace

int connect_from(const std::string& source, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const timeval limit{2, 0};  // a connect on a full backlog gives up
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  const sockaddr_in from = ipv4(source, 0), to = ipv4("127.0.0.1", port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool closed_within(int fd, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) return false;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
}

PeerClient::~PeerClient() {
  if (fd_ >= 0) ::close(fd_);
}

HttpResult PeerClient::request(const std::string& target, const std::string& token, int timeout_ms) {
  HttpResult r;
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (fd_ < 0 || !send_all(fd_, req + "\r\n")) return r;
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  std::string& in = pending_;
  size_t head_end;
  auto read_more = [&] {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left_ms(deadline)) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in.append(buf, size_t(n));
    return true;
  };
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos)
    if (!read_more()) return r;
  HttpResult out;
  parse_head(in.substr(0, head_end), out);
  const size_t length = size_t(std::atoll(out.header("content-length").c_str()));
  while (in.size() < head_end + 4 + length)
    if (!read_more()) return r;
  out.body = in.substr(head_end + 4, length);
  in.erase(0, head_end + 4 + length);
  return out;
}

HttpResult get_from(const std::string& source, uint16_t port, const std::string& target, const std::string& token,
                    int timeout_ms) {
  PeerClient c(source, port);
  return c.request(target, token, timeout_ms);
}

}  // namespace api_test
