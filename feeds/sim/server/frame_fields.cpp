#include "feeds/sim/server/frame_fields.h"

#include <charconv>

namespace mm::sim {

std::optional<std::string_view> own_json_field(std::string_view json, std::string_view key) {
  // `"key":` with the quotes, so that "s" never matches inside "stream".
  size_t at = 0;
  while (true) {
    at = json.find(key, at);
    if (at == std::string_view::npos) return std::nullopt;
    const size_t end = at + key.size();
    if (at > 0 && json[at - 1] == '"' && end + 1 < json.size() && json[end] == '"' && json[end + 1] == ':') {
      std::string_view value = json.substr(end + 2);
      if (!value.empty() && value.front() == '"') {
        const size_t close = value.find('"', 1);
        if (close == std::string_view::npos) return std::nullopt;
        return value.substr(1, close - 1);
      }
      const size_t stop = value.find_first_of(",}]");
      return value.substr(0, stop);
    }
    at = end;
  }
}

std::optional<uint64_t> own_json_uint(std::string_view json, std::string_view key) {
  const std::optional<std::string_view> text = own_json_field(json, key);
  if (!text || text->empty()) return std::nullopt;
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

}  // namespace mm::sim
