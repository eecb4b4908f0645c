// `mmscore check-config` on a config whose named files have three faults: each is
// reported, with the config file's line of the key that names the file. And the tokens
// file mode: only warned about in production.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feeds/signing.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs mmscore with `args`; its stderr in `err`. Returns the exit status.
int run(const std::vector<std::string>& args, const std::string& dir, std::string& err) {
  std::vector<std::string> all{MMSCORE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  const int status = test_support::wait_exit(test_support::spawn_child(all, "/dev/null", dir + "/stderr"));
  err = slurp(dir + "/stderr");
  return status;
}

// The faults of the test below are on lines 21, 26 and 33 (counted by hand).
constexpr const char* kConfig = R"([program]
pool_usd = 300000
[snapshot]
interval = "60s"
[[categories]]
name = "spot"
pool_usd = 300000
tiers = [ { tier = 1, pool_usd = 300000, markets = ["SOL_USDC"] } ]
[[markets]]
symbol = "SOL_USDC"
category = "spot"
[[mms]]
id = "bravo"
joined = "2025-01"
[[mms.accounts]]
name = "main"
api_key_file = "keys/bravo.key"
api_secret_file = "keys/bravo.secret"
[[mms.accounts]]
name = "hedge"
api_key_file = "keys/bravo-hedge.key"
api_secret_file = "keys/bravo.secret"
[[mms]]
id = "alpha"
joined = "2025-01"
accounts = [ { name = "main", api_key_file = "keys/alpha.key", api_secret_file = "keys/alpha.secret" } ]
[feed]
ws_url = "wss://ws.backpack.exchange"
rest_url = "https://api.backpack.exchange"
[journal]
dir = "journal"
[api]
tokens_file = "tokens.txt"
[simulator]
enabled = false
listen = "127.0.0.1:0"
)";

// Every file kConfig names, usable (secrets 0600, the tokens file 0600 and valid).
void write_good_files(const std::string& dir) {
  fs::create_directories(dir + "/keys");
  REQUIRE(mm::write_key_files(dir + "/keys/bravo.key", dir + "/keys/bravo.secret", mm::generate_secret_b64()));
  fs::copy_file(dir + "/keys/bravo.key", dir + "/keys/bravo-hedge.key");
  REQUIRE(mm::write_key_files(dir + "/keys/alpha.key", dir + "/keys/alpha.secret", mm::generate_secret_b64()));
  std::ofstream(dir + "/tokens.txt") << "some-ops-token-000000000001 ops\nsome-mm-token-0000000000001 mm:alpha\n";
  ::chmod((dir + "/tokens.txt").c_str(), 0600);
  std::ofstream(dir + "/mmscore.toml") << kConfig;
}

}  // namespace

TEST_CASE("check-config: three faulty files, three errors, each with the line of its key") {
  const std::string dir = test_support::temp_dir("lines");
  write_good_files(dir);
  std::string err;
  REQUIRE(run({"check-config", dir + "/mmscore.toml"}, dir, err) == 0);  // then three faults:
  fs::remove(dir + "/keys/bravo-hedge.key");                           // bravo/hedge, line 21
  ::chmod((dir + "/keys/alpha.secret").c_str(), 0644);                  // alpha/main, line 26
  std::ofstream(dir + "/tokens.txt") << "some-mm-token-0000000000001 mm:zulu\n";  // line 33
  const std::string config = dir + "/mmscore.toml";

  CHECK(run({"check-config", config}, dir, err) == 2);
  // Program order (MMs sorted by id), then the tokens file; one line each.
  const std::string expected =
      config + ":26: mms.alpha.accounts.main: " + dir + "/keys/alpha.secret: API secret file is readable by group or "
      "others (mode 0644); refusing to use it: run chmod 600 " + dir + "/keys/alpha.secret\n" +
      config + ":21: mms.bravo.accounts.hedge: " + dir + "/keys/bravo-hedge.key: cannot open API key file: ";
  CHECK_THAT(err, Catch::StartsWith(expected));
  CHECK_THAT(err, Catch::Contains("\n" + config + ":33: api.tokens_file: " + dir + "/tokens.txt"));
  CHECK_THAT(err, Catch::Contains("zulu"));
  size_t lines = 0;
  for (char c : err) lines += c == '\n';
  CHECK(lines == 3);

  // `run` refuses the same way, before creating any file.
  CHECK(run({"run", "--config", config}, dir, err) == 2);
  CHECK_THAT(err, Catch::Contains(config + ":26: mms.alpha.accounts.main: ") && Catch::Contains(config + ":21: ") &&
                      Catch::Contains(config + ":33: api.tokens_file: "));
  CHECK_FALSE(fs::exists(dir + "/journal"));
  fs::remove_all(dir);
}

TEST_CASE("check-config: a production tokens file readable by others is warned about, not changed") {
  const std::string dir = test_support::temp_dir("tokmode");
  write_good_files(dir);
  ::chmod((dir + "/tokens.txt").c_str(), 0644);
  std::string err;
  CHECK(run({"check-config", dir + "/mmscore.toml"}, dir, err) == 0);
  CHECK_THAT(err, Catch::Contains(dir + "/tokens.txt is readable by other users; chmod 600 it"));
  struct stat st {};
  REQUIRE(::stat((dir + "/tokens.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  fs::remove_all(dir);
}
