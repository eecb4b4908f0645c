// Tests that run the mmscore binary (or another one) as a child process: started with
// its stdout and stderr in files, waited for, its exit status as a shell reports it.
#pragma once

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <string>
#include <vector>

extern char** environ;

namespace test_support {

enum class Output { truncate, append };

// `argv[0]` with the rest as its arguments, in this process's environment.
inline pid_t spawn_child(std::vector<std::string> argv, const std::string& out_file, const std::string& err_file,
                         Output mode = Output::truncate) {
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int flags = O_WRONLY | O_CREAT | (mode == Output::append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), flags, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), flags, 0644);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(spawned == 0);
  return pid;
}

// The exit status, or 128 + the signal that ended it.
inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace test_support
