// Who a caller is: a role from the token file. Views take a Role to decide what an
// answer may contain (ops and risk see every MM; an MM sees only itself).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/program.h"

namespace mm::api {

struct Role {
  enum class Kind : uint8_t { ops, risk, mm };
  Kind kind = Kind::ops;
  uint32_t mm = 0;  // index into Program::mms when kind == mm

  bool sees_all_mms() const { return kind != Kind::mm; }
  bool sees_mm(uint32_t index) const { return sees_all_mms() || mm == index; }
  friend bool operator==(const Role&, const Role&) = default;
};

// "ops", "risk" or "mm:<mm_id>" with an id of the program; nullopt otherwise.
std::optional<Role> parse_role(std::string_view text, const Program& program);
std::string role_name(const Role& role, const Program& program);  // as in the token file
std::string_view role_kind_name(Role::Kind kind);                   // "ops", "risk", "mm"

}  // namespace mm::api
