// GET /metrics: valid Prometheus text, figures equal to the report's.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "daemon/api/metrics_view.h"
#include "feeds/net/exchange_client.h"
#include "tests/daemon/api/api_fixture.h"
#include "tests/daemon/api/raw_client.h"

using namespace api_test;

namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// A strict reader of the text exposition format (0.0.4): every sample belongs to a
// family declared by a # TYPE line before it; names and labels are well formed.
std::vector<Sample> parse_prometheus(const std::string& text) {
  std::vector<Sample> out;
  std::map<std::string, std::string> types;
  auto valid_name = [](const std::string& n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    for (char c : n)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
    return true;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    REQUIRE(eol != std::string::npos);  // every line ends with a newline
    const std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    INFO(line);
    if (line.empty()) continue;
    if (line.starts_with("# HELP ")) continue;
    if (line.starts_with("# TYPE ")) {
      const std::string rest = line.substr(7);
      const size_t sp = rest.find(' ');
      REQUIRE(sp != std::string::npos);
      const std::string type = rest.substr(sp + 1);
      CHECK(std::set<std::string>{"counter", "gauge", "histogram", "summary", "untyped"}.count(type) == 1);
      CHECK(types.emplace(rest.substr(0, sp), type).second);  // declared once
      continue;
    }
    REQUIRE(line[0] != '#');
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    CHECK(valid_name(s.name));
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        const size_t eq = line.find('=', i);
        REQUIRE(eq != std::string::npos);
        const std::string key = line.substr(i, eq - i);
        CHECK(valid_name(key));
        REQUIRE(line[eq + 1] == '"');
        std::string value;
        size_t j = eq + 2;
        for (; line[j] != '"'; ++j) {
          if (line[j] == '\\') ++j;
          value.push_back(line[j]);
        }
        s.labels[key] = value;
        i = j + 1;
        if (line[i] == ',') ++i;
      }
      ++i;
    }
    REQUIRE(line[i] == ' ');
    const std::string value = line.substr(i + 1);
    if (value == "+Inf") s.value = INFINITY;
    else if (value == "-Inf") s.value = -INFINITY;
    else if (value == "NaN") s.value = NAN;
    else {
      char* end = nullptr;
      s.value = std::strtod(value.c_str(), &end);
      CHECK(*end == '\0');
    }
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!types.count(family) && family.ends_with(suffix)) family.resize(family.size() - std::strlen(suffix));
    CHECK(types.count(family) == 1);
    out.push_back(std::move(s));
  }
  return out;
}

const Sample* find(const std::vector<Sample>& samples, const std::string& name,
                   const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& s : samples)
    if (s.name == name && s.labels == labels) return &s;
  return nullptr;
}

double value(const std::vector<Sample>& samples, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  const Sample* s = find(samples, name, labels);
  INFO(name);
  REQUIRE(s);
  return s->value;
}

}  // namespace

TEST_CASE("metrics: Prometheus text with the published figures") {
  Server s;
  const HttpResult r = http_get(s.port(), "/metrics", kRiskToken);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::vector<Sample> m = parse_prometheus(r.body);
  for (const Sample& sample : m) CHECK(sample.name.starts_with("mmscore_"));

  double uptime = 0, reward = 0;
  s.published.read([&](const PublishedState& st) {
    uptime = st.report.mms[kAlpha].markets[kSol].uptime;
    reward = double(st.report.mms[kAlpha].markets[kSol].reward) / 100.0;
  });
  CHECK(value(m, "mmscore_mm_uptime_ratio", {{"mm_id", "alpha"}, {"symbol", "SOL_USDC"}}) == uptime);
  CHECK(value(m, "mmscore_mm_uptime_ratio", {{"mm_id", "alpha"}, {"symbol", "SOL_USDC"}}) == 0.9);
  CHECK(value(m, "mmscore_mm_projected_reward_usd", {{"mm_id", "alpha"}, {"symbol", "SOL_USDC"}}) == reward);
  CHECK(value(m, "mmscore_mm_projected_total_reward_usd", {{"mm_id", "alpha"}}) == 25820.69);
  CHECK(value(m, "mmscore_market_spread_bps", {{"symbol", "SOL_USDC"}}) == Approx(9.995002498750625));
  CHECK(value(m, "mmscore_market_mid_price", {{"symbol", "SOL_USDC"}}) == Approx(100.05));
  CHECK(find(m, "mmscore_market_mid_price", {{"symbol", "BTC_USDC_PERP"}}) == nullptr);  // no book
  CHECK(value(m, "mmscore_market_depth_usd", {{"symbol", "SOL_USDC"}, {"side", "bid"}}) == 250000);
  CHECK(value(m, "mmscore_market_active_mms", {{"symbol", "SOL_USDC"}}) == 2);
  CHECK(value(m, "mmscore_market_snapshots", {{"symbol", "BTC_USDC_PERP"}, {"state", "unobserved"}}) == 4);
  CHECK(value(m, "mmscore_market_book_in_sync", {{"symbol", "BTC_USDC_PERP"}}) == 0);
  CHECK(value(m, "mmscore_report_month") == 202604);
  CHECK(value(m, "mmscore_engine_events_total", {{"kind", "depth_gaps"}}) == 2);
  CHECK(value(m, "mmscore_engine_events_total", {{"kind", "seeds_synced"}}) == 5);
  CHECK(value(m, "mmscore_engine_records_refused_total", {{"reason", "rejected"}}) == 3);
  CHECK(value(m, "mmscore_engine_input_refused_total", {{"source", "public"}}) == 2);
  CHECK(value(m, "mmscore_engine_input_refused_total", {{"source", "private"}}) == 1);
  CHECK(value(m, "mmscore_engine_input_refused_total", {{"source", "rest"}}) == 0);
  CHECK(value(m, "mmscore_ring_refusals_total", {{"reason", "full"}}) == 1);
  CHECK(value(m, "mmscore_ring_capacity_bytes") == 64 << 20);
  CHECK(value(m, "mmscore_journal_bytes_total") == 1234567);
  CHECK(value(m, "mmscore_journal_unjournaled_records_total") == 0);
  CHECK(value(m, "mmscore_journal_write_failing") == 0);
  CHECK(value(m, "mmscore_feed_public_connected") == 1);
  CHECK(value(m, "mmscore_feed_account_connected", {{"mm_id", "gamma"}, {"account", "main"}}) == 0);
  CHECK(value(m, "mmscore_engine_lag_seconds") >= 0);

  // Latency: 500 ns, 1.5 us, 3 us, 20 us, 2 ms.
  CHECK(value(m, "mmscore_engine_latency_seconds_count") == 5);
  CHECK(value(m, "mmscore_engine_latency_seconds_sum") == Approx(0.002025));
  // Cumulative bucket counts of a histogram, by upper bound.
  const auto buckets_of = [&](const std::string& name) {
    std::map<double, double> out;
    for (const Sample& b : m)
      if (b.name == name + "_bucket") out[std::strtod(b.labels.at("le").c_str(), nullptr)] = b.value;
    return out;
  };
  const std::map<double, double> buckets = buckets_of("mmscore_engine_latency_seconds");
  CHECK(buckets.at(1e-6) == 1);
  CHECK(buckets.at(2.5e-6) == 2);
  CHECK(buckets.at(5e-6) == 3);
  CHECK(buckets.at(2.5e-5) == 4);
  CHECK(buckets.at(1e-3) == 4);
  CHECK(buckets.at(2.5e-3) == 5);
  CHECK(buckets.at(INFINITY) == 5);
  // Service time: 800 ns, 900 ns, 4 us.
  CHECK(value(m, "mmscore_engine_service_seconds_count") == 3);
  CHECK(value(m, "mmscore_engine_service_seconds_sum") == Approx(0.0000057));
  const std::map<double, double> service = buckets_of("mmscore_engine_service_seconds");
  CHECK(service.at(1e-6) == 2);
  CHECK(service.at(2.5e-6) == 2);
  CHECK(service.at(5e-6) == 3);

  CHECK(find(m, "mmscore_api_requests_total", {{"endpoint", "metrics"}, {"status", "200"}}) == nullptr);  // counted after
  http_get(s.port(), "/v1/health");
  const std::vector<Sample> again = parse_prometheus(http_get(s.port(), "/metrics", kOpsToken).body);
  CHECK(value(again, "mmscore_api_requests_total", {{"endpoint", "metrics"}, {"status", "200"}}) == 1);
  CHECK(value(again, "mmscore_api_requests_total", {{"endpoint", "health"}, {"status", "200"}}) == 1);
  CHECK(value(again, "mmscore_api_token_loads_total", {{"result", "ok"}}) == 1);
  CHECK(value(again, "mmscore_api_history_save_failures_total") == 0);  // no history file here

  // promtool (Debian's prometheus package) lints the names and units when it is installed.
  if (std::system("command -v promtool >/dev/null 2>&1") == 0) {
    const std::string file = s.dir + "/metrics.txt";
    std::ofstream(file) << r.body;
    const std::string cmd = "promtool check metrics < " + file + " > " + file + ".out 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream in(file + ".out");
    const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(out);
    CHECK(rc == 0);
  }
}

TEST_CASE("metrics: exchange client counters per connection") {
  const Program p = make_program();
  mm::ClientStats client(3);
  client.public_stream.up = true;
  client.public_stream.frames = 120;
  client.accounts[2].connects = 4;
  client.rest_failed = 2;
  client.backfill_of(mm::BackfillKind::trades).requests_ok = 7;
  client.backfill_of(mm::BackfillKind::fills).requests_retried = 3;
  auto state = make_state(p, kApril15Noon);
  state->report.markets[kSol].trades_missing = 212;
  mm::api::MetricsInput in{p, state.get()};
  in.now = state->published_at;
  in.client = &client;
  const std::vector<Sample> m = parse_prometheus(mm::api::metrics_text(in));
  CHECK(value(m, "mmscore_feed_connection_up", {{"connection", "public"}}) == 1);
  CHECK(value(m, "mmscore_feed_frames_total", {{"connection", "public"}}) == 120);
  CHECK(value(m, "mmscore_feed_connects_total", {{"connection", "gamma/main"}}) == 4);
  CHECK(value(m, "mmscore_feed_rest_requests_total", {{"result", "failed"}}) == 2);
  CHECK(value(m, "mmscore_backfill_requests_total", {{"kind", "trades"}, {"outcome", "ok"}}) == 7);
  CHECK(value(m, "mmscore_backfill_requests_total", {{"kind", "fills"}, {"outcome", "retried"}}) == 3);
  CHECK(value(m, "mmscore_backfill_requests_total", {{"kind", "fills"}, {"outcome", "failed"}}) == 0);
  CHECK(value(m, "mmscore_trades_missing", {{"market", "SOL_USDC"}}) == 212);
  CHECK(value(m, "mmscore_trades_missing", {{"market", "BTC_USDC_PERP"}}) == 0);
  CHECK(value(m, "mmscore_engine_lag_seconds") == 0);
  CHECK(value(m, "mmscore_build_info", {{"version", std::string(mm::mmscore_version())}, {"config_hash", p.config_hash}}) == 1);

  mm::api::MetricsInput empty{p, nullptr};  // before the first publish: still valid text
  const std::vector<Sample> e = parse_prometheus(mm::api::metrics_text(empty));
  CHECK(value(e, "mmscore_state_published") == 0);
}
