#include "feeds/net/protocol.h"

#include <algorithm>

namespace mm::net {
namespace {

// The value after "key": in a flat scan: a quoted string's content or a bare token.
std::optional<std::string_view> loose_value(std::string_view text, std::string_view quoted_key) {
  size_t at = text.find(quoted_key);
  if (at == std::string_view::npos) return std::nullopt;
  at += quoted_key.size();
  while (at < text.size() && (text[at] == ' ' || text[at] == ':')) ++at;
  if (at >= text.size()) return std::nullopt;
  if (text[at] == '"') {
    size_t end = at + 1;
    while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
    return text.substr(at + 1, std::min(end, text.size()) - at - 1);
  }
  const size_t end = text.find_first_of(",}] ", at);
  return text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

}  // namespace

std::vector<std::string> public_streams(const std::vector<std::string>& symbols) {
  std::vector<std::string> out;
  out.reserve(symbols.size() * 2);
  for (const std::string& s : symbols) {
    out.push_back("trade." + s);
    out.push_back("depth." + s);
  }
  return out;
}

std::vector<std::vector<std::string>> split_streams(const std::vector<std::string>& streams, size_t per_message) {
  per_message = std::max<size_t>(per_message, 1);
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < streams.size(); i += per_message)
    out.emplace_back(streams.begin() + long(i), streams.begin() + long(std::min(streams.size(), i + per_message)));
  return out;
}

std::string depth_path(std::string_view symbol) {
  std::string out(kDepthPath);
  out += "?symbol=";
  out += symbol;
  return out;
}

bool symbol_is_plain(std::string_view symbol) {
  return !symbol.empty() && std::all_of(symbol.begin(), symbol.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

std::optional<ExchangeError> exchange_error(std::string_view frame) {
  // Data frames always carry "stream"; error frames never do.
  if (frame.find("\"error\"") == std::string_view::npos || frame.find("\"stream\"") != std::string_view::npos)
    return std::nullopt;
  ExchangeError e;
  const std::string_view body = frame.substr(frame.find("\"error\""));
  const auto code = loose_value(body, "\"code\"");
  const auto message = loose_value(body, "\"message\"");
  e.code = code ? loggable(*code, 20) : "?";
  e.message = message ? loggable(*message) : loggable(body);
  return e;
}

std::string loggable(std::string_view text, size_t limit) {
  std::string out;
  for (char c : text) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace mm::net
