// API tokens: the parsed token file ("<token> <role>" per line). Tokens are kept only as
// SHA-256 digests and looked up in constant time: every entry is compared with
// CRYPTO_memcmp over fixed-length digests, so neither a token's length nor how much of it
// matches shows in the time taken. Tokens never appear in errors or logs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/program.h"
#include "core/result.h"
#include "daemon/api/role.h"

namespace mm::api {

inline constexpr size_t kMinTokenLength = 16;
inline constexpr size_t kMaxTokenLength = 1024;

using TokenDigest = std::array<unsigned char, 32>;
TokenDigest digest_token(std::string_view token);

class TokenTable {
 public:
  // Blank lines and lines starting with '#' are skipped. Any other line must be
  // "<token> <role>" with a token of 16..1024 printable ASCII characters and a role of
  // ops, risk or mm:<mm_id> (an id of the program). The first problem is the error,
  // "FILE:LINE: what".
  static Result<TokenTable> parse(std::string_view text, std::string_view file_name, const Program& program);

  std::optional<Role> find(std::string_view token) const { return find_digest(digest_token(token)); }
  // `compared` (tests): how many entries were compared, always all of them.
  std::optional<Role> find_digest(const TokenDigest& digest, size_t* compared = nullptr) const;
  size_t size() const { return entries_.size(); }
  std::string summary() const;  // "4 tokens (ops 1, risk 1, mm 2)"

 private:
  struct Entry {
    TokenDigest digest;
    Role role;
  };
  std::vector<Entry> entries_;
};

}  // namespace mm::api
