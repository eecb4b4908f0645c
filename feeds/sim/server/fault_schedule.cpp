#include "feeds/sim/server/fault_schedule.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace mm::sim {

namespace {

struct KindName {
  FaultKind kind;
  std::string_view name;
  enum class Arg : uint8_t { none, account, symbol, duration } arg;
};
constexpr KindName kKinds[] = {
    {FaultKind::drop_public, "drop_public", KindName::Arg::none},
    {FaultKind::drop_private, "drop_private", KindName::Arg::account},
    {FaultKind::gap, "gap", KindName::Arg::symbol},
    {FaultKind::stale_depth, "stale_depth", KindName::Arg::none},
    {FaultKind::malformed, "malformed", KindName::Arg::none},
    {FaultKind::delay_rest, "delay_rest", KindName::Arg::duration},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// One item; the error is the reason without the item prefix.
Result<Fault> parse_item(std::string_view item) {
  Fault out;
  const size_t at = item.rfind('@');
  if (at == std::string_view::npos) return make_error("missing '@time'");
  const std::string_view time_text = item.substr(at + 1);
  const std::optional<TimeUs> time = parse_fault_time(time_text);
  if (!time) return make_error("bad time '" + std::string(time_text) + "' (an integer with ms, s or m)");

  std::string_view head = item.substr(0, at);
  std::string_view arg;
  const size_t colon = head.find(':');
  const bool has_arg = colon != std::string_view::npos;
  if (has_arg) {
    arg = head.substr(colon + 1);
    head = head.substr(0, colon);
  }
  const auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindName& k) { return k.name == head; });
  if (kind == std::end(kKinds)) {
    return make_error("unknown kind '" + std::string(head) +
                   "' (drop_public, drop_private, gap, stale_depth, malformed, delay_rest)");
  }
  out.kind = kind->kind;
  out.at = *time;
  switch (kind->arg) {
    case KindName::Arg::none:
      if (has_arg) return make_error(std::string(head) + " takes no argument");
      break;
    case KindName::Arg::account: {
      const size_t slash = arg.find('/');
      if (slash == std::string_view::npos || slash == 0 || slash + 1 == arg.size() ||
          arg.find('/', slash + 1) != std::string_view::npos) {
        return make_error("drop_private needs an account as mm_id/account, e.g. drop_private:alpha/main@45s");
      }
      out.target = std::string(arg);
      break;
    }
    case KindName::Arg::symbol:
      if (arg.empty()) return make_error("gap needs a symbol, e.g. gap:SOL_USDC@60s");
      out.target = std::string(arg);
      break;
    case KindName::Arg::duration: {
      const std::optional<TimeUs> d = arg.empty() ? std::nullopt : parse_fault_time(arg);
      if (!d || *d == 0) return make_error("delay_rest needs a positive duration, e.g. delay_rest:3s@100s");
      out.duration = *d;
      break;
    }
  }
  return out;
}

}  // namespace

const char* to_string(FaultKind k) {
  for (const KindName& n : kKinds) {
    if (n.kind == k) return n.name.data();
  }
  return "?";
}

std::optional<TimeUs> parse_fault_time(std::string_view text) {
  TimeUs unit = 0;
  std::string_view digits;
  if (text.size() > 2 && text.ends_with("ms")) {
    unit = 1000;
    digits = text.substr(0, text.size() - 2);
  } else if (text.size() > 1 && text.back() == 's') {
    unit = kUsPerSecond;
    digits = text.substr(0, text.size() - 1);
  } else if (text.size() > 1 && text.back() == 'm') {
    unit = 60 * kUsPerSecond;
    digits = text.substr(0, text.size() - 1);
  } else {
    return std::nullopt;
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  // A year is plenty; anything beyond is a typo (and would overflow µs arithmetic).
  if (value > uint64_t(366) * 86'400 * kUsPerSecond / uint64_t(unit)) return std::nullopt;
  return TimeUs(value) * unit;
}

Result<std::vector<Fault>> parse_fault_schedule(std::string_view text) {
  std::vector<Fault> faults;
  if (trim(text).empty()) return faults;
  size_t number = 0;
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    ++number;
    Result<Fault> f = item.empty() ? Result<Fault>(make_error("empty item")) : parse_item(item);
    if (!f) return make_error("fault schedule item " + std::to_string(number) + " '" + std::string(item) + "': " + f.message());
    f->text = std::string(item);
    faults.push_back(std::move(*f));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::stable_sort(faults.begin(), faults.end(), [](const Fault& a, const Fault& b) { return a.at < b.at; });
  return faults;
}

Result<> resolve_fault_targets(std::vector<Fault>& faults, const ExchangeOptions& exchange) {
  for (Fault& f : faults) {
    if (f.kind == FaultKind::gap) {
      const auto it = std::find_if(exchange.markets.begin(), exchange.markets.end(),
                                   [&](const SimMarket& m) { return m.symbol == f.target; });
      if (it == exchange.markets.end()) return make_error("fault '" + f.text + "': no market " + f.target);
      f.index = uint32_t(it - exchange.markets.begin());
    } else if (f.kind == FaultKind::drop_private) {
      const auto it = std::find_if(exchange.accounts.begin(), exchange.accounts.end(),
                                   [&](const SimAccount& a) { return a.mm_id + "/" + a.account == f.target; });
      if (it == exchange.accounts.end()) return make_error("fault '" + f.text + "': no account " + f.target);
      f.index = uint32_t(it - exchange.accounts.begin());
    }
  }
  return {};
}

}  // namespace mm::sim
