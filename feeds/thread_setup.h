// Per-thread OS settings: names (so `top -H`, perf and gdb show which thread is busy)
// and CPU affinity (the engine on a core of its own, see [feed] engine_cpu).
#pragma once

#include <string>

#include "core/result.h"

namespace mm {

// At most 15 characters (Linux's limit); a longer name is ignored.
void name_this_thread(const char* name);

// Runs the calling thread on `cpu` only (even if it was created off it). An error if the
// process may not use that CPU.
Result<> pin_this_thread(int cpu);

// Keeps the calling thread, and every thread it creates from now on, off `cpu`: call it
// early, so that only the thread pinned there later runs there. An error if `cpu` is not
// one this process may use, or no other CPU would be left.
Result<> keep_this_thread_off(int cpu);

}  // namespace mm
