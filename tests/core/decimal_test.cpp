#include <catch2/catch.hpp>

#include "core/decimal.h"

using namespace mm;

TEST_CASE("plain decimals parse exactly at the type's scale") {
  int64_t v = 0;
  REQUIRE(parse_price("98.90", v) == DecimalError::ok);
  CHECK(v == 98'900'000'000);
  REQUIRE(parse_qty("0.00000", v) == DecimalError::ok);
  CHECK(v == 0);
  REQUIRE(parse_price("100.7", v) == DecimalError::ok);  // REST trims zeros
  CHECK(v == 100'700'000'000);
  REQUIRE(parse_price("0.000000001", v) == DecimalError::ok);  // BONK tick
  CHECK(v == 1);
  REQUIRE(parse_qty("1000000000000", v) == DecimalError::ok);  // PEPE-sized level
  CHECK(v == 1'000'000'000'000'000'000);
  REQUIRE(parse_qty("5.140000000", v) == DecimalError::ok);  // zeros past the scale are exact
  CHECK(v == 5'140'000);
  REQUIRE(parse_qty("007", v) == DecimalError::ok);
  CHECK(v == 7'000'000);
}

TEST_CASE("anything but a plain decimal is refused") {
  int64_t v = 0;
  CHECK(parse_price("", v) == DecimalError::empty);
  for (const char* bad : {"1e-3", "-1", "+1", " 1", "1 ", "1.", ".5", "1.2.3", "NaN", "inf", "0x10", "1,5"})
    CHECK(parse_price(bad, v) == DecimalError::not_plain);
  CHECK(parse_qty("0.0000001", v) == DecimalError::too_precise);  // 7th decimal of a 6-decimal qty
  CHECK(parse_price("0.0000000001", v) == DecimalError::too_precise);
  CHECK(parse_price("9223372037", v) == DecimalError::too_large);  // > INT64_MAX / 1e9
  CHECK(parse_price("9223372036.854775807", v) == DecimalError::ok);
  CHECK(v == INT64_MAX);
  CHECK(parse_price("9223372036.854775808", v) == DecimalError::too_large);
  CHECK(parse_price("99999999999999999999999", v) == DecimalError::too_large);
}

TEST_CASE("notional is price x quantity at 1e-15, exact") {
  int64_t p = 0, q = 0;
  REQUIRE(parse_price("98.98", p) == DecimalError::ok);
  REQUIRE(parse_qty("5.14", q) == DecimalError::ok);
  // 98.98 x 5.14 = 508.7572
  CHECK(notional(p, q) == u128(508'757'200'000'000'000ULL));
  CHECK(to_cents_half_up(notional(p, q)) == 50876);  // 508.7572 -> 508.76
}

TEST_CASE("formatting and wide helpers") {
  CHECK(format_fixed(9890, 2) == "98.90");
  CHECK(format_fixed(5, 2) == "0.05");
  CHECK(format_fixed(-5, 2) == "-0.05");
  CHECK(format_fixed(0, 2) == "0.00");
  CHECK(u128_to_string(~u128(0)) == "340282366920938463463374607431768211455");
  // 1000 USDT at 0.999 USD = 999 USD, exactly.
  u128 out = 0;
  REQUIRE(scale_by_fraction(u128(1000) * kNotionalScale, 999'000'000, out));
  CHECK(out == u128(999) * kNotionalScale);
  CHECK_FALSE(scale_by_fraction(~u128(0), 2'000'000'000, out));  // overflow is reported
  // mul_ge compares 192-bit products: (2^127) x 3 >= (2^127) x 3, but not x 4.
  const u128 big = u128(1) << 127;
  CHECK(mul_ge(big, 3, big, 3));
  CHECK_FALSE(mul_ge(big, 3, big, 4));
  CHECK(mul_ge(15, 1'000'000'000, 1000, 15'000'000));  // 15/1000 >= 0.015
  CHECK_FALSE(mul_ge(14, 1'000'000'000, 1000, 15'000'000));
}

TEST_CASE("a month of a busy market cannot overflow the volume sum") {
  // The largest fill the parser accepts, added 3.4e11 times, still fits in u128.
  const u128 max_fill = kMaxSingleNotional;
  const u128 fills = u128(340'000'000'000ULL);
  CHECK(max_fill * fills / fills == max_fill);
  CHECK(~u128(0) / max_fill >= fills);
}
