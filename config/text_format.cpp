#include "config/text_format.h"

#include <charconv>

#include "core/decimal.h"

namespace mm::config_detail {

std::string trimmed_decimal(int64_t raw, int decimals) {
  std::string text = format_fixed(raw, decimals);
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string duration_text(TimeUs d) {
  constexpr TimeUs kMs = 1000, kS = 1000 * kMs, kM = 60 * kS, kH = 60 * kM;
  if (d != 0 && d % kH == 0) return std::to_string(d / kH) + "h";
  if (d != 0 && d % kM == 0) return std::to_string(d / kM) + "m";
  if (d != 0 && d % kS == 0) return std::to_string(d / kS) + "s";
  if (d % kMs == 0) return std::to_string(d / kMs) + "ms";
  return std::to_string(d) + "us";  // not writable in a config file, but never hide a value
}

std::string double_text(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace mm::config_detail
