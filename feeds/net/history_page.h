// Reads a history page (BACKPACK.md: /api/v1/trades/history, /wapi/v1/history/fills) just
// far enough to decide whether to fetch the next one: how many elements, and for trades
// the oldest one's id and time. The engine's parser is the authority on the contents;
// this only has to tell "array of the expected shape" from anything else.
// simdjson On-Demand, kept out of this header. One reader per thread (the io thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/result.h"

namespace mm::net {

struct TradePageSummary {
  size_t count = 0;
  // Of the last element (the oldest: pages are newest first); 0 when the page is empty.
  uint64_t oldest_id = 0;
  int64_t oldest_timestamp_ms = 0;
};

class HistoryPageReader {
 public:
  HistoryPageReader();
  ~HistoryPageReader();
  HistoryPageReader(const HistoryPageReader&) = delete;
  HistoryPageReader& operator=(const HistoryPageReader&) = delete;

  // An array of objects, each with "id" (a number, or a string of digits) and
  // "timestamp" (ms, an integer); otherwise an error naming the first problem.
  Result<TradePageSummary> trades(std::string_view body);
  // An array of objects; their number.
  Result<size_t> fills(std::string_view body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mm::net
