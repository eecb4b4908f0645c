#include "feeds/sim/server/history_query.h"

#include <charconv>
#include <optional>
#include <string_view>

namespace mm::sim {

namespace {

// The whole text as an integer of type T, or nullopt.
template <class T>
std::optional<T> whole_integer(std::string_view text) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<uint32_t> market_of(const std::vector<SimMarket>& markets, std::string_view symbol) {
  for (uint32_t m = 0; m < markets.size(); ++m) {
    if (markets[m].symbol == symbol) return m;
  }
  return std::nullopt;
}

// limit and offset, shared by both endpoints.
Result<> read_page(const net::QueryParams& params, size_t& limit, size_t& offset) {
  if (const auto text = params.first("limit")) {
    const std::optional<uint64_t> v = whole_integer<uint64_t>(*text);
    if (!v || *v < 1 || *v > kHistoryMaxLimit) return make_error("limit must be an integer from 1 to 1000");
    limit = size_t(*v);
  }
  if (const auto text = params.first("offset")) {
    const std::optional<uint64_t> v = whole_integer<uint64_t>(*text);
    if (!v) return make_error("offset must be a non-negative integer");
    offset = size_t(*v);
  }
  return {};
}

Result<> read_time_bound(const net::QueryParams& params, std::string_view key, int64_t& out) {
  const auto text = params.first(key);
  if (!text) return {};
  const std::optional<int64_t> v = whole_integer<int64_t>(*text);
  if (!v) return make_error(std::string(key) + " must be an integer (ms since the epoch)");
  out = *v;
  return {};
}

// The markets a fill query searches: one symbol, one market type, both, or all.
Result<std::vector<uint32_t>> fill_markets(const net::QueryParams& params, const std::vector<SimMarket>& markets) {
  std::optional<uint32_t> only;
  if (const auto symbol = params.first("symbol")) {
    only = market_of(markets, *symbol);
    if (!only) return make_error("Invalid symbol");
  }
  std::optional<bool> perp;
  if (const auto type = params.first("marketType")) {
    if (*type != "SPOT" && *type != "PERP") return make_error("marketType must be SPOT or PERP");
    perp = *type == "PERP";
  }
  std::vector<uint32_t> out;
  for (uint32_t m = 0; m < markets.size(); ++m) {
    const bool is_perp = markets[m].symbol.ends_with("_PERP");
    if ((!only || *only == m) && (!perp || *perp == is_perp)) out.push_back(m);
  }
  return out;
}

}  // namespace

Result<TradeHistoryQuery> parse_trade_history_query(const net::QueryParams& params,
                                                    const std::vector<SimMarket>& markets) {
  TradeHistoryQuery q;
  const auto symbol = params.first("symbol");
  const std::optional<uint32_t> market = symbol ? market_of(markets, *symbol) : std::nullopt;
  if (!market) return make_error("Invalid symbol");
  q.market = *market;
  if (auto page = read_page(params, q.limit, q.offset); !page) return page.error();
  return q;
}

Result<FillQuery> parse_fill_history_query(const net::QueryParams& params, uint32_t account,
                                           const std::vector<SimMarket>& markets) {
  FillQuery q;
  q.account = account;
  Result<std::vector<uint32_t>> searched = fill_markets(params, markets);
  if (!searched) return searched.error();
  q.markets = std::move(*searched);
  if (auto page = read_page(params, q.limit, q.offset); !page) return page.error();
  if (auto from = read_time_bound(params, "from", q.from_ms); !from) return from.error();
  if (auto to = read_time_bound(params, "to", q.to_ms); !to) return to.error();
  if (const auto type = params.first("fillType"); type && *type != "User") {
    return make_error("fillType: the simulator has User fills only");
  }
  if (const auto direction = params.first("sortDirection")) {
    if (*direction != "Asc" && *direction != "Desc") return make_error("sortDirection must be Asc or Desc");
    q.ascending = *direction == "Asc";
  }
  return q;
}

}  // namespace mm::sim
