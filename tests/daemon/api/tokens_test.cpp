// The token file: its format and errors, the constant-time lookup, and reloads.
#include <catch2/catch.hpp>

#include "daemon/api/token_store.h"
#include "daemon/api/token_table.h"
#include "tests/daemon/api/api_fixture.h"

using namespace api_test;
using mm::api::Role;
using mm::api::TokenTable;

namespace {

std::string parse_error(const std::string& text) {
  const Program p = make_program();
  const auto table = TokenTable::parse(text, "tokens.txt", p);
  CHECK_FALSE(table.ok());
  return table ? std::string() : table.message();
}

}  // namespace

TEST_CASE("token file: roles, comments, blank lines and CRLF") {
  const Program p = make_program();
  const auto table = TokenTable::parse(
      "# ops\r\n\r\n   \n" + std::string(kOpsToken) + " ops\r\n" + kRiskToken + "\trisk\n  # indented comment\n" +
          kAlphaToken + "   mm:alpha  \n" + kBetaToken + " mm:beta",
      "tokens.txt", p);
  REQUIRE(table.ok());  // no error
  CHECK(table->size() == 4);
  CHECK(table->find(kOpsToken) == std::optional<Role>(Role{Role::Kind::ops, 0}));
  CHECK(table->find(kRiskToken) == std::optional<Role>(Role{Role::Kind::risk, 0}));
  CHECK(table->find(kAlphaToken) == std::optional<Role>(Role{Role::Kind::mm, kAlpha}));
  CHECK(table->find(kBetaToken) == std::optional<Role>(Role{Role::Kind::mm, kBeta}));
  CHECK_FALSE(table->find(kBadToken).has_value());
  CHECK_FALSE(table->find(std::string(kOpsToken).substr(0, 20)).has_value());  // a prefix is not the token
  CHECK_FALSE(table->find(std::string(kOpsToken) + "x").has_value());
  CHECK_FALSE(table->find("").has_value());
  CHECK(table->summary() == "4 tokens (ops 1, risk 1, mm 2)");
}

TEST_CASE("token file: each malformed line is an error naming file and line, never the token") {
  CHECK(parse_error("# c\n\nonlyonefield0123456789\n") == "tokens.txt:3: expected \"<token> <role>\"");
  CHECK(parse_error(std::string(kOpsToken) + " ops extra\n") == "tokens.txt:1: expected \"<token> <role>\"");
  CHECK(parse_error("short-token ops\n") == "tokens.txt:1: token shorter than 16 characters");
  CHECK(parse_error(std::string(kOpsToken) + " ops\n" + kRiskToken + " admin\n") ==
        "tokens.txt:2: unknown role \"admin\" (expected ops, risk or mm:<mm_id>)");
  CHECK(parse_error(std::string(kOpsToken) + " mm:zeta\n") == "tokens.txt:1: unknown mm id \"zeta\"");
  CHECK(parse_error(std::string(kOpsToken) + " mm:\n") == "tokens.txt:1: unknown mm id \"\"");
  CHECK(parse_error(std::string(kOpsToken) + " ops\n\n" + kOpsToken + " risk\n") ==
        "tokens.txt:3: duplicate token (first on line 1)");
  CHECK(parse_error("token\x01with-control-chars ops\n") ==
        "tokens.txt:1: token has characters other than printable ASCII");
  CHECK(parse_error(std::string(2000, 'x') + " ops\n") == "tokens.txt:1: token longer than 1024 characters");
  const std::string e = parse_error(std::string(kOpsToken) + " nobody\n");
  CHECK(e.find(kOpsToken) == std::string::npos);
}

TEST_CASE("token lookup compares every entry whatever matches (constant time)") {
  const Program p = make_program();
  std::string text;
  for (int i = 0; i < 5; ++i) text += "token-number-" + std::to_string(i) + "-0123456789 ops\n";
  const auto table = TokenTable::parse(text, "t", p);
  REQUIRE(table);
  for (const std::string& candidate : {std::string("token-number-0-0123456789"), std::string("token-number-4-0123456789"),
                                       std::string("token-number-9-0123456789"), std::string("x")}) {
    size_t compared = 0;
    table->find_digest(mm::api::digest_token(candidate), &compared);
    CHECK(compared == 5);
  }
  // Same-length digests whatever the token's length: what is compared never depends on it.
  CHECK(mm::api::digest_token("a").size() == mm::api::digest_token(std::string(1000, 'a')).size());
}

TEST_CASE("token store: a reload replaces the tokens, a broken file keeps the previous ones") {
  const Program p = make_program();
  const std::string dir = temp_dir();
  const std::string path = dir + "/tokens.txt";
  write_file(path, standard_tokens());
  mm::api::TokenStore store(p);
  REQUIRE(store.load(path));
  CHECK(store.table()->find(kOpsToken).has_value());

  write_file(path, "fresh-ops-token-0123456789 ops\n");
  REQUIRE(store.load(path));
  CHECK_FALSE(store.table()->find(kOpsToken).has_value());
  CHECK(store.table()->find("fresh-ops-token-0123456789").has_value());

  write_file(path, "fresh-ops-token-0123456789 ops\nbroken\n");
  mm::Result<> broken = store.load(path);
  CHECK_FALSE(broken);
  CHECK((broken ? std::string() : broken.message()) == path + ":2: expected \"<token> <role>\"");
  CHECK(store.table()->find("fresh-ops-token-0123456789").has_value());

  mm::Result<> missing = store.load(dir + "/missing.txt");
  CHECK_FALSE(missing);
  CHECK((missing ? std::string() : missing.message()).find("missing.txt: cannot read") != std::string::npos);
  CHECK(store.table()->find("fresh-ops-token-0123456789").has_value());
  CHECK(store.reloads_ok() == 2);
  CHECK(store.reloads_failed() == 2);
}
