// Backpack wire details the connections need, kept apart from the I/O (BACKPACK.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time_utc.h"

namespace mm::net {

inline constexpr std::string_view kPrivateStream = "account.orderUpdate";
inline constexpr std::string_view kDepthPath = "/api/v1/depth";
inline constexpr std::string_view kOrdersPath = "/api/v1/orders";
inline constexpr std::string_view kOrdersInstruction = "orderQueryAll";
inline constexpr std::string_view kTradeHistoryPath = "/api/v1/trades/history";
inline constexpr std::string_view kFillHistoryPath = "/wapi/v1/history/fills";
inline constexpr std::string_view kFillHistoryInstruction = "fillHistoryQueryAll";

// trade.<S> and depth.<S> for every symbol, in symbol order.
std::vector<std::string> public_streams(const std::vector<std::string>& symbols);
// Consecutive groups of at most `per_message` (>= 1) streams.
std::vector<std::vector<std::string>> split_streams(const std::vector<std::string>& streams, size_t per_message);

// "/api/v1/depth?symbol=S". Symbols are letters, digits, '_', '.', '-' (BACKPACK.md), which
// need no escaping; see symbol_is_plain().
std::string depth_path(std::string_view symbol);
bool symbol_is_plain(std::string_view symbol);

// Query parameters in the order they are sent. Values need no escaping (symbols, digits).
using QueryList = std::vector<std::pair<std::string, std::string>>;
// "<path>?k1=v1&k2=v2"; just the path when `query` is empty.
std::string with_query(std::string_view path, const QueryList& query);
// "/api/v1/trades/history?symbol=S&limit=L&offset=N" (this order).
std::string trade_history_path(std::string_view symbol, int limit, int64_t offset);
// fillType=User, from, limit, offset, to (ms): alphabetical, the order they are signed in.
QueryList fill_history_query(int64_t from_ms, int64_t to_ms, int limit, int64_t offset);

// A Retry-After header in delta-seconds form ("3") as a delay; nullopt when absent, an
// HTTP-date or anything else. Values above a day are taken as a day.
std::optional<TimeUs> retry_after_delay(std::string_view header);

// An exchange error frame, {"id":null,"error":{"code":4006,"message":"Invalid stream"}}:
// a JSON object (parsed with simdjson, keys in any order) with a top-level "error" key and
// no "stream" key. Read for logging only; the engine's parser is the authority on the
// frame itself. Anything else, including text that does not parse, is not an error frame.
// A frame that never spells "error" is rejected without parsing, so data frames cost one
// substring scan. One parser per thread (thread_local); no allocation once it has grown.
struct ExchangeError {
  std::string code;     // as written ("4006"; a string without its quotes), "?" when absent
  std::string message;  // as written (escapes kept), printable ASCII only, at most 200
                        // characters; the whole frame when there is no message
};
std::optional<ExchangeError> exchange_error(std::string_view frame);

// Printable ASCII, at most `limit` characters: safe to put into a log line.
std::string loggable(std::string_view text, size_t limit = 200);

}  // namespace mm::net
