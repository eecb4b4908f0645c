// UTC calendar arithmetic on microsecond timestamps. No time zones, no locale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mm {

using TimeUs = int64_t;  // microseconds since 1970-01-01T00:00:00Z
inline constexpr TimeUs kUsPerSecond = 1'000'000;
inline constexpr TimeUs kUsPerDay = 86'400 * kUsPerSecond;

struct YearMonth {
  int year = 1970;
  int month = 1;  // 1..12
  friend bool operator==(YearMonth, YearMonth) = default;
  friend auto operator<=>(YearMonth, YearMonth) = default;
  YearMonth next() const { return month == 12 ? YearMonth{year + 1, 1} : YearMonth{year, month + 1}; }
  TimeUs start() const;  // 00:00:00 UTC on the 1st
  TimeUs end() const { return next().start(); }
  std::string to_string() const;  // "2026-02"
};

YearMonth month_of(TimeUs t);
int64_t days_from_civil(int y, unsigned m, unsigned d);

// "2026-02" -> YearMonth.
std::optional<YearMonth> parse_year_month(std::string_view s);
// RFC 3339 with Z or +00:00 offset, optional fraction: "2026-02-10T12:00:00Z".
std::optional<TimeUs> parse_rfc3339(std::string_view s);
// "2026-02-10T12:00:00.123456Z"; the fraction is printed only when non-zero.
std::string format_rfc3339(TimeUs t);
// "20261214T093000.123456Z": always 6 decimals, no separators; file names that sort in time order.
std::string format_compact_utc(TimeUs t);
// "500ms", "60s", "5m", "1h" -> microseconds (> 0).
std::optional<TimeUs> parse_duration(std::string_view s);

}  // namespace mm
