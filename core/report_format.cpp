#include "core/report_format.h"

#include "core/json_writer.h"

namespace mm {

namespace {

void write_fee_tier(JsonWriter& w, const FeeTierStanding& f) {
  auto opt = [&](const std::optional<std::string>& s) -> JsonWriter& { return s ? w.value(*s) : w.null(); };
  w.begin_object();
  w.key("total_maker_share").fixed(f.total_maker_share);
  w.key("adjusted_maker_share").fixed(f.adjusted_maker_share);
  w.key("tier");
  opt(f.tier);
  w.key("earned_tier");
  opt(f.earned_tier);
  w.key("fee_holiday").value(f.fee_holiday);
  w.key("maker_volume_usd").usd(f.maker_volume_usd);
  w.key("all_maker_volume_usd").usd(f.all_maker_volume_usd);
  w.key("next_tier");
  opt(f.next_tier);
  w.key("share_to_next_tier").fixed(f.share_to_next_tier);
  w.key("volume_to_next_tier_usd").fixed(f.volume_to_next_tier_usd, 2);
  w.end_object();
}

void write_mm_market(JsonWriter& w, const Program& p, const MmMarketResult& e) {
  w.begin_object();
  w.key("symbol").value(p.markets[e.market].symbol);
  w.key("maker_volume_usd").usd(e.maker_volume_usd);
  w.key("volume_score").fixed(e.volume_score);
  w.key("snapshots_active").value(e.snapshots_active);
  w.key("snapshots_observed").value(e.snapshots_observed);
  w.key("snapshots_unobserved").value(e.snapshots_unobserved);
  w.key("snapshots_anomalous").value(e.snapshots_anomalous);
  w.key("avg_size_usd").fixed(e.avg_size_usd, 2);
  w.key("avg_spread_bps").fixed(e.avg_spread_bps);
  w.key("uptime").fixed(e.uptime);
  w.key("liquidity_metric").fixed(e.liquidity_metric);
  w.key("liquidity_score").fixed(e.liquidity_score);
  w.key("blended_score").fixed(e.blended_score);
  w.key("eligible").value(e.eligible());
  w.key("ineligible_reasons").begin_array();
  for (const char* reason : e.ineligible_reasons) w.value(reason);
  w.end_array();
  w.key("reward_usd").cents(e.reward);
  w.end_object();
}

const char* redistribution_name(Redistribution r) { return r == Redistribution::none ? "none" : "renormalize"; }

}  // namespace

std::string report_file_stem(const Report& report) { return "report-" + report.month.to_string(); }

std::string report_json(const Program& p, const Report& r) {
  JsonWriter w;
  w.begin_object();
  w.key("month").value(r.month.to_string());
  w.key("final").value(r.final);
  w.key("as_of").value(format_rfc3339(r.as_of));
  w.key("config_hash").value(r.config_hash);
  w.key("redistribution").value(redistribution_name(r.redistribution));
  w.key("pool_usd").cents(r.pool);
  w.key("unallocated_usd").cents(r.unallocated);
  w.key("snapshots_taken").value(r.snapshots_taken);
  w.key("input").begin_object();
  w.key("records").value(r.input.records);
  w.key("rejected").value(r.input.rejected);
  w.key("ignored").value(r.input.ignored);
  w.end_object();

  w.key("markets").begin_array();
  for (const MarketResult& m : r.markets) {
    const MarketSpec& spec = p.markets[m.market];
    w.begin_object();
    w.key("symbol").value(spec.symbol);
    w.key("category").value(to_string(spec.category));
    w.key("reward_tier");
    if (m.reward_tier) w.value(m.reward_tier);
    else w.null();
    w.key("active_days").fixed(m.active_days);
    w.key("pair_pool_usd").cents(m.pair_pool);
    w.key("maker_volume_usd").usd(m.maker_volume_usd);
    w.key("program_maker_volume_usd").usd(m.program_maker_volume_usd);
    w.key("snapshots_observed").value(m.snapshots_observed);
    w.key("snapshots_unobserved").value(m.snapshots_unobserved);
    w.key("unallocated_usd").cents(m.unallocated);
    w.end_object();
  }
  w.end_array();

  w.key("mms").begin_array();
  for (const MmResult& mm : r.mms) {
    w.begin_object();
    w.key("mm_id").value(p.mms[mm.mm].id);
    w.key("total_reward_usd").cents(mm.total_reward);
    w.key("meets_min_allocation").value(mm.meets_min_allocation);
    w.key("fee_tiers").begin_object();
    for (Category c : {Category::spot, Category::perp}) {
      w.key(to_string(c));
      write_fee_tier(w, mm.fee[int(c)]);
    }
    w.end_object();
    w.key("markets").begin_array();
    for (const MmMarketResult& e : mm.markets) write_mm_market(w, p, e);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

namespace {
void csv_field(std::string& out, std::string_view s) {
  const bool quote = s.find_first_of(",\"\n") != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}
}  // namespace

std::string report_csv(const Program& p, const Report& r) {
  std::string out =
      "mm_id,symbol,maker_volume_usd,volume_score,snapshots_active,snapshots_observed,snapshots_unobserved,"
      "snapshots_anomalous,avg_size_usd,avg_spread_bps,uptime,liquidity_metric,liquidity_score,blended_score,"
      "eligible,ineligible_reasons,reward_usd\n";
  for (const MmResult& mm : r.mms) {
    for (const MmMarketResult& e : mm.markets) {
      std::string reasons;
      for (const char* reason : e.ineligible_reasons) reasons += (reasons.empty() ? "" : ";") + std::string(reason);
      JsonWriter usd(false);
      usd.usd(e.maker_volume_usd);
      const std::string cells[] = {
          p.mms[mm.mm].id,
          p.markets[e.market].symbol,
          usd.str(),
          format_double_fixed(e.volume_score, 9),
          std::to_string(e.snapshots_active),
          std::to_string(e.snapshots_observed),
          std::to_string(e.snapshots_unobserved),
          std::to_string(e.snapshots_anomalous),
          format_double_fixed(e.avg_size_usd, 2),
          format_double_fixed(e.avg_spread_bps, 9),
          format_double_fixed(e.uptime, 9),
          format_double_fixed(e.liquidity_metric, 9),
          format_double_fixed(e.liquidity_score, 9),
          format_double_fixed(e.blended_score, 9),
          e.eligible() ? "true" : "false",
          reasons,
          format_fixed(e.reward, 2),
      };
      bool first = true;
      for (const std::string& c : cells) {
        if (!first) out.push_back(',');
        first = false;
        csv_field(out, c);
      }
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace mm
