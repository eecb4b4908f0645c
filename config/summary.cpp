// summarize(): what `mmscore check-config` prints, so an operator can read back
// what the daemon understood before it scores a month with it.
#include <sstream>

#include "config/config.h"
#include "config/text_format.h"
#include "core/decimal.h"

namespace mm {
namespace {

using config_detail::double_text;
using config_detail::duration_text;
using config_detail::name_of;
using config_detail::trimmed_decimal;

std::string usd_cents(Cents c) { return format_fixed(c, 2) + " USD"; }
std::string usd_e9(int64_t raw) { return trimmed_decimal(raw, kFractionDecimals) + " USD"; }
std::string fraction(int64_t raw) { return trimmed_decimal(raw, kFractionDecimals); }

void write_program(std::ostringstream& out, const Program& p) {
  out << "pool: " << usd_cents(p.pool) << ", redistribution " << name_of(p.redistribution) << "\n";
  out << "liquidity: band " << p.band_bps << " bps, size " << name_of(p.size_mode) << ", spread "
      << name_of(p.spread_mode) << ", average over " << name_of(p.average_over) << ", min side notional "
      << usd_e9(p.min_side_notional_usd) << "\n";
  out << "weights: volume " << double_text(p.weight_volume) << ", liquidity " << double_text(p.weight_liquidity) << "\n";
  out << "eligibility: min avg size " << usd_e9(p.min_avg_size_usd) << ", min volume score "
      << fraction(p.min_volume_score) << ", min allocation share " << fraction(p.min_allocation_share) << "\n";
  out << "active days: " << name_of(p.active_days_rounding) << "\n";
  out << "snapshot: every " << duration_text(p.snapshot_interval) << ", jitter "
      << (p.snapshot_jitter ? "on" : "off") << ", seed " << p.snapshot_seed << "\n";
}

void write_categories(std::ostringstream& out, const Program& p) {
  out << "categories:\n";
  for (const auto& c : p.categories) {
    out << "  " << to_string(c.category) << ": " << usd_cents(c.pool) << "\n";
    for (const auto& tier : c.tiers) {
      out << "    tier " << tier.tier << ": " << usd_cents(tier.pool) << ", " << tier.markets.size() << " markets:";
      for (uint32_t i : tier.markets) out << " " << p.markets[i].symbol;
      out << "\n";
    }
  }
}

void write_markets(std::ostringstream& out, const Program& p) {
  out << "markets (" << p.markets.size() << "):\n";
  for (const auto& m : p.markets) {
    out << "  " << m.symbol << ": " << to_string(m.category) << ", quote " << m.quote << " (usd_rate "
        << fraction(m.usd_rate) << "), multiplier " << fraction(m.multiplier) << ", ";
    if (m.reward_tier == 0) out << "no reward tier";
    else out << "tier " << m.reward_tier;
    if (m.first_trade) out << ", first trade " << format_rfc3339(*m.first_trade);
    if (m.is_new) out << ", new (first trade from the feed)";
    out << "\n";
  }
}

void write_fee_tiers(std::ostringstream& out, const Program& p) {
  if (p.fee_tiers.empty()) {
    out << "fee tiers: none\n";
    return;
  }
  out << "fee tiers (ascending; first-month holiday: " << p.fee_holiday_tier << "):\n";
  for (const auto& f : p.fee_tiers)
    out << "  " << f.name << ": min share " << fraction(f.min_share) << ", maker fee " << double_text(f.maker_fee_bps)
        << " bps\n";
}

void write_mms(std::ostringstream& out, const Settings& s) {
  const Program& p = s.program;
  out << "market makers (" << p.mms.size() << "):\n";
  for (size_t i = 0; i < p.mms.size(); ++i) {
    out << "  " << p.mms[i].id << ": joined " << p.mms[i].joined.to_string() << ", accounts:";
    for (const auto& a : s.accounts[i]) {
      out << " " << a.name;
      if (!a.api_key_file.empty()) out << " (key " << a.api_key_file << ", secret " << a.api_secret_file << ")";
    }
    out << "\n";
  }
}

}  // namespace

std::string summarize(const Settings& s) {
  std::ostringstream out;
  out << "config: " << s.path << "\n";
  write_program(out, s.program);
  write_categories(out, s.program);
  write_markets(out, s.program);
  write_fee_tiers(out, s.program);
  write_mms(out, s);
  out << "feed: " << s.feed.ws_url << ", " << s.feed.rest_url << ", stale after " << duration_text(s.feed.stale_after)
      << "\n";
  out << "journal: " << (s.journal.enabled ? s.journal.dir : std::string("disabled")) << "\n";
  out << "reports: " << s.report.dir << "\n";
  out << "api: " << s.api.listen << ", " << s.api.max_connections << " connections (" << s.api.max_connections_per_client
      << " per client), first byte within " << duration_text(s.api.first_byte_timeout) << ", "
      << (s.api.auth_failures_per_minute ? std::to_string(s.api.auth_failures_per_minute) + " failed logins a minute"
                                         : std::string("no login throttling"))
      << "\n";
  if (s.simulator.enabled) out << "simulator: " << s.simulator.listen << ", seed " << s.simulator.seed << "\n";
  out << "config hash: " << s.program.config_hash << "\n";
  return out.str();
}

}  // namespace mm
