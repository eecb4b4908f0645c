#include "feeds/net/protocol.h"

#include <simdjson.h>

#include <algorithm>

namespace mm::net {
namespace {

namespace od = simdjson::ondemand;

// One parser and one padded copy per thread; both keep their capacity between frames.
struct ErrorFrameScratch {
  od::parser parser;
  std::string padded;
};

// A scalar's text as written: a string's content without its quotes (escapes kept), a
// number or literal as is. raw_json_token() includes the blanks after the token.
std::string_view token_text(od::value& v) {
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n'))
    raw.remove_suffix(1);
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') raw = raw.substr(1, raw.size() - 2);
  return raw;
}

bool is_scalar(od::json_type t) { return t != od::json_type::object && t != od::json_type::array; }

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

std::string with_query(std::string_view path, const QueryList& query) {
  std::string out(path);
  char separator = '?';
  for (const auto& [key, value] : query) {
    out += separator;
    out += key;
    out += '=';
    out += value;
    separator = '&';
  }
  return out;
}

std::string trade_history_path(std::string_view symbol, int limit, int64_t offset) {
  return with_query(kTradeHistoryPath, {{"symbol", std::string(symbol)},
                                        {"limit", std::to_string(limit)},
                                        {"offset", std::to_string(offset)}});
}

QueryList fill_history_query(int64_t from_ms, int64_t to_ms, int limit, int64_t offset) {
  return {{"fillType", "User"},
          {"from", std::to_string(from_ms)},
          {"limit", std::to_string(limit)},
          {"offset", std::to_string(offset)},
          {"to", std::to_string(to_ms)}};
}

std::optional<TimeUs> retry_after_delay(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  if (header.empty()) return std::nullopt;
  constexpr int64_t kMaxSeconds = 86'400;  // a server asking for more is capped, not obeyed for days
  int64_t seconds = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = std::min(kMaxSeconds, seconds * 10 + (c - '0'));
  }
  return seconds * kUsPerSecond;
}

bool symbol_is_plain(std::string_view symbol) {
  return !symbol.empty() && std::all_of(symbol.begin(), symbol.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

std::optional<ExchangeError> exchange_error(std::string_view frame) {
  // Called for every small frame: one that never spells "error" is not parsed at all.
  if (frame.find("\"error\"") == std::string_view::npos) return std::nullopt;
  thread_local ErrorFrameScratch scratch;
  scratch.padded.assign(frame);
  scratch.padded.append(simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  if (scratch.parser.iterate(scratch.padded.data(), frame.size(), scratch.padded.size()).get(doc)) return std::nullopt;
  od::object top;
  if (doc.get_object().get(top)) return std::nullopt;

  // A top-level "error" key and no "stream" key (data frames always carry "stream").
  bool has_error = false, has_stream = false;
  std::string_view code, message;
  for (auto field : top) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return std::nullopt;
    if (key == "stream") {
      has_stream = true;
    } else if (key == "error" && !has_error) {
      has_error = true;
      od::json_type type;
      if (value.type().get(type)) return std::nullopt;
      if (type == od::json_type::object) {
        od::object error;
        if (value.get_object().get(error)) return std::nullopt;
        for (auto inner : error) {
          std::string_view inner_key;
          od::value inner_value;
          od::json_type inner_type;
          if (inner.unescaped_key().get(inner_key) || inner.value().get(inner_value) ||
              inner_value.type().get(inner_type))
            return std::nullopt;
          if (!is_scalar(inner_type)) continue;  // skipped: the loop below checks it structurally
          if (inner_key == "code" && code.empty()) code = token_text(inner_value);
          else if (inner_key == "message" && message.empty()) message = token_text(inner_value);
        }
      } else if (is_scalar(type)) {
        message = token_text(value);  // "error":"Invalid request"
      }
    }
  }
  const bool at_end = doc.current_location().error() == simdjson::OUT_OF_BOUNDS;  // nothing after the object
  if (!at_end || !has_error || has_stream) return std::nullopt;
  ExchangeError e;
  e.code = code.empty() ? "?" : loggable(code, 20);
  e.message = message.empty() ? loggable(frame) : loggable(message);
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
