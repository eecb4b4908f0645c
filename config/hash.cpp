// config_hash: SHA-256 of a canonical text of the scoring-relevant Program fields.
//
// The text is built from the validated Program, not from the file, so comments, key
// order, the order of [[markets]]/[[mms]]/[[categories]] entries and the non-scoring
// sections cannot change it; every field that can change a report is in it.
#include <openssl/evp.h>

#include "config/config.h"
#include "config/text_format.h"
#include "core/decimal.h"

namespace mm {
namespace {

using config_detail::double_text;
using config_detail::name_of;

// Free-form names are quoted and escaped so that no value can imitate a separator.
std::string quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string canonical_program_text(const Program& p) {
  std::string t = "mmscore-config-hash v1\n";
  auto line = [&t](std::string_view key, const std::string& value) {
    t.append(key).append("=").append(value).append("\n");
  };
  auto record = [&t](std::string_view kind, const std::string& fields) {
    t.append(kind).append(" ").append(fields).append("\n");
  };
  line("pool_cents", std::to_string(p.pool));
  line("redistribution", name_of(p.redistribution));
  line("band_bps", std::to_string(p.band_bps));
  line("size_mode", name_of(p.size_mode));
  line("spread_mode", name_of(p.spread_mode));
  line("average_over", name_of(p.average_over));
  line("min_side_notional_usd_e9", std::to_string(p.min_side_notional_usd));
  line("active_days_rounding", name_of(p.active_days_rounding));
  line("fee_holiday_tier", quoted(p.fee_holiday_tier));
  line("weight_volume", double_text(p.weight_volume));
  line("weight_liquidity", double_text(p.weight_liquidity));
  line("min_avg_size_usd_e9", std::to_string(p.min_avg_size_usd));
  line("min_volume_score_e9", std::to_string(p.min_volume_score));
  line("min_allocation_share_e9", std::to_string(p.min_allocation_share));
  line("snapshot_interval_us", std::to_string(p.snapshot_interval));
  line("snapshot_jitter", p.snapshot_jitter ? "true" : "false");
  line("snapshot_seed", std::to_string(p.snapshot_seed));
  // Section 16's keys, written only when not at their defaults: the hashes of configs
  // from before them stay what they were.
  if (p.exclude_self_trades) line("exclude_self_trades", "true");
  if (p.dense_interval != kUsPerSecond) line("dense_interval_us", std::to_string(p.dense_interval));
  if (p.flicker_margin != 0.10) line("flicker_margin", double_text(p.flicker_margin));
  for (const auto& m : p.markets) {
    record("market", m.symbol + " category=" + to_string(m.category) + " quote=" + quoted(m.quote) +
                       " usd_rate_e9=" + std::to_string(m.usd_rate) + " multiplier_e9=" + std::to_string(m.multiplier) +
                       " first_trade_us=" + (m.first_trade ? std::to_string(*m.first_trade) : "none") +
                       " new=" + (m.is_new ? "true" : "false") + " reward_tier=" + std::to_string(m.reward_tier));
  }
  for (const auto& c : p.categories) {
    record("category", std::string(to_string(c.category)) + " pool_cents=" + std::to_string(c.pool));
    for (const auto& tier : c.tiers) {
      std::string markets;
      for (uint32_t i : tier.markets) markets += (markets.empty() ? "" : ",") + p.markets[i].symbol;
      record("tier", std::string(to_string(c.category)) + " " + std::to_string(tier.tier) +
                       " pool_cents=" + std::to_string(tier.pool) + " markets=" + markets);
    }
  }
  for (const auto& f : p.fee_tiers) {
    record("fee_tier", quoted(f.name) + " min_share_e9=" + std::to_string(f.min_share) +
                         " maker_fee_bps=" + double_text(f.maker_fee_bps));
  }
  for (const auto& mm : p.mms) record("mm", mm.id + " joined=" + mm.joined.to_string());
  return t;
}

std::string compute_config_hash(const Program& program) {
  const std::string text = canonical_program_text(program);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace mm
