#include "feeds/signing.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace mm {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Wipes a string holding secret bytes when it goes out of scope.
struct Wipe {
  std::string& s;
  ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
};

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

// Reads a whole small file through an open descriptor; "" plus error on failure.
bool read_fd(int fd, std::string& out) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      OPENSSL_cleanse(buffer, sizeof buffer);
      return false;
    }
    out.append(buffer, size_t(n));
    if (out.size() > (1 << 16)) break;  // key files are tiny; do not slurp a wrong path
  }
  OPENSSL_cleanse(buffer, sizeof buffer);
  return true;
}

std::string errno_text(int e) { return std::strerror(e); }

Result<> write_private_file(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(path + ": cannot create: " + errno_text(errno));
  // An existing file keeps its old mode through O_CREAT: tighten it first.
  if (::fchmod(fd, 0600) != 0) {
    const int e = errno;
    ::close(fd);
    return make_error(path + ": cannot chmod 0600: " + errno_text(e));
  }
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return make_error(path + ": write failed: " + errno_text(e));
    }
    done += size_t(n);
  }
  if (::close(fd) != 0) return make_error(path + ": close failed: " + errno_text(errno));
  return {};
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  if (padding > 0 && (text.size() + padding) % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = decode_char(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so that every byte string has one encoding.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::optional<Ed25519Key> key_from_seed(const std::array<uint8_t, 32>& seed) {
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pkey) return std::nullopt;
  unsigned char pub[32];
  size_t pub_len = sizeof pub;
  if (EVP_PKEY_get_raw_public_key(pkey.get(), pub, &pub_len) != 1 || pub_len != 32) return std::nullopt;
  Ed25519Key key;
  key.seed = seed;
  key.public_key_b64 = base64_encode(std::string_view(reinterpret_cast<const char*>(pub), pub_len));
  return key;
}

std::optional<Ed25519Key> key_from_secret_b64(std::string_view secret_b64) {
  std::optional<std::string> raw = base64_decode(trim(secret_b64));
  if (!raw) return std::nullopt;
  Wipe wipe{*raw};
  if (raw->size() < 32) return std::nullopt;
  std::array<uint8_t, 32> seed;
  std::memcpy(seed.data(), raw->data(), 32);
  std::optional<Ed25519Key> key = key_from_seed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return key;
}

std::string sign_b64(const Ed25519Key& key, std::string_view message) {
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.seed.data(), key.seed.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx) return {};
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return {};
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1)
    return {};
  return base64_encode(std::string_view(reinterpret_cast<const char*>(sig), sig_len));
}

bool verify_b64(std::string_view public_key_b64, std::string_view message, std::string_view signature_b64) {
  const std::optional<std::string> pub = base64_decode(public_key_b64);
  const std::optional<std::string> sig = base64_decode(signature_b64);
  if (!pub || !sig || pub->size() != 32 || sig->size() != 64) return false;
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(pub->data()),
                                        pub->size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string signing_message(std::string_view instruction, std::vector<std::pair<std::string, std::string>> params,
                            int64_t timestamp_ms, int64_t window_ms) {
  std::sort(params.begin(), params.end());
  std::string out = "instruction=";
  out += instruction;
  for (const auto& [k, v] : params) {
    out += '&';
    out += k;
    out += '=';
    out += v;
  }
  out += "&timestamp=" + std::to_string(timestamp_ms);
  out += "&window=" + std::to_string(window_ms);
  return out;
}

std::string subscribe_frame(const std::vector<std::string>& streams, const Ed25519Key* key, int64_t timestamp_ms,
                            int64_t window_ms) {
  std::string out = R"({"method":"SUBSCRIBE","params":[)";
  for (size_t i = 0; i < streams.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, streams[i]);
  }
  out += ']';
  if (key) {
    const std::string signature = sign_b64(*key, signing_message("subscribe", {}, timestamp_ms, window_ms));
    out += R"(,"signature":[)";
    append_json_string(out, key->public_key_b64);
    out += ',';
    append_json_string(out, signature);
    out += ',';
    append_json_string(out, std::to_string(timestamp_ms));
    out += ',';
    append_json_string(out, std::to_string(window_ms));
    out += ']';
  }
  out += '}';
  return out;
}

SignedHeaders sign_request(const Ed25519Key& key, std::string_view instruction,
                           std::vector<std::pair<std::string, std::string>> params, int64_t timestamp_ms,
                           int64_t window_ms) {
  SignedHeaders h;
  h.api_key = key.public_key_b64;
  h.signature = sign_b64(key, signing_message(instruction, std::move(params), timestamp_ms, window_ms));
  h.timestamp = std::to_string(timestamp_ms);
  h.window = std::to_string(window_ms);
  return h;
}

Result<AccountKey> load_account_key(const std::string& api_key_file, const std::string& api_secret_file) {
  // The secret: check its mode on the descriptor we read from (no race with a chmod).
  std::string secret;
  Wipe wipe{secret};
  {
    const int fd = ::open(api_secret_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(api_secret_file + ": cannot open API secret file: " + errno_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int e = errno;
      ::close(fd);
      return make_error(api_secret_file + ": cannot stat API secret file: " + errno_text(e));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      return make_error(api_secret_file + ": API secret file is not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
      ::close(fd);
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
      return make_error(api_secret_file + ": API secret file is readable by group or others (mode " + mode +
                        "); refusing to use it: run chmod 600 " + api_secret_file);
    }
    const bool ok = read_fd(fd, secret);
    const int e = errno;
    ::close(fd);
    if (!ok) return make_error(api_secret_file + ": cannot read API secret file: " + errno_text(e));
  }
  std::string api_key;
  {
    const int fd = ::open(api_key_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(api_key_file + ": cannot open API key file: " + errno_text(errno));
    const bool ok = read_fd(fd, api_key);
    const int e = errno;
    ::close(fd);
    if (!ok) return make_error(api_key_file + ": cannot read API key file: " + errno_text(e));
  }
  const std::string_view secret_text = trim(secret);
  if (secret_text.empty()) return make_error(api_secret_file + ": API secret file is empty");
  std::optional<Ed25519Key> key = key_from_secret_b64(secret_text);
  if (!key) return make_error(api_secret_file + ": API secret is not base64 of at least 32 bytes");
  const std::string_view key_text = trim(api_key);
  if (key_text.empty()) return make_error(api_key_file + ": API key file is empty");
  if (key_text != key->public_key_b64)
    return make_error(api_key_file + ": API key does not match the secret in " + api_secret_file +
           " (the secret's public key is " + key->public_key_b64 + ")");
  return AccountKey{std::string(key_text), std::move(*key)};
}

std::string generate_secret_b64() {
  unsigned char seed[32];
  if (RAND_bytes(seed, sizeof seed) != 1) return {};
  std::string out = base64_encode(std::string_view(reinterpret_cast<const char*>(seed), sizeof seed));
  OPENSSL_cleanse(seed, sizeof seed);
  return out;
}

Result<AccountKey> write_key_files(const std::string& api_key_file, const std::string& api_secret_file,
                                   std::string_view secret_b64) {
  std::optional<Ed25519Key> key = key_from_secret_b64(secret_b64);
  if (!key) return make_error("secret is not base64 of at least 32 bytes");
  std::string secret_line = std::string(trim(secret_b64)) + "\n";
  Wipe wipe{secret_line};
  if (auto written = write_private_file(api_secret_file, secret_line); !written) return written.error();
  if (auto written = write_private_file(api_key_file, key->public_key_b64 + "\n"); !written) return written.error();
  std::string api_key = key->public_key_b64;
  return AccountKey{std::move(api_key), std::move(*key)};
}

}  // namespace mm
