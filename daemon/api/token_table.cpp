#include "daemon/api/token_table.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace mm::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool printable_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

TokenDigest digest_token(std::string_view token) {
  TokenDigest d{};
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

Result<TokenTable> TokenTable::parse(std::string_view text, std::string_view file_name, const Program& program) {
  TokenTable table;
  std::vector<size_t> line_of;  // per entry, for duplicate messages
  size_t line_no = 0;
  auto fail = [&](const std::string& what) {
    return make_error(std::string(file_name) + ":" + std::to_string(line_no) + ": " + what);
  };
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string_view> f = fields(line);
    if (f.size() != 2) return fail("expected \"<token> <role>\"");
    const std::string_view token = f[0], role_text = f[1];
    if (!printable_ascii(token)) return fail("token has characters other than printable ASCII");
    if (token.size() < kMinTokenLength) return fail("token shorter than 16 characters");
    if (token.size() > kMaxTokenLength) return fail("token longer than 1024 characters");
    const std::optional<Role> role = parse_role(role_text, program);
    if (!role) {
      if (role_text.starts_with("mm:")) return fail("unknown mm id \"" + std::string(role_text.substr(3)) + "\"");
      return fail("unknown role \"" + std::string(role_text) + "\" (expected ops, risk or mm:<mm_id>)");
    }
    const TokenDigest d = digest_token(token);
    for (size_t i = 0; i < table.entries_.size(); ++i)
      if (table.entries_[i].digest == d) return fail("duplicate token (first on line " + std::to_string(line_of[i]) + ")");
    table.entries_.push_back({d, *role});
    line_of.push_back(line_no);
  }
  return table;
}

std::optional<Role> TokenTable::find_digest(const TokenDigest& digest, size_t* compared) const {
  // No early exit and no branch on a match: every entry costs the same.
  size_t match = 0, n = 0;
  unsigned found = 0;
  for (size_t i = 0; i < entries_.size(); ++i, ++n) {
    const unsigned equal = unsigned(CRYPTO_memcmp(entries_[i].digest.data(), digest.data(), digest.size()) == 0);
    const size_t mask = size_t(0) - size_t(equal);
    match = (match & ~mask) | (i & mask);
    found |= equal;
  }
  if (compared) *compared = n;
  if (!found) return std::nullopt;
  return entries_[match].role;
}

std::string TokenTable::summary() const {
  size_t ops = 0, risk = 0, mms = 0;
  for (const Entry& e : entries_) {
    if (e.role.kind == Role::Kind::ops) ++ops;
    else if (e.role.kind == Role::Kind::risk) ++risk;
    else ++mms;
  }
  return std::to_string(entries_.size()) + " tokens (ops " + std::to_string(ops) + ", risk " + std::to_string(risk) +
         ", mm " + std::to_string(mms) + ")";
}

}  // namespace mm::api
