#include "core/time_utc.h"

#include <charconv>
#include <cstdio>

namespace mm {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

namespace {
struct Civil {
  int y;
  unsigned m, d;
};
Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = int(yoe) + int(era * 400);
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}
unsigned days_in_month(int y, unsigned m) {
  static const unsigned k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : k[m - 1];
}
}  // namespace

TimeUs YearMonth::start() const { return days_from_civil(year, unsigned(month), 1) * kUsPerDay; }

std::string YearMonth::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

YearMonth month_of(TimeUs t) {
  const Civil c = civil_from_days(floor_div(t, kUsPerDay));
  return {c.y, int(c.m)};
}

std::optional<YearMonth> parse_year_month(std::string_view s) {
  int y = 0, m = 0;
  if (s.size() != 7 || s[4] != '-' || !read_int(s, 0, 4, y) || !read_int(s, 5, 2, m)) return std::nullopt;
  if (m < 1 || m > 12) return std::nullopt;
  return YearMonth{y, m};
}

std::optional<TimeUs> parse_rfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  if (!read_int(s, 0, 4, y) || !read_int(s, 5, 2, mo) || !read_int(s, 8, 2, d) || !read_int(s, 11, 2, h) ||
      !read_int(s, 14, 2, mi) || !read_int(s, 17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || unsigned(d) > days_in_month(y, unsigned(mo)) || h > 23 || mi > 59 || sec > 59)
    return std::nullopt;
  size_t p = 19;
  int64_t frac_us = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    int digits = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (s[p] - '0');
      ++digits;
      ++p;
    }
    if (digits == 0 || digits > 6) return std::nullopt;  // sub-microsecond input is not exact
    for (int i = digits; i < 6; ++i) frac_us *= 10;
  }
  const std::string_view zone = s.substr(p);
  if (zone != "Z" && zone != "z" && zone != "+00:00") return std::nullopt;
  const int64_t days = days_from_civil(y, unsigned(mo), unsigned(d));
  return days * kUsPerDay + ((h * 60 + mi) * 60 + sec) * kUsPerSecond + frac_us;
}

std::string format_rfc3339(TimeUs t) {
  const int64_t days = floor_div(t, kUsPerDay);
  const Civil c = civil_from_days(days);
  const int64_t in_day = t - days * kUsPerDay;
  const int64_t secs = in_day / kUsPerSecond;
  const int64_t us = in_day % kUsPerSecond;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", c.y, c.m, c.d, int(secs / 3600),
                        int(secs / 60 % 60), int(secs % 60));
  if (us != 0) n += std::snprintf(buf + n, sizeof buf - size_t(n), ".%06d", int(us));
  std::snprintf(buf + n, sizeof buf - size_t(n), "Z");
  return buf;
}

std::string format_compact_utc(TimeUs t) {
  const int64_t days = floor_div(t, kUsPerDay);
  const Civil c = civil_from_days(days);
  const int64_t in_day = t - days * kUsPerDay;
  const int64_t secs = in_day / kUsPerSecond;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d.%06dZ", c.y, c.m, c.d, int(secs / 3600),
                int(secs / 60 % 60), int(secs % 60), int(in_day % kUsPerSecond));
  return buf;
}

std::optional<TimeUs> parse_duration(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == 0 || i > 12) return std::nullopt;
  int64_t n = 0;
  std::from_chars(s.data(), s.data() + i, n);
  const std::string_view unit = s.substr(i);
  int64_t mult = 0;
  if (unit == "ms") mult = 1000;
  else if (unit == "s") mult = kUsPerSecond;
  else if (unit == "m") mult = 60 * kUsPerSecond;
  else if (unit == "h") mult = 3600 * kUsPerSecond;
  else return std::nullopt;
  if (n <= 0) return std::nullopt;
  return n * mult;
}

}  // namespace mm
