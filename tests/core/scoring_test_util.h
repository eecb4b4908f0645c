// Helpers for the scoring tests (SCORING.md sections 5-10): a small builder for a Program
// and its MonthState filled by hand, accounting checks, and a tiny JSON reader for the
// report. Every expected number in the tests is worked out by hand from the spec; nothing
// here runs the engine.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/decimal.h"
#include "core/month_state.h"
#include "core/program.h"
#include "core/scoring.h"
#include "core/time_utc.h"

namespace scoring_test {

using namespace mm;

// Fixture mistakes and malformed report JSON: an exception that Catch reports with its
// message (kept out of the assertion counts).
inline void need(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

inline constexpr u128 Q = kNotionalScale;      // one quote unit (or one USD) at 1e-15
inline constexpr int64_t F = kFractionScale;   // 1.0 as a 1e-9 fraction
inline u128 units(uint64_t n) { return u128(n) * Q; }              // n whole quote units
inline u128 hundredths(uint64_t c) { return u128(c) * (Q / 100); }  // c / 100 quote units

inline TimeUs at(std::string_view rfc3339) {
  const std::optional<TimeUs> t = parse_rfc3339(rfc3339);
  need(t.has_value(), "bad time " + std::string(rfc3339));
  return *t;
}

// Tight comparison for doubles computed from exact sums.
inline Approx near(double v) { return Approx(v).epsilon(1e-12).margin(1e-12); }

struct Fixture {
  Program p;
  MonthState s;
  YearMonth month{2026, 4};  // 30 days

  explicit Fixture(Cents pool = 30'000'000) {
    p.pool = pool;
    p.config_hash = "test-hash";
  }

  // Markets must be added in symbol order, as the config loader sorts them.
  uint32_t market(std::string symbol, Category c, int64_t usd_rate = F, int64_t multiplier = F,
                  std::string quote = "USDC") {
    need(p.markets.empty() || p.markets.back().symbol < symbol, "markets out of order: " + symbol);
    MarketSpec m;
    m.symbol = std::move(symbol);
    m.category = c;
    m.quote = std::move(quote);
    m.usd_rate = usd_rate;
    m.multiplier = multiplier;
    p.markets.push_back(std::move(m));
    return uint32_t(p.markets.size() - 1);
  }

  uint32_t find_market(std::string_view symbol) const {
    for (uint32_t i = 0; i < p.markets.size(); ++i)
      if (p.markets[i].symbol == symbol) return i;
    need(false, "unknown market " + std::string(symbol));
    return 0;
  }

  CategorySpec& category(Category c) {
    for (CategorySpec& cs : p.categories)
      if (cs.category == c) return cs;
    p.categories.push_back(CategorySpec{c, 0, {}});
    return p.categories.back();
  }

  void tier(Category c, int number, Cents pool, const std::vector<std::string>& symbols) {
    TierSpec t;
    t.tier = number;
    t.pool = pool;
    for (const std::string& sym : symbols) {
      const uint32_t m = find_market(sym);
      need(p.markets[m].category == c, "tier of another category");
      need(p.markets[m].reward_tier == 0, "market in two tiers");
      p.markets[m].reward_tier = number;
      t.markets.push_back(m);
    }
    CategorySpec& cs = category(c);
    cs.pool += pool;
    cs.tiers.push_back(std::move(t));
  }

  // Puts the rest of the program pool into one more perp tier over a market nobody trades,
  // so the tiers sum to the program pool as the config loader demands. Call after the
  // other markets (its symbol sorts last) and tiers.
  uint32_t filler() {
    Cents used = 0;
    int max_tier = 0;
    for (const CategorySpec& cs : p.categories)
      for (const TierSpec& t : cs.tiers) used += t.pool;
    for (const CategorySpec& cs : p.categories)
      if (cs.category == Category::perp)
        for (const TierSpec& t : cs.tiers) max_tier = std::max(max_tier, t.tier);
    const uint32_t m = market("ZZZ_FILLER_PERP", Category::perp);
    need(p.pool - used > 0, "nothing left for the filler");
    tier(Category::perp, max_tier + 1, p.pool - used, {"ZZZ_FILLER_PERP"});
    return m;
  }

  uint32_t mm(std::string id, YearMonth joined = {2025, 11}) {
    need(p.mms.empty() || p.mms.back().id < id, "mms out of order: " + id);
    MmSpec m;
    m.id = std::move(id);
    m.joined = joined;
    p.mms.push_back(std::move(m));
    return uint32_t(p.mms.size() - 1);
  }

  void fee_tier(std::string name, int64_t min_share, double maker_fee_bps) {
    p.fee_tiers.push_back(FeeTierSpec{std::move(name), min_share, maker_fee_bps});
  }

  // After markets, tiers and MMs: index the program and clear the month's accumulators.
  void start() {
    p.index();
    s.reset(month, p.markets.size(), p.mms.size());
    s.last_ts = month.start() + 14 * kUsPerDay + 12 * 3600 * kUsPerSecond;  // mid-month
  }

  MmMarketMonth& cell(uint32_t mm_i, uint32_t m) { return s.cell(mm_i, m); }
  void all_volume(uint32_t m, u128 v) { s.markets[m].maker_volume = v; }
  void volume(uint32_t mm_i, uint32_t m, u128 v) { s.cell(mm_i, m).maker_volume = v; }

  // `active` active snapshots out of `observed` observed ones, each with Size `size`
  // (1e-15 quote units) and Spread `spread_bps`:
  //   size_sum2 = 2 x active x size, spread_sum_bps = active x spread.
  void liquidity(uint32_t mm_i, uint32_t m, uint32_t observed, uint32_t active, u128 size, double spread_bps,
                 uint32_t unobserved = 0) {
    MmMarketMonth& c = s.cell(mm_i, m);
    c.snapshots_observed = observed;
    c.snapshots_active = active;
    c.snapshots_unobserved = unobserved;
    c.size_sum2 = u128(2) * u128(active) * size;
    c.spread_sum_bps = spread_bps * double(active);
  }

  Report run(bool final = false) const { return score_month(p, s, final); }
};

inline bool has_reason(const MmMarketResult& e, std::string_view reason) {
  for (const char* r : e.ineligible_reasons)
    if (reason == r) return true;
  return false;
}

inline std::set<std::string> reasons(const MmMarketResult& e) {
  std::set<std::string> out;
  for (const char* r : e.ineligible_reasons) out.insert(r);
  return out;
}

// SCORING.md section 10: sum of all reward_usd + unallocated_usd == pool_usd, exactly, in
// cents; per market, the MMs' rewards + the market's unallocated == its pair pool; each
// tier's pair pools sum to the tier amount (0 when all its markets have 0 active days);
// `eligible` is true exactly when there is no reason, and an ineligible entry is paid 0.
inline void check_accounting(const Program& p, const Report& r) {
  Cents paid = 0;
  for (const MmResult& mm : r.mms) {
    Cents sum = 0;
    REQUIRE(mm.markets.size() == p.markets.size());
    for (const MmMarketResult& e : mm.markets) {
      CHECK(e.reward >= 0);
      sum += e.reward;
      CHECK(e.eligible() == e.ineligible_reasons.empty());
      if (!e.eligible()) CHECK(e.reward == 0);
    }
    CHECK(mm.total_reward == sum);
    paid += sum;
  }
  CHECK(paid + r.unallocated == r.pool);
  REQUIRE(r.markets.size() == p.markets.size());
  for (uint32_t m = 0; m < r.markets.size(); ++m) {
    Cents sum = r.markets[m].unallocated;
    CHECK(r.markets[m].unallocated >= 0);
    for (const MmResult& mm : r.mms) sum += mm.markets[m].reward;
    CHECK(sum == r.markets[m].pair_pool);
  }
  for (const CategorySpec& cs : p.categories)
    for (const TierSpec& t : cs.tiers) {
      Cents sum = 0;
      bool any_days = false;
      for (uint32_t m : t.markets) {
        sum += r.markets[m].pair_pool;
        any_days = any_days || r.markets[m].active_days > 0;
      }
      CHECK(sum == (any_days ? t.pool : 0));
    }
}

// Exact reward in USD -> the cents may differ from it by less than one cent.
inline void check_within_a_cent(Cents got, double exact_usd) {
  INFO("got " << got << " cents, exact " << exact_usd * 100.0 << " cents");
  CHECK(std::fabs(double(got) - exact_usd * 100.0) < 1.0);
}

// ---- a tiny JSON reader, enough to read a report back ---------------------------------

struct Json {
  enum Type { null_t, bool_t, number_t, string_t, array_t, object_t } type = null_t;
  bool b = false;
  std::string text;  // string value, or the number exactly as printed
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  bool is_null() const { return type == null_t; }
  double num() const {
    need(type == number_t, "not a number");
    return std::strtod(text.c_str(), nullptr);
  }
  const std::string& str() const {
    need(type == string_t, "not a string");
    return text;
  }
  bool has(std::string_view k) const {
    for (const auto& kv : members)
      if (kv.first == k) return true;
    return false;
  }
  const Json& operator[](std::string_view k) const {
    need(type == object_t, "not an object");
    for (const auto& kv : members)
      if (kv.first == k) return kv.second;
    need(false, "missing key \"" + std::string(k) + "\"");
    return *this;
  }
  const Json& operator[](size_t i) const {
    need(type == array_t, "not an array");
    need(i < items.size(), "index out of range");
    return items[i];
  }
  size_t size() const { return type == array_t ? items.size() : members.size(); }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view in) : in_(in) {}
  Json parse() {
    Json v = value();
    ws();
    need(pos_ == in_.size(), "trailing text");
    return v;
  }

 private:
  void ws() {
    while (pos_ < in_.size() && std::string_view(" \t\r\n").find(in_[pos_]) != std::string_view::npos) ++pos_;
  }
  char peek() {
    ws();
    need(pos_ < in_.size(), "unexpected end");
    return in_[pos_];
  }
  void expect(char c) {
    need(peek() == c, std::string("expected ") + c);
    ++pos_;
  }
  bool literal(std::string_view w) {
    if (in_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      need(pos_ < in_.size(), "unexpected end");
      const char c = in_[pos_++];
      if (c == '"') break;
      if (c == '\\') {
        need(pos_ < in_.size(), "unexpected end");
        const char e = in_[pos_++];
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          case 'u': out.push_back(char(std::stoi(std::string(in_.substr(pos_, 4)), nullptr, 16))); pos_ += 4; break;
          default: out.push_back(e);
        }
      } else {
        out.push_back(c);
      }
    }
    return out;
  }
  Json value() {
    Json v;
    const char c = peek();
    if (c == '{') {
      ++pos_;
      v.type = Json::object_t;
      if (peek() == '}') {
        ++pos_;
        return v;
      }
      while (true) {
        std::string k = string();
        expect(':');
        v.members.emplace_back(std::move(k), value());
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      ++pos_;
      v.type = Json::array_t;
      if (peek() == ']') {
        ++pos_;
        return v;
      }
      while (true) {
        v.items.push_back(value());
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = Json::string_t;
      v.text = string();
      return v;
    }
    if (literal("true")) {
      v.type = Json::bool_t;
      v.b = true;
      return v;
    }
    if (literal("false")) {
      v.type = Json::bool_t;
      return v;
    }
    if (literal("null")) return v;
    const size_t start = pos_;
    while (pos_ < in_.size() && std::string_view("+-.eE0123456789").find(in_[pos_]) != std::string_view::npos) ++pos_;
    need(pos_ > start, "unexpected character");
    v.type = Json::number_t;
    v.text = std::string(in_.substr(start, pos_ - start));
    return v;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

inline Json parse_json(std::string_view s) { return JsonReader(s).parse(); }

// The element of a JSON array whose `key` is `value` (fails the test when none is).
inline const Json& by_key(const Json& array, const char* key, const std::string& value) {
  for (const Json& item : array.items)
    if (item[key].str() == value) return item;
  FAIL("no element with " << key << " = " << value);
  return array;
}

}  // namespace scoring_test
