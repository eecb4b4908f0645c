#include "daemon/config_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "daemon/api/token_store.h"
#include "feeds/net/exchange_client.h"
#include "feeds/signing.h"

namespace mm {

namespace {

// "CONFIG:LINE: KEY: what", the line of `config_key` (just "CONFIG: KEY: what" when
// that key is not in the file).
std::string problem(const Settings& s, std::string_view config_key, const std::string& key, const std::string& what) {
  const uint32_t line = s.line_of(config_key);
  return s.path + (line ? ":" + std::to_string(line) : std::string()) + ": " + key + ": " + what;
}

// The key whose file `message` is about: load_account_key's messages start with the file.
std::string account_file_key(const AccountSettings& a, const std::string& message) {
  if (message.rfind(a.api_key_file + ":", 0) == 0) return a.key + ".api_key_file";
  if (message.rfind(a.api_secret_file + ":", 0) == 0) return a.key + ".api_secret_file";
  return a.key + ".name";
}

// The demo's simulator generates missing key files at start: nothing to check there.
void check_account_keys(const Settings& s, std::vector<std::string>& problems) {
  if (s.simulator.enabled) return;
  for (size_t i = 0; i < s.program.mms.size() && i < s.accounts.size(); ++i) {
    for (const AccountSettings& a : s.accounts[i]) {
      const std::string key = "mms." + s.program.mms[i].id + ".accounts." + a.name;
      if (a.api_key_file.empty() || a.api_secret_file.empty()) {
        const std::string at = s.line_of(a.key + ".name") ? a.key + ".name" : a.key + ".id";  // implied account
        problems.push_back(problem(s, at, key, "api_key_file and api_secret_file are required (no simulator)"));
        continue;
      }
      if (auto loaded = load_account_key(a.api_key_file, a.api_secret_file); !loaded)
        problems.push_back(problem(s, account_file_key(a, loaded.message()), key, loaded.message()));
    }
  }
}

void check_tokens(const Settings& s, std::vector<std::string>& problems) {
  if (s.api.tokens_file.empty()) return;
  api::TokenStore tokens(s.program);
  if (auto loaded = tokens.load(s.api.tokens_file); !loaded)
    problems.push_back(problem(s, "api.tokens_file", "api.tokens_file", loaded.message()));
}

void check_feed(const Settings& s, std::vector<std::string>& problems) {
  if (s.simulator.enabled) return;  // the URLs and CA are the simulator's
  ClientOptions c;
  c.ws_url = s.feed.ws_url;
  c.rest_url = s.feed.rest_url;
  c.ca_file = s.feed.ca_file;
  c.window_ms = s.feed.window_ms;
  if (auto ok = check_client_options(c); !ok) {
    // "ca_file: reason": the message names the [feed] key.
    const std::string& m = ok.message();
    const std::string key = "feed." + m.substr(0, m.find(':'));
    problems.push_back(problem(s, key, key, m.substr(std::min(m.size(), m.find(':') + 2))));
  }
}

}  // namespace

std::vector<std::string> check_config_files(const Settings& settings) {
  std::vector<std::string> problems;
  check_account_keys(settings, problems);
  check_tokens(settings, problems);
  check_feed(settings, problems);
  return problems;
}

void tighten_demo_tokens_file(const Settings& settings) {
  const std::string& path = settings.api.tokens_file;
  if (!settings.simulator.enabled || path.empty()) return;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) return;
  if (::chmod(path.c_str(), 0600) != 0) {
    spdlog::warn("api: cannot chmod 600 the demo tokens file {}: {}", path, std::strerror(errno));
    return;
  }
  spdlog::info("api: demo tokens file {} tightened to mode 0600 (the simulator is on: it is the demo's own file)",
               path);
}

}  // namespace mm
