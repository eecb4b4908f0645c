// ws://, wss://, http:// and https:// URLs, split into what a connection needs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace mm::net
