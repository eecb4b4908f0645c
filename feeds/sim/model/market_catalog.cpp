#include "feeds/sim/model/market_catalog.h"

#include <stdexcept>

#include "core/decimal.h"

namespace mm::sim {

namespace {

struct CatalogEntry {
  const char* symbol;
  const char* price;
  const char* tick;
  const char* step;
};

// Spot and perp interleaved so that any prefix holds both categories.
constexpr CatalogEntry kCatalog[] = {
    {"SOL_USDC", "98.90", "0.01", "0.01"},          {"SOL_USDC_PERP", "98.95", "0.01", "0.01"},
    {"BTC_USDC", "97150.0", "0.1", "0.00001"},      {"BTC_USDC_PERP", "97180.0", "0.1", "0.00001"},
    {"ETH_USDC", "3412.55", "0.01", "0.0001"},      {"ETH_USDC_PERP", "3413.10", "0.01", "0.0001"},
    {"USDT_USDC", "1.0003", "0.0001", "1"},         {"XRP_USDC_PERP", "2.1834", "0.0001", "0.0001"},
    {"SUI_USDC", "3.4120", "0.0001", "0.1"},        {"SUI_USDC_PERP", "3.4135", "0.0001", "0.01"},
    {"DOGE_USDC", "0.17234", "0.00001", "1"},       {"DOGE_USDC_PERP", "0.17241", "0.00001", "0.01"},
    {"HYPE_USDC", "38.412", "0.001", "0.01"},       {"HYPE_USDC_PERP", "38.430", "0.001", "0.01"},
    {"BNB_USDC", "612.40", "0.01", "0.001"},        {"BNB_USDC_PERP", "612.55", "0.01", "0.001"},
    {"LINK_USDC", "14.532", "0.001", "0.1"},        {"LINK_USDC_PERP", "14.538", "0.001", "0.1"},
    {"AAVE_USDC", "271.35", "0.01", "0.01"},        {"AAVE_USDC_PERP", "271.50", "0.01", "0.01"},
    {"ENA_USDC", "0.48215", "0.00001", "0.1"},      {"ENA_USDC_PERP", "0.48230", "0.00001", "0.1"},
    {"JUP_USDC", "0.51240", "0.00001", "0.1"},      {"JUP_USDC_PERP", "0.51255", "0.00001", "0.1"},
    {"WIF_USDC", "0.86120", "0.00001", "0.1"},      {"WIF_USDC_PERP", "0.86150", "0.00001", "0.1"},
    {"ONDO_USDC", "0.91230", "0.00001", "0.1"},     {"ONDO_USDC_PERP", "0.91260", "0.00001", "0.1"},
    {"TRUMP_USDC", "8.7120", "0.0001", "0.01"},     {"TRUMP_USDC_PERP", "8.7150", "0.0001", "0.01"},
    {"PENGU_USDC", "0.012345", "0.000001", "100"},  {"PENGU_USDC_PERP", "0.012351", "0.000001", "100"},
    {"PUMP_USDC", "0.0042150", "0.0000001", "100"}, {"PUMP_USDC_PERP", "0.0042170", "0.0000001", "100"},
    {"SEI_USDC", "0.21340", "0.00001", "1"},        {"SEI_USDC_PERP", "0.21350", "0.00001", "1"},
    {"XRP_USDC", "2.1830", "0.0001", "0.1"},        {"kPEPE_USDC_PERP", "0.0098120", "0.0000001", "100"},
    {"APT_USDC", "5.1230", "0.0001", "0.1"},        {"APT_USDC_PERP", "5.1250", "0.0001", "0.1"},
    {"WLFI_USDC", "0.15420", "0.00001", "1"},       {"WLFI_USDC_PERP", "0.15430", "0.00001", "1"},
    {"WLD_USDC", "1.24310", "0.00001", "1"},        {"WLD_USDC_PERP", "1.24350", "0.00001", "1"},
    {"PYTH_USDC", "0.123450", "0.000001", "1"},     {"PYTH_USDC_PERP", "0.123480", "0.000001", "1"},
    {"XPL_USDC", "0.41230", "0.00001", "1"},        {"XPL_USDC_PERP", "0.41250", "0.00001", "1"},
    {"2Z_USDC", "0.31240", "0.00001", "1"},         {"2Z_USDC_PERP", "0.31250", "0.00001", "1"},
    {"ZEC_USDC", "412.35", "0.01", "0.01"},         {"ZEC_USDC_PERP", "412.60", "0.01", "0.01"},
    {"MET_USDC", "0.52130", "0.00001", "1"},        {"MET_USDC_PERP", "0.52150", "0.00001", "1"},
    {"MON_USDC", "0.041230", "0.000001", "10"},     {"MON_USDC_PERP", "0.041250", "0.000001", "10"},
    {"STABLE_USDC", "0.021340", "0.000001", "10"},  {"STABLE_USDC_PERP", "0.021350", "0.000001", "10"},
    {"FOGO_USDC", "0.061230", "0.000001", "10"},    {"FOGO_USDC_PERP", "0.061250", "0.000001", "10"},
    {"PAXG_USDC", "3312.4", "0.1", "0.0001"},       {"PAXG_USDC_PERP", "3313.10", "0.01", "0.0001"},
    {"TRX_USDC", "0.28430", "0.00001", "1"},        {"TRX_USDC_PERP", "0.28440", "0.00001", "1"},
    {"MU.US_USDC", "112.45", "0.01", "0.01"},       {"MU.US_USDC_PERP", "112.50", "0.01", "0.001"},
    {"SNDK.US_USDC", "61.23", "0.01", "0.01"},      {"SNDK.US_USDC_PERP", "61.25", "0.01", "0.001"},
    {"JTO_USDC", "2.14530", "0.00001", "1"},        {"JTO_USDC_PERP", "2.14560", "0.00001", "1"},
    {"LDO_USDC", "1.12340", "0.00001", "1"},        {"LDO_USDC_PERP", "1.12360", "0.00001", "1"},
    {"ZRO_USDC", "2.4310", "0.0001", "1"},          {"ZRO_USDC_PERP", "2.4320", "0.0001", "1"},
    {"STRK_USDC", "0.134520", "0.000001", "10"},    {"STRK_USDC_PERP", "0.13455", "0.00001", "10"},
    {"UNI_USDC", "7.8120", "0.0001", "0.1"},        {"UNI_USDC_PERP", "7.8150", "0.0001", "0.1"},
    {"W_USDC", "0.081230", "0.000001", "10"},       {"W_USDC_PERP", "0.081250", "0.000001", "10"},
    {"KMNO_USDC", "0.061240", "0.000001", "10"},    {"KMNO_USDC_PERP", "0.061260", "0.000001", "10"},
    {"BONK_USDC", "0.000021345", "0.000000001", "10000"},
    {"kBONK_USDC_PERP", "0.021350", "0.000001", "100"},
    {"PEPE_USDC", "0.000009812", "0.000000001", "10000"},
    {"kSHIB_USDC_PERP", "0.012810", "0.000001", "100"},
    {"SHIB_USDC", "0.000012805", "0.000000001", "10000"},
    {"LTC_USDC_PERP", "88.412", "0.001", "0.01"},
    {"RENDER_USDC", "3.4120", "0.0001", "0.1"},     {"ADA_USDC_PERP", "0.68120", "0.00001", "1"},
    {"RAY_USDC", "2.1230", "0.0001", "1"},          {"AVAX_USDC_PERP", "21.345", "0.001", "0.01"},
    {"IO_USDC", "0.71230", "0.00001", "1"},         {"DOT_USDC_PERP", "3.8120", "0.0001", "0.1"},
    {"CLOUD_USDC", "0.081230", "0.000001", "10"},   {"FARTCOIN_USDC_PERP", "0.91230", "0.00001", "0.1"},
    {"POL_USDC", "0.21230", "0.00001", "10"},       {"NEAR_USDC_PERP", "2.5120", "0.0001", "1"},
    {"WAL_USDC", "0.31230", "0.00001", "1"},        {"TAO_USDC_PERP", "341.25", "0.01", "0.001"},
};
constexpr size_t kCatalogSize = sizeof kCatalog / sizeof kCatalog[0];

}  // namespace

SimMarket make_sim_market(std::string symbol, const char* price, const char* tick, const char* step) {
  SimMarket m;
  m.symbol = std::move(symbol);
  if (parse_price(price, m.start_price) != DecimalError::ok || parse_price(tick, m.tick) != DecimalError::ok ||
      parse_qty(step, m.step) != DecimalError::ok || m.start_price <= 0 || m.tick <= 0 || m.step <= 0) {
    throw std::invalid_argument("bad sim market numbers for " + m.symbol);
  }
  return m;
}

std::vector<SimMarket> catalog_markets(size_t count) {
  std::vector<SimMarket> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (i < kCatalogSize) {
      const CatalogEntry& e = kCatalog[i];
      out.push_back(make_sim_market(e.symbol, e.price, e.tick, e.step));
    } else {
      out.push_back(make_sim_market("SIM" + std::to_string(i) + "_USDC", "12.3450", "0.0001", "0.01"));
    }
  }
  return out;
}

}  // namespace mm::sim
