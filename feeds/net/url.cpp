#include "feeds/net/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace mm::net {
namespace {

std::optional<Url> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

bool is_default_port(const Url& u) { return u.port == (u.tls ? "443" : "80"); }

}  // namespace

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  if (!is_default_port(*this)) out += ":" + port;
  return out;
}

bool Url::host_is_ip() const {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  Url u;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail(error, "missing scheme in URL '" + std::string(text) + "'");
  std::string scheme(text.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme == "ws" || scheme == "wss")
    u.websocket = true;
  else if (scheme != "http" && scheme != "https")
    return fail(error, "unsupported scheme '" + scheme + "' (ws, wss, http, https)");
  u.tls = scheme == "wss" || scheme == "https";

  std::string_view rest = text.substr(scheme_end + 3);
  const size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  u.path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (u.path.front() == '?') u.path.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return fail(error, "credentials in URLs are not supported");

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "unterminated IPv6 literal in URL");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(error, "garbage after IPv6 literal in URL");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return fail(error, "missing host in URL '" + std::string(text) + "'");
  if (port.empty()) {
    u.port = u.tls ? "443" : "80";
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
      return fail(error, "bad port '" + std::string(port) + "' in URL");
    u.port = std::string(port);
  }
  return u;
}

}  // namespace mm::net
