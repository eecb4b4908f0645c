#include "daemon/cli_args.h"

namespace mm {

Result<> CliArgs::parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    if (switches_.count(a)) {
      if (inline_value) return make_error("option " + a + " takes no value");
      values_[a].push_back("");
    } else if (valued_.count(a)) {
      if (!inline_value) {
        if (i + 1 >= argc) return make_error("option " + a + " needs a value");
        value = argv[++i];
      }
      values_[a].push_back(value);
    } else {
      return make_error("unknown option " + a);
    }
  }
  return {};
}

std::optional<std::string> CliArgs::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CliArgs::all(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace mm
