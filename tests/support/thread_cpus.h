// The CPUs the calling thread may run on, in ascending order (affinity tests).
#pragma once

#include <pthread.h>
#include <sched.h>

#include <vector>

namespace test_support {

inline std::vector<int> cpus_of_this_thread() {
  cpu_set_t set;
  CPU_ZERO(&set);
  pthread_getaffinity_np(pthread_self(), sizeof set, &set);
  std::vector<int> out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

}  // namespace test_support
