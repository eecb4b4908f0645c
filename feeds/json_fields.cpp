#include "feeds/json_fields.h"

#include <charconv>
#include <limits>

#include "core/decimal.h"

namespace mm::feedjson {

using simdjson::error_code;

// ---- ParseFailure ---------------------------------------------------------------------

void ParseFailure::start(std::string_view field) {
  text_.assign(prefix_);
  text_.append(field);
}

void ParseFailure::append_index(size_t index) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  (void)ec;  // 24 chars always hold a size_t
  text_.push_back('[');
  text_.append(digits, end);
  text_.push_back(']');
}

bool ParseFailure::finish(std::string_view message) {
  text_.append(": ");
  text_.append(message);
  return false;
}

bool ParseFailure::at(std::string_view field, std::string_view message) {
  start(field);
  return finish(message);
}

bool ParseFailure::at_key(std::string_view object, std::string_view key, std::string_view message) {
  start(object);
  if (!object.empty()) text_.push_back('.');
  text_.append(key);
  return finish(message);
}

bool ParseFailure::at_item(std::string_view array, size_t index, std::string_view key,
                           std::string_view message) {
  start(array);
  append_index(index);
  if (!key.empty()) {
    text_.push_back('.');
    text_.append(key);
  }
  return finish(message);
}

bool ParseFailure::at_level(std::string_view object, std::string_view key, size_t index,
                            int column, std::string_view message) {
  start(object);
  if (!object.empty()) text_.push_back('.');
  text_.append(key);
  append_index(index);
  if (column >= 0) append_index(size_t(column));
  return finish(message);
}

bool ParseFailure::json_error(std::string_view object, std::string_view key, error_code error) {
  start(object);
  if (!object.empty() && !key.empty()) text_.push_back('.');
  text_.append(key);
  text_.append(": invalid JSON (");
  text_.append(simdjson::error_message(error));
  text_.push_back(')');
  return false;
}

ParseContext::ParseContext(const Program& p) : program(p) {
  bids.reserve(1024);
  asks.reserve(1024);
  orders.reserve(256);
  history_trades.reserve(1000);
  history_fills.reserve(1000);
  filter_symbol.reserve(64);
}

// ---- value readers --------------------------------------------------------------------

namespace {

constexpr const char* kInvalidJson = "invalid JSON";

// The characters of a JSON string as written, without unescaping: decimals and ids never
// hold escapes, so a backslash is just a character the number parser then refuses. The
// scan always stops: stage 1 guarantees a closing quote.
const char* raw_string(od::value& v, std::string_view& out, const char* wrong_type) {
  od::raw_json_string raw;
  error_code e = v.get_raw_json_string().get(raw);
  if (e == simdjson::INCORRECT_TYPE) return wrong_type;
  if (e) return kInvalidJson;
  const char* p = raw.raw();
  size_t n = 0;
  while (p[n] != '"') ++n;
  out = std::string_view(p, n);
  return nullptr;
}

const char* read_decimal(od::value& v, int decimals, int64_t& out) {
  std::string_view text;
  if (const char* m = raw_string(v, text, "expected a decimal string")) return m;
  DecimalError e = parse_fixed(text, decimals, out);
  return e == DecimalError::ok ? nullptr : to_string(e);
}

}  // namespace

const char* read_price(od::value& v, int64_t& out) {
  if (const char* m = read_decimal(v, kPriceDecimals, out)) return m;
  return out > 0 ? nullptr : "price must be > 0";
}

const char* read_price_or_zero(od::value& v, int64_t& out) {
  return read_decimal(v, kPriceDecimals, out);
}

const char* read_qty(od::value& v, int64_t& out) {
  return read_decimal(v, kQtyDecimals, out);
}

const char* read_uint(od::value& v, uint64_t& out) {
  od::json_type type;
  if (v.type().get(type)) return kInvalidJson;
  if (type == od::json_type::number) {
    return v.get_uint64().get(out) ? "expected a non-negative integer that fits 64 bits" : nullptr;
  }
  if (type != od::json_type::string) return "expected an integer or a string of digits";
  std::string_view digits;
  if (const char* m = raw_string(v, digits, "expected a string")) return m;
  if (digits.empty()) return "expected a string of digits";
  uint64_t value = 0;
  for (char c : digits) {
    unsigned d = unsigned(c - '0');
    if (d >= 10) return "expected a string of digits";
    if (value > (std::numeric_limits<uint64_t>::max() - d) / 10) return "does not fit 64 bits";
    value = value * 10 + d;
  }
  out = value;
  return nullptr;
}

const char* read_time(od::value& v, TimeUs& out) {
  uint64_t value = 0;
  if (const char* m = read_uint(v, value)) return m;
  if (value > uint64_t(std::numeric_limits<TimeUs>::max())) return "time too large";
  out = TimeUs(value);
  return nullptr;
}

const char* read_ms_time(od::value& v, TimeUs& out) {
  constexpr uint64_t kMaxMs = uint64_t(std::numeric_limits<TimeUs>::max() / 1000);
  constexpr const char* kExpected = "expected ms or an ISO time";
  od::json_type type;
  if (v.type().get(type)) return kInvalidJson;
  uint64_t ms = 0;
  if (type == od::json_type::number) {
    if (v.get_uint64().get(ms)) return kExpected;
  } else {
    std::string_view text;
    if (const char* m = raw_string(v, text, kExpected)) return m;
    if (text.empty() || text.size() > 40) return kExpected;
    if (text.find_first_not_of("0123456789") != std::string_view::npos) {
      char zoned[48];  // the exchange sends UTC without a zone; parse_rfc3339 wants one
      text.copy(zoned, text.size());
      zoned[text.size()] = 'Z';
      const std::optional<TimeUs> t = parse_rfc3339(std::string_view(zoned, text.size() + 1));
      if (!t) return kExpected;
      out = *t;
      return nullptr;
    }
    if (std::from_chars(text.data(), text.data() + text.size(), ms).ec != std::errc()) return "time too large";
  }
  if (ms > kMaxMs) return "time too large";
  out = TimeUs(ms) * 1000;
  return nullptr;
}

const char* read_bool(od::value& v, bool& out) {
  error_code e = v.get_bool().get(out);
  if (e == simdjson::INCORRECT_TYPE) return "expected true or false";
  return e ? kInvalidJson : nullptr;
}

const char* read_string(od::value& v, std::string_view& out) {
  error_code e = v.get_string().get(out);
  if (e == simdjson::INCORRECT_TYPE) return "expected a string";
  return e ? kInvalidJson : nullptr;
}

const char* read_side(od::value& v, Side& out) {
  std::string_view text;
  if (const char* m = read_string(v, text)) return m;
  if (text == "Bid") {
    out = Side::bid;
  } else if (text == "Ask") {
    out = Side::ask;
  } else {
    return "expected \"Bid\" or \"Ask\"";
  }
  return nullptr;
}

// ---- ObjectFields ---------------------------------------------------------------------

bool ObjectFields::find(std::string_view key, od::value& v, bool& present) {
  error_code e = object_.find_field_unordered(key).get(v);
  present = (e == simdjson::SUCCESS);
  if (e == simdjson::SUCCESS || e == simdjson::NO_SUCH_FIELD) return true;
  return failure_.json_error(name_, key, e);
}

bool ObjectFields::find_nullable(std::string_view key, od::value& v, bool& present) {
  if (!find(key, v, present)) return false;
  if (!present) return true;
  od::json_type type;
  if (error_code e = v.type().get(type)) return failure_.json_error(name_, key, e);
  if (type == od::json_type::null) {
    bool is_null = false;  // type() only peeks at the first byte: "nul" is not null
    if (v.is_null().get(is_null) || !is_null) return fail(key, kInvalidJson);
    present = false;
  }
  return true;
}

bool ObjectFields::require(std::string_view key, od::value& v) {
  bool present = false;
  if (!find(key, v, present)) return false;
  return present || fail(key, "missing");
}

bool ObjectFields::price(std::string_view key, int64_t& out) {
  od::value v;
  return require(key, v) && check(key, read_price(v, out));
}

bool ObjectFields::positive_qty(std::string_view key, int64_t& out) {
  od::value v;
  if (!require(key, v) || !check(key, read_qty(v, out))) return false;
  return out > 0 || fail(key, "quantity must be > 0");
}

bool ObjectFields::uint(std::string_view key, uint64_t& out) {
  od::value v;
  return require(key, v) && check(key, read_uint(v, out));
}

bool ObjectFields::time(std::string_view key, TimeUs& out) {
  od::value v;
  return require(key, v) && check(key, read_time(v, out));
}

bool ObjectFields::ms_time(std::string_view key, TimeUs& out) {
  od::value v;
  return require(key, v) && check(key, read_ms_time(v, out));
}

bool ObjectFields::boolean(std::string_view key, bool& out) {
  od::value v;
  return require(key, v) && check(key, read_bool(v, out));
}

bool ObjectFields::string(std::string_view key, std::string_view& out) {
  od::value v;
  return require(key, v) && check(key, read_string(v, out));
}

bool ObjectFields::side(std::string_view key, Side& out) {
  od::value v;
  return require(key, v) && check(key, read_side(v, out));
}

bool ObjectFields::levels(std::string_view key, std::vector<Level>& out) {
  od::value v;
  bool present = false;
  if (!find(key, v, present)) return false;
  if (!present) {
    out.clear();
    return true;
  }
  return read_levels(v, name_, key, out, failure_);
}

// ---- depth levels ---------------------------------------------------------------------

bool read_levels(od::value& v, std::string_view object, std::string_view key,
                 std::vector<Level>& out, ParseFailure& failure) {
  out.clear();
  auto json_error = [&](error_code e) { return failure.json_error(object, key, e); };
  od::array levels;
  if (error_code e = v.get_array().get(levels)) {
    if (e != simdjson::INCORRECT_TYPE) return json_error(e);
    return failure.at_key(object, key, "expected an array of [price, quantity]");
  }
  size_t index = 0;
  for (auto item : levels) {
    od::value level_value;
    if (error_code e = std::move(item).get(level_value)) return json_error(e);
    od::array pair;
    if (error_code e = level_value.get_array().get(pair)) {
      if (e != simdjson::INCORRECT_TYPE) return json_error(e);
      return failure.at_level(object, key, index, -1, "expected [price, quantity]");
    }
    Level level{};
    int column = 0;
    for (auto cell : pair) {
      od::value cell_value;
      if (error_code e = std::move(cell).get(cell_value)) return json_error(e);
      const char* message = nullptr;
      if (column == 0) {
        message = read_price(cell_value, level.price);
      } else if (column == 1) {
        message = read_qty(cell_value, level.qty);
      } else {
        return failure.at_level(object, key, index, -1, "expected exactly [price, quantity]");
      }
      if (message) return failure.at_level(object, key, index, column, message);
      ++column;
    }
    if (column != 2) return failure.at_level(object, key, index, -1, "expected exactly [price, quantity]");
    out.push_back(level);
    ++index;
  }
  return true;
}

}  // namespace mm::feedjson
