#include "daemon/config_files.h"

#include "daemon/api/token_store.h"
#include "feeds/net/exchange_client.h"
#include "feeds/signing.h"

namespace mm {

namespace {

// The demo's simulator generates missing key files at start: nothing to check there.
void check_account_keys(const Settings& s, std::vector<std::string>& problems) {
  if (s.simulator.enabled) return;
  for (size_t i = 0; i < s.program.mms.size() && i < s.accounts.size(); ++i) {
    for (const AccountSettings& a : s.accounts[i]) {
      const std::string key = "mms." + s.program.mms[i].id + ".accounts." + a.name;
      if (a.api_key_file.empty() || a.api_secret_file.empty()) {
        problems.push_back(key + ": api_key_file and api_secret_file are required (no simulator)");
        continue;
      }
      if (auto loaded = load_account_key(a.api_key_file, a.api_secret_file); !loaded)
        problems.push_back(key + ": " + loaded.message());
    }
  }
}

void check_tokens(const Settings& s, std::vector<std::string>& problems) {
  if (s.api.tokens_file.empty()) return;
  api::TokenStore tokens(s.program);
  if (auto loaded = tokens.load(s.api.tokens_file); !loaded) problems.push_back("api.tokens_file: " + loaded.message());
}

void check_feed(const Settings& s, std::vector<std::string>& problems) {
  if (s.simulator.enabled) return;  // the URLs and CA are the simulator's
  ClientOptions c;
  c.ws_url = s.feed.ws_url;
  c.rest_url = s.feed.rest_url;
  c.ca_file = s.feed.ca_file;
  c.window_ms = s.feed.window_ms;
  if (auto ok = check_client_options(c); !ok) problems.push_back("feed." + ok.message());
}

}  // namespace

std::vector<std::string> check_config_files(const Settings& settings) {
  std::vector<std::string> problems;
  check_account_keys(settings, problems);
  check_tokens(settings, problems);
  check_feed(settings, problems);
  return problems;
}

}  // namespace mm
