// mmscore: live scoring daemon for crypto-exchange market-maker programs.
#include <cstdio>
#include <cstring>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/commands.h"
#include "feeds/journal_writer.h"  // mmscore_version()

namespace {

struct CommandHelp {
  const char* name;
  const char* usage;  // its lines of the general help
};

constexpr CommandHelp kCommands[] = {
    {"check-config", "  check-config FILE                 validate a config and print its summary\n"},
    {"explain",
     "  explain --config FILE --journal J [--journal J2 ...] --mm ID [--market SYMBOL]\n"
     "          [--from T] [--to T] [--format json|csv] [--orders] [--allow-config-change]\n"
     "                                    the evidence of every snapshot for one MM (why it\n"
     "                                    counted or not), from a replay of the journals;\n"
     "                                    T: RFC 3339 UTC or integer microseconds, from <= t < to\n"},
    {"replay",
     "  replay --config FILE --journal J [--journal J2 ...] --out DIR [--csv]\n"
     "         [--allow-config-change]\n"
     "                                    rebuild month reports from recorded journals, in\n"
     "                                    the order written (refused otherwise); journals of\n"
     "                                    another config only with --allow-config-change\n"},
    {"run",
     "  run --config FILE [--journal-dir DIR] [--report-dir DIR] [--api-listen HOST:PORT]\n"
     "      [--tokens FILE] [--duration SECONDS] [--print-every SECONDS]\n"
     "                                    the live daemon (SIGINT/SIGTERM: report, exit 0;\n"
     "                                    SIGHUP: re-read the API token file)\n"},
    {"verify",
     "  verify --manifest FILE --config FILE\n"
     "                                    check a closed month: re-hash the config, journals,\n"
     "                                    report and statements its manifest names, replay the\n"
     "                                    journals, compare; names the first difference (exit 1)\n"},
    {"simulate",
     "  simulate --config FILE --listen HOST:PORT [--seed N] [--tls-cert C --tls-key K]\n"
     "           [--rate N] [--faults SPEC] [--ground-truth FILE] [--duration SECONDS]\n"
     "           [--history-retention N]\n"
     "                                    a Backpack-protocol exchange simulator\n"},
};

constexpr const char* kExitStatus = "exit status: 0 success, 2 unusable arguments, unreadable file or config error\n";

std::string usage() {
  std::string out = "usage: mmscore <command> [options]\n\ncommands:\n";
  for (const CommandHelp& c : kCommands) out += c.usage;
  out += "  help [COMMAND], COMMAND --help    this text, or one command's\n";
  out += "  --version                         the version\n\n";
  return out + kExitStatus;
}

const CommandHelp* command_help(const std::string& name) {
  for (const CommandHelp& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

// "help CMD" and "CMD --help": that command's lines on stdout, exit 0.
int print_command_help(const CommandHelp& c) {
  std::printf("usage: mmscore %s ...\n\n%s\n%s", c.name, c.usage, kExitStatus);
  return mm::kExitOk;
}

bool is_help_flag(const char* arg) { return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(usage().c_str(), stderr);
    return mm::kExitUsage;
  }
  // Logs go to stderr: stdout is for what a command prints (summaries, reports).
  spdlog::set_default_logger(spdlog::stderr_color_mt("mmscore"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  const std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    // The CMake version, and where the build came from when it was built from a git checkout.
    const std::string_view git = MMSCORE_GIT_DESCRIBE;
    if (git.empty()) std::printf("mmscore %s\n", std::string(mm::mmscore_version()).c_str());
    else std::printf("mmscore %s (git %s)\n", std::string(mm::mmscore_version()).c_str(), std::string(git).c_str());
    return mm::kExitOk;
  }
  if (const CommandHelp* help = command_help(cmd); help && argc >= 3 && is_help_flag(argv[2]))
    return print_command_help(*help);
  if (cmd == "help" && argc >= 3) {
    if (const CommandHelp* help = command_help(argv[2])) return print_command_help(*help);
    std::fprintf(stderr, "mmscore: no command '%s'\n\n%s", argv[2], usage().c_str());
    return mm::kExitUsage;
  }
  if (cmd == "check-config") return mm::check_config_command(argc, argv);
  if (cmd == "explain") return mm::explain_command(argc, argv);
  if (cmd == "replay") return mm::replay_command(argc, argv);
  if (cmd == "verify") return mm::verify_command(argc, argv);
  if (cmd == "run") return mm::run_command(argc, argv);
  if (cmd == "simulate") return mm::simulate_command(argc, argv);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(usage().c_str(), stdout);
    return mm::kExitOk;
  }
  std::fprintf(stderr, "mmscore: unknown command '%s'\n\n%s", cmd.c_str(), usage().c_str());
  return mm::kExitUsage;
}
