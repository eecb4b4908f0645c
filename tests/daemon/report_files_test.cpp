#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/report_format.h"
#include "daemon/report_files.h"
#include "tests/support/one_market_program.h"
#include "tests/support/temp_dir.h"

using namespace mm;

namespace {
Report report(bool final, TimeUs as_of) {
  Report r;
  r.month = YearMonth{2026, 3};
  r.final = final;
  r.as_of = as_of;
  return r;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("report files: a running report never replaces the month's final one") {
  const std::string dir = test_support::temp_dir("reports");
  const Program p = test_support::one_market_program();
  const std::string path = dir + "/report-2026-03.json";

  // Running over running: replaced.
  REQUIRE(*write_report_files(dir, p, report(false, 1'000'000), false, ReplaceReport::unless_final) == path);
  CHECK_FALSE(is_final_report_file(path));
  REQUIRE(*write_report_files(dir, p, report(false, 2'000'000), false, ReplaceReport::unless_final) == path);
  CHECK(slurp(path) == report_json(p, report(false, 2'000'000)));

  // The month closes: the final report replaces the running one.
  REQUIRE(*write_report_files(dir, p, report(true, 3'000'000), false) == path);
  CHECK(is_final_report_file(path));
  const std::string final_json = slurp(path);

  // A late snapshot of the old month is refused and leaves the final report alone.
  const auto late = write_report_files(dir, p, report(false, 2'500'000), false, ReplaceReport::unless_final);
  CHECK_FALSE(late);
  CHECK(late.message() == path + ": the month is closed; its final report is kept");
  CHECK(slurp(path) == final_json);
  // Replay (always) may rewrite it; a final report may replace a final one.
  CHECK(*write_report_files(dir, p, report(true, 4'000'000), false, ReplaceReport::unless_final) == path);
  CHECK(*write_report_files(dir, p, report(false, 5'000'000), false) == path);
  CHECK_FALSE(is_final_report_file(path));

  // Concurrent writers: every file is whole, no temp file is left behind.
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) (void)write_report_files(dir, p, report(false, 6'000'000 + t * 100 + i), false);
    });
  for (auto& w : writers) w.join();
  const std::string last = slurp(path);
  bool whole = false;
  for (int t = 0; t < 4 && !whole; ++t)
    for (int i = 0; i < 50 && !whole; ++i) whole = last == report_json(p, report(false, 6'000'000 + t * 100 + i));
  CHECK(whole);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("report files: \"final\" is the top-level key, wherever it is") {
  const std::string dir = test_support::temp_dir("final-flag");
  const std::string path = dir + "/report-2026-03.json";
  auto final_of = [&](const std::string& json) {
    REQUIRE(write_file_atomic(path, json));
    return is_final_report_file(path);
  };
  // Any key order; "final" far beyond the first KiB.
  const std::string padding(4096, 'x');
  CHECK(final_of(R"({"month":"2026-03","note":")" + padding + R"(","final":true})"));
  CHECK(final_of(R"({ "as_of" : "2026-03-31T00:00:00Z" , "final" : true , "month" : "2026-03" })"));
  CHECK_FALSE(final_of(R"({"month":"2026-03","note":")" + padding + R"(","final":false})"));
  // "final": true inside other values does not count; the top-level one does.
  CHECK_FALSE(final_of(R"({"history":{"final": true},"final": false})"));
  CHECK_FALSE(final_of(R"({"notes":[{"final": true}],"month":"2026-03"})"));
  CHECK_FALSE(final_of(R"({"note":"\"final\": true","final":false})"));
  CHECK_FALSE(final_of(R"({"mms":[{"id":"alpha","final": true}]})"));
  // Not a boolean, not an object, not JSON, or no file: not final.
  CHECK_FALSE(final_of(R"({"final":"true"})"));
  CHECK_FALSE(final_of(R"({"final":1})"));
  CHECK_FALSE(final_of(R"([{"final":true}])"));
  CHECK_FALSE(final_of(R"({"final": true, "month": "2026-)"));  // truncated
  CHECK_FALSE(final_of(R"({"final": true} {"final": true})"));
  CHECK_FALSE(final_of(""));
  CHECK_FALSE(is_final_report_file(dir + "/absent.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("report files: an MM's statement, the newest or a month's, never another MM's") {
  const std::string dir = test_support::temp_dir("statements");
  auto put = [&](const std::string& name, const std::string& text) { std::ofstream(dir + "/" + name) << text; };
  put("statement-2026-02-alpha.json", "feb");
  put("statement-2026-03-alpha.json", "mar");
  put("statement-2026-03-alpha.csv", "mar csv");
  put("statement-2026-04-x-alpha.json", "an MM whose id is x-alpha");  // not alpha's
  put("statement-2026-05-alpha.json.tmp", "a write in progress");
  auto newest = read_statement_file(dir, "alpha", std::nullopt, false);
  REQUIRE(newest);
  CHECK(newest->name == "statement-2026-03-alpha.json");
  CHECK(newest->content == "mar");
  auto feb = read_statement_file(dir, "alpha", YearMonth{2026, 2}, false);
  REQUIRE(feb);
  CHECK(feb->content == "feb");
  auto csv = read_statement_file(dir, "alpha", std::nullopt, true);
  REQUIRE(csv);
  CHECK(csv->content == "mar csv");
  auto other = read_statement_file(dir, "x-alpha", std::nullopt, false);
  REQUIRE(other);
  CHECK(other->content == "an MM whose id is x-alpha");
  const auto none = read_statement_file(dir, "bravo", std::nullopt, false);
  REQUIRE_FALSE(none);
  CHECK(none.message() == "no statement for bravo yet: one is written when a month closes");
  const auto january = read_statement_file(dir, "alpha", YearMonth{2026, 1}, false);
  REQUIRE_FALSE(january);
  CHECK(january.message() == "no statement for alpha for 2026-01");
  std::filesystem::remove_all(dir);
}
