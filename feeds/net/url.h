// ws://, wss://, http:// and https:// URLs, split into what a connection needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mm::net {

struct Url {
  bool tls = false;
  bool websocket = false;
  std::string host;  // without brackets for IPv6 literals
  std::string port;  // always set: the default of the scheme when absent
  std::string path;  // "/" at least; query kept
  // The Host header: host, plus ":port" when not the scheme's default.
  std::string host_header() const;
  // True when `host` is an IPv4/IPv6 literal (no SNI, certificate checked by IP).
  bool host_is_ip() const;
};

// nullopt with `error` set when the URL is not one of the four schemes or is malformed.
std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr);

// A server's listen address: "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80" -> host (no
// brackets) and port; false on anything else (no port, a port over 65535, "::1:80").
bool parse_listen_address(std::string_view listen, std::string& host, uint16_t& port);

// An HTTP request target, split at the first '?': "/api/v1/depth", "symbol=SOL_USDC".
struct Target {
  std::string_view path, query;
};
Target split_target(std::string_view target);

// %XX escapes decoded ('+' is kept: neither the exchange's symbols nor our tokens hold
// spaces). False on a bad escape.
bool percent_decode(std::string_view in, std::string& out);

// "a=1&b=x%2Fy" -> {{"a","1"},{"b","x/y"}}; false on a bad %-escape anywhere.
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace mm::net
