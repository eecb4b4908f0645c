// Immutable snapshot files (POST /v1/snapshots) and the month-end statements, on real files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/engine.h"
#include "core/report_format.h"
#include "core/scoring.h"
#include "daemon/report_files.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Two MMs on SOL_USDC, alpha with 200 USD of maker volume, bravo with 100.
struct TwoMms {
  Program p = [] {
    Program q = test_support::one_market_program();
    q.mms.push_back(MmSpec{"bravo", YearMonth{2026, 1}, {"main"}});
    q.index();
    return q;
  }();
  Report report() const {
    MonthState s;
    s.reset(YearMonth{2026, 3}, 1, 2);
    s.markets[0].maker_volume = u128(400) * kNotionalScale;
    s.cell(0, 0).maker_volume = u128(200) * kNotionalScale;
    s.cell(1, 0).maker_volume = u128(100) * kNotionalScale;
    s.last_ts = YearMonth{2026, 4}.start();
    return score_month(p, s, true);
  }
};

}  // namespace

TEST_CASE("snapshot files: each snapshot is a new file, named by its UTC time, never replaced") {
  const std::string dir = test_support::temp_dir("snapshots");
  const TwoMms t;
  const Report r = t.report();
  const TimeUs at = YearMonth{2026, 3}.start() + 9 * 3600 * kUsPerSecond + 250'000;  // 09:00:00.25
  const auto first = write_snapshot_files(dir, t.p, r, at);
  REQUIRE(first);
  CHECK(*first == dir + "/snapshot-20260301T090000.250000Z.json");
  CHECK(slurp(*first) == report_json(t.p, r));
  CHECK(slurp(dir + "/snapshot-20260301T090000.250000Z.csv") == report_csv(t.p, r));
  // The same microsecond again: a new name, the first file untouched.
  const auto second = write_snapshot_files(dir, t.p, r, at);
  REQUIRE(second);
  CHECK(*second == dir + "/snapshot-20260301T090000.250000Z-2.json");
  const auto later = write_snapshot_files(dir, t.p, r, at + kUsPerSecond);
  REQUIRE(later);

  const std::vector<SnapshotFile> files = list_snapshot_files(dir);
  REQUIRE(files.size() == 6);
  CHECK(files[0].name == "snapshot-20260301T090000.250000Z-2.csv");
  CHECK(files[5].name == "snapshot-20260301T090001.250000Z.json");
  CHECK(files[5].bytes == slurp(*later).size());

  CHECK_FALSE(write_file_no_replace(*first, "other"));
  CHECK(slurp(*first) == report_json(t.p, r));
  CHECK(is_snapshot_file_name("snapshot-20260301T090000.250000Z.csv"));
  CHECK_FALSE(is_snapshot_file_name("../snapshot-x.json"));
  CHECK_FALSE(is_snapshot_file_name("snapshot-x/../../etc.json"));
  CHECK_FALSE(is_snapshot_file_name("report-2026-03.json"));
  CHECK(list_snapshot_files(dir + "/missing").empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("statements: one MM's entries, fee tiers and the market aggregates, nothing of the other MM") {
  const TwoMms t;
  const Report r = t.report();
  const std::string alpha = statement_json(t.p, r, 0);
  CHECK_THAT(alpha, Catch::Contains(R"("mm_id": "alpha")") && Catch::Contains(R"("fee_tiers")"));
  CHECK_THAT(alpha, !Catch::Contains("bravo"));
  CHECK_THAT(alpha, Catch::Contains(R"("maker_volume_usd": 200.00)"));          // its own
  CHECK_THAT(alpha, Catch::Contains(R"("program_maker_volume_usd": 300.00)"));  // the program's
  CHECK_THAT(alpha, Catch::Contains(R"("maker_volume_usd": 400.00)"));          // all users'
  CHECK_THAT(alpha, !Catch::Contains("100.00"));                                // bravo's volume
  const std::string csv = statement_csv(t.p, r, 1);
  CHECK_THAT(csv, Catch::StartsWith("mm_id,symbol,maker_volume_usd,"));
  CHECK_THAT(csv, Catch::Contains("\nbravo,SOL_USDC,100.00,"));
  CHECK_THAT(csv, Catch::EndsWith(",400.00,300.00,0.000000000\n"));
  CHECK_THAT(csv, !Catch::Contains("alpha"));
  CHECK(statement_file_stem(r, t.p, 1) == "statement-2026-03-bravo");
  CHECK(manifest_file_name(r.month) == "manifest-2026-03.json");
}

TEST_CASE("live month close: statements at once, the manifest once the open journal file was rotated") {
  const std::string dir = test_support::temp_dir("live-close");
  const std::string journals = dir + "/journal", reports = dir + "/reports";
  std::filesystem::create_directories(journals);
  auto touch = [&](const std::string& name, const std::string& text) {
    std::ofstream(journals + "/" + name) << text;
    return journals + "/" + name;
  };
  // Opened in February (state only), the last one before March (March's first records),
  // in March (open at the close, which came in April's first minute), after the close.
  const std::string feb = touch("journal-20260220T000000.000000Z.ndjson", "a\n");
  const std::string late_feb = touch("journal-20260228T230000.000000Z.ndjson", "b\n");
  const std::string march = touch("journal-20260331T230000.000000Z.ndjson", "c\n");
  touch("journal-20260401T000100.000000Z.ndjson", "d\n");
  std::ofstream(dir + "/config.toml") << "# config\n";

  const MonthJournals split = live_month_journals(journals, YearMonth{2026, 3}, march);
  CHECK(split.replay_from == std::vector<std::string>{feb});
  CHECK(split.journals == (std::vector<std::string>{late_feb, march}));

  const TwoMms t;
  const Report r = t.report();
  {
    LiveMonthClose close(t.p, reports, dir + "/config.toml", journals);
    REQUIRE(write_report_files(reports, t.p, r, false));
    close.closed(r, march);
    CHECK(std::filesystem::exists(reports + "/statement-2026-03-alpha.json"));
    CHECK(std::filesystem::exists(reports + "/statement-2026-03-bravo.csv"));
    CHECK(close.waiting());
    close.journal_at(march);  // still open: no manifest yet
    CHECK(close.waiting());
    CHECK_FALSE(std::filesystem::exists(reports + "/manifest-2026-03.json"));
    close.journal_at(journals + "/journal-20260401T000100.000000Z.ndjson");  // rotated
    CHECK_FALSE(close.waiting());
    close.finish();  // waits for the manifest's thread
  }
  const std::string manifest = slurp(reports + "/manifest-2026-03.json");
  CHECK_THAT(manifest, Catch::Contains(R"("month": "2026-03")") && Catch::Contains("statement-2026-03-bravo.csv") &&
                           Catch::Contains("journal-20260331T230000.000000Z.ndjson") &&
                           !Catch::Contains("journal-20260401T000100"));
  // The config file's SHA-256, by coreutils.
  FILE* pipe = popen(("sha256sum '" + dir + "/config.toml'").c_str(), "r");
  char hex[65] = {};
  REQUIRE(std::fread(hex, 1, 64, pipe) == 64);
  pclose(pipe);
  CHECK_THAT(manifest, Catch::Contains(std::string(R"("config_sha256": ")") + hex + "\""));
  std::filesystem::remove_all(dir);
}
