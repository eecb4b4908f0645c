#include <cstdio>

#include "config/config.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"

namespace mm {

int check_config_command(int argc, char** argv) {
  CliArgs args({}, {});
  if (auto err = args.parse(argc, argv, 2); err || args.positional().size() != 1) {
    std::fprintf(stderr, "mmscore check-config: %s\nusage: mmscore check-config FILE\n",
                 err ? err->c_str() : "expected exactly one config file");
    return kExitUsage;
  }
  auto loaded = load_config_file(args.positional()[0]);
  if (auto* e = std::get_if<ConfigError>(&loaded)) {
    std::fprintf(stderr, "%s\n", e->message.c_str());
    return kExitUsage;
  }
  std::fputs(summarize(std::get<Settings>(loaded)).c_str(), stdout);
  std::fputs("config OK\n", stdout);
  return kExitOk;
}

}  // namespace mm
