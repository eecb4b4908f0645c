#include "feeds/thread_setup.h"

#include <pthread.h>
#include <sched.h>

#include <cstring>

namespace mm {
namespace {

Result<cpu_set_t> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (const int rc = pthread_getaffinity_np(pthread_self(), sizeof set, &set); rc != 0)
    return make_error(std::string("cannot read the CPU affinity: ") + std::strerror(rc));
  return set;
}

Result<> check_allowed(int cpu, const cpu_set_t& set) {
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &set))
    return make_error("CPU " + std::to_string(cpu) + " is not one this process may run on (" +
                      std::to_string(CPU_COUNT(&set)) + " allowed; see taskset -p)");
  return {};
}

Result<> set_affinity(const cpu_set_t& set) {
  if (const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set); rc != 0)
    return make_error(std::string("cannot set the CPU affinity: ") + std::strerror(rc));
  return {};
}

}  // namespace

void name_this_thread(const char* name) { (void)pthread_setname_np(pthread_self(), name); }

Result<> pin_this_thread(int cpu) {
  // No check against this thread's mask: it may have been created off `cpu` on purpose.
  if (cpu < 0 || cpu >= CPU_SETSIZE) return make_error("CPU " + std::to_string(cpu) + " does not exist");
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (auto set_ok = set_affinity(set); !set_ok)
    return make_error("cannot run on CPU " + std::to_string(cpu) + " (" + set_ok.message() + ")");
  return {};
}

Result<> keep_this_thread_off(int cpu) {
  auto set = allowed_cpus();
  if (!set) return set.error();
  if (auto allowed = check_allowed(cpu, *set); !allowed) return allowed;
  CPU_CLR(cpu, &*set);
  if (CPU_COUNT(&*set) == 0)
    return make_error("CPU " + std::to_string(cpu) +
                      " is the only one this process may run on: nothing left for the other threads");
  return set_affinity(*set);
}

}  // namespace mm
