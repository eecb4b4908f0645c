#include "daemon/api/whatif_request.h"

#include <cmath>
#include <string>

#include <simdjson.h>

namespace mm::api {

namespace {

namespace dom = simdjson::dom;

// Dollars, >= 0, to 1e-15 USD (rounded to 1e-9 USD first: a JSON number is a double).
Result<u128> usd_field(dom::element v, const std::string& name) {
  double d = 0;
  if (v.get(d) != simdjson::SUCCESS) return make_error(name + ": must be a number");
  if (!std::isfinite(d) || d < 0 || d > 1e15) return make_error(name + ": must be within 0..1e15");
  return u128(uint64_t(std::llround(d * 1e9))) * 1'000'000;
}

Result<double> number_field(dom::element v, const std::string& name, double lo, double hi, bool lo_open) {
  double d = 0;
  if (v.get(d) != simdjson::SUCCESS) return make_error(name + ": must be a number");
  if (!std::isfinite(d) || d > hi || (lo_open ? d <= lo : d < lo))
    return make_error(name + ": must be " + (lo_open ? "> " : ">= ") + std::to_string(int(lo)) + " and <= " +
                      std::to_string(int(hi)));
  return d;
}

Result<MarketPlan> market_plan(uint32_t market, dom::object fields, const std::string& at) {
  MarketPlan plan{market, 0, std::nullopt};
  QuotePlan q;
  bool size = false, spread = false, share = false;
  for (auto [key, value] : fields) {
    const std::string name = at + "." + std::string(key);
    if (key == "extra_maker_volume_usd") {
      auto v = usd_field(value, name);
      if (!v) return v.error();
      plan.extra_maker_volume_usd = *v;
    } else if (key == "size_per_side_usd") {
      auto v = usd_field(value, name);
      if (!v) return v.error();
      q.size_per_side_usd = *v, size = true;
    } else if (key == "spread_bps") {
      auto v = number_field(value, name, 0, 10'000, true);
      if (!v) return v.error();
      q.spread_bps = *v, spread = true;
    } else if (key == "active_share") {
      auto v = number_field(value, name, 0, 1, false);
      if (!v) return v.error();
      q.active_share = *v, share = true;
    } else {
      return make_error(name + ": unknown field");
    }
  }
  if (size != spread) return make_error(at + ": size_per_side_usd and spread_bps go together");
  if (share && !size) return make_error(at + ".active_share: needs size_per_side_usd and spread_bps");
  if (size) plan.quotes = q;
  return plan;
}

}  // namespace

Result<WhatIfPlan> parse_whatif_request(const Program& program, uint16_t mm, std::string_view body) {
  WhatIfPlan plan{mm, {}};
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return plan;
  dom::parser parser;
  dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return make_error("body: not JSON");
  dom::object top;
  if (root.get(top) != simdjson::SUCCESS) return make_error("body: must be an object");
  for (auto [key, value] : top) {
    if (key != "markets") return make_error(std::string(key) + ": unknown field");
    dom::object markets;
    if (value.get(markets) != simdjson::SUCCESS) return make_error("markets: must be an object");
    for (auto [symbol, fields] : markets) {
      const std::string at = "markets." + std::string(symbol);
      const std::optional<uint32_t> market = program.market_index(symbol);
      if (!market) return make_error(at + ": unknown market");
      dom::object object;
      if (fields.get(object) != simdjson::SUCCESS) return make_error(at + ": must be an object");
      auto mp = market_plan(*market, object, at);
      if (!mp) return mp.error();
      plan.markets.push_back(*mp);
    }
  }
  return plan;
}

}  // namespace mm::api
