// ws://, wss://, http:// and https:// URLs, split into what a connection needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

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

// An error when the URL is not one of the four schemes or is malformed.
Result<Url> parse_url(std::string_view text);

// A server's listen address: "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80" -> host (no
// brackets) and port; an error on anything else (no port, a port over 65535, "::1:80").
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};
Result<ListenAddress> parse_listen_address(std::string_view listen);

// An HTTP request target, split at the first '?': "/api/v1/depth", "symbol=SOL_USDC".
struct Target {
  std::string_view path, query;
};
Target split_target(std::string_view target);

// A query string's parameters, in order, %XX-decoded: the one query parser (the API, the
// REST parser and the simulator all use it), built on Boost.URL. '+' stays '+' (neither
// the exchange's symbols nor our tokens hold spaces). Any character is accepted (the
// HTTP parser has already vetted the target); an invalid %-escape anywhere is an error.
struct QueryParam {
  std::string key, value;
  bool has_value = false;  // "key=..." rather than a bare "key"
};
class QueryParams {
 public:
  static Result<QueryParams> parse(std::string_view query);

  const std::vector<QueryParam>& items() const { return items_; }
  // The value of the first `key` (a bare "key" has the value ""); nullopt when absent.
  std::optional<std::string_view> first(std::string_view key) const;
  // Every "key=value" with this key, in order (bare "key" items are not values).
  std::vector<std::string_view> values(std::string_view key) const;
  // (key, value) of every item but the empty ones ("a&&b"): what a request signature covers.
  std::vector<std::pair<std::string, std::string>> pairs() const;

 private:
  std::vector<QueryParam> items_;
};

// The first value of `key` in `query` ("since=5&x=1"), decoded; nullopt when the key is
// absent or the query has a bad %-escape.
std::optional<std::string> query_param(std::string_view query, std::string_view key);

}  // namespace mm::net
