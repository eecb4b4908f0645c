#include "daemon/api/metrics_view.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <prometheus/text_serializer.h>

#include "daemon/api/markets_view.h"
#include "feeds/journal_writer.h"  // mmscore_version()
#include "feeds/net/exchange_client.h"

namespace mm::api {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

double usd(u128 amount_1e15) { return notional_to_double(amount_1e15); }
double seconds(TimeUs us) { return double(us) / double(kUsPerSecond); }

// Families in the order they are declared; samples appended to the last one.
class Builder {
 public:
  Builder& family(std::string name, std::string help, MetricType type) {
    out_.push_back(MetricFamily{std::move(name), std::move(help), type, {}});
    return *this;
  }
  Builder& add(double value, Labels labels = {}) {
    MetricFamily& f = out_.back();
    ClientMetric m;
    m.label = std::move(labels);
    if (f.type == MetricType::Counter) m.counter.value = value;
    else m.gauge.value = value;
    f.metric.push_back(std::move(m));
    return *this;
  }
  // One family with a single sample.
  Builder& gauge(std::string name, std::string help, double value) {
    return family(std::move(name), std::move(help), MetricType::Gauge).add(value);
  }
  Builder& counter(std::string name, std::string help, double value) {
    return family(std::move(name), std::move(help), MetricType::Counter).add(value);
  }
  Builder& histogram(std::string name, std::string help, ClientMetric::Histogram h) {
    family(std::move(name), std::move(help), MetricType::Histogram);
    ClientMetric m;
    m.histogram = std::move(h);
    out_.back().metric.push_back(std::move(m));
    return *this;
  }
  std::vector<MetricFamily> take() {
    std::erase_if(out_, [](const MetricFamily& f) { return f.metric.empty(); });  // nothing to show
    return std::move(out_);
  }

 private:
  std::vector<MetricFamily> out_;
};

void engine_families(Builder& b, const MetricsInput& in, const PublishedState& s) {
  b.gauge("mmscore_engine_started", "1 once the engine has processed a record", s.started ? 1 : 0);
  b.gauge("mmscore_engine_clock_seconds", "Engine clock (record time), unix seconds", seconds(s.engine_clock));
  b.gauge("mmscore_engine_lag_seconds", "Wall clock minus the time the engine last published its state",
          seconds(in.now - s.published_at));
  b.counter("mmscore_engine_records_processed_total", "Messages the engine loop processed",
            double(in.processed));
  b.counter("mmscore_engine_records_total", "Records read by the engine, refused ones included",
            double(s.counters.records));
  b.family("mmscore_engine_records_refused_total", "Records refused or not used, by reason", MetricType::Counter)
      .add(double(s.counters.rejected), {{"reason", "rejected"}})
      .add(double(s.counters.ignored), {{"reason", "ignored"}});
  b.family("mmscore_engine_input_refused_total", "Live frames and REST bodies refused as malformed, by source",
           MetricType::Counter)
      .add(double(s.refused.public_frames), {{"source", "public"}})
      .add(double(s.refused.private_frames), {{"source", "private"}})
      .add(double(s.refused.rest_bodies), {{"source", "rest"}});

  const EngineCounters& c = s.counters;
  const std::pair<const char*, uint64_t> kinds[] = {
      {"trades", c.trades}, {"trades_duplicate", c.trades_duplicate}, {"trades_attributed", c.trades_attributed},
      {"fills_maker", c.fills_maker}, {"fills_duplicate", c.fills_duplicate},
      {"trade_id_jumps", c.trade_id_jumps}, {"depth_applied", c.depth_applied},
      {"depth_buffered", c.depth_buffered}, {"depth_stale", c.depth_stale}, {"depth_gaps", c.depth_gaps},
      {"seeds_synced", c.seeds_synced}, {"seeds_not_bridged", c.seeds_not_bridged}, {"seeds_gap", c.seeds_gap},
      {"order_events", c.order_events}, {"open_orders_records", c.open_orders_records},
      {"connection_events", c.connection_events}, {"ticks", c.ticks}, {"snapshots", c.snapshots},
      {"anomalies", c.anomalies}, {"trade_gaps", c.trade_gaps}, {"trade_history_records", c.trade_history_records},
      {"fill_history_records", c.fill_history_records}, {"trades_backfilled", c.trades_backfilled},
      {"fills_backfilled", c.fills_backfilled}};
  b.family("mmscore_engine_events_total",
           "Engine events by kind (depth_gaps: book sequence gaps; seeds_*: book resyncs)", MetricType::Counter);
  for (const auto& [kind, n] : kinds) b.add(double(n), {{"kind", kind}});

}

ClientMetric::Histogram seconds_histogram(const LatencyHistogram& l) {
  ClientMetric::Histogram h;
  h.sample_count = l.count();
  h.sample_sum = double(l.sum()) / 1e9;
  for (double bound : latency_bucket_bounds())
    h.bucket.push_back({l.count_at_most(uint64_t(std::llround(bound * 1e9))), bound});
  h.bucket.push_back({l.count(), std::numeric_limits<double>::infinity()});
  return h;
}

void engine_histograms(Builder& b, const PublishedState& s) {
  b.histogram("mmscore_engine_latency_seconds", "Frame received to state updated", seconds_histogram(s.latency));
  b.histogram("mmscore_engine_service_seconds", "Taken off the ring to state updated (the engine's own work)",
              seconds_histogram(s.service));
}

void ring_and_journal_families(Builder& b, const PublishedState& s) {
  b.gauge("mmscore_ring_used_bytes", "Network-to-engine ring: bytes waiting", double(s.ring_used));
  b.gauge("mmscore_ring_capacity_bytes", "Network-to-engine ring: capacity", double(s.ring_capacity));
  b.family("mmscore_ring_refusals_total", "Messages the ring refused (the network side waits and retries)",
           MetricType::Counter)
      .add(double(s.ring_full), {{"reason", "full"}})
      .add(double(s.ring_oversize), {{"reason", "oversize"}});

  b.counter("mmscore_journal_lines_total", "Journal record lines written", double(s.journal.lines));
  b.counter("mmscore_journal_unjournaled_records_total", "Records dropped because the journal could not write them",
            double(s.journal.unjournaled));
  b.gauge("mmscore_journal_write_failing", "1 while journal writes fail (from a failed write until one succeeds)",
          s.journal.failing ? 1 : 0);
  b.counter("mmscore_journal_bytes_total", "Journal bytes written", double(s.journal.bytes));
  b.counter("mmscore_journal_files_total", "Journal files opened", double(s.journal.files));
  b.counter("mmscore_journal_write_errors_total", "Journal write errors", double(s.journal.write_errors));
  b.counter("mmscore_journal_fsyncs_total", "Journal fsyncs", double(s.journal.fsyncs));
  b.counter("mmscore_months_closed_total", "Months frozen (final report written) since start",
            double(s.months_closed));
  // Alert: a month closed but no final report since (month_closed > final_report).
  b.gauge("mmscore_month_closed_timestamp_seconds",
          "End of the last month the engine closed since the start (unix seconds; 0: none)", seconds(s.month_closed_end));
  b.gauge("mmscore_final_report_timestamp_seconds",
          "When the last final report was written (unix seconds; one found by the restore: its mtime; 0: none)",
          seconds(s.final_report_at));
  if (s.journal_disk_total_bytes > 0) {  // statvfs of the journal directory
    b.gauge("mmscore_journal_disk_free_bytes", "Free bytes on the journal's file system (for the daemon's user)",
            double(s.journal_disk_free_bytes));
    b.gauge("mmscore_journal_disk_size_bytes", "Size of the journal's file system", double(s.journal_disk_total_bytes));
  }
}

// Checkpoints (issue 11): a restart replays only the journal after the newest one.
void checkpoint_families(Builder& b, const PublishedState& s) {
  const JournalStats& j = s.journal;
  b.family("mmscore_checkpoints_total",
           "Engine checkpoints: written, failed (an error writing the file), skipped (the journal was failing)",
           MetricType::Counter)
      .add(double(j.checkpoints), {{"outcome", "written"}})
      .add(double(j.checkpoint_errors), {{"outcome", "failed"}})
      .add(double(j.checkpoints_skipped), {{"outcome", "skipped"}});
  b.gauge("mmscore_checkpoint_timestamp_seconds", "Engine time of the newest checkpoint written since start (0: none)",
          seconds(j.checkpoint_clock));
  b.gauge("mmscore_checkpoint_state_bytes", "Size of the newest checkpoint's engine state", double(j.checkpoint_bytes));
  b.gauge("mmscore_checkpoint_write_seconds", "Time the journal thread took to write the newest checkpoint (fsyncs included)",
          j.checkpoint_write_seconds);
}

void feed_state_families(Builder& b, const MetricsInput& in, const PublishedState& s) {
  b.gauge("mmscore_feed_public_connected", "Engine view: the public stream is connected", s.public_connected);
  b.family("mmscore_feed_account_connected", "Engine view: an MM account's private stream is connected",
           MetricType::Gauge);
  for (size_t i = 0; i < s.accounts.size() && i < in.program.mms.size(); ++i)
    for (size_t a = 0; a < s.accounts[i].size() && a < in.program.mms[i].accounts.size(); ++a)
      b.add(s.accounts[i][a].connected, {{"mm_id", in.program.mms[i].id}, {"account", in.program.mms[i].accounts[a]}});
  b.family("mmscore_feed_account_orders_in_sync", "Engine view: an MM account's resting orders are known",
           MetricType::Gauge);
  for (size_t i = 0; i < s.accounts.size() && i < in.program.mms.size(); ++i)
    for (size_t a = 0; a < s.accounts[i].size() && a < in.program.mms[i].accounts.size(); ++a)
      b.add(s.accounts[i][a].in_sync, {{"mm_id", in.program.mms[i].id}, {"account", in.program.mms[i].accounts[a]}});
}

void market_families(Builder& b, const MetricsInput& in, const PublishedState& s) {
  const Program& p = in.program;
  std::vector<MarketFigures> figures;
  for (uint32_t m = 0; m < p.markets.size(); ++m) figures.push_back(market_figures(p, s, m));
  auto per_market = [&](const char* name, const char* help, auto value) {
    b.family(name, help, MetricType::Gauge);
    for (uint32_t m = 0; m < p.markets.size(); ++m) {
      const std::optional<double> v = value(m);
      if (v) b.add(*v, {{"symbol", p.markets[m].symbol}});
    }
  };
  per_market("mmscore_market_book_in_sync", "The public book is seeded and gap-free",
             [&](uint32_t m) -> std::optional<double> { return figures[m].book_in_sync; });
  per_market("mmscore_market_observed", "The last snapshot observed the market",
             [&](uint32_t m) -> std::optional<double> { return figures[m].observed; });
  per_market("mmscore_market_mid_price", "Mid price at the last snapshot, quote units",
             [&](uint32_t m) { return figures[m].mid; });
  per_market("mmscore_market_spread_bps", "Public book spread at the last snapshot",
             [&](uint32_t m) { return figures[m].spread_bps; });
  b.family("mmscore_market_depth_usd", "In-band book depth at the last snapshot", MetricType::Gauge);
  for (uint32_t m = 0; m < p.markets.size(); ++m) {
    b.add(usd(figures[m].bid_depth_usd), {{"symbol", p.markets[m].symbol}, {"side", "bid"}});
    b.add(usd(figures[m].ask_depth_usd), {{"symbol", p.markets[m].symbol}, {"side", "ask"}});
  }
  per_market("mmscore_market_active_mms", "Program MMs active at the last snapshot",
             [&](uint32_t m) -> std::optional<double> { return figures[m].active_mms; });
  // A counter, so not per_market (a gauge family).
  b.family("mmscore_market_trades_duplicate_total",
           "Stream trades whose id was counted before (repeated ids; a flood means the ids restarted)",
           MetricType::Counter);
  for (uint32_t m = 0; m < p.markets.size() && m < s.markets.size(); ++m)
    b.add(double(s.markets[m].flow.duplicates), {{"symbol", p.markets[m].symbol}});
}

// The running report's figures per market.
void report_families(Builder& b, const MetricsInput& in, const Report& r) {
  const Program& p = in.program;
  auto per_market = [&](const char* name, const char* help, auto value) {
    b.family(name, help, MetricType::Gauge);
    for (uint32_t m = 0; m < p.markets.size(); ++m) b.add(value(m), {{"symbol", p.markets[m].symbol}});
  };
  b.gauge("mmscore_report_month", "Month of the running report as YYYYMM", r.month.year * 100 + r.month.month);
  b.gauge("mmscore_report_as_of_seconds", "Time of the running report, unix seconds", seconds(r.as_of));
  b.gauge("mmscore_report_snapshots_taken", "Snapshots taken this month", r.snapshots_taken);
  b.gauge("mmscore_report_pool_usd", "Program pool", double(r.pool) / 100.0);
  b.gauge("mmscore_report_unallocated_usd", "Pool not paid at the current standings", double(r.unallocated) / 100.0);
  b.family("mmscore_market_snapshots", "Snapshots this month by outcome (restarts each month)", MetricType::Gauge);
  for (uint32_t m = 0; m < p.markets.size(); ++m) {
    b.add(r.markets[m].snapshots_observed, {{"symbol", p.markets[m].symbol}, {"state", "observed"}});
    b.add(r.markets[m].snapshots_unobserved, {{"symbol", p.markets[m].symbol}, {"state", "unobserved"}});
  }
  per_market("mmscore_market_maker_volume_usd", "All users' maker volume this month",
             [&](uint32_t m) { return usd(r.markets[m].maker_volume_usd); });
  per_market("mmscore_market_program_maker_volume_usd", "Program MMs' maker volume this month",
             [&](uint32_t m) { return usd(r.markets[m].program_maker_volume_usd); });
  per_market("mmscore_market_pair_pool_usd", "The market's pair pool this month",
             [&](uint32_t m) { return double(r.markets[m].pair_pool) / 100.0; });
  // Named as issue 10 asks (label `market`): what the backfill could not recover.
  b.family("mmscore_trades_missing", "Trade ids never received nor backfilled this month (SCORING.md 13)",
           MetricType::Gauge);
  for (uint32_t m = 0; m < p.markets.size(); ++m) b.add(double(r.markets[m].trades_missing), {{"market", p.markets[m].symbol}});
  per_market("mmscore_market_late_trades", "History trades older than the open month, first seen this month",
             [&](uint32_t m) { return double(r.markets[m].late_trades); });
  per_market("mmscore_market_late_volume_usd", "Notional of the late trades",
             [&](uint32_t m) { return usd(r.markets[m].late_volume_usd); });
}

// The running report's figures per MM and per MM and market.
void mm_families(Builder& b, const MetricsInput& in, const Report& r) {
  const Program& p = in.program;
  auto per_cell = [&](const char* name, const char* help, auto value) {
    b.family(name, help, MetricType::Gauge);
    for (const MmResult& mm : r.mms)
      for (const MmMarketResult& e : mm.markets)
        b.add(value(e), {{"mm_id", p.mms[mm.mm].id}, {"symbol", p.markets[e.market].symbol}});
  };
  per_cell("mmscore_mm_uptime_ratio", "Active / observed snapshots this month",
           [](const MmMarketResult& e) { return e.uptime; });
  per_cell("mmscore_mm_projected_reward_usd", "Reward if the month ended now",
           [](const MmMarketResult& e) { return double(e.reward) / 100.0; });
  per_cell("mmscore_mm_volume_score_ratio", "Share of the program MMs' maker volume",
           [](const MmMarketResult& e) { return e.volume_score; });
  per_cell("mmscore_mm_avg_size_usd", "Mean quoted size over active snapshots",
           [](const MmMarketResult& e) { return e.avg_size_usd; });
  per_cell("mmscore_mm_avg_spread_bps", "Mean quoted spread over active snapshots",
           [](const MmMarketResult& e) { return e.avg_spread_bps; });
  per_cell("mmscore_mm_maker_volume_usd", "Maker volume this month",
           [](const MmMarketResult& e) { return usd(e.maker_volume_usd); });
  // Integrity screens (SCORING.md section 16), maker side.
  per_cell("mmscore_mm_self_trade_volume_usd", "Maker volume this month against another account of the same MM",
           [](const MmMarketResult& e) { return usd(e.self_trade_volume_usd); });
  per_cell("mmscore_mm_cross_mm_trade_volume_usd", "Maker volume this month against another program MM",
           [](const MmMarketResult& e) { return usd(e.cross_mm_trade_volume_usd); });
  per_cell("mmscore_mm_dense_uptime_ratio", "Active / observed instants of the dense grid this month (NaN: none)",
           [](const MmMarketResult& e) { return e.dense_uptime ? *e.dense_uptime : std::nan(""); });
  per_cell("mmscore_mm_flicker", "1 when snapshot uptime exceeds dense uptime by more than risk.flicker_margin",
           [](const MmMarketResult& e) { return e.flicker ? 1.0 : 0.0; });
  b.family("mmscore_mm_projected_total_reward_usd", "Month reward if the month ended now", MetricType::Gauge);
  for (const MmResult& mm : r.mms) b.add(double(mm.total_reward) / 100.0, {{"mm_id", p.mms[mm.mm].id}});
  b.family("mmscore_mm_meets_min_allocation", "1 when the month reward reaches the minimum allocation",
           MetricType::Gauge);
  for (const MmResult& mm : r.mms) b.add(mm.meets_min_allocation, {{"mm_id", p.mms[mm.mm].id}});
}

// History backfills (SCORING.md section 13): page requests and backfills by kind.
void backfill_families(Builder& b, const ClientStats& c) {
  b.family("mmscore_backfill_requests_total", "History page requests (SCORING.md 13) by kind and outcome",
           MetricType::Counter);
  for (BackfillKind kind : {BackfillKind::trades, BackfillKind::fills}) {
    const BackfillStats& f = c.backfill_of(kind);
    const char* k = backfill_kind_name(kind);
    b.add(double(f.requests_ok.load()), {{"kind", k}, {"outcome", "ok"}})
        .add(double(f.requests_retried.load()), {{"kind", k}, {"outcome", "retried"}})
        .add(double(f.requests_failed.load()), {{"kind", k}, {"outcome", "failed"}});
  }
  b.family("mmscore_backfills_total", "Backfills (one per gap or reconnect, paged) by kind and event",
           MetricType::Counter);
  for (BackfillKind kind : {BackfillKind::trades, BackfillKind::fills}) {
    const BackfillStats& f = c.backfill_of(kind);
    const char* k = backfill_kind_name(kind);
    b.add(double(f.backfills_started.load()), {{"kind", k}, {"event", "started"}})
        .add(double(f.backfills_done.load()), {{"kind", k}, {"event", "done"}})
        .add(double(f.backfills_failed.load()), {{"kind", k}, {"event", "failed"}})
        .add(double(f.backfills_merged.load()), {{"kind", k}, {"event", "merged"}});
  }
}

void client_families(Builder& b, const MetricsInput& in, const ClientStats& c) {
  // Connection labels: "public" and "<mm_id>/<account>" in the client's account order
  // (mm-major, as the daemon builds it).
  std::vector<std::string> names{"public"};
  for (const MmSpec& mm : in.program.mms)
    for (const std::string& a : mm.accounts) names.push_back(mm.id + "/" + a);
  std::vector<const ConnectionStats*> conns{&c.public_stream};
  for (size_t i = 0; i < c.account_count; ++i) conns.push_back(&c.accounts[i]);
  auto label = [&](size_t i) { return i < names.size() ? names[i] : "account_" + std::to_string(i - 1); };
  auto per_connection = [&](const char* name, const char* help, MetricType type, auto value) {
    b.family(name, help, type);
    for (size_t i = 0; i < conns.size(); ++i) b.add(value(*conns[i]), {{"connection", label(i)}});
  };
  per_connection("mmscore_feed_connection_up", "Network view: the WebSocket is subscribed", MetricType::Gauge,
                 [](const ConnectionStats& s) { return double(s.up.load()); });
  const std::pair<const char*, std::atomic<uint64_t> ConnectionStats::*> counters[] = {
      {"mmscore_feed_frames_total", &ConnectionStats::frames},
      {"mmscore_feed_received_bytes_total", &ConnectionStats::bytes},
      {"mmscore_feed_connects_total", &ConnectionStats::connects},
      {"mmscore_feed_disconnects_total", &ConnectionStats::disconnects},
      {"mmscore_feed_connect_failures_total", &ConnectionStats::connect_failures},
      {"mmscore_feed_reconnect_attempts_total", &ConnectionStats::reconnect_attempts},
      {"mmscore_feed_idle_timeouts_total", &ConnectionStats::idle_timeouts},
      {"mmscore_feed_pings_total", &ConnectionStats::pings},
      {"mmscore_feed_error_frames_total", &ConnectionStats::error_frames}};
  for (const auto& [name, member] : counters)
    per_connection(name, "Exchange WebSocket counter", MetricType::Counter,
                   [member](const ConnectionStats& s) { return double((s.*member).load()); });
  per_connection("mmscore_feed_last_frame_timestamp_seconds", "Receive time of the newest frame, unix seconds",
                 MetricType::Gauge, [](const ConnectionStats& s) { return seconds(s.last_frame_us.load()); });
  b.counter("mmscore_feed_tls_failures_total", "TLS handshakes that failed", double(c.tls_failures.load()));
  b.family("mmscore_feed_rest_requests_total", "Exchange REST requests by result", MetricType::Counter)
      .add(double(c.rest_ok.load()), {{"result", "ok"}})
      .add(double(c.rest_failed.load()), {{"result", "failed"}});
  b.counter("mmscore_feed_rest_coalesced_total", "REST requests merged with one already waiting",
            double(c.rest_coalesced.load()));
  b.gauge("mmscore_feed_rest_in_flight", "REST requests in flight", double(c.rest_in_flight.load()));
  b.gauge("mmscore_feed_rest_queued", "REST requests waiting", double(c.rest_queued.load()));
  backfill_families(b, c);
  b.counter("mmscore_feed_backpressure_waits_total", "Times the ring was full and a connection paused",
            double(c.backpressure_waits.load()));
  b.counter("mmscore_feed_dropped_at_stop_total", "Messages still refused when the client stopped",
            double(c.dropped_at_stop.load()));
}

void restore_families(Builder& b, const RestoreFigures& r) {
  b.gauge("mmscore_restore_in_progress", "1 while the daemon restores the month from its journal", r.in_progress);
  if (!r.in_progress) return;
  b.gauge("mmscore_restore_bytes_done", "Restore: journal bytes replayed so far", double(r.bytes_done));
  b.gauge("mmscore_restore_bytes_total", "Restore: journal bytes to replay", double(r.bytes_total));
}

// Routes in the order of their labels: the samples come out sorted, as they always have.
const std::array<Route, kRouteCount>& routes_by_label() {
  static const std::array<Route, kRouteCount> sorted = [] {
    std::array<Route, kRouteCount> out{};
    for (size_t i = 0; i < kRouteCount; ++i) out[i] = Route(i);
    std::sort(out.begin(), out.end(), [](Route x, Route y) { return route_label(x) < route_label(y); });
    return out;
  }();
  return sorted;
}

void api_families(Builder& b, const MetricsInput& in) {
  const ApiStatsSnapshot& a = in.api;
  b.family("mmscore_api_requests_total", "API requests by endpoint and status", MetricType::Counter);
  for (const Route route : routes_by_label())
    for (size_t k = 0; k < kStatusSlots; ++k)
      if (const uint64_t n = a.requests[size_t(route)][k])  // only what happened, as a sparse counter
        b.add(double(n), {{"endpoint", std::string(route_label(route))},
                          {"status", k < kCountedStatuses.size() ? std::to_string(kCountedStatuses[k]) : "other"}});
  b.gauge("mmscore_api_connections_open", "Open API connections (HTTP and WebSocket)", double(a.connections_open));
  b.counter("mmscore_api_connections_refused_total", "Connections closed at once: too many open",
            double(a.connections_refused));
  b.counter("mmscore_api_connections_refused_per_client_total",
            "Of the refused connections: their client address held max_connections_per_client",
            double(a.connections_refused_per_client));
  b.counter("mmscore_api_connections_monitoring_only_total",
            "Connections accepted beyond max_connections into the /v1/health and /metrics reserve",
            double(a.connections_monitoring_only));
  b.family("mmscore_api_timeouts_total", "Connections closed for silence: before a request's first byte, or mid-request",
           MetricType::Counter)
      .add(double(a.timeouts_first_byte), {{"phase", "first_byte"}})
      .add(double(a.timeouts_request), {{"phase", "request"}});
  b.counter("mmscore_api_requests_throttled_total", "Requests answered 429: the client address failed authentication too often",
            double(a.requests_throttled));
  b.counter("mmscore_api_auth_blocks_total", "Client addresses blocked for failing authentication too often",
            double(a.auth_blocks));
  b.gauge("mmscore_api_websocket_clients", "Connected /v1/stream clients", double(a.ws_clients));
  b.counter("mmscore_api_websocket_accepted_total", "Accepted /v1/stream connections", double(a.ws_accepted));
  b.counter("mmscore_api_websocket_messages_total", "Messages queued to /v1/stream clients", double(a.ws_messages));
  b.counter("mmscore_api_websocket_dropped_slow_total", "Stream clients dropped for not keeping up",
            double(a.ws_dropped_slow));
  b.counter("mmscore_api_websocket_revoked_total", "Stream clients closed because their token was removed",
            double(a.ws_revoked));
  b.family("mmscore_api_token_loads_total", "Token file loads (start and reloads) by result", MetricType::Counter)
      .add(double(a.token_loads_ok), {{"result", "ok"}})
      .add(double(a.token_loads_failed), {{"result", "failed"}});
  b.gauge("mmscore_api_history_points", "Points held for /v1/history", double(in.history_points));
  b.counter("mmscore_api_history_save_failures_total",
            "Failed writes of the charts' history file (logged; the next save tries again)",
            double(in.history_save_failures));
}

}  // namespace

const std::vector<double>& latency_bucket_bounds() {
  static const std::vector<double> bounds = {1e-6,   2.5e-6, 5e-6,   1e-5, 2.5e-5, 5e-5, 1e-4,   2.5e-4,
                                             5e-4,   1e-3,   2.5e-3, 5e-3, 1e-2,   2.5e-2, 5e-2, 0.1};
  return bounds;
}

std::vector<MetricFamily> metric_families(const MetricsInput& in) {
  Builder b;
  b.family("mmscore_build_info", "Always 1: the running version and the config hash its reports carry",
           MetricType::Gauge)
      .add(1, {{"version", std::string(mmscore_version())}, {"config_hash", in.program.config_hash}});
  b.gauge("mmscore_state_published", "1 once the engine has published its state", in.state ? 1 : 0);
  if (in.restore) restore_families(b, *in.restore);
  if (const PublishedState* s = in.state) {
    engine_families(b, in, *s);
    engine_histograms(b, *s);
    ring_and_journal_families(b, *s);
    checkpoint_families(b, *s);
    feed_state_families(b, in, *s);
    market_families(b, in, *s);
    if (s->started && s->report.markets.size() == in.program.markets.size() &&
        s->report.mms.size() == in.program.mms.size()) {
      report_families(b, in, s->report);
      mm_families(b, in, s->report);
    }
  }
  if (in.client) client_families(b, in, *in.client);
  api_families(b, in);
  return b.take();
}

std::string metrics_text(const MetricsInput& in) {
  return prometheus::TextSerializer().Serialize(metric_families(in));
}

}  // namespace mm::api
