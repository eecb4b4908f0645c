#include "feeds/net/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url.hpp>

namespace mm::net {
namespace {

bool is_default_port(const Url& u) { return u.port == (u.tls ? "443" : "80"); }

// Query values keep '+' as it is (Boost.URL's params() would turn it into a space).
const boost::urls::encoding_opts kNoPlusAsSpace{false, false, false};

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view s) {
  const Error not_host_port = make_error("listen address '" + std::string(s) + "' is not HOST:PORT");
  ListenAddress out;
  std::string_view port_text;
  if (s.starts_with("[")) {  // [IPv6]:PORT
    const size_t close = s.find("]:");
    if (close == std::string_view::npos) return not_host_port;
    out.host = std::string(s.substr(1, close - 1));
    port_text = s.substr(close + 2);
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos || s.find(':') != colon) return not_host_port;
    out.host = std::string(s.substr(0, colon));
    port_text = s.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (out.host.empty() || port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      value > 65535)
    return not_host_port;
  out.port = uint16_t(value);
  return out;
}

Target split_target(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

Result<QueryParams> QueryParams::parse(std::string_view query) {
  if (query.empty()) return QueryParams();  // Boost.URL sees one empty parameter: there is none
  const boost::urls::result<boost::urls::pct_string_view> escaped = boost::urls::make_pct_string_view(query);
  if (!escaped) return make_error("bad %-escape in the query");
  boost::urls::url u;
  u.set_encoded_query(*escaped);  // escapes what a query may not hold; valid escapes stay
  QueryParams out;
  for (const boost::urls::param& p : u.params(kNoPlusAsSpace))
    out.items_.push_back({p.key, p.value, p.has_value});
  return out;
}

std::optional<std::string_view> QueryParams::first(std::string_view key) const {
  for (const QueryParam& p : items_)
    if (p.key == key) return std::string_view(p.value);
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::values(std::string_view key) const {
  std::vector<std::string_view> out;
  for (const QueryParam& p : items_)
    if (p.has_value && p.key == key) out.push_back(p.value);
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view key) {
  const Result<QueryParams> params = QueryParams::parse(query);
  if (!params) return std::nullopt;
  const std::optional<std::string_view> value = params->first(key);
  if (!value) return std::nullopt;
  return std::string(*value);
}

std::vector<std::pair<std::string, std::string>> QueryParams::pairs() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const QueryParam& p : items_)
    if (!p.key.empty() || p.has_value) out.emplace_back(p.key, p.value);
  return out;
}

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

Result<Url> parse_url(std::string_view text) {
  Url u;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return make_error("missing scheme in URL '" + std::string(text) + "'");
  std::string scheme(text.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme == "ws" || scheme == "wss")
    u.websocket = true;
  else if (scheme != "http" && scheme != "https")
    return make_error("unsupported scheme '" + scheme + "' (ws, wss, http, https)");
  u.tls = scheme == "wss" || scheme == "https";

  std::string_view rest = text.substr(scheme_end + 3);
  const size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  u.path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (u.path.front() == '?') u.path.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return make_error("credentials in URLs are not supported");

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return make_error("unterminated IPv6 literal in URL");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return make_error("garbage after IPv6 literal in URL");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return make_error("missing host in URL '" + std::string(text) + "'");
  if (port.empty()) {
    u.port = u.tls ? "443" : "80";
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
      return make_error("bad port '" + std::string(port) + "' in URL");
    u.port = std::string(port);
  }
  return u;
}

}  // namespace mm::net
