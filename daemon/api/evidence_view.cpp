#include "daemon/api/evidence_view.h"

#include <charconv>
#include <functional>

#include "core/evidence.h"
#include "core/json_writer.h"
#include "core/scoring.h"
#include "feeds/net/url.h"

namespace mm::api {

namespace {

Result<std::optional<TimeUs>> parse_time_param(std::string_view query, const char* name) {
  const std::optional<std::string> text = net::query_param(query, name);
  if (!text) return std::optional<TimeUs>();
  if (std::optional<TimeUs> t = parse_rfc3339(*text)) return std::optional<TimeUs>(*t);
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() ||
      seconds > INT64_MAX / kUsPerSecond || seconds < INT64_MIN / kUsPerSecond)
    return make_error(std::string(name) + ": '" + *text + "' is not an RFC 3339 time or integer unix seconds");
  return std::optional<TimeUs>(seconds * kUsPerSecond);
}

// Calls f(snapshot, cell, market) for each row of `mm` the query selects.
void for_each_row(const Program& p, const EvidenceWindow& w, uint16_t mm, const EvidenceQuery& q,
                  const std::function<void(const EvidenceSnapshot&, size_t, uint32_t)>& f) {
  const size_t markets = p.markets.size();
  for (const auto& snap : w) {
    if (snap->instant < q.from || snap->instant > q.to) continue;
    for (uint32_t m = 0; m < markets; ++m)
      if (!q.market || *q.market == m) f(*snap, size_t(mm) * markets + m, m);
  }
}

std::string size_usd(const Program& p, const EvidenceSnapshot& s, size_t c, uint32_t m) {
  // size2_nano is 2 x Size in 1e-9 quote: x 1e6 to quote 1e-15, USD x 5 at 1e-16.
  return format_exact(quote_to_usd(u128(s.size2_nano[c]) * 1'000'000, p.markets[m].usd_rate) * 5, 16);
}

}  // namespace

Result<EvidenceQuery> parse_evidence_query(const Program& p, std::string_view query, YearMonth month) {
  EvidenceQuery q;
  if (const std::optional<std::string> symbol = net::query_param(query, "market")) {
    q.market = p.market_index(*symbol);
    if (!q.market) return make_error("market: unknown market '" + *symbol + "'");
  }
  auto from = parse_time_param(query, "from");
  if (!from) return make_error(from.message());
  auto to = parse_time_param(query, "to");
  if (!to) return make_error(to.message());
  if (*from) q.from = **from;
  if (*to) q.to = **to;
  if (*from && *to && q.from > q.to) return make_error("from: after to");
  const std::string m = month.to_string();
  if (*from && (q.from < month.start() || q.from >= month.end())) return make_error("from: not in the month " + m);
  if (*to && (q.to < month.start() || q.to >= month.end())) return make_error("to: not in the month " + m);
  return q;
}

std::string evidence_rows_json(const Program& p, const EvidenceWindow& w, uint16_t mm, const EvidenceQuery& q) {
  JsonWriter out(false);
  out.begin_object().key("mm_id").value(p.mms[mm].id).key("rows").begin_array();
  for_each_row(p, w, mm, q, [&](const EvidenceSnapshot& s, size_t c, uint32_t m) {
    const char* unobserved = to_string(s.unobserved(c));
    const char* inactive = to_string(s.inactive(c));
    out.begin_object();
    out.key("symbol").value(p.markets[m].symbol);
    out.key("interval").value(int64_t(s.interval));
    out.key("instant").value(format_instant_us(s.instant));
    out.key("observed").value(!unobserved);
    out.key("unobserved_reason");
    unobserved ? out.value(unobserved) : out.null();
    out.key("size_usd");
    s.active(c) ? out.raw(size_usd(p, s, c, m)) : out.null();
    out.key("spread_bps");
    s.active(c) ? out.raw(format_double_roundtrip(s.spread_bps[c])) : out.null();
    out.key("active").value(s.active(c));
    out.key("inactive_reason");
    inactive ? out.value(inactive) : out.null();
    out.end_object();
  });
  out.end_array().end_object();
  return out.take();
}

std::string evidence_rows_csv(const Program& p, const EvidenceWindow& w, uint16_t mm, const EvidenceQuery& q) {
  std::string out = "mm_id,symbol,interval,instant,observed,unobserved_reason,size_usd,spread_bps,active,inactive_reason\n";
  for_each_row(p, w, mm, q, [&](const EvidenceSnapshot& s, size_t c, uint32_t m) {
    const char* unobserved = to_string(s.unobserved(c));
    const char* inactive = to_string(s.inactive(c));
    const bool active = s.active(c);
    out += p.mms[mm].id + "," + p.markets[m].symbol + "," + std::to_string(s.interval) + "," +
           format_instant_us(s.instant) + "," + (unobserved ? "false," + std::string(unobserved) : std::string("true,")) +
           "," + (active ? size_usd(p, s, c, m) + "," + format_double_roundtrip(s.spread_bps[c]) : std::string(",")) +
           "," + (active ? "true" : "false") + "," + (inactive ? inactive : "") + "\n";
  });
  return out;
}

}  // namespace mm::api
