#include <cstdio>

#include "config/config.h"
#include "daemon/config_files.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"

namespace mm {

int check_config_command(int argc, char** argv) {
  CliArgs args({}, {});
  if (auto parsed = args.parse(argc, argv, 2); !parsed || args.positional().size() != 1) {
    std::fprintf(stderr, "mmscore check-config: %s\nusage: mmscore check-config FILE\n",
                 !parsed ? parsed.message().c_str() : "expected exactly one config file");
    return kExitUsage;
  }
  auto loaded = load_config_file(args.positional()[0]);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());
    return kExitUsage;
  }
  // What was understood, then the files it names as `run` will use them: every
  // problem, not only the first.
  std::fputs(summarize(*loaded).c_str(), stdout);
  const std::vector<std::string> problems = check_config_files(*loaded);
  for (const std::string& p : problems) std::fprintf(stderr, "%s\n", p.c_str());  // CONFIG:LINE: KEY: ...
  if (!problems.empty()) return kExitUsage;
  std::fputs("config OK\n", stdout);
  return kExitOk;
}

}  // namespace mm
