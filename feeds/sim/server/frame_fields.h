// Reads single fields out of the JSON the synthetic exchange itself wrote (frame_json.h):
// flat `"key":value` pairs, no escapes, no repeated keys. Not a JSON parser: never use
// it on input from elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mm::sim {

// The value of the first `"key":` in `json`: a string's contents without the quotes, or
// a bare literal (number, true, false, null, up to the next ',', '}' or ']').
std::optional<std::string_view> own_json_field(std::string_view json, std::string_view key);

// The field as an unsigned integer, quoted or not ("123" or 123).
std::optional<uint64_t> own_json_uint(std::string_view json, std::string_view key);

}  // namespace mm::sim
