#include <catch2/catch.hpp>

#include "core/time_utc.h"

using namespace mm;

TEST_CASE("month bounds in UTC") {
  const YearMonth feb{2026, 2};
  CHECK(feb.start() == *parse_rfc3339("2026-02-01T00:00:00Z"));
  CHECK(feb.end() == *parse_rfc3339("2026-03-01T00:00:00Z"));
  CHECK((feb.end() - feb.start()) / kUsPerDay == 28);
  CHECK((YearMonth{2028, 2}.end() - YearMonth{2028, 2}.start()) / kUsPerDay == 29);  // leap year
  CHECK(YearMonth{2026, 12}.next() == YearMonth{2027, 1});
  CHECK(month_of(feb.end() - 1) == feb);
  CHECK(month_of(feb.end()) == YearMonth{2026, 3});
  CHECK(month_of(0) == YearMonth{1970, 1});
  CHECK(feb.to_string() == "2026-02");
}

TEST_CASE("RFC 3339 parse and format") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2026-02-10T12:00:00Z") == 1'770'724'800LL * kUsPerSecond);
  CHECK(parse_rfc3339("2026-02-10T12:00:00.5Z") == 1'770'724'800LL * kUsPerSecond + 500'000);
  CHECK(parse_rfc3339("2026-02-10T12:00:00+00:00") == 1'770'724'800LL * kUsPerSecond);
  CHECK_FALSE(parse_rfc3339("2026-02-30T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-02-10T12:00:00"));        // no zone
  CHECK_FALSE(parse_rfc3339("2026-02-10T12:00:00+01:00"));  // only UTC
  CHECK_FALSE(parse_rfc3339("2026-02-10 12:00:00Z"));
  CHECK(format_rfc3339(1'770'724'800LL * kUsPerSecond) == "2026-02-10T12:00:00Z");
  CHECK(format_rfc3339(1'770'724'800LL * kUsPerSecond + 42) == "2026-02-10T12:00:00.000042Z");
  // The recorded frames' clock: September 2026.
  CHECK(format_rfc3339(1788367469345000) == "2026-09-02T16:44:29.345000Z");
}

TEST_CASE("year-month and durations") {
  CHECK(parse_year_month("2025-11") == YearMonth{2025, 11});
  CHECK_FALSE(parse_year_month("2025-13"));
  CHECK_FALSE(parse_year_month("2025-1"));
  CHECK(parse_duration("500ms") == 500'000);
  CHECK(parse_duration("60s") == 60 * kUsPerSecond);
  CHECK(parse_duration("5m") == 300 * kUsPerSecond);
  CHECK(parse_duration("1h") == 3600 * kUsPerSecond);
  CHECK_FALSE(parse_duration("0s"));
  CHECK_FALSE(parse_duration("1d"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("-1s"));
}
