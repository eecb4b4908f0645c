// Typed, position-aware access to a parsed TOML document. Internal to config/.
//
// Every read checks type and range and, on failure, throws LoadFailure carrying
// "FILE:LINE:COL: KEY: message". The loader catches it at the API boundary, so no
// exception leaves load_config_*. Fields remembers which keys were read so that
// finish() can reject the unknown ones (typos must not be silently ignored).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time_utc.h"

namespace mm::config_detail {

struct LoadFailure {
  std::string message;
};

enum class Need : uint8_t { optional, required };

// Allowed values of an exact decimal.
enum class DecimalRange : uint8_t {
  positive,      // > 0
  non_negative,  // >= 0
  unit_interval  // 0..1 inclusive
};

class Fields;

// The document being read: knows the display path for messages and converts nodes.
class Source {
 public:
  explicit Source(std::string display_path) : file_(std::move(display_path)) {}
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const toml::source_region& at, std::string_view key, std::string_view what) const;
  [[noreturn]] void fail(const toml::node& at, std::string_view key, std::string_view what) const {
    fail(at.source(), key, what);
  }

  std::string string_of(const toml::node& n, std::string_view key) const;
  bool bool_of(const toml::node& n, std::string_view key) const;
  int64_t int_of(const toml::node& n, std::string_view key, int64_t min, int64_t max) const;
  double double_of(const toml::node& n, std::string_view key, double min, double max) const;
  // Exact decimal in units of 10^-decimals; `unit` names the scale in messages ("cents").
  int64_t decimal_of(const toml::node& n, std::string_view key, int decimals, DecimalRange range,
                     std::string_view unit = {}) const;
  TimeUs duration_of(const toml::node& n, std::string_view key) const;
  // RFC 3339 string or a TOML offset date-time, UTC only.
  TimeUs time_of(const toml::node& n, std::string_view key) const;
  const toml::array& array_of(const toml::node& n, std::string_view key) const;
  Fields fields_of(const toml::node& n, std::string key) const;

  // Lines of the keys found so far (Fields::find), for Settings::key_lines: a record of
  // the reading, not part of what is read, hence mutable.
  void note_line(std::string key, uint32_t line) const { lines_.emplace(std::move(key), line); }
  std::map<std::string, uint32_t, std::less<>> take_lines() const { return std::move(lines_); }

  template <class E>
  E enum_of(const toml::node& n, std::string_view key,
            std::initializer_list<std::pair<std::string_view, E>> choices) const {
    const std::string text = string_of(n, key);
    for (const auto& [name, value] : choices)
      if (name == text) return value;
    std::string allowed;
    for (const auto& [name, value] : choices) allowed += (allowed.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    fail(n, key, "must be one of " + allowed + ", not \"" + text + "\"");
  }

 private:
  std::string file_;
  mutable std::map<std::string, uint32_t, std::less<>> lines_;
};

// One TOML table plus its dotted path, e.g. "categories[0]".
class Fields {
 public:
  Fields(const Source& source, const toml::table& table, std::string path)
      : source_(&source), table_(&table), path_(std::move(path)) {}

  const Source& source() const { return *source_; }
  const toml::table& table() const { return *table_; }
  const std::string& path() const { return path_; }
  std::string key(std::string_view name) const { return path_.empty() ? std::string(name) : path_ + "." + std::string(name); }

  // Looks a key up and marks it as known. Null when absent (and optional).
  const toml::node* find(std::string_view name, Need need = Need::optional);
  [[noreturn]] void fail(std::string_view what) const { source_->fail(table_->source(), path_, what); }

  // Each read leaves `out` untouched when the key is absent and returns whether it was present.
  bool read(std::string_view name, std::string& out, Need need = Need::optional);
  bool read(std::string_view name, bool& out, Need need = Need::optional);
  bool read_int(std::string_view name, int64_t& out, int64_t min, int64_t max, Need need = Need::optional);
  bool read_double(std::string_view name, double& out, double min, double max, Need need = Need::optional);
  bool read_decimal(std::string_view name, int64_t& out, int decimals, DecimalRange range, std::string_view unit = {},
                    Need need = Need::optional);
  bool read_duration(std::string_view name, TimeUs& out, Need need = Need::optional);
  std::optional<Fields> read_table(std::string_view name, Need need = Need::optional);

  template <class E>
  bool read_enum(std::string_view name, E& out, std::initializer_list<std::pair<std::string_view, E>> choices,
                 Need need = Need::optional) {
    const toml::node* n = find(name, need);
    if (n) out = source_->enum_of(*n, key(name), choices);
    return n != nullptr;
  }

  // Rejects keys that no read asked for; names the first one in file order.
  void finish() const;

 private:
  const Source* source_;
  const toml::table* table_;
  std::string path_;
  std::vector<std::string> known_;
};

std::string indexed(std::string_view path, size_t index);  // "markets" + 3 -> "markets[3]"

}  // namespace mm::config_detail
