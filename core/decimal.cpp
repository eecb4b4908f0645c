#include "core/decimal.h"

#include <algorithm>

namespace mm {

const char* to_string(DecimalError e) {
  switch (e) {
    case DecimalError::ok: return "ok";
    case DecimalError::empty: return "empty number";
    case DecimalError::not_plain: return "not a plain decimal";
    case DecimalError::too_precise: return "more decimals than supported";
    case DecimalError::too_large: return "number too large";
  }
  return "?";
}

DecimalError parse_fixed(std::string_view s, int decimals, int64_t& out) {
  if (s.empty()) return DecimalError::empty;
  const char* p = s.data();
  const char* end = p + s.size();
  // Integer part: at least one digit. 18 digits always fit in int64 before scaling.
  uint64_t int_part = 0;
  int int_digits = 0;
  while (p < end && unsigned(*p - '0') < 10) {
    if (int_digits >= 18) {
      // Leading zeros do not count towards the magnitude.
      if (int_part != 0) return DecimalError::too_large;
    }
    int_part = int_part * 10 + unsigned(*p - '0');
    ++p;
    ++int_digits;
  }
  if (int_digits == 0) return DecimalError::not_plain;
  uint64_t frac = 0;
  int frac_digits = 0;
  if (p < end) {
    if (*p != '.') return DecimalError::not_plain;
    ++p;
    if (p == end) return DecimalError::not_plain;  // "1." is not plain
    for (; p < end; ++p) {
      unsigned d = unsigned(*p - '0');
      if (d >= 10) return DecimalError::not_plain;
      if (frac_digits < decimals) {
        frac = frac * 10 + d;
        ++frac_digits;
      } else if (d != 0) {
        return DecimalError::too_precise;
      }
    }
  }
  for (int i = frac_digits; i < decimals; ++i) frac *= 10;
  const uint64_t scale = uint64_t(pow10_i64(decimals));
  const uint64_t limit = uint64_t(INT64_MAX);
  if (int_part > (limit - frac) / scale) return DecimalError::too_large;
  out = int64_t(int_part * scale + frac);
  return DecimalError::ok;
}

std::string format_fixed(int64_t raw, int decimals) {
  std::string digits = std::to_string(raw < 0 ? -(raw + 1) + uint64_t(1) : uint64_t(raw));
  if (decimals > 0) {
    if (digits.size() <= size_t(decimals)) digits.insert(0, size_t(decimals) + 1 - digits.size(), '0');
    digits.insert(digits.size() - size_t(decimals), 1, '.');
  }
  return raw < 0 ? "-" + digits : digits;
}

std::string u128_to_string(u128 v) {
  if (v == 0) return "0";
  char buf[40];
  int i = 40;
  while (v != 0) {
    buf[--i] = char('0' + int(v % 10));
    v /= 10;
  }
  return std::string(buf + i, buf + 40);
}

bool scale_by_fraction(u128 v, int64_t rate_raw, u128& out) {
  const u128 scale = u128(kFractionScale);
  const u128 r = u128(uint64_t(rate_raw));
  const u128 q = v / scale;
  const u128 rem = v % scale;
  if (r != 0 && q > ~u128(0) / r) return false;
  const u128 hi = q * r;
  const u128 lo = rem * r / scale;  // rem < 1e9 and r < 2^63: no overflow
  if (hi > ~u128(0) - lo) return false;
  out = hi + lo;
  return true;
}

u128 to_cents_half_up(u128 notional_raw) {
  const u128 per_cent = kNotionalScale / 100;
  return (notional_raw + per_cent / 2) / per_cent;
}

namespace {
struct U192 {
  uint64_t w[3];  // little-endian words
};
U192 mul_192(u128 a, uint64_t b) {
  const u128 lo = u128(uint64_t(a)) * b;
  const u128 hi = u128(uint64_t(a >> 64)) * b;
  U192 r;
  r.w[0] = uint64_t(lo);
  const u128 mid = (lo >> 64) + u128(uint64_t(hi));
  r.w[1] = uint64_t(mid);
  r.w[2] = uint64_t(hi >> 64) + uint64_t(mid >> 64);
  return r;
}
}  // namespace

bool mul_ge(u128 a, uint64_t b, u128 c, uint64_t d) {
  const U192 x = mul_192(a, b);
  const U192 y = mul_192(c, d);
  for (int i = 2; i >= 0; --i) {
    if (x.w[i] != y.w[i]) return x.w[i] > y.w[i];
  }
  return true;
}

double to_double(u128 v) { return double(v); }

double notional_to_double(u128 notional_raw) {
  // Split to keep full double precision for large sums.
  const u128 whole = notional_raw / kNotionalScale;
  const u128 frac = notional_raw % kNotionalScale;
  return double(whole) + double(frac) / double(kNotionalScale);
}

}  // namespace mm
