// The mmscore subcommands. Each returns the process exit status:
// 0 success, 2 unusable arguments, unreadable input or a config error.
#pragma once

namespace mm {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // runtime failure after a good start
inline constexpr int kExitUsage = 2;

int check_config_command(int argc, char** argv);
int explain_command(int argc, char** argv);
int verify_command(int argc, char** argv);
int replay_command(int argc, char** argv);
int run_command(int argc, char** argv);
int simulate_command(int argc, char** argv);

}  // namespace mm
