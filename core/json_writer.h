// Minimal streaming JSON writer for reports: deterministic output (fixed number
// formats, no locale), two-space indentation, keys in the order they are written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.h"

namespace mm {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(uint32_t v) { return value(uint64_t(v)); }
  JsonWriter& value(int v) { return value(int64_t(v)); }
  JsonWriter& null();
  JsonWriter& cents(int64_t c);        // 1234 -> 12.34
  JsonWriter& usd(u128 amount_1e15);   // rounded half-up to cents
  JsonWriter& fixed(double v, int decimals = 9);
  JsonWriter& raw(std::string_view json);  // already-serialized value

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char bracket);   // '{' or '['
  JsonWriter& close(char bracket);  // '}' or ']'
  void before_value();
  void newline();

  std::string out_;
  bool pretty_;
  std::vector<bool> first_;  // per open container: no element yet
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view s);
std::string format_double_fixed(double v, int decimals);
std::string format_usd(u128 amount_1e15);  // rounded half-up to cents: "1234.57"

}  // namespace mm
