// The ground truth file of the simulator server (format: sim_server.h).
#include <cstdio>

#include "feeds/sim/model/number_text.h"
#include "feeds/sim/server/sim_server.h"

namespace mm::sim {

namespace {

void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(c));
      out.append(escaped);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_volume(std::string& out, u128 v) {
  out.push_back('"');
  append_fixed(out, v, kNotionalDecimals);
  out.push_back('"');
}

u128 at(const std::vector<std::vector<u128>>& table, size_t a, size_t m) {
  return a < table.size() && m < table[a].size() ? table[a][m] : 0;
}
template <class T>
T at(const std::vector<T>& list, size_t m) {
  return m < list.size() ? list[m] : T{};
}

}  // namespace

std::string ground_truth_json(const GroundTruth& truth, const ExchangeOptions& exchange) {
  std::string out = "{\"markets\":[";
  for (size_t m = 0; m < exchange.markets.size(); ++m) {
    if (m) out.push_back(',');
    out.append("{\"symbol\":");
    append_string(out, exchange.markets[m].symbol);
    out.append(",\"volume\":");
    append_volume(out, at(truth.market_volume, m));
    out.append(",\"trades\":");
    append_uint(out, at(truth.trades, m));
    out.append(",\"trades_never_served\":");
    append_uint(out, at(truth.trades_never_served, m));
    out.push_back('}');
  }
  out.append("],\"accounts\":[");
  for (size_t a = 0; a < exchange.accounts.size(); ++a) {
    if (a) out.push_back(',');
    out.append("{\"mm_id\":");
    append_string(out, exchange.accounts[a].mm_id);
    out.append(",\"account\":");
    append_string(out, exchange.accounts[a].account);
    out.append(",\"markets\":[");
    for (size_t m = 0; m < exchange.markets.size(); ++m) {
      if (m) out.push_back(',');
      out.append("{\"symbol\":");
      append_string(out, exchange.markets[m].symbol);
      out.append(",\"maker_volume\":");
      append_volume(out, at(truth.maker_volume, a, m));
      out.append(",\"knowable_maker_volume\":");
      append_volume(out, at(truth.knowable_maker_volume, a, m));
      out.append(",\"self_trade_volume\":");
      append_volume(out, at(truth.self_trade_volume, a, m));
      out.append(",\"cross_mm_trade_volume\":");
      append_volume(out, at(truth.cross_mm_trade_volume, a, m));
      out.push_back('}');
    }
    out.append("]}");
  }
  out.append("]}\n");
  return out;
}

}  // namespace mm::sim
