// The mmscore binary as a user runs it: exit statuses, error messages, SIGTERM.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thread_cpus.h"
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

std::string temp_dir() { return test_support::temp_dir("cli"); }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

struct Child {
  pid_t pid = -1;
  std::string err_file;
};

// Starts mmscore with `args`; stdout and stderr go to files beside `err_file`.
Child spawn(const std::vector<std::string>& args, const std::string& err_file) {
  std::vector<std::string> all{MMSCORE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  return Child{test_support::spawn_child(all, err_file + ".out", err_file), err_file};
}

int wait_exit(const Child& c) { return test_support::wait_exit(c.pid); }

int run(const std::vector<std::string>& args, std::string* err = nullptr, std::string* out = nullptr) {
  const std::string err_file = temp_dir() + "/stderr";
  const int code = wait_exit(spawn(args, err_file));
  if (err) *err = slurp(err_file);
  if (out) *out = slurp(err_file + ".out");
  fs::remove_all(fs::path(err_file).parent_path());
  return code;
}

std::string without_as_of(std::string json) {
  const auto at = json.find("\"as_of\"");
  return at == std::string::npos ? json : json.erase(at, json.find('\n', at) - at);
}

const std::string kExample = std::string(MMSCORE_SOURCE_DIR) + "/config/example.toml";

// The config hash `check-config` prints for `config` (also when the files it names are
// missing, as the example's key files are).
std::string config_hash_of(const std::string& config) {
  std::string out;
  run({"check-config", config}, nullptr, &out);
  const auto at = out.find("config hash: ");
  REQUIRE(at != std::string::npos);
  return out.substr(at + 13, out.find('\n', at) - at - 13);
}

// SHA-256 of a file by coreutils, independent of mmscore's own hashing.
std::string sha256sum(const std::string& path) {
  FILE* pipe = popen(("sha256sum '" + path + "'").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char hex[65] = {};
  const size_t n = std::fread(hex, 1, 64, pipe);
  pclose(pipe);
  REQUIRE(n == 64);
  return hex;
}

// A journal file header as the daemon writes it (SCORING.md section 14).
std::string journal_header(long long ts, const std::string& config_hash, const std::string& previous = "",
                           const std::string& previous_sha256 = "") {
  const auto quoted = [](const std::string& s) { return s.empty() ? std::string("null") : "\"" + s + "\""; };
  return "{\"ts\":" + std::to_string(ts) + R"(,"journal":{"format":1,"config_hash":")" + config_hash +
         R"(","mmscore":"0.1.0","previous":)" + quoted(previous) + R"(,"previous_sha256":)" + quoted(previous_sha256) +
         "}}\n";
}

// `--journal FILE` for every file of `dir`, in write order (names sort by time).
std::vector<std::string> journal_args(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path().string());  // not checkpoints/
  std::sort(files.begin(), files.end());
  std::vector<std::string> args;
  for (const auto& f : files) {
    args.push_back("--journal");
    args.push_back(f);
  }
  return args;
}

// In /proc's Cpus_allowed_list form ("0-2,5" style: written out as single CPUs and ranges).
std::string cpu_list_without(const std::vector<int>& cpus, int drop) {
  std::vector<int> keep;
  for (int c : cpus)
    if (c != drop) keep.push_back(c);
  std::string out;
  for (size_t i = 0; i < keep.size();) {
    size_t j = i;
    while (j + 1 < keep.size() && keep[j + 1] == keep[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(keep[i]) + (j > i ? "-" + std::to_string(keep[j]) : "");
    i = j + 1;
  }
  return out;
}

// Thread name -> its Cpus_allowed_list, from /proc/PID/task/*/ (the last of equal names).
std::map<std::string, std::string> thread_cpus(pid_t pid) {
  std::map<std::string, std::string> out;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::string name = slurp(task.path().string() + "/comm");
    if (!name.empty() && name.back() == '\n') name.pop_back();
    std::istringstream status(slurp(task.path().string() + "/status"));
    for (std::string line; std::getline(status, line);)
      if (line.rfind("Cpus_allowed_list:", 0) == 0) out[name] = line.substr(line.find_first_not_of(" \t", 18));
  }
  return out;
}

}  // namespace

TEST_CASE("cli: unusable arguments, unreadable files and config errors exit 2 with a clear message") {
  std::string err;
  CHECK(run({}, &err) == 2);
  CHECK(run({"frobnicate"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("unknown command"));
  CHECK(run({"replay", "--config", kExample}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("required"));
  CHECK(run({"replay", "--config", kExample, "--journal", "/nonexistent.ndjson", "--out", "/tmp/x"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("/nonexistent.ndjson"));
  CHECK(run({"replay", "--bogus"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("unknown option --bogus"));
  for (const char* seed : {"1.5", "-1", "18446744073709551616", "x"}) {
    CHECK(run({"simulate", "--config", kExample, "--listen", "127.0.0.1:0", "--seed", seed}, &err) == 2);
    CHECK_THAT(err, Catch::Contains("--seed takes an integer from 0 to 2^64-1"));
  }

  const std::string dir = temp_dir();
  std::string bad = slurp(kExample);
  bad.replace(bad.find("band_bps = 100"), 14, "band_bps = -5  ");
  write(dir + "/bad.toml", bad);
  CHECK(run({"check-config", dir + "/bad.toml"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains(dir + "/bad.toml:") && Catch::Contains("program.band_bps"));
  CHECK(run({"replay", "--config", dir + "/bad.toml", "--journal", kExample, "--out", dir}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("program.band_bps"));
  // The example names key files that are not in the repository: every one is reported.
  CHECK(run({"check-config", kExample}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("mms.alpha.accounts.main: ") && Catch::Contains("keys/alpha-main.secret: cannot open") &&
                      Catch::Contains("mms.charlie.accounts.main: "));
  CHECK(run({"check-config", std::string(MMSCORE_SOURCE_DIR) + "/config/demo.toml"}, &err) == 0);

  // A CPU the machine does not offer: refused before anything starts.
  std::string pinned = slurp(kExample);
  pinned.replace(pinned.find("engine_cpu = -1"), 15, "engine_cpu = 1023");
  write(dir + "/pinned.toml", pinned);
  CHECK(run({"run", "--config", dir + "/pinned.toml"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("feed.engine_cpu = 1023: CPU 1023 is not one this process may run on"));
  fs::remove_all(dir);
}

TEST_CASE("cli: --version, help COMMAND and COMMAND --help print to stdout and exit 0") {
  std::string out, err;
  CHECK(run({"--version"}, &err, &out) == 0);
  const std::string git = MMSCORE_EXPECTED_GIT;  // configure time: empty outside a git checkout
  CHECK(out == "mmscore " MMSCORE_EXPECTED_VERSION + (git.empty() ? "" : " (git " + git + ")") + "\n");
  CHECK(run({"help", "run"}, &err, &out) == 0);
  CHECK_THAT(out, Catch::StartsWith("usage: mmscore run ...") && Catch::Contains("--journal-dir DIR"));
  CHECK_THAT(out, !Catch::Contains("simulate --config"));  // that command's lines only
  CHECK(run({"run", "--help"}, &err, &out) == 0);
  CHECK_THAT(out, Catch::StartsWith("usage: mmscore run ..."));
  CHECK(run({"replay", "-h"}, &err, &out) == 0);
  CHECK_THAT(out, Catch::Contains("--allow-config-change"));
  CHECK(run({"help"}, &err, &out) == 0);
  CHECK_THAT(out, Catch::Contains("help [COMMAND], COMMAND --help"));
  CHECK(run({"help", "frobnicate"}, &err, &out) == 2);
  CHECK_THAT(err, Catch::Contains("no command 'frobnicate'"));
}

TEST_CASE("cli: replay writes a report per month, final for months that ended, CSV on request") {
  const std::string dir = temp_dir();
  // January 31 23:00 (connect + a trade), then February 1 00:00 and February 4:
  // January is final, February is the running month.
  write(dir + "/j.ndjson",
        R"({"ts":1769900400000000,"src":"public","event":"connected"})"
        "\n"
        R"({"ts":1769900400000001,"src":"public","frame":{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1,"T":1,"s":"SOL_USDC","p":"100.00","q":"2","b":"1","a":"2","t":1,"m":true}}})"
        "\n"
        "not json\n"
        R"({"ts":1769904000000000,"src":"public","frame":{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1,"T":1,"s":"SOL_USDC","p":"100.00","q":"3","b":"1","a":"2","t":2,"m":true}}})"
        "\n"
        R"({"ts":1770163200000000,"src":"public","event":"disconnected"})"
        "\n");
  std::string err;
  REQUIRE(run({"replay", "--config", kExample, "--journal", dir + "/j.ndjson", "--out", dir + "/out", "--csv"},
              &err) == 0);
  CHECK_THAT(err, Catch::Contains("j.ndjson:3: refused"));
  const std::string jan = slurp(dir + "/out/report-2026-01.json");
  const std::string feb = slurp(dir + "/out/report-2026-02.json");
  CHECK_THAT(jan, Catch::Contains(R"("final": true)"));
  CHECK_THAT(jan, Catch::Contains(R"("maker_volume_usd": 200.00)"));
  CHECK_THAT(jan, Catch::Contains(R"("rejected": 1)"));
  CHECK_THAT(feb, Catch::Contains(R"("final": false)"));
  CHECK_THAT(feb, Catch::Contains(R"("maker_volume_usd": 300.00)"));
  CHECK(fs::exists(dir + "/out/report-2026-01.csv"));
  CHECK(fs::exists(dir + "/out/report-2026-02.csv"));
  fs::remove_all(dir);
}

TEST_CASE("cli: run against the built-in simulator stops on SIGTERM within 5 s, and replay matches") {
  const std::string dir = temp_dir();
  std::string config = slurp(std::string(MMSCORE_SOURCE_DIR) + "/config/demo.toml");
  const auto cut = config.find("[journal]");
  // With two CPUs or more, the engine is pinned to the last one (no spinning: a shared box).
  const std::vector<int> cpus = test_support::cpus_of_this_thread();
  const int engine_cpu = cpus.size() >= 2 ? cpus.back() : -1;
  config = config.substr(0, cut) + "[feed]\nengine_cpu = " + std::to_string(engine_cpu) + "\n[journal]\ndir = \"" +
           dir + "/journal\"\n[report]\ndir = \"" + dir + "/reports\"\n[api]\nlisten = \"127.0.0.1:0\"\n";
  write(dir + "/demo.toml", config);
  Child c = spawn({"run", "--config", dir + "/demo.toml"}, dir + "/run.err");
  std::this_thread::sleep_for(std::chrono::seconds(6));
  if (engine_cpu >= 0) {
    const std::map<std::string, std::string> threads = thread_cpus(c.pid);
    INFO("engine_cpu = " << engine_cpu);
    REQUIRE(threads.count("mm-engine"));
    CHECK(threads.at("mm-engine") == std::to_string(engine_cpu));
    for (const char* other : {"mm-net", "mm-scorer", "mm-journal", "mm-api", "mm-sim"}) {
      REQUIRE(threads.count(other));
      CHECK(threads.at(other) == cpu_list_without(cpus, engine_cpu));
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  kill(c.pid, SIGTERM);
  const int code = wait_exit(c);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(slurp(dir + "/run.err"));
  CHECK(code == 0);
  CHECK(secs < 5.0);
  std::vector<std::string> reports;
  for (const auto& e : fs::directory_iterator(dir + "/reports")) reports.push_back(e.path().string());
  REQUIRE(reports.size() == 1);
  std::vector<std::string> args{"replay", "--config", dir + "/demo.toml", "--out", dir + "/replayed"};
  const std::vector<std::string> journals = journal_args(dir + "/journal");
  args.insert(args.end(), journals.begin(), journals.end());
  REQUIRE(run(args) == 0);
  const std::string live = slurp(reports[0]);
  const std::string replayed = slurp(dir + "/replayed/" + fs::path(reports[0]).filename().string());
  CHECK_THAT(live, Catch::Contains(R"("final": false)"));
  CHECK(without_as_of(live) == without_as_of(replayed));
  CHECK_THAT(replayed, !Catch::Contains("journal_config_hash"));

  // The daemon's journal under another config: refused, unless asked for.
  const std::string demo_hash = config_hash_of(dir + "/demo.toml");
  std::vector<std::string> other{"replay", "--config", kExample, "--out", dir + "/other"};
  other.insert(other.end(), journals.begin(), journals.end());
  std::string err;
  CHECK(run(other, &err) == 2);
  CHECK_THAT(err, Catch::Contains(journals[1] + ": written under config hash " + demo_hash + ", not this config's " +
                                  config_hash_of(kExample)));
  other.push_back("--allow-config-change");
  REQUIRE(run(other, &err) == 0);
  INFO(err);
  const std::string under_example = slurp(dir + "/other/" + fs::path(reports[0]).filename().string());
  CHECK_THAT(under_example, Catch::Contains(R"("journal_config_hash": ")" + demo_hash + "\""));
  CHECK_THAT(under_example, Catch::Contains(R"("config_hash": ")" + config_hash_of(kExample) + "\""));
  fs::remove_all(dir);
}

TEST_CASE("cli: replay refuses journals out of order, a broken chain, another config's journals, and counts a torn tail") {
  const std::string dir = temp_dir();
  const std::string hash = config_hash_of(kExample);
  const std::string a = dir + "/a.ndjson", b = dir + "/b.ndjson";
  // a: January 31 23:00, a connect and a trade. b: February 1 and 4, its last line torn.
  write(a, journal_header(1769900000000000, hash) +
               R"({"ts":1769900400000000,"src":"public","event":"connected"})" "\n"
               R"({"ts":1769900400000001,"src":"public","frame":{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1,"T":1,"s":"SOL_USDC","p":"100.00","q":"2","b":"1","a":"2","t":1,"m":true}}})" "\n");
  write(b, journal_header(1769904000000000, hash, "a.ndjson", sha256sum(a)) +
               R"({"ts":1769904000000000,"src":"public","frame":{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1,"T":1,"s":"SOL_USDC","p":"100.00","q":"3","b":"1","a":"2","t":2,"m":true}}})" "\n"
               R"({"ts":1770163200000000,"src":"public","event":"disconnected"})" "\n"
               R"({"ts":1770163200000001,"src":"public","ev)");
  const auto replay = [&](const std::string& config, const std::vector<std::string>& files, const std::string& out,
                          std::string* err, bool allow = false) {
    std::vector<std::string> args{"replay", "--config", config, "--out", dir + "/" + out};
    for (const auto& f : files) args.insert(args.end(), {"--journal", f});
    if (allow) args.push_back("--allow-config-change");
    return run(args, err);
  };
  std::string err;
  REQUIRE(replay(kExample, {a, b}, "in-order", &err) == 0);
  const std::string jan = slurp(dir + "/in-order/report-2026-01.json");
  const std::string feb = slurp(dir + "/in-order/report-2026-02.json");
  CHECK_THAT(jan, Catch::Contains(R"("records": 2,)") && Catch::Contains(R"("torn": 0)"));
  CHECK_THAT(feb, Catch::Contains(R"("records": 2,)") && Catch::Contains(R"("torn": 1)"));
  CHECK_THAT(feb, Catch::Contains(R"("maker_volume_usd": 300.00)"));
  CHECK_THAT(feb, !Catch::Contains("journal_config_hash"));

  // Out of order: a starts before b ends. No report at all.
  CHECK(replay(kExample, {b, a}, "reversed", &err) == 2);
  CHECK_THAT(err, Catch::Contains("mmscore replay: " + a + ":2: out of order"));
  CHECK(fs::is_empty(dir + "/reversed"));

  // One byte of a changed after b was opened: b's header no longer matches it.
  const std::string original = slurp(a);
  std::string edited = original;
  edited.replace(edited.find("\"q\":\"2\""), 7, "\"q\":\"9\"");
  write(a, edited);
  CHECK(replay(kExample, {a, b}, "edited", &err) == 2);
  CHECK_THAT(err, Catch::Contains("mmscore replay: " + b + ": broken chain: its header gives a.ndjson the SHA-256 "));
  write(a, original);

  // Another scoring config (a band of 90 bps): refused before any work, unless allowed.
  std::string other = slurp(kExample);
  other.replace(other.find("band_bps = 100"), 14, "band_bps = 90 ");
  write(dir + "/other.toml", other);
  const std::string other_hash = config_hash_of(dir + "/other.toml");
  REQUIRE(other_hash != hash);
  CHECK(replay(dir + "/other.toml", {a, b}, "other", &err) == 2);
  CHECK_THAT(err, Catch::Contains(a + ": written under config hash " + hash + ", not this config's " + other_hash +
                                  " (replay --allow-config-change accepts it)"));
  REQUIRE(replay(dir + "/other.toml", {a, b}, "allowed", &err, true) == 0);
  for (const char* month : {"2026-01", "2026-02"}) {
    const std::string report = slurp(dir + "/allowed/report-" + month + ".json");
    CHECK_THAT(report, Catch::Contains(R"("config_hash": ")" + other_hash + "\",\n  \"journal_config_hash\": \"" +
                                       hash + "\""));
  }
  fs::remove_all(dir);
}
