// Live evidence (issue 12): the rows GET /v1/mms/<id>/snapshots serves from the engine
// loop's in-memory window equal what `mmscore explain`'s row builder (core/evidence)
// makes from a replay of the daemon's own journal, row by row. The daemon is the real
// one in-process, against the real simulator over loopback (with a public drop); then a
// restart with no exchange refills the window from the journal and adds unobserved rows.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "config/config.h"
#include "daemon/live_daemon.h"
#include "daemon/live_setup.h"
#include "feeds/journal_replay.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/sim_accounts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"

using namespace mm;
using api_test::HttpResult;
using api_test::http_get;
using scoring_test::Json;
using scoring_test::parse_json;
namespace fs = std::filesystem;

namespace {

const std::string kConfig = test_support::three_market_config({"alpha", "bravo"});
constexpr const char* kToken = "ops-token-0123456789abcdef";

// explain's rows: the journal replayed with core/evidence's sink and row builder.
struct ExplainSink final : EvidenceSink {
  const Program& p;
  uint16_t mm;
  std::vector<Json> rows;
  ExplainSink(const Program& program, uint16_t m) : p(program), mm(m) {}
  void cell(const CellEvidence& e, const MmOrders& orders) override {
    if (e.mm != mm) return;
    JsonWriter w(false);
    write_evidence_json(w, p, make_evidence_row(p, e, orders, false), false);
    rows.push_back(parse_json(w.take()));
  }
};

struct Recorder {
  Settings settings;
  std::string dir;
  std::unique_ptr<sim::SimServer> server;
  ClientOptions client;

  Recorder() : settings(*load_config_string(kConfig, "evidence.toml")), dir(test_support::temp_dir("evidence")) {
    sim::SimServerOptions so;
    so.exchange = simulated_exchange(settings);
    so.events_per_second = 400;
    so.faults = "drop_public@1200ms";
    client.reconnect_min = 50'000;
    client.reconnect_max = 300'000;
    test_support::add_sim_accounts(settings.program, client, so);
    server = std::make_unique<sim::SimServer>(so);
    REQUIRE(server->start());
    test_support::point_at(client, *server);
    std::ofstream(dir + "/tokens") << kToken << " ops\n";
    fs::permissions(dir + "/tokens", fs::perms::owner_read | fs::perms::owner_write);
  }
  ~Recorder() {
    server->stop();
    fs::remove_all(dir);
  }
  const Program& program() const { return settings.program; }
  std::string journal_dir() const { return dir + "/journal"; }

  // Runs the daemon `seconds` (feeds false: an exchange that is not there), then returns
  // the API's rows for alpha, read just before the stop.
  std::vector<Json> run(double seconds, bool feeds) {
    LiveDaemonOptions o;
    o.client = client;
    if (!feeds) o.client.ws_url = "ws://127.0.0.1:1", o.client.rest_url = "http://127.0.0.1:1";
    o.journal = JournalOptions{.dir = journal_dir(), .rotate_every = kUsPerSecond};
    o.engine = {.publish_interval = 100'000, .report_dir = dir + "/reports"};
    api::ApiOptions api;
    api.listen = "127.0.0.1:0";
    api.tokens_file = dir + "/tokens";
    o.api = api;
    LiveDaemon d(program(), std::move(o));
    REQUIRE(d.start());
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const HttpResult r = http_get(d.api_port(), "/v1/mms/alpha/snapshots", kToken);
    d.stop();
    REQUIRE(r.status == 200);
    return parse_json(r.body)["rows"].items;
  }

  std::vector<Json> explain_rows() const {
    Engine e(program());
    ExplainSink sink(program(), 0);
    e.set_evidence_sink(&sink);
    JournalReplayer r(program(), e);
    for (const std::string& f : list_journal_files(journal_dir())) REQUIRE(r.replay_file(f));
    return sink.rows;
  }
};

// The API's rows are the first of explain's (the journal goes on until the stop), field
// by field where both have it.
void check_rows_equal(const std::vector<Json>& api, const std::vector<Json>& explain) {
  REQUIRE(api.size() <= explain.size());
  for (size_t i = 0; i < api.size(); ++i) {
    INFO("row " << i << " at " << api[i]["instant"].str() << " " << api[i]["symbol"].str());
    for (const char* key : {"symbol", "instant"}) CHECK(api[i][key].str() == explain[i][key].str());
    CHECK(api[i]["interval"].text == explain[i]["interval"].text);
    CHECK(api[i]["observed"].b == explain[i]["observed"].b);
    CHECK(api[i]["active"].b == explain[i]["active"].b);
    for (const char* key : {"unobserved_reason", "inactive_reason"}) {
      CHECK(api[i][key].is_null() == explain[i][key].is_null());
      if (!api[i][key].is_null()) CHECK(api[i][key].str() == explain[i][key].str());
    }
    for (const char* key : {"size_usd", "spread_bps"}) {
      CHECK(api[i][key].is_null() == explain[i][key].is_null());
      CHECK(api[i][key].text == explain[i][key].text);  // the numbers as printed
    }
  }
}

size_t count_if_field(const std::vector<Json>& rows, const char* key, bool value) {
  size_t n = 0;
  for (const Json& r : rows) n += r[key].b == value;
  return n;
}

}  // namespace

TEST_CASE("live evidence: the API's rows equal explain's on the daemon's own journal, also after a restart") {
  Recorder rec;
  const std::vector<Json> live = rec.run(3.5, true);
  const std::vector<Json> explain = rec.explain_rows();
  // 500 ms snapshots over 3.5 s, three markets: at least 5 snapshots of 3 rows reached the API.
  CHECK(live.size() >= 15);
  CHECK(live.size() % 3 == 0);
  CHECK(count_if_field(live, "active", true) > 0);     // the simulator's MMs quote
  check_rows_equal(live, explain);

  // A restart without an exchange: the window is the journal's again, from the restore.
  // Then snapshots with the public feed down (it never connects): unobserved rows.
  const std::vector<Json> restored = rec.run(1.6, false);
  REQUIRE(restored.size() > explain.size());
  CHECK(count_if_field(restored, "observed", false) > 0);
  check_rows_equal(restored, rec.explain_rows());
}
