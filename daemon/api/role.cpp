#include "daemon/api/role.h"

namespace mm::api {

std::optional<Role> parse_role(std::string_view text, const Program& program) {
  if (text == "ops") return Role{Role::Kind::ops, 0};
  if (text == "risk") return Role{Role::Kind::risk, 0};
  if (text.starts_with("mm:")) {
    if (auto index = program.mm_index(text.substr(3))) return Role{Role::Kind::mm, *index};
  }
  return std::nullopt;
}

std::string_view role_kind_name(Role::Kind kind) {
  switch (kind) {
    case Role::Kind::ops: return "ops";
    case Role::Kind::risk: return "risk";
    case Role::Kind::mm: return "mm";
  }
  return "?";
}

std::string role_name(const Role& role, const Program& program) {
  if (role.kind == Role::Kind::mm) return "mm:" + program.mms[role.mm].id;
  return std::string(role_kind_name(role.kind));
}

}  // namespace mm::api
