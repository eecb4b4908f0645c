#include "feeds/thread_setup.h"

#include <pthread.h>
#include <sched.h>

#include <cstring>

namespace mm {
namespace {

bool allowed_cpus(cpu_set_t& set, std::string& error) {
  CPU_ZERO(&set);
  if (const int rc = pthread_getaffinity_np(pthread_self(), sizeof set, &set); rc != 0) {
    error = std::string("cannot read the CPU affinity: ") + std::strerror(rc);
    return false;
  }
  return true;
}

bool check_allowed(int cpu, const cpu_set_t& set, std::string& error) {
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &set)) {
    error = "CPU " + std::to_string(cpu) + " is not one this process may run on (" + std::to_string(CPU_COUNT(&set)) +
            " allowed; see taskset -p)";
    return false;
  }
  return true;
}

bool set_affinity(const cpu_set_t& set, std::string& error) {
  if (const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set); rc != 0) {
    error = std::string("cannot set the CPU affinity: ") + std::strerror(rc);
    return false;
  }
  return true;
}

}  // namespace

void name_this_thread(const char* name) { (void)pthread_setname_np(pthread_self(), name); }

bool pin_this_thread(int cpu, std::string& error) {
  // No check against this thread's mask: it may have been created off `cpu` on purpose.
  if (cpu < 0 || cpu >= CPU_SETSIZE) {
    error = "CPU " + std::to_string(cpu) + " does not exist";
    return false;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (set_affinity(set, error)) return true;
  error = "cannot run on CPU " + std::to_string(cpu) + " (" + error + ")";
  return false;
}

bool keep_this_thread_off(int cpu, std::string& error) {
  cpu_set_t set;
  if (!allowed_cpus(set, error) || !check_allowed(cpu, set, error)) return false;
  CPU_CLR(cpu, &set);
  if (CPU_COUNT(&set) == 0) {
    error = "CPU " + std::to_string(cpu) + " is the only one this process may run on: nothing left for the other threads";
    return false;
  }
  return set_affinity(set, error);
}

}  // namespace mm
