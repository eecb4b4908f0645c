#include <catch2/catch.hpp>

#include <pthread.h>
#include <sched.h>

#include <string>
#include <thread>
#include <vector>

#include "feeds/thread_setup.h"
#include "tests/support/thread_cpus.h"

using namespace mm;
using test_support::cpus_of_this_thread;

namespace {

// Runs `body` on a fresh thread, so the test runner's own affinity is never changed.
template <typename F>
void on_own_thread(F body) {
  std::thread t(body);
  t.join();
}

}  // namespace

TEST_CASE("engine_cpu: the others are kept off the engine's CPU, the engine runs only there", "[thread_setup]") {
  const std::vector<int> allowed = cpus_of_this_thread();
  if (allowed.size() < 2) {
    WARN("one CPU allowed here: nothing to split");
    return;
  }
  const int engine_cpu = allowed.back();
  std::vector<int> others, child_inherited, engine_mask;
  int engine_ran_on = -1;
  bool kept_off = false, pinned = false;
  on_own_thread([&] {
    kept_off = keep_this_thread_off(engine_cpu).ok();
    others = cpus_of_this_thread();
    on_own_thread([&] { child_inherited = cpus_of_this_thread(); });  // e.g. the network thread
    on_own_thread([&] {                                               // the engine thread
      pinned = pin_this_thread(engine_cpu).ok();
      engine_mask = cpus_of_this_thread();
      engine_ran_on = sched_getcpu();
    });
  });
  REQUIRE(kept_off);
  REQUIRE(pinned);
  std::vector<int> expected_others(allowed.begin(), allowed.end() - 1);
  CHECK(others == expected_others);
  CHECK(child_inherited == expected_others);
  CHECK(engine_mask == std::vector<int>{engine_cpu});
  CHECK(engine_ran_on == engine_cpu);
}

TEST_CASE("engine_cpu: a CPU the process may not use is refused with the reason", "[thread_setup]") {
  std::string off_error, pin_error, negative_error;
  bool off = true, pin = true, negative = true;
  std::vector<int> unchanged_before, unchanged_after;
  on_own_thread([&] {
    unchanged_before = cpus_of_this_thread();
    const auto off_result = keep_this_thread_off(1023);  // no CI machine has 1024 CPUs
    const auto pin_result = pin_this_thread(1023);
    const auto negative_result = pin_this_thread(-1);
    off = off_result.ok(), pin = pin_result.ok(), negative = negative_result.ok();
    if (!off) off_error = off_result.message();
    if (!pin) pin_error = pin_result.message();
    if (!negative) negative_error = negative_result.message();
    unchanged_after = cpus_of_this_thread();
  });
  CHECK_FALSE(off);
  CHECK(off_error.find("CPU 1023 is not one this process may run on") != std::string::npos);
  CHECK_FALSE(pin);
  CHECK(pin_error.find("cannot run on CPU 1023") != std::string::npos);
  CHECK_FALSE(negative);
  CHECK(negative_error == "CPU -1 does not exist");
  CHECK(unchanged_after == unchanged_before);
}

TEST_CASE("engine_cpu: the only CPU cannot be given to the engine alone", "[thread_setup]") {
  std::string error;
  bool off = true;
  on_own_thread([&] {
    const std::vector<int> allowed = cpus_of_this_thread();
    REQUIRE(pin_this_thread(allowed.front()));  // now this thread has one CPU
    const auto kept_off = keep_this_thread_off(allowed.front());
    off = kept_off.ok();
    if (!off) error = kept_off.message();
  });
  CHECK_FALSE(off);
  CHECK(error.find("is the only one this process may run on") != std::string::npos);
}

TEST_CASE("thread names show in /proc (top -H, perf)", "[thread_setup]") {
  char name[16] = {};
  on_own_thread([&] {
    name_this_thread("mm-engine");
    pthread_getname_np(pthread_self(), name, sizeof name);
  });
  CHECK(std::string(name) == "mm-engine");
}
