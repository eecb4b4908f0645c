// Field readers shared by the frame, REST and journal parsers (internal to feeds/).
// Each reader validates one JSON value against the wire rules of BACKPACK.md and
// SCORING.md section 2; on failure it records a reason that names the field.
// Uses simdjson On-Demand error codes only: no exception ever leaves these functions.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.h"
#include "core/program.h"

namespace mm::feedjson {

namespace od = simdjson::ondemand;

// Why the current parse failed: "<prefix><field>: <message>". Reused across calls so a
// refusal costs no allocation once the buffer has grown.
class ParseFailure {
 public:
  ParseFailure() { text_.reserve(256); }

  // Prepended to every field name, e.g. "frame." while parsing a journal record's frame.
  void set_prefix(std::string_view prefix) { prefix_ = prefix; }
  void clear() { text_.clear(); }
  std::string_view text() const { return text_; }

  // Each records the reason and returns false, so callers can `return fail.at(...)`.
  bool at(std::string_view field, std::string_view message);
  bool at_key(std::string_view object, std::string_view key, std::string_view message);  // "data.p"
  bool at_item(std::string_view array, size_t index, std::string_view key,
               std::string_view message);  // "body[3].price"; empty key: "body[3]"
  bool at_level(std::string_view object, std::string_view key, size_t index, int column,
                std::string_view message);  // "data.b[3][0]"; column < 0: "data.b[3]"
  // "<object>.<key>: invalid JSON (...)"; key may be empty.
  bool json_error(std::string_view object, std::string_view key, simdjson::error_code error);

 private:
  void start(std::string_view field);
  void append_index(size_t index);
  bool finish(std::string_view message);

  std::string text_;
  std::string_view prefix_;
};

// Scratch space of one RecordParser: spans in the produced events point into it.
struct ParseContext {
  explicit ParseContext(const Program& p);

  // Marks the payload as well-formed but unused; `why` must be a string literal.
  bool ignore(Payload& out, std::string_view why) {
    out = IgnoredEvent{};
    ignored_why = why;
    return true;
  }

  const Program& program;
  ParseFailure failure;
  std::string_view ignored_why;  // set with IgnoredEvent payloads
  std::vector<Level> bids;
  std::vector<Level> asks;
  std::vector<OpenOrder> orders;
  std::vector<HistoryTrade> history_trades;
  std::vector<HistoryFill> history_fills;
  std::string filter_symbol;  // owned copy: must survive a rewind of the document
};

// Value readers. Each returns nullptr on success, else a static message for the caller to
// attach to the field name.
const char* read_price(od::value& v, int64_t& out);  // decimal string, > 0
const char* read_price_or_zero(od::value& v, int64_t& out);  // decimal string, >= 0
const char* read_qty(od::value& v, int64_t& out);    // decimal string, >= 0
const char* read_uint(od::value& v, uint64_t& out);  // JSON integer or string of digits
const char* read_time(od::value& v, TimeUs& out);    // read_uint that fits int64
// Milliseconds (integer or digits) or an ISO time without zone, UTC ("2025-04-10T12:00:00.123").
const char* read_ms_time(od::value& v, TimeUs& out);
const char* read_bool(od::value& v, bool& out);
const char* read_string(od::value& v, std::string_view& out);  // valid for the document
const char* read_side(od::value& v, Side& out);                // "Bid" | "Ask"

// Lookups and typed reads of the fields of one object, reporting "<object>.<key>: ...".
// Lookups use find_field_unordered, so key order never matters; reading keys in wire
// order only makes each lookup a forward scan.
class ObjectFields {
 public:
  // `index` >= 0 names an array element: "body[3].price".
  ObjectFields(od::object& object, std::string_view name, ParseFailure& failure,
               int64_t index = -1)
      : object_(object), name_(name), failure_(failure), index_(index) {}

  // present=false when the key is absent; returns false only on broken JSON.
  bool find(std::string_view key, od::value& v, bool& present);
  // As find, but a JSON null also counts as absent.
  bool find_nullable(std::string_view key, od::value& v, bool& present);
  bool require(std::string_view key, od::value& v);

  bool price(std::string_view key, int64_t& out);
  bool positive_qty(std::string_view key, int64_t& out);
  bool uint(std::string_view key, uint64_t& out);
  bool time(std::string_view key, TimeUs& out);
  bool ms_time(std::string_view key, TimeUs& out);  // read_ms_time
  bool boolean(std::string_view key, bool& out);
  bool string(std::string_view key, std::string_view& out);
  bool side(std::string_view key, Side& out);
  // An array of [price, quantity] pairs into `out`; an absent key gives an empty side.
  bool levels(std::string_view key, std::vector<Level>& out);

  bool fail(std::string_view key, std::string_view message) {
    if (index_ >= 0) return failure_.at_item(name_, size_t(index_), key, message);
    return failure_.at_key(name_, key, message);
  }
  bool check(std::string_view key, const char* message) {
    return message == nullptr || fail(key, message);
  }

 private:
  od::object& object_;
  std::string_view name_;
  ParseFailure& failure_;
  int64_t index_;
};

// Reads an array of [price, quantity] string pairs (price > 0, quantity >= 0) into `out`
// (cleared first). `object`.`key` names the array in messages, e.g. "data" + "b".
bool read_levels(od::value& v, std::string_view object, std::string_view key,
                 std::vector<Level>& out, ParseFailure& failure);

// True when the document has been consumed to its last byte: anything left is trailing
// content after the JSON value.
inline bool at_document_end(od::document& doc) {
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

}  // namespace mm::feedjson
