// Tiny command-line parser for the subcommands: "--flag value", "--flag=value",
// repeated flags, boolean switches. Unknown flags are errors, never ignored.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace mm {

class CliArgs {
 public:
  // `valued`: flags that take a value; `switches`: flags that do not.
  CliArgs(std::set<std::string> valued, std::set<std::string> switches)
      : valued_(std::move(valued)), switches_(std::move(switches)) {}

  // Parses argv[first..].
  Result<> parse(int argc, char** argv, int first);

  bool has(const std::string& flag) const { return values_.count(flag) != 0; }
  std::optional<std::string> get(const std::string& flag) const;
  std::vector<std::string> all(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::set<std::string> valued_, switches_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace mm
