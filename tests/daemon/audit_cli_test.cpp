// The audit commands as a user runs them (SCORING.md section 15): `explain` against the
// report of a replay of a simulator run with faults, the month-end close of `replay`
// (statements, manifest) and `verify` on an untouched and on a tampered month.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// mmscore with `args`; its exit status, stdout and stderr.
int run(const std::vector<std::string>& args, std::string* err = nullptr, std::string* out = nullptr) {
  const std::string dir = test_support::temp_dir("audit-run");
  std::vector<std::string> all{MMSCORE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  const int status = test_support::wait_exit(test_support::spawn_child(all, dir + "/out", dir + "/err"));
  if (err) *err = slurp(dir + "/err");
  if (out) *out = slurp(dir + "/out");
  fs::remove_all(dir);
  return status;
}

const std::string kExample = std::string(MMSCORE_SOURCE_DIR) + "/config/example.toml";

std::vector<std::string> journal_args(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))  // journal files only (not checkpoints/)
    if (e.is_regular_file() && e.path().filename().string().rfind("journal-", 0) == 0) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<std::string> args;
  for (const auto& f : files) args.insert(args.end(), {"--journal", f});
  return args;
}

// January 31 23:00 (connect, a trade), February 1 00:00 (a trade: January closes) and
// February 4: January is a closed month.
const char* kTwoMonths =
    R"({"ts":1769900400000000,"src":"public","event":"connected"})"
    "\n"
    R"({"ts":1769900400000001,"src":"public","frame":{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1,"T":1,"s":"SOL_USDC","p":"100.00","q":"2","b":"1","a":"2","t":1,"m":true}}})"
    "\n"
    R"({"ts":1769904000000000,"src":"public","frame":{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1,"T":1,"s":"SOL_USDC","p":"100.00","q":"3","b":"1","a":"2","t":2,"m":true}}})"
    "\n"
    R"({"ts":1770163200000000,"src":"public","event":"disconnected"})"
    "\n";

void flip_byte(const std::string& path, size_t at) {
  std::string text = slurp(path);
  REQUIRE(at < text.size());
  text[at] = text[at] == 'x' ? 'y' : 'x';
  write(path, text);
}

}  // namespace

TEST_CASE("audit: explain and verify check their arguments, exit 2 naming the argument") {
  std::string err, out;
  CHECK(run({"help", "explain"}, nullptr, &out) == 0);
  CHECK_THAT(out, Catch::Contains("explain --config FILE --journal J") && Catch::Contains("--orders"));
  CHECK(run({"explain", "--help"}, nullptr, &out) == 0);
  CHECK_THAT(out, Catch::Contains("RFC 3339 UTC or integer microseconds"));
  CHECK(run({"verify", "--help"}, nullptr, &out) == 0);
  CHECK_THAT(out, Catch::Contains("verify --manifest FILE --config FILE"));

  const std::string dir = test_support::temp_dir("audit-args");
  write(dir + "/j.ndjson", kTwoMonths);
  const std::vector<std::string> base{"explain", "--config", kExample, "--journal", dir + "/j.ndjson"};
  auto explain = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, &err, &out);
  };
  CHECK(explain({}) == 2);
  CHECK_THAT(err, Catch::Contains("--mm"));
  CHECK(explain({"--mm", "zulu"}) == 2);
  CHECK_THAT(err, Catch::Contains("--mm: no MM 'zulu'"));
  CHECK(explain({"--mm", "alpha", "--market", "NOPE_USDC"}) == 2);
  CHECK_THAT(err, Catch::Contains("--market: no market 'NOPE_USDC'"));
  CHECK(explain({"--mm", "alpha", "--from", "yesterday"}) == 2);
  CHECK_THAT(err, Catch::Contains("--from: 'yesterday' is neither RFC 3339 UTC nor integer microseconds"));
  CHECK(explain({"--mm", "alpha", "--from", "2026-02-02T00:00:00Z", "--to", "2026-02-01T00:00:00Z"}) == 2);
  CHECK_THAT(err, Catch::Contains("--from: after --to"));
  CHECK(explain({"--mm", "alpha", "--format", "xml"}) == 2);
  CHECK_THAT(err, Catch::Contains("--format: 'xml' is not json or csv"));
  CHECK(run({"explain", "--config", kExample, "--journal", dir + "/none.ndjson", "--mm", "alpha"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains(dir + "/none.ndjson"));

  // Microseconds and RFC 3339 name the same window: the same rows.
  std::string by_us, by_rfc;
  REQUIRE(explain({"--mm", "alpha", "--format", "csv", "--from", "1769904000000000"}) == 0);
  by_us = out;
  REQUIRE(explain({"--mm", "alpha", "--format", "csv", "--from", "2026-02-01T00:00:00Z"}) == 0);
  by_rfc = out;
  CHECK(by_us == by_rfc);
  CHECK_THAT(by_us, Catch::StartsWith("mm_id,symbol,interval,instant,observed,unobserved_reason,"));
  fs::remove_all(dir);
}

TEST_CASE("audit: explain's totals equal the replayed report for every MM and market of a run with faults") {
  const std::string dir = test_support::temp_dir("audit-explain");
  std::string config = slurp(std::string(MMSCORE_SOURCE_DIR) + "/config/demo.toml");
  const auto faults = config.find("faults = ");
  REQUIRE(faults != std::string::npos);
  // The demo's faults, early, with REST answers delayed so that the resyncs they cause
  // span snapshots (every 500 ms): a sequence gap, a private and a public outage.
  config.replace(faults, config.find('\n', faults) - faults,
                 R"(faults = "delay_rest:2s@1900ms,gap:SOL_USDC@2s,drop_private:charlie/main@2100ms,)"
                 R"(delay_rest:2s@4900ms,drop_public@5s")");
  const auto interval = config.find("interval = \"2s\"");
  REQUIRE(interval != std::string::npos);
  config.replace(interval, 15, "interval = \"500ms\"");
  const auto cut = config.find("[journal]");
  config = config.substr(0, cut) + "[journal]\ndir = \"" + dir + "/journal\"\n[report]\ndir = \"" + dir +
           "/reports\"\n[api]\nlisten = \"127.0.0.1:0\"\n";
  write(dir + "/demo.toml", config);
  std::string err;
  const int ran = run({"run", "--config", dir + "/demo.toml", "--duration", "9"}, &err);
  INFO(err.substr(0, 2000));
  REQUIRE(ran == 0);
  const std::vector<std::string> journals = journal_args(dir + "/journal");
  std::vector<std::string> replay{"replay", "--config", dir + "/demo.toml", "--out", dir + "/replayed"};
  replay.insert(replay.end(), journals.begin(), journals.end());
  INFO(err);
  REQUIRE(run(replay, &err) == 0);
  std::string report_path;
  for (const auto& e : fs::directory_iterator(dir + "/replayed")) report_path = e.path().string();
  simdjson::dom::parser rp;
  simdjson::dom::element report = rp.load(report_path);

  std::map<std::string, int> reasons;
  for (simdjson::dom::element mm : report["mms"].get_array()) {
    const std::string id(mm["mm_id"].get_string().value());
    std::vector<std::string> args{"explain", "--config", dir + "/demo.toml", "--mm", id};
    args.insert(args.end(), journals.begin(), journals.end());
    std::string out;
    REQUIRE(run(args, &err, &out) == 0);
    simdjson::dom::parser ep;
    simdjson::dom::element explained = ep.parse(simdjson::padded_string(out));
    write(dir + "/explain-" + id + ".json", out);
    std::map<std::string, simdjson::dom::element> totals;
    for (simdjson::dom::element t : explained["totals"].get_array())
      totals[std::string(t["totals"]["symbol"].get_string().value())] = t["totals"];
    std::map<std::string, uint64_t> unobserved_rows, inactive_rows;
    for (simdjson::dom::element row : explained["rows"].get_array()) {
      const std::string symbol(row["symbol"].get_string().value());
      std::string_view r;
      if (!row["unobserved_reason"].get_string().get(r)) ++unobserved_rows[symbol];
      else if (!row["inactive_reason"].get_string().get(r)) ++inactive_rows[symbol];
      else continue;
      ++reasons[std::string(r)];
    }
    for (simdjson::dom::element m : mm["markets"].get_array()) {
      const std::string symbol(m["symbol"].get_string().value());
      INFO(id << " " << symbol);
      REQUIRE(totals.count(symbol));
      const simdjson::dom::element t = totals[symbol];
      for (const char* count : {"snapshots_observed", "snapshots_active", "snapshots_unobserved"})
        CHECK(uint64_t(t[count]) == uint64_t(m[count]));
      for (const char* figure : {"avg_size_usd", "avg_spread_bps", "uptime"})
        CHECK(simdjson::to_string(t[figure].value()) == simdjson::to_string(m[figure].value()));
      // Every row not counted names its reason.
      CHECK(unobserved_rows[symbol] == uint64_t(m["snapshots_unobserved"]));
      CHECK(inactive_rows[symbol] == uint64_t(m["snapshots_observed"]) - uint64_t(m["snapshots_active"]));
    }
  }
  // The faults show up as reasons (the hand-made journal of tests/core checks each one).
  CHECK(reasons["book_not_in_sync"] > 0);
  CHECK(reasons["orders_not_in_sync"] > 0);
  CHECK(reasons["no_bid_in_band"] + reasons["no_ask_in_band"] > 0);  // the demo's one-sided MMs
  if (std::getenv("MMSCORE_KEEP_AUDIT_DIR") == nullptr) fs::remove_all(dir);
}

TEST_CASE("audit: replay closes a month with statements and a manifest, and verify checks them") {
  const std::string dir = test_support::temp_dir("audit-verify");
  write(dir + "/config.toml", slurp(kExample));
  write(dir + "/j.ndjson", kTwoMonths);
  std::string err, out;
  REQUIRE(run({"replay", "--config", dir + "/config.toml", "--journal", dir + "/j.ndjson", "--out", dir + "/out"},
              &err) == 0);
  const std::string manifest = dir + "/out/manifest-2026-01.json";
  REQUIRE(fs::exists(manifest));
  CHECK_FALSE(fs::exists(dir + "/out/manifest-2026-02.json"));  // February is still running
  for (const char* mm : {"alpha", "bravo", "charlie"}) {
    const std::string statement = slurp(dir + "/out/statement-2026-01-" + std::string(mm) + ".json");
    CHECK_THAT(statement, Catch::Contains(std::string("\"mm_id\": \"") + mm + "\""));
    for (const char* other : {"alpha", "bravo", "charlie"})
      if (std::string(other) != mm) CHECK_THAT(statement, !Catch::Contains(other));
    CHECK_THAT(statement, Catch::Contains(R"("program_maker_volume_usd")") && Catch::Contains(R"("fee_tiers")"));
    CHECK(fs::exists(dir + "/out/statement-2026-01-" + std::string(mm) + ".csv"));
  }
  const std::string text = slurp(manifest);
  CHECK_THAT(text, Catch::Contains(R"("month": "2026-01")") && Catch::Contains("statement-2026-01-bravo.csv") &&
                       Catch::Contains("report-2026-01.json") && Catch::Contains(dir + "/j.ndjson"));

  const std::vector<std::string> verify{"verify", "--manifest", manifest, "--config", dir + "/config.toml"};
  REQUIRE(run(verify, &err, &out) == 0);
  CHECK_THAT(out, Catch::StartsWith("OK: 2026-01"));

  // One byte flipped in a journal, the report, the config: fails naming that file.
  for (const std::string& victim : {dir + "/j.ndjson", dir + "/out/report-2026-01.json", dir + "/config.toml"}) {
    const std::string saved = slurp(victim);
    flip_byte(victim, 10);
    CHECK(run(verify, &err) == 1);
    CHECK_THAT(err, Catch::Contains(victim + ": SHA-256"));
    write(victim, saved);
  }
  REQUIRE(run(verify, &err) == 0);

  // A report whose hash matches its manifest, but not the replay: the field is named.
  const std::string report_path = dir + "/out/report-2026-01.json";
  const std::string original = slurp(report_path);
  std::string forged = original;
  const auto at = forged.find(R"("maker_volume_usd": 200.00)");
  REQUIRE(at != std::string::npos);
  forged.replace(at, 26, R"("maker_volume_usd": 201.00)");
  write(report_path, forged);
  std::string edited = text;
  const auto hash_of = [&](const std::string& path) {
    std::string h;
    FILE* pipe = popen(("sha256sum '" + path + "'").c_str(), "r");
    char hex[65] = {};
    REQUIRE(std::fread(hex, 1, 64, pipe) == 64);
    pclose(pipe);
    return std::string(hex);
  };
  write(dir + "/orig", original);
  const std::string old_hash = hash_of(dir + "/orig"), new_hash = hash_of(report_path);
  edited.replace(edited.find(old_hash), 64, new_hash);
  write(manifest, edited);
  CHECK(run(verify, &err) == 1);
  CHECK_THAT(err, Catch::Contains(report_path + ": differs from the replay: markets[SOL_USDC].maker_volume_usd: "
                                               "report 201.0, replay 200.0"));
  write(report_path, original);
  write(manifest, text);

  // Unusable manifests: exit 2 naming the file.
  write(dir + "/broken.json", "{\"month\": ");
  CHECK(run({"verify", "--manifest", dir + "/broken.json", "--config", dir + "/config.toml"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains(dir + "/broken.json: not JSON"));
  fs::rename(dir + "/out/statement-2026-01-alpha.csv", dir + "/moved.csv");
  CHECK(run(verify, &err) == 2);
  CHECK_THAT(err, Catch::Contains(dir + "/out/statement-2026-01-alpha.csv: named by " + manifest + ", missing"));
  fs::remove_all(dir);
}
