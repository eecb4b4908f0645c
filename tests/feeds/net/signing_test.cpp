// ED25519 signing: RFC 8032 known answers, the exact Backpack messages and frames, key files.
#include "feeds/signing.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace mm {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

std::array<uint8_t, 32> seed_of(std::string_view hex) {
  const std::string bytes = from_hex(hex);
  std::array<uint8_t, 32> seed{};
  std::copy(bytes.begin(), bytes.end(), seed.begin());
  return seed;
}

// RFC 8032 section 7.1, tests 1-3: secret key (seed), public key, message, signature.
struct Vector {
  const char *seed, *public_key, *message, *signature;
};
constexpr Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe246"
     "55141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb"
     "00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc"
     "027beceea1ec40a"},
};

// RFC 8032 test 1 seed, as Backpack API key (public) and secret; the signatures below
// were computed independently (Python `cryptography`).
constexpr std::string_view kSeed1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view kApiKey1 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
constexpr std::string_view kSecret1 = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
constexpr std::string_view kSubscribeSig =
    "pJ9+IStoG6LwKDRJOZJX1r/etHlofXr5YcNQhi0oxKhKGkrJgKE+Fu9EET26F6KL+HmqfdQlq6up1nrzDH1CCg==";
constexpr std::string_view kOrderQueryAllSig =
    "stZZQl3db007ZHY7YFD4vXmEi/OiNjp8qcPmbKwxeU4iegUBp74zryWfiTxOiClHKRArscl4M7naEzaCei2YAw==";

// A fresh temporary folder, removed afterwards.
struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mmscore-keys-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& content, mode_t mode) const {
    const std::string file = path + "/" + name;
    std::ofstream(file) << content;
    REQUIRE(::chmod(file.c_str(), mode) == 0);
    return file;
  }
};

}  // namespace

TEST_CASE("base64 round-trips and refuses what is not base64", "[signing]") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    const std::string e = base64_encode(s);
    CHECK(base64_decode(e) == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_decode("Zm9vYg") == "foob");  // padding optional
  CHECK_FALSE(base64_decode("Zm9v YmFy"));
  CHECK_FALSE(base64_decode("Zm9vYmE*"));
  CHECK_FALSE(base64_decode("Z"));
  CHECK_FALSE(base64_decode("Zm9vYh=="));  // non-zero trailing bits
  CHECK_FALSE(base64_decode("Zm9vYmFy="));
}

TEST_CASE("RFC 8032 section 7.1 test vectors 1-3: seed -> public key -> signature", "[signing]") {
  for (const Vector& v : kRfc8032) {
    INFO("seed " << v.seed);
    const std::optional<Ed25519Key> key = key_from_seed(seed_of(v.seed));
    REQUIRE(key);
    CHECK(base64_decode(key->public_key_b64) == from_hex(v.public_key));
    const std::string message = from_hex(v.message);
    const std::string signature = sign_b64(*key, message);
    CHECK(base64_decode(signature) == from_hex(v.signature));
    CHECK(verify_b64(key->public_key_b64, message, signature));
    CHECK_FALSE(verify_b64(key->public_key_b64, message + "x", signature));
    // The same key through the secret form Backpack hands out.
    const auto from_secret = key_from_secret_b64(base64_encode(from_hex(v.seed)));
    REQUIRE(from_secret);
    CHECK(from_secret->public_key_b64 == key->public_key_b64);
  }
}

TEST_CASE("secrets: the first 32 decoded bytes are the seed", "[signing]") {
  const std::string seed = from_hex(kSeed1);
  const std::string public_key = from_hex(kRfc8032[0].public_key);
  const auto key = key_from_secret_b64(base64_encode(seed + public_key));  // 64-byte form
  REQUIRE(key);
  CHECK(key->public_key_b64 == kApiKey1);
  CHECK(key_from_secret_b64("  " + std::string(kSecret1) + "\n")->public_key_b64 == kApiKey1);
  CHECK_FALSE(key_from_secret_b64(base64_encode(seed.substr(0, 31))));
  CHECK_FALSE(key_from_secret_b64("not base64!"));
  CHECK_FALSE(verify_b64("short", "m", std::string(kSubscribeSig)));
}

TEST_CASE("signing message: instruction, sorted params, timestamp, window", "[signing]") {
  CHECK(signing_message("subscribe", {}, 1700000000000, 5000) ==
        "instruction=subscribe&timestamp=1700000000000&window=5000");
  CHECK(signing_message("orderQueryAll", {{"symbol", "SOL_USDC"}, {"limit", "5"}, {"marketType", "SPOT"}}, 1, 60000) ==
        "instruction=orderQueryAll&limit=5&marketType=SPOT&symbol=SOL_USDC&timestamp=1&window=60000");
}

TEST_CASE("subscribe frame: exact text, signed and unsigned", "[signing]") {
  CHECK(subscribe_frame({"trade.SOL_USDC", "depth.SOL_USDC"}, nullptr, 0, 0) ==
        R"({"method":"SUBSCRIBE","params":["trade.SOL_USDC","depth.SOL_USDC"]})");

  const auto key = key_from_secret_b64(kSecret1);
  REQUIRE(key);
  const std::string frame = subscribe_frame({"account.orderUpdate"}, &*key, 1700000000000, 5000);
  CHECK(frame == R"({"method":"SUBSCRIBE","params":["account.orderUpdate"],"signature":[")" + std::string(kApiKey1) +
                     R"(",")" + std::string(kSubscribeSig) + R"(","1700000000000","5000"]})");
  CHECK(verify_b64(kApiKey1, "instruction=subscribe&timestamp=1700000000000&window=5000", kSubscribeSig));
  CHECK_FALSE(verify_b64(kApiKey1, "instruction=subscribe&timestamp=1700000000001&window=5000", kSubscribeSig));
}

TEST_CASE("signed REST headers for orderQueryAll", "[signing]") {
  const auto key = key_from_secret_b64(kSecret1);
  REQUIRE(key);
  const SignedHeaders h = sign_request(*key, "orderQueryAll", {}, 1700000000000, 5000);
  CHECK(h.api_key == kApiKey1);
  CHECK(h.signature == kOrderQueryAllSig);
  CHECK(h.timestamp == "1700000000000");
  CHECK(h.window == "5000");
}

TEST_CASE("key files: loaded trimmed, checked for mode and for a matching API key", "[signing]") {
  TempDir dir;
  const std::string key_file = dir.write("api.key", "  " + std::string(kApiKey1) + "\n", 0644);

  SECTION("good files") {
    const std::string secret_file = dir.write("api.secret", std::string(kSecret1) + "\r\n", 0600);
    const auto loaded = load_account_key(key_file, secret_file);
    REQUIRE(loaded);
    CHECK(loaded->api_key == kApiKey1);
    CHECK(loaded->key.seed == seed_of(kSeed1));
  }
  SECTION("a group- or world-readable secret is refused, naming the file, without the secret") {
    for (mode_t mode : {0644, 0640, 0604, 0660}) {
      const std::string secret_file = dir.write("open.secret", std::string(kSecret1), mode);
      const auto loaded = load_account_key(key_file, secret_file);
      REQUIRE_FALSE(loaded);
      const std::string& error = loaded.message();
      INFO(error);
      CHECK(error.find(secret_file) != std::string::npos);
      CHECK(error.find("readable by group or others") != std::string::npos);
      CHECK(error.find(kSecret1) == std::string::npos);
    }
  }
  SECTION("an API key that is not the secret's public key") {
    const std::string other = base64_encode(from_hex(kRfc8032[1].public_key));
    const std::string wrong_key_file = dir.write("wrong.key", other, 0600);
    const std::string secret_file = dir.write("api.secret", std::string(kSecret1), 0600);
    const auto loaded = load_account_key(wrong_key_file, secret_file);
    REQUIRE_FALSE(loaded);
    const std::string& error = loaded.message();
    INFO(error);
    CHECK(error.find(wrong_key_file) != std::string::npos);
    CHECK(error.find("does not match") != std::string::npos);
    CHECK(error.find(kSecret1) == std::string::npos);
  }
  SECTION("missing, empty and malformed files") {
    CHECK_FALSE(load_account_key(key_file, dir.path + "/missing"));
    const std::string empty = dir.write("empty.secret", "\n", 0600);
    CHECK(load_account_key(key_file, empty).message().find("empty") != std::string::npos);
    const std::string junk = dir.write("junk.secret", "%%%", 0600);
    CHECK(load_account_key(key_file, junk).message().find(junk) != std::string::npos);
  }
}

TEST_CASE("generated secrets and written key files round-trip with mode 0600", "[signing]") {
  TempDir dir;
  const std::string a = generate_secret_b64(), b = generate_secret_b64();
  CHECK(a != b);
  CHECK(base64_decode(a)->size() == 32);
  const std::string key_file = dir.path + "/k", secret_file = dir.write("s", "old", 0644);  // mode is tightened
  const auto written = write_key_files(key_file, secret_file, a);
  REQUIRE(written);
  for (const std::string& f : {key_file, secret_file}) {
    struct stat st {};
    REQUIRE(::stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  const auto loaded = load_account_key(key_file, secret_file);
  REQUIRE(loaded);
  CHECK(loaded->api_key == written->api_key);
  const std::string message = "instruction=subscribe&timestamp=1&window=5000";
  CHECK(verify_b64(loaded->api_key, message, sign_b64(loaded->key, message)));
}

}  // namespace mm
