#include "core/report_format.h"

#include "core/json_writer.h"
#include "core/report_rows.h"

namespace mm {

namespace {

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
  if (r.journal_config_hash) w.key("journal_config_hash").value(*r.journal_config_hash);
  w.key("redistribution").value(redistribution_name(r.redistribution));
  w.key("pool_usd").cents(r.pool);
  w.key("unallocated_usd").cents(r.unallocated);
  w.key("snapshots_taken").value(r.snapshots_taken);
  w.key("input").begin_object();
  w.key("records").value(r.input.records);
  w.key("rejected").value(r.input.rejected);
  w.key("ignored").value(r.input.ignored);
  w.key("torn").value(r.input.torn);
  // Only when non-zero: replayed reports (never any) keep their bytes.
  if (r.input.unjournaled > 0) w.key("unjournaled").value(r.input.unjournaled);
  w.end_object();

  w.key("markets").begin_array();
  for (const MarketResult& m : r.markets) write_market_row(w, MarketRow{p, m});
  w.end_array();
  w.key("mms").begin_array();
  for (const MmResult& mm : r.mms) write_mm_row(w, MmRow{p, mm});
  w.end_array();
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

std::string report_csv(const Program& p, const Report& r) {
  std::string out = csv_header();
  for (const MmResult& mm : r.mms)
    for (const MmMarketResult& e : mm.markets) append_csv_row(out, MmRow{p, mm}, MmMarketRow{p, e});
  return out;
}

}  // namespace mm
