// mmscore: live scoring daemon for crypto-exchange market-maker programs.
#include <cstdio>
#include <cstring>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/commands.h"

namespace {

const char* kUsage =
    "usage: mmscore <command> [options]\n"
    "\n"
    "commands:\n"
    "  check-config FILE                 validate a config and print its summary\n"
    "  replay --config FILE --journal J [--journal J2 ...] --out DIR [--csv]\n"
    "         [--allow-config-change]\n"
    "                                    rebuild month reports from recorded journals, in\n"
    "                                    the order written (refused otherwise); journals of\n"
    "                                    another config only with --allow-config-change\n"
    "  run --config FILE [--journal-dir DIR] [--report-dir DIR] [--api-listen HOST:PORT]\n"
    "      [--tokens FILE] [--duration SECONDS] [--print-every SECONDS]\n"
    "                                    the live daemon (SIGINT/SIGTERM: report, exit 0;\n"
    "                                    SIGHUP: re-read the API token file)\n"
    "  simulate --config FILE --listen HOST:PORT [--seed N] [--tls-cert C --tls-key K]\n"
    "           [--rate N] [--faults SPEC] [--ground-truth FILE] [--duration SECONDS]\n"
    "           [--history-retention N]\n"
    "                                    a Backpack-protocol exchange simulator\n"
    "  help                              this text\n"
    "\n"
    "exit status: 0 success, 2 unusable arguments, unreadable file or config error\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return mm::kExitUsage;
  }
  // Logs go to stderr: stdout is for what a command prints (summaries, reports).
  spdlog::set_default_logger(spdlog::stderr_color_mt("mmscore"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  const std::string cmd = argv[1];
  if (cmd == "check-config") return mm::check_config_command(argc, argv);
  if (cmd == "replay") return mm::replay_command(argc, argv);
  if (cmd == "run") return mm::run_command(argc, argv);
  if (cmd == "simulate") return mm::simulate_command(argc, argv);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return mm::kExitOk;
  }
  std::fprintf(stderr, "mmscore: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return mm::kExitUsage;
}
