// [program], [snapshot], [[fee_tiers]] and [[mms]] (SCORING.md sections 4-6, 8, 12).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "config/sections.h"
#include "config/text_format.h"
#include "core/decimal.h"

namespace mm::config_detail {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr double kMaxFeeBps = 10'000;  // 100 %: anything beyond is a typo

// Returns the [[fee_tiers]] node (null when omitted) for messages about the holiday tier.
const toml::node* read_fee_tiers(Fields& root, Program& program) {
  const Source& src = root.source();
  const toml::node* node = root.find("fee_tiers");
  if (!node) return nullptr;
  const toml::array& array = src.array_of(*node, "fee_tiers");
  std::map<std::string, size_t, std::less<>> index_of_name;
  for (size_t i = 0; i < array.size(); ++i) {
    Fields f = src.fields_of(array[i], indexed("fee_tiers", i));
    FeeTierSpec tier;
    const toml::node& name = *f.find("name", Need::required);
    tier.name = src.string_of(name, f.key("name"));
    if (tier.name.empty()) src.fail(name, f.key("name"), "must not be empty");
    if (const auto [other, fresh] = index_of_name.emplace(tier.name, i); !fresh)
      src.fail(name, f.key("name"), "duplicate fee tier \"" + tier.name + "\" (also fee_tiers[" + std::to_string(other->second) + "])");
    f.read_decimal("min_share", tier.min_share, kFractionDecimals, DecimalRange::unit_interval, {}, Need::required);
    // The tier is the highest one reached, so the list must be strictly ascending.
    if (!program.fee_tiers.empty() && tier.min_share <= program.fee_tiers.back().min_share)
      src.fail(*f.find("min_share"), f.key("min_share"),
               "must be greater than fee_tiers[" + std::to_string(i - 1) + "].min_share (" +
                   trimmed_decimal(program.fee_tiers.back().min_share, kFractionDecimals) +
                   "): fee tiers are listed ascending, the best last");
    f.read_double("maker_fee_bps", tier.maker_fee_bps, -kMaxFeeBps, kMaxFeeBps, Need::required);
    f.finish();
    program.fee_tiers.push_back(std::move(tier));
  }
  return node;
}

void read_weights(Fields& w, Program& program) {
  w.read_double("volume", program.weight_volume, 0.0, 1.0);
  w.read_double("liquidity", program.weight_liquidity, 0.0, 1.0);
  w.finish();
  const double sum = program.weight_volume + program.weight_liquidity;
  if (std::fabs(sum - 1.0) > 1e-12) {
    w.fail("volume + liquidity must sum to 1, not " + double_text(sum));
  }
}

void read_eligibility(Fields& e, Program& program) {
  e.read_decimal("min_avg_size_usd", program.min_avg_size_usd, kFractionDecimals, DecimalRange::non_negative);
  e.read_decimal("min_volume_score", program.min_volume_score, kFractionDecimals, DecimalRange::unit_interval);
  e.read_decimal("min_allocation_share", program.min_allocation_share, kFractionDecimals, DecimalRange::unit_interval);
  e.finish();
}

void read_snapshot(Fields& root, Program& program) {
  auto s = root.read_table("snapshot");
  if (!s) return;
  s->read_duration("interval", program.snapshot_interval);
  s->read("jitter", program.snapshot_jitter);
  int64_t seed = int64_t(program.snapshot_seed);
  if (s->read_int("seed", seed, 0, kMaxInt)) program.snapshot_seed = uint64_t(seed);
  s->finish();
}

// [risk]: the integrity screens of SCORING.md section 16.
void read_risk(Fields& root, Program& program) {
  auto r = root.read_table("risk");
  if (!r) return;
  if (r->read_duration("dense_interval", program.dense_interval) && program.dense_interval < 100'000)
    root.source().fail(*r->find("dense_interval"), r->key("dense_interval"), "must be at least 100ms");
  r->read_double("flicker_margin", program.flicker_margin, 0.0, 1.0);
  r->finish();
}

}  // namespace

void read_program_knobs(Fields& root, Program& program) {
  const Source& src = root.source();
  const toml::node* fee_tiers = read_fee_tiers(root, program);
  const toml::node* holiday = nullptr;
  if (auto p = root.read_table("program")) {
    p->read_decimal("pool_usd", program.pool, 2, DecimalRange::positive, "cents");
    p->read_enum("redistribution", program.redistribution,
                 {{"none", Redistribution::none}, {"renormalize", Redistribution::renormalize}});
    p->read_int("band_bps", program.band_bps, 1, 10'000);
    p->read_enum("size_mode", program.size_mode, {{"min_side", SizeMode::min_side}, {"mean_side", SizeMode::mean_side}});
    p->read_enum("spread_mode", program.spread_mode, {{"weighted", SpreadMode::weighted}, {"best", SpreadMode::best}});
    p->read_enum("average_over", program.average_over,
                 {{"active", AverageOver::active}, {"observed", AverageOver::observed}});
    p->read_decimal("min_side_notional_usd", program.min_side_notional_usd, kFractionDecimals,
                    DecimalRange::non_negative);
    p->read_enum("active_days_rounding", program.active_days_rounding,
                 {{"exact", DaysRounding::exact}, {"ceil", DaysRounding::ceil}});
    p->read("exclude_self_trades", program.exclude_self_trades);
    holiday = p->find("fee_holiday_tier");
    if (holiday) {
      program.fee_holiday_tier = src.string_of(*holiday, p->key("fee_holiday_tier"));
      if (program.fee_holiday_tier.empty()) src.fail(*holiday, p->key("fee_holiday_tier"), "must not be empty");
    }
    if (auto w = p->read_table("weights")) read_weights(*w, program);
    if (auto e = p->read_table("eligibility")) read_eligibility(*e, program);
    p->finish();
  }
  // Without fee tiers nobody has a tier, the holiday included; with them it must be one.
  if (!program.fee_tiers.empty() && !program.fee_tier(program.fee_holiday_tier)) {
    std::string names;
    for (const auto& t : program.fee_tiers) names += (names.empty() ? "" : ", ") + t.name;
    const std::string what = "\"" + program.fee_holiday_tier + "\"" + (holiday ? "" : " (the default)") +
                             " is not one of the fee tiers (" + names + ")";
    src.fail(holiday ? *holiday : *fee_tiers, "program.fee_holiday_tier", what);
  }
  read_snapshot(root, program);
  read_risk(root, program);
}

void read_mms(Fields& root, Settings& settings) {
  const Source& src = root.source();
  const toml::node& node = *root.find("mms", Need::required);
  const toml::array& array = src.array_of(node, "mms");
  if (array.empty()) src.fail(node, "mms", "must list at least one market maker");

  struct Entry {
    MmSpec spec;
    std::vector<AccountSettings> accounts;
  };
  std::vector<Entry> entries;
  std::map<std::string, size_t, std::less<>> index_of_id;
  for (size_t i = 0; i < array.size(); ++i) {
    Fields m = src.fields_of(array[i], indexed("mms", i));
    Entry entry;
    const toml::node& id = *m.find("id", Need::required);
    entry.spec.id = src.string_of(id, m.key("id"));
    if (!is_identifier(entry.spec.id)) src.fail(id, m.key("id"), std::string(kIdentifierRule));
    if (const auto [other, fresh] = index_of_id.emplace(entry.spec.id, i); !fresh)
      src.fail(id, m.key("id"), "duplicate id \"" + entry.spec.id + "\" (also mms[" + std::to_string(other->second) + "])");

    const toml::node& joined = *m.find("joined", Need::required);
    const auto month = parse_year_month(src.string_of(joined, m.key("joined")));
    if (!month) src.fail(joined, m.key("joined"), "must be a month \"YYYY-MM\", e.g. \"2025-11\"");
    entry.spec.joined = *month;

    if (const toml::node* accounts_node = m.find("accounts")) {
      const toml::array& accounts = src.array_of(*accounts_node, m.key("accounts"));
      if (accounts.empty()) src.fail(*accounts_node, m.key("accounts"), "must list at least one account (or be omitted)");
      entry.spec.accounts.clear();
      for (size_t j = 0; j < accounts.size(); ++j) {
        Fields a = src.fields_of(accounts[j], indexed(m.key("accounts"), j));
        AccountSettings account;
        account.key = a.path();
        const toml::node& name = *a.find("name", Need::required);
        account.name = src.string_of(name, a.key("name"));
        if (!is_identifier(account.name)) src.fail(name, a.key("name"), std::string(kIdentifierRule));
        if (std::find(entry.spec.accounts.begin(), entry.spec.accounts.end(), account.name) != entry.spec.accounts.end())
          src.fail(name, a.key("name"), "duplicate account \"" + account.name + "\" in " + m.path());
        const bool has_key = a.read("api_key_file", account.api_key_file);
        const bool has_secret = a.read("api_secret_file", account.api_secret_file);
        // A private stream needs both halves; one alone is a mistake in the file.
        if (has_key != has_secret) a.fail("api_key_file and api_secret_file must be given together");
        a.finish();
        entry.spec.accounts.push_back(account.name);
        entry.accounts.push_back(std::move(account));
      }
    } else {
      entry.accounts.push_back(AccountSettings{"main", {}, {}, m.path()});
    }
    m.finish();
    entries.push_back(std::move(entry));
  }
  // Reports list MMs by id.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.spec.id < b.spec.id; });
  for (auto& e : entries) {
    settings.program.mms.push_back(std::move(e.spec));
    settings.accounts.push_back(std::move(e.accounts));
  }
}

}  // namespace mm::config_detail
