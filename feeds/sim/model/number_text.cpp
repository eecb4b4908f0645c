#include "feeds/sim/model/number_text.h"

namespace mm::sim {

namespace {

// Writes the digits of v right-aligned ending at `end`; returns the first digit.
char* write_digits(char* end, u128 v) {
  char* p = end;
  uint64_t small = uint64_t(v);
  if (v > u128(UINT64_MAX)) {
    while (v > u128(UINT64_MAX)) {
      *--p = char('0' + int(v % 10));
      v /= 10;
    }
    small = uint64_t(v);
  }
  do {
    *--p = char('0' + small % 10);
    small /= 10;
  } while (small != 0);
  return p;
}

}  // namespace

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = write_digits(end, v);
  out.append(p, size_t(end - p));
}

void append_fixed(std::string& out, u128 units, int decimals) {
  char buf[64];
  char* end = buf + sizeof buf;
  char* p = write_digits(end, units);
  // Pad with zeros so there is at least one digit before the point.
  while (end - p <= decimals) *--p = '0';
  if (decimals == 0) {
    out.append(p, size_t(end - p));
    return;
  }
  const size_t int_digits = size_t(end - p) - size_t(decimals);
  out.append(p, int_digits);
  out.push_back('.');
  out.append(p + int_digits, size_t(decimals));
}

void append_trimmed(std::string& out, u128 units, int decimals) {
  while (decimals > 0 && units % 10 == 0) {
    units /= 10;
    --decimals;
  }
  append_fixed(out, units, decimals);
}

int decimals_of(int64_t raw, int scale) {
  int d = scale;
  while (d > 0 && raw % 10 == 0) {
    raw /= 10;
    --d;
  }
  return d;
}

}  // namespace mm::sim
