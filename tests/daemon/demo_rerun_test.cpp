// The demo is repeatable (issue 14): `mmscore run` with the built-in simulator, twice on
// the same directory, the second run restoring the first one's journal. The simulator
// with the same seed used to restart its trade ids, so every fill of the second run was
// a duplicate of a restored id and program maker volume froze; its ids now start at its
// start time and only go up.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "core/time_utc.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `mmscore run --config CONFIG --duration SECONDS`, output appended to LOG; the exit status.
int run_daemon(const std::string& config, int seconds, const std::string& log) {
  return test_support::wait_exit(test_support::spawn_child(
      {MMSCORE_BINARY, "run", "--config", config, "--duration", std::to_string(seconds)}, log, log,
      test_support::Output::append));
}

// The sum of every market's program_maker_volume_usd in a report (a ratio check only).
double program_maker_volume(const std::string& report) {
  const std::string key = "\"program_maker_volume_usd\"";
  double sum = 0;
  for (size_t at = report.find(key); at != std::string::npos; at = report.find(key, at + 1)) {
    size_t v = report.find_first_of("0123456789", at + key.size());
    sum += std::stod(report.substr(v, 32));
  }
  return sum;
}

std::string this_months_report(const std::string& dir) {
  const std::string name = "report-" + mm::month_of(mm::system_clock().now_us()).to_string() + ".json";
  return slurp(fs::path(dir) / name);
}

}  // namespace

TEST_CASE("a second demo run on the same directory counts new program maker volume") {
  const std::string dir = test_support::temp_dir("demo-rerun");
  const std::string config = dir + "/demo.toml";
  {
    std::ofstream out(config);
    out << test_support::kThreeMarketProgram << R"(
[[mms]]
id = "alpha"
joined = "2025-06"
[[mms]]
id = "bravo"
joined = "2025-06"
[simulator]
enabled = true
seed = 42
events_per_second = 400
[journal]
dir = ")" << dir << R"(/journal"
[report]
dir = ")" << dir << R"(/reports"
[api]
listen = "127.0.0.1:0"
)";
  }
  const std::string log = dir + "/daemon.log";
  REQUIRE(run_daemon(config, 5, log) == 0);
  const double first = program_maker_volume(this_months_report(dir + "/reports"));
  REQUIRE(run_daemon(config, 5, log) == 0);
  const double second = program_maker_volume(this_months_report(dir + "/reports"));
  INFO("program maker volume after run 1: " << first << " USD, after run 2: " << second << " USD\n" << slurp(log));
  CHECK(first > 0);
  // Run 2 restores run 1 and adds about as much again (same seed, same rate, same time);
  // with the old ids it added nothing. More than a quarter of run 1 is a wide margin.
  CHECK(second > first * 1.25);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}
