// systemd's notify protocol as the unit uses it (Type=notify, WatchdogSec=): the real
// binary runs the demo (simulator on, journal in a temp dir) with NOTIFY_SOCKET pointing
// at a datagram socket this test owns; and the watchdog pinger in-process with a
// heartbeat the test moves or freezes.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/published_state.h"
#include "daemon/systemd_notify.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

constexpr const char* kOpsToken = "demo-ops-token-0000000000000001";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Message {
  double at = 0;  // seconds since the socket was made
  std::string text;
};

// The service manager's end: a bound datagram socket (a path, or "@name" abstract).
class NotifyListener {
 public:
  explicit NotifyListener(const std::string& address) : address_(address), start_(Steady::now()) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::string bytes = address;
    if (bytes[0] == '@') bytes[0] = '\0';
    std::memcpy(a.sun_path, bytes.data(), bytes.size());
    const auto len = socklen_t(offsetof(sockaddr_un, sun_path) + bytes.size());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0);
    timeval tv{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifyListener() { ::close(fd_); }
  const std::string& address() const { return address_; }

  // Collects messages until one contains `needle` (true) or `seconds` pass (false).
  bool wait_for(const std::string& needle, double seconds) {
    const auto until = Steady::now() + std::chrono::duration<double>(seconds);
    while (Steady::now() < until) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      got.push_back({std::chrono::duration<double>(Steady::now() - start_).count(), std::string(buf, size_t(n))});
      if (got.back().text.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  // Index of the first message containing `needle` at or after `from`; -1: none.
  int find(const std::string& needle, size_t from = 0) const {
    for (size_t i = from; i < got.size(); ++i)
      if (got[i].text.find(needle) != std::string::npos) return int(i);
    return -1;
  }

  std::vector<Message> got;

 private:
  std::string address_;
  Steady::time_point start_;
  int fd_ = -1;
};

// `mmscore run` on the demo config, the files in `dir`, with extra environment.
pid_t spawn_demo(const std::string& dir, const std::vector<std::string>& env_extra) {
  std::vector<std::string> args{MMSCORE_BINARY, "run", "--config",
                                std::string(MMSCORE_SOURCE_DIR) + "/config/demo.toml",
                                "--journal-dir", dir + "/journal", "--report-dir", dir + "/reports",
                                "--api-listen", "127.0.0.1:0", "--tokens", dir + "/tokens.txt", "--duration", "60"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    if (v.rfind("NOTIFY_SOCKET=", 0) != 0 && v.rfind("WATCHDOG_", 0) != 0) env.push_back(v);
  }
  env.insert(env.end(), env_extra.begin(), env_extra.end());
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const std::string log = dir + "/log.txt";
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, MMSCORE_BINARY, &fa, nullptr, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The sample value of an unlabelled metric line "name 3"; -1 when absent.
double metric(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2, text.find('\n', at + 1) - at - name.size() - 2));
}

uint16_t port_in(const std::string& status) {
  const size_t at = status.find("127.0.0.1:");
  REQUIRE(at != std::string::npos);
  return uint16_t(std::stoi(status.substr(at + 10)));
}

}  // namespace

TEST_CASE("systemd notify: the watchdog settings follow sd_watchdog_enabled") {
  using std::chrono::microseconds;
  CHECK(mm::watchdog_timeout("30000000", nullptr, 1234) == microseconds(30'000'000));
  CHECK(mm::watchdog_timeout("1000000", "1234", 1234) == microseconds(1'000'000));
  CHECK_FALSE(mm::watchdog_timeout("1000000", "999", 1234));  // meant for another process
  CHECK_FALSE(mm::watchdog_timeout(nullptr, nullptr, 1234));
  CHECK_FALSE(mm::watchdog_timeout("0", nullptr, 1234));
  CHECK_FALSE(mm::watchdog_timeout("30s", nullptr, 1234));
  CHECK_FALSE(mm::watchdog_timeout("1000000", "x", 1234));
}

TEST_CASE("systemd notify: the restore status names files, bytes and records") {
  mm::RestoreFigures f;
  CHECK(mm::restore_status(f) == "starting: no journal to restore");
  f.files_done = 1;
  f.files_total = 3;
  f.bytes_done = 1048576;
  f.bytes_total = 5242880;
  f.records = 20000;
  CHECK(mm::restore_status(f) == "restoring the journal: 1 of 3 files, 1048576 of 5242880 bytes, 20000 records");
}

TEST_CASE("systemd notify: WATCHDOG=1 only while the heartbeat moves (abstract socket)") {
  NotifyListener sd("@mmscore-notify-test-" + std::to_string(::getpid()));
  ::setenv("NOTIFY_SOCKET", sd.address().c_str(), 1);
  ::setenv("WATCHDOG_USEC", "200000", 1);  // pings every 100 ms
  ::unsetenv("WATCHDOG_PID");
  std::atomic<uint64_t> beat{0};
  {
    mm::ServiceNotifier notifier;
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    REQUIRE(notifier.enabled());
    notifier.live("3 markets", [&] { return beat.load(); });
    REQUIRE(sd.wait_for("READY=1", 5));
    CHECK(sd.got.back().text == "READY=1\nSTATUS=3 markets");

    // Frozen: no ping in 1 s (10 periods).
    CHECK_FALSE(sd.wait_for("WATCHDOG=1", 1.0));
    // Moving: pings come, one per period.
    std::atomic<bool> run{true};
    std::thread mover([&] {
      while (run) {
        beat.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    const size_t before = sd.got.size();
    for (int i = 0; i < 5; ++i) CHECK(sd.wait_for("WATCHDOG=1", 2.0));
    run = false;
    mover.join();
    // Five pings take four periods (0.4 s): a pinger not waiting its period would send them at once.
    CHECK(sd.got.back().at - sd.got[before].at > 0.2);
    // Frozen again: after at most one ping for the last moves, silence.
    sd.wait_for("never", 0.6);
    CHECK_FALSE(sd.wait_for("WATCHDOG=1", 1.0));
    notifier.stopping("bye");
    REQUIRE(sd.wait_for("STOPPING=1", 2));
    CHECK(sd.got.back().text == "STOPPING=1\nSTATUS=bye");
  }
  CHECK_FALSE(sd.wait_for("", 0.3));  // nothing after STOPPING=1
}

TEST_CASE("systemd notify: STATUS= each second while restoring, EXTEND_TIMEOUT_USEC= only while it moves") {
  const std::string dir = test_support::temp_dir("notifyrestore");
  std::ofstream(dir + "/journal-a.ndjson") << std::string(1000, 'x');
  std::ofstream(dir + "/journal-b.ndjson") << std::string(3000, 'x');
  mm::RestoreProgress progress({dir + "/journal-a.ndjson", dir + "/journal-b.ndjson"});
  NotifyListener sd("@mmscore-notify-restore-" + std::to_string(::getpid()));
  ::setenv("NOTIFY_SOCKET", sd.address().c_str(), 1);
  mm::ServiceNotifier notifier;
  ::unsetenv("NOTIFY_SOCKET");
  notifier.restoring(&progress);
  REQUIRE(sd.wait_for("STATUS=", 2));  // at once, before any progress
  CHECK(sd.got.back().text == "STATUS=restoring the journal: 0 of 2 files, 0 of 4000 bytes, 0 records");
  progress.file_done(10);
  progress.replaying(500, 15);
  REQUIRE(sd.wait_for("STATUS=", 3));
  CHECK(sd.got.back().text ==
        "STATUS=restoring the journal: 1 of 2 files, 1500 of 4000 bytes, 15 records\nEXTEND_TIMEOUT_USEC=10000000");
  REQUIRE(sd.wait_for("STATUS=", 3));  // no progress in the second since: a status, no extension
  CHECK(sd.got.back().text == "STATUS=restoring the journal: 1 of 2 files, 1500 of 4000 bytes, 15 records");
  notifier.live("live", [] { return uint64_t(1); });
  REQUIRE(sd.wait_for("READY=1", 2));
  fs::remove_all(dir);
}

TEST_CASE("systemd notify: mmscore run sends STATUS=, READY=1 after the restore, WATCHDOG=1 and STOPPING=1") {
  const std::string dir = test_support::temp_dir("notify");
  // The demo's tokens, as git checks them out (0644): the demo tightens its own file.
  fs::copy_file(std::string(MMSCORE_SOURCE_DIR) + "/config/demo-tokens.txt", dir + "/tokens.txt");
  ::chmod((dir + "/tokens.txt").c_str(), 0644);
  NotifyListener sd(dir + "/notify.sock");
  const std::vector<std::string> env{"NOTIFY_SOCKET=" + sd.address(), "WATCHDOG_USEC=1000000"};

  // First start: nothing to restore; live within seconds, then a ping about every 0.5 s.
  pid_t pid = spawn_demo(dir, env);
  REQUIRE(sd.wait_for("READY=1", 30));
  const int ready = int(sd.got.size()) - 1;
  CHECK(sd.find("STATUS=starting: no journal to restore") == 0);
  CHECK_THAT(sd.got[size_t(ready)].text, Catch::StartsWith("READY=1\nSTATUS=9 markets, 5 MMs, api http://127.0.0.1:"));
  for (int i = 0; i < 5; ++i) REQUIRE(sd.wait_for("WATCHDOG=1", 3));
  const double span = sd.got.back().at - sd.got[size_t(ready) + 1].at;  // 4 intervals of 0.5 s
  CHECK(span > 1.6);
  CHECK(span < 8);
  CHECK(fs::status(dir + "/tokens.txt").permissions() == (fs::perms::owner_read | fs::perms::owner_write));

  // Disk space and month-close metrics, from the real daemon.
  const auto metrics = api_test::http_get(port_in(sd.got[size_t(ready)].text), "/metrics", kOpsToken);
  REQUIRE(metrics.status == 200);
  struct statvfs st {};
  REQUIRE(::statvfs((dir + "/journal").c_str(), &st) == 0);
  CHECK(metric(metrics.body, "mmscore_journal_disk_size_bytes") == double(uint64_t(st.f_blocks) * st.f_frsize));
  CHECK(metric(metrics.body, "mmscore_journal_disk_free_bytes") > 0);
  CHECK(metric(metrics.body, "mmscore_month_closed_timestamp_seconds") == 0);  // no month ended
  CHECK(metric(metrics.body, "mmscore_final_report_timestamp_seconds") == 0);

  ::kill(pid, SIGTERM);
  REQUIRE(sd.wait_for("STOPPING=1", 10));
  CHECK(wait_exit(pid) == 0);
  const std::string log = slurp(dir + "/log.txt");
  CHECK_THAT(log, Catch::Contains("tightened to mode 0600"));
  CHECK_THAT(log, !Catch::Contains("readable by other users"));
  CHECK(sd.find("WATCHDOG=1", size_t(sd.find("STOPPING=1"))) == -1);  // no ping after STOPPING=1

  // Second start: the first run's journal file is restored before READY=1.
  sd.got.clear();
  pid = spawn_demo(dir, env);
  REQUIRE(sd.wait_for("READY=1", 30));
  const int restoring = sd.find("STATUS=restoring the journal: 0 of 1 files, 0 of ");
  CHECK(restoring == 0);
  CHECK(restoring < sd.find("READY=1"));
  ::kill(pid, SIGTERM);
  REQUIRE(sd.wait_for("STOPPING=1", 10));
  CHECK(wait_exit(pid) == 0);
  CHECK_THAT(slurp(dir + "/log.txt"), Catch::Contains("restored"));
  fs::remove_all(dir);
}

// The metrics behind MmscoreFinalReportMissing: a journal ending November (2026-12-01T00:00:00Z
// = 1796083200) is restored; the final report is written (its time shown), or cannot be
// (the report dir is a file: 0 stays, below the month's end: the alert's condition).
TEST_CASE("mmscore run: month-close and final-report metrics after a restore across a month end") {
  for (const bool writable : {true, false}) {
    const std::string dir = test_support::temp_dir("monthend");
    fs::copy_file(std::string(MMSCORE_SOURCE_DIR) + "/config/demo-tokens.txt", dir + "/tokens.txt");
    fs::create_directories(dir + "/journal");
    std::ofstream(dir + "/journal/journal-20261130T235900.000000Z.ndjson")
        << R"({"ts":1796083140000000,"src":"public","event":"connected"})" "\n"
        << R"({"ts":1796083205000000,"src":"public","event":"disconnected"})" "\n";
    if (!writable) std::ofstream(dir + "/reports") << "not a directory\n";
    NotifyListener sd(dir + "/notify.sock");
    const pid_t pid = spawn_demo(dir, {"NOTIFY_SOCKET=" + sd.address()});
    REQUIRE(sd.wait_for("READY=1", 30));
    const double now = double(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count());
    api_test::HttpResult metrics;
    for (int i = 0; i < 100 && metric(metrics.body, "mmscore_state_published") != 1; ++i) {  // the first publish
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      metrics = api_test::http_get(port_in(sd.got.back().text), "/metrics", kOpsToken);
    }
    ::kill(pid, SIGTERM);
    CHECK(wait_exit(pid) == 0);
    INFO(slurp(dir + "/log.txt"));
    REQUIRE(metrics.status == 200);
    CHECK(metric(metrics.body, "mmscore_month_closed_timestamp_seconds") == 1796083200);
    const double written = metric(metrics.body, "mmscore_final_report_timestamp_seconds");
    if (writable) {
      CHECK(written >= 1796083200);
      CHECK(written <= now + 1);
      CHECK_THAT(slurp(dir + "/reports/report-2026-11.json"), Catch::Contains(R"("final": true)"));
    } else {
      CHECK(written == 0);
    }
    fs::remove_all(dir);
  }
}

TEST_CASE("systemd notify: without NOTIFY_SOCKET nothing is sent and no thread runs") {
  ::unsetenv("NOTIFY_SOCKET");
  mm::ServiceNotifier notifier;
  CHECK_FALSE(notifier.enabled());
  notifier.live("x", [] { return uint64_t(0); });
  notifier.stopping("y");
}
