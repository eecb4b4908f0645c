// Backpack request signing (BACKPACK.md "Private streams"): ED25519 over
// "instruction=..&<sorted params>&timestamp=..&window=..", keys and signatures in base64.
// Plain OpenSSL EVP; no networking here, so the simulator can verify with the same code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace mm {

// Standard alphabet with '=' padding. Decoding accepts missing padding and refuses
// anything else that is not base64 (whitespace included).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

struct Ed25519Key {
  std::array<uint8_t, 32> seed{};  // the private part: never log it
  std::string public_key_b64;      // what Backpack calls the API key
};

// The API secret is base64; its first 32 decoded bytes are the seed (a 64-byte
// seed+public form is accepted too). nullopt when it is not base64 or too short.
std::optional<Ed25519Key> key_from_secret_b64(std::string_view secret_b64);
std::optional<Ed25519Key> key_from_seed(const std::array<uint8_t, 32>& seed);

std::string sign_b64(const Ed25519Key& key, std::string_view message);
bool verify_b64(std::string_view public_key_b64, std::string_view message, std::string_view signature_b64);

// "instruction=<i>&<k1>=<v1>&...&timestamp=<ms>&window=<ms>", params sorted by key (then
// value). Values are used as given: the exchange signs the unencoded form.
std::string signing_message(std::string_view instruction, std::vector<std::pair<std::string, std::string>> params,
                            int64_t timestamp_ms, int64_t window_ms);

// {"method":"SUBSCRIBE","params":[...]} plus, with a key,
// "signature":["<public key>","<signature>","<ts>","<window>"] over
// signing_message("subscribe", {}, ts, window).
std::string subscribe_frame(const std::vector<std::string>& streams, const Ed25519Key* key, int64_t timestamp_ms,
                            int64_t window_ms);

// The X-* headers of a signed REST request.
struct SignedHeaders {
  std::string api_key, signature, timestamp, window;
};
SignedHeaders sign_request(const Ed25519Key& key, std::string_view instruction,
                           std::vector<std::pair<std::string, std::string>> params, int64_t timestamp_ms,
                           int64_t window_ms);

struct AccountKey {
  std::string api_key;  // base64 public key, as sent in X-API-Key
  Ed25519Key key;
};

// Reads an account's key files: surrounding whitespace trimmed; the secret file must not
// be readable by group or others; the API key must be the secret's public key. Errors
// name the file and never contain the secret.
Result<AccountKey> load_account_key(const std::string& api_key_file, const std::string& api_secret_file);

// A fresh random seed in base64 (demo accounts, the simulator).
std::string generate_secret_b64();

// Writes both files with mode 0600 (replacing existing ones) and returns the key, or an
// error naming the file.
Result<AccountKey> write_key_files(const std::string& api_key_file, const std::string& api_secret_file,
                                   std::string_view secret_b64);

}  // namespace mm
