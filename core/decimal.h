// Exact fixed-point numbers for prices, quantities and notionals.
//
// Scales are fixed so that sums never need re-scaling:
//   price     int64, 1e-9 quote units   (Backpack ticks go down to 1e-9)
//   quantity  int64, 1e-6 base units    (Backpack steps go down to 1e-5; PEPE-sized
//                                        levels of 1e12 units still fit)
//   notional  u128,  1e-15 quote units  (= price raw x quantity raw, exact)
// Ratios and scores are doubles computed from these at report time only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mm {

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

inline constexpr int kPriceDecimals = 9;
inline constexpr int kQtyDecimals = 6;
inline constexpr int kNotionalDecimals = kPriceDecimals + kQtyDecimals;  // 15
inline constexpr int kFractionDecimals = 9;  // config ratios, shares, USD rates

inline constexpr int64_t pow10_i64(int n) {
  int64_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}
inline constexpr int64_t kPriceScale = pow10_i64(kPriceDecimals);
inline constexpr int64_t kQtyScale = pow10_i64(kQtyDecimals);
inline constexpr int64_t kFractionScale = pow10_i64(kFractionDecimals);
inline constexpr u128 kNotionalScale = u128(kPriceScale) * u128(kQtyScale);

// One fill or order above this notional (1e12 quote units) is refused as malformed.
// With it, a market's monthly u128 sum (max 3.4e23 quote units) cannot overflow before
// 3.4e11 fills of maximum size: 130,000 such fills per second for a whole month.
inline constexpr u128 kMaxSingleNotional = u128(1'000'000'000'000) * kNotionalScale;

enum class DecimalError : uint8_t {
  ok,
  empty,
  not_plain,       // sign, exponent, letters, two points, missing digits around the point
  too_precise,     // non-zero digits beyond the type's scale
  too_large,
};
const char* to_string(DecimalError e);

// Parses a plain decimal ("98.90", "0.00000", "100") into an integer count of
// 10^-decimals units. Trailing zeros beyond the scale are accepted; any other
// precision loss is an error, never a rounding.
DecimalError parse_fixed(std::string_view s, int decimals, int64_t& out);

inline DecimalError parse_price(std::string_view s, int64_t& out) {
  return parse_fixed(s, kPriceDecimals, out);
}
inline DecimalError parse_qty(std::string_view s, int64_t& out) {
  return parse_fixed(s, kQtyDecimals, out);
}

// Exact notional of price x quantity in 1e-15 quote units. Both inputs >= 0.
inline u128 notional(int64_t price_raw, int64_t qty_raw) {
  return u128(uint64_t(price_raw)) * u128(uint64_t(qty_raw));
}

// Formats raw / 10^decimals exactly, e.g. format_fixed(9890, 2) == "98.90".
std::string format_fixed(int64_t raw, int decimals);
std::string u128_to_string(u128 v);

// v x rate / 10^9, where rate is a 1e-9 fraction (USD per quote unit, a multiplier).
// Exact when rate has no more digits than the product can hold; otherwise truncated
// below 1 unit of v's scale. Returns false on overflow.
bool scale_by_fraction(u128 v, int64_t rate_raw, u128& out);

// Rounds a 1e-15 amount half-up to cents.
u128 to_cents_half_up(u128 notional_raw);

// Exact comparison a * b >= c * d without overflow (192-bit products).
bool mul_ge(u128 a, uint64_t b, u128 c, uint64_t d);

// Conversions for reporting ratios; exact sums stay integers until this point.
double to_double(u128 v);
double notional_to_double(u128 notional_raw);  // in quote units

}  // namespace mm
