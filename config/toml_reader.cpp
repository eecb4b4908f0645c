#include "config/toml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/decimal.h"

namespace mm::config_detail {
namespace {

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::string wrong_type(const toml::node& n, std::string_view expected) {
  return "must be " + std::string(expected) + ", not " + type_name(n.type());
}

std::string number_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

// The decimal the user wrote for a finite, non-negative double: the shortest fixed
// notation that round-trips, which reproduces any literal of <= 15 significant digits.
bool exact_text_of(double v, std::string& out) {
  if (v == 0) {
    out = "0";
    return true;
  }
  char buf[400];  // fixed notation of the largest double needs 309 digits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) return false;
  out.assign(buf, end);
  return true;
}

}  // namespace

std::string indexed(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

void Source::fail(const toml::source_region& at, std::string_view key, std::string_view what) const {
  std::string message = file_;
  if (at.begin.line != 0)
    message += ":" + std::to_string(at.begin.line) + ":" + std::to_string(at.begin.column);
  message += ": ";
  if (!key.empty()) message += std::string(key) + ": ";
  message += what;
  throw LoadFailure{std::move(message)};
}

std::string Source::string_of(const toml::node& n, std::string_view key) const {
  const auto* s = n.as_string();
  if (!s) fail(n, key, wrong_type(n, "a string"));
  return s->get();
}

bool Source::bool_of(const toml::node& n, std::string_view key) const {
  const auto* b = n.as_boolean();
  if (!b) fail(n, key, wrong_type(n, "a boolean (true or false)"));
  return b->get();
}

int64_t Source::int_of(const toml::node& n, std::string_view key, int64_t min, int64_t max) const {
  const auto* i = n.as_integer();
  if (!i) fail(n, key, wrong_type(n, "an integer"));
  const int64_t v = i->get();
  if (v < min || v > max) {
    if (max == std::numeric_limits<int64_t>::max())
      fail(n, key, "must be >= " + std::to_string(min) + ", not " + std::to_string(v));
    fail(n, key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " + std::to_string(v));
  }
  return v;
}

double Source::double_of(const toml::node& n, std::string_view key, double min, double max) const {
  double v = 0;
  if (const auto* i = n.as_integer()) v = double(i->get());
  else if (const auto* f = n.as_floating_point()) v = f->get();
  else fail(n, key, wrong_type(n, "a number"));
  if (!std::isfinite(v)) fail(n, key, "must be a finite number");
  if (v < min || v > max)
    fail(n, key, "must be between " + number_text(min) + " and " + number_text(max) + ", not " + number_text(v));
  return v;
}

int64_t Source::decimal_of(const toml::node& n, std::string_view key, int decimals, DecimalRange range,
                           std::string_view unit) const {
  std::string text;
  bool negative = false;
  if (const auto* i = n.as_integer()) {
    negative = i->get() < 0;
    text = std::to_string(i->get());
  } else if (const auto* f = n.as_floating_point()) {
    const double v = f->get();
    if (!std::isfinite(v)) fail(n, key, "must be a finite number");
    negative = v < 0;
    if (negative) text = number_text(v);
    else if (!exact_text_of(v, text)) fail(n, key, "number too large");
  } else {
    fail(n, key, wrong_type(n, "a number"));
  }
  if (negative) {
    const char* what = range == DecimalRange::positive        ? "must be > 0"
                       : range == DecimalRange::unit_interval ? "must be between 0 and 1"
                                                              : "must be >= 0";
    fail(n, key, std::string(what) + ", not " + text);
  }

  int64_t raw = 0;
  switch (parse_fixed(text, decimals, raw)) {
    case DecimalError::ok: break;
    case DecimalError::too_precise: {
      std::string what = "at most " + std::to_string(decimals) + " decimals";
      if (!unit.empty()) what += " (" + std::string(unit) + ")";
      fail(n, key, what + ", not " + text);
    }
    case DecimalError::too_large: fail(n, key, "number too large: " + text);
    default: fail(n, key, "not a plain decimal: " + text);
  }
  if (range == DecimalRange::positive && raw == 0) fail(n, key, "must be > 0");
  if (range == DecimalRange::unit_interval && raw > pow10_i64(decimals))
    fail(n, key, "must be between 0 and 1, not " + text);
  return raw;
}

TimeUs Source::duration_of(const toml::node& n, std::string_view key) const {
  const auto* s = n.as_string();
  if (!s) fail(n, key, wrong_type(n, "a duration string such as \"500ms\", \"60s\", \"5m\" or \"1h\""));
  const auto d = parse_duration(s->get());
  if (!d) fail(n, key, "must be a duration such as \"500ms\", \"60s\", \"5m\" or \"1h\", not \"" + s->get() + "\"");
  return *d;
}

TimeUs Source::time_of(const toml::node& n, std::string_view key) const {
  if (const auto* s = n.as_string()) {
    const auto t = parse_rfc3339(s->get());
    if (!t) fail(n, key, "must be an RFC 3339 UTC time such as \"2026-02-10T12:00:00Z\", not \"" + s->get() + "\"");
    return *t;
  }
  const auto* dt = n.as_date_time();
  if (!dt) fail(n, key, wrong_type(n, "an RFC 3339 UTC time such as \"2026-02-10T12:00:00Z\""));
  const toml::date_time& v = dt->get();
  if (!v.offset || v.offset->minutes != 0) fail(n, key, "must be in UTC (end with Z)");
  if (v.time.nanosecond % 1000 != 0) fail(n, key, "sub-microsecond precision is not supported");
  const int64_t days = days_from_civil(v.date.year, v.date.month, v.date.day);
  const int64_t seconds = (int64_t(v.time.hour) * 60 + v.time.minute) * 60 + v.time.second;
  return days * kUsPerDay + seconds * kUsPerSecond + v.time.nanosecond / 1000;
}

const toml::array& Source::array_of(const toml::node& n, std::string_view key) const {
  const auto* a = n.as_array();
  if (!a) fail(n, key, wrong_type(n, "an array"));
  return *a;
}

Fields Source::fields_of(const toml::node& n, std::string key) const {
  const auto* t = n.as_table();
  if (!t) fail(n, key, wrong_type(n, "a table"));
  return Fields(*this, *t, std::move(key));
}

const toml::node* Fields::find(std::string_view name, Need need) {
  known_.emplace_back(name);
  const toml::node* n = table_->get(name);
  if (!n && need == Need::required) source_->fail(table_->source(), key(name), "missing required key");
  if (n && n->source().begin.line != 0) source_->note_line(key(name), n->source().begin.line);
  return n;
}

bool Fields::read(std::string_view name, std::string& out, Need need) {
  const toml::node* n = find(name, need);
  if (n) out = source_->string_of(*n, key(name));
  return n != nullptr;
}

bool Fields::read(std::string_view name, bool& out, Need need) {
  const toml::node* n = find(name, need);
  if (n) out = source_->bool_of(*n, key(name));
  return n != nullptr;
}

bool Fields::read_int(std::string_view name, int64_t& out, int64_t min, int64_t max, Need need) {
  const toml::node* n = find(name, need);
  if (n) out = source_->int_of(*n, key(name), min, max);
  return n != nullptr;
}

bool Fields::read_double(std::string_view name, double& out, double min, double max, Need need) {
  const toml::node* n = find(name, need);
  if (n) out = source_->double_of(*n, key(name), min, max);
  return n != nullptr;
}

bool Fields::read_decimal(std::string_view name, int64_t& out, int decimals, DecimalRange range,
                          std::string_view unit, Need need) {
  const toml::node* n = find(name, need);
  if (n) out = source_->decimal_of(*n, key(name), decimals, range, unit);
  return n != nullptr;
}

bool Fields::read_duration(std::string_view name, TimeUs& out, Need need) {
  const toml::node* n = find(name, need);
  if (n) out = source_->duration_of(*n, key(name));
  return n != nullptr;
}

std::optional<Fields> Fields::read_table(std::string_view name, Need need) {
  const toml::node* n = find(name, need);
  if (!n) return std::nullopt;
  return source_->fields_of(*n, key(name));
}

void Fields::finish() const {
  const toml::key* first_unknown = nullptr;
  for (auto&& [k, v] : *table_) {
    if (std::find(known_.begin(), known_.end(), k.str()) != known_.end()) continue;
    const auto& at = k.source().begin;
    if (!first_unknown || at.line < first_unknown->source().begin.line ||
        (at.line == first_unknown->source().begin.line && at.column < first_unknown->source().begin.column))
      first_unknown = &k;
  }
  if (!first_unknown) return;
  std::vector<std::string> expected = known_;
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  std::string what = "unknown key";
  if (!expected.empty()) {
    what += " (expected one of:";
    for (const auto& e : expected) what += " " + e;
    what += ")";
  }
  source_->fail(first_unknown->source(), key(first_unknown->str()), what);
}

}  // namespace mm::config_detail
