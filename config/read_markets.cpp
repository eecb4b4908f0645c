// [quotes], [[markets]] and [[categories]] (reward tiers, SCORING.md sections 7 and 12).
#include <algorithm>
#include <map>

#include "config/sections.h"
#include "core/decimal.h"

namespace mm::config_detail {
namespace {

Category category_of(const Source& src, const toml::node& n, std::string_view key) {
  return src.enum_of<Category>(n, key, {{"perp", Category::perp}, {"spot", Category::spot}});
}

std::string usd(Cents cents) { return format_fixed(cents, 2) + " USD"; }

// USD rate (1e-9) per quote asset; USDC and USDT are worth 1.0 unless overridden.
std::map<std::string, int64_t, std::less<>> read_quotes(Fields& root) {
  std::map<std::string, int64_t, std::less<>> rates{{"USDC", kFractionScale}, {"USDT", kFractionScale}};
  const auto quotes = root.read_table("quotes");
  if (!quotes) return rates;
  // Every key is an asset name, so there is no unknown key to reject here.
  for (auto&& [asset, value] : quotes->table()) {
    const std::string key = quotes->key(asset.str());
    if (asset.str().empty()) quotes->source().fail(asset.source(), key, "asset name must not be empty");
    rates[std::string(asset.str())] =
        quotes->source().decimal_of(value, key, kFractionDecimals, DecimalRange::positive);
  }
  return rates;
}

// "SOL_USDC_PERP" -> "USDC": the part after the first '_' up to the next '_' or the end.
std::string quote_from_symbol(std::string_view symbol) {
  const size_t first = symbol.find('_');
  if (first == std::string_view::npos) return {};
  const std::string_view rest = symbol.substr(first + 1);
  return std::string(rest.substr(0, rest.find('_')));
}

MarketSpec read_market(Fields& m, const std::map<std::string, int64_t, std::less<>>& rates) {
  const Source& src = m.source();
  MarketSpec spec;
  const toml::node& symbol = *m.find("symbol", Need::required);
  spec.symbol = src.string_of(symbol, m.key("symbol"));
  if (!is_identifier(spec.symbol)) src.fail(symbol, m.key("symbol"), std::string(kIdentifierRule));

  spec.category = category_of(src, *m.find("category", Need::required), m.key("category"));

  const toml::node* quote = m.find("quote");
  if (quote) {
    spec.quote = src.string_of(*quote, m.key("quote"));
  } else {
    spec.quote = quote_from_symbol(spec.symbol);
    if (spec.quote.empty())
      src.fail(m.table().source(), m.key("quote"),
               "missing, and cannot be derived from symbol \"" + spec.symbol + "\" (no '_')");
  }
  const auto rate = rates.find(spec.quote);
  if (rate == rates.end()) {
    const std::string what = "quote asset \"" + spec.quote + "\" has no USD rate in [quotes]";
    // A derived quote has no node of its own: point at the market.
    src.fail(quote ? quote->source() : m.table().source(), m.key("quote"), what);
  }
  spec.usd_rate = rate->second;

  m.read_decimal("multiplier", spec.multiplier, kFractionDecimals, DecimalRange::positive);
  if (const toml::node* first = m.find("first_trade")) spec.first_trade = src.time_of(*first, m.key("first_trade"));
  if (const toml::node* is_new = m.find("new")) {
    spec.is_new = src.bool_of(*is_new, m.key("new"));
    if (spec.is_new && spec.first_trade)
      src.fail(*is_new, m.key("new"), "cannot be true when first_trade is given (new = take it from the feed)");
  }
  m.finish();
  return spec;
}

bool add_cents(Cents& sum, Cents amount) { return !__builtin_add_overflow(sum, amount, &sum); }

}  // namespace

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

void read_markets(Fields& root, Program& program) {
  const Source& src = root.source();
  const auto rates = read_quotes(root);

  const toml::node& node = *root.find("markets", Need::required);
  const toml::array& array = src.array_of(node, "markets");
  if (array.empty()) src.fail(node, "markets", "must list at least one market");

  std::vector<MarketSpec> markets;
  std::map<std::string, size_t, std::less<>> index_of_symbol;  // for duplicate messages
  for (size_t i = 0; i < array.size(); ++i) {
    Fields m = src.fields_of(array[i], indexed("markets", i));
    MarketSpec spec = read_market(m, rates);
    const auto [it, inserted] = index_of_symbol.emplace(spec.symbol, i);
    if (!inserted)
      src.fail(*m.table().get("symbol"), m.key("symbol"),
               "duplicate symbol \"" + spec.symbol + "\" (also markets[" + std::to_string(it->second) + "])");
    markets.push_back(std::move(spec));
  }
  // Reports list markets by symbol; tiers refer to these sorted positions.
  std::sort(markets.begin(), markets.end(), [](const MarketSpec& a, const MarketSpec& b) { return a.symbol < b.symbol; });
  program.markets = std::move(markets);
}

void read_categories(Fields& root, Program& program) {
  const Source& src = root.source();
  const toml::node& node = *root.find("categories", Need::required);
  const toml::array& array = src.array_of(node, "categories");

  std::map<std::string, uint32_t, std::less<>> market_of_symbol;
  for (uint32_t i = 0; i < program.markets.size(); ++i) market_of_symbol.emplace(program.markets[i].symbol, i);
  std::vector<std::string> tier_of_market(program.markets.size());  // key path of the tier holding it

  std::map<Category, size_t> index_of_category;
  std::vector<CategorySpec> categories;
  Cents category_sum = 0;
  for (size_t i = 0; i < array.size(); ++i) {
    Fields c = src.fields_of(array[i], indexed("categories", i));
    CategorySpec category;
    const toml::node& name = *c.find("name", Need::required);
    category.category = category_of(src, name, c.key("name"));
    const auto [seen, inserted] = index_of_category.emplace(category.category, i);
    if (!inserted)
      src.fail(name, c.key("name"),
               std::string("duplicate category \"") + to_string(category.category) + "\" (also categories[" +
                   std::to_string(seen->second) + "])");
    c.read_decimal("pool_usd", category.pool, 2, DecimalRange::non_negative, "cents", Need::required);

    const toml::node& tiers_node = *c.find("tiers", Need::required);
    const toml::array& tiers = src.array_of(tiers_node, c.key("tiers"));
    std::map<int64_t, size_t> index_of_tier;
    Cents tier_sum = 0;
    for (size_t j = 0; j < tiers.size(); ++j) {
      Fields t = src.fields_of(tiers[j], indexed(c.key("tiers"), j));
      TierSpec tier;
      int64_t number = 0;
      t.read_int("tier", number, 1, 99, Need::required);
      tier.tier = int(number);
      if (const auto [other, fresh] = index_of_tier.emplace(number, j); !fresh)
        src.fail(*t.find("tier"), t.key("tier"),
                 "duplicate tier " + std::to_string(number) + " (also " + indexed(c.key("tiers"), other->second) + ")");
      t.read_decimal("pool_usd", tier.pool, 2, DecimalRange::non_negative, "cents", Need::required);

      const toml::node& markets_node = *t.find("markets", Need::required);
      const toml::array& markets = src.array_of(markets_node, t.key("markets"));
      if (markets.empty() && tier.pool > 0)
        src.fail(markets_node, t.key("markets"), "a tier with a pool needs at least one market");
      for (size_t k = 0; k < markets.size(); ++k) {
        const std::string key = indexed(t.key("markets"), k);
        const std::string symbol = src.string_of(markets[k], key);
        const auto found = market_of_symbol.find(symbol);
        if (found == market_of_symbol.end())
          src.fail(markets[k], key, "unknown market \"" + symbol + "\" (not in [[markets]])");
        MarketSpec& market = program.markets[found->second];
        if (market.category != category.category)
          src.fail(markets[k], key,
                   "market \"" + symbol + "\" is a " + to_string(market.category) + " market, not " +
                       to_string(category.category));
        if (!tier_of_market[found->second].empty())
          src.fail(markets[k], key, "market \"" + symbol + "\" is already in " + tier_of_market[found->second]);
        tier_of_market[found->second] = t.path();
        market.reward_tier = tier.tier;
        tier.markets.push_back(found->second);
      }
      std::sort(tier.markets.begin(), tier.markets.end());
      t.finish();
      if (!add_cents(tier_sum, tier.pool)) src.fail(tiers_node, c.key("tiers"), "tier pools overflow");
      category.tiers.push_back(std::move(tier));
    }
    if (tier_sum != category.pool)
      src.fail(tiers_node, c.key("tiers"),
               "tier pools sum to " + usd(tier_sum) + " but " + c.key("pool_usd") + " is " + usd(category.pool));
    c.finish();
    std::sort(category.tiers.begin(), category.tiers.end(),
              [](const TierSpec& a, const TierSpec& b) { return a.tier < b.tier; });
    if (!add_cents(category_sum, category.pool)) src.fail(node, "categories", "category pools overflow");
    categories.push_back(std::move(category));
  }
  if (category_sum != program.pool)
    src.fail(node, "categories",
             "category pools sum to " + usd(category_sum) + " but program.pool_usd is " + usd(program.pool));
  // A fixed order ("perp" before "spot") keeps summaries and the hash independent of the file.
  std::sort(categories.begin(), categories.end(), [](const CategorySpec& a, const CategorySpec& b) {
    return std::string_view(to_string(a.category)) < std::string_view(to_string(b.category));
  });
  program.categories = std::move(categories);
}

}  // namespace mm::config_detail
