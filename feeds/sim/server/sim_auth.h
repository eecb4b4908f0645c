// Signature checks of the simulator, like the exchange's (BACKPACK.md "Private streams"):
// a known API key, numeric timestamp and window (0 < window <= 60000 ms), the timestamp
// within the window of the server's clock, and ED25519 over signing_message().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time_utc.h"

namespace mm::sim {

struct SimAccountKey;

inline constexpr int64_t kMaxWindowMs = 60'000;

class SimKeys {
 public:
  // Throws std::invalid_argument on a duplicate key or an account out of range.
  SimKeys(const std::vector<SimAccountKey>& keys, size_t account_count);

  // The account the signature proves, or why not (for logs and the refusal).
  Result<uint32_t> verify(std::string_view instruction, std::vector<std::pair<std::string, std::string>> params,
                          std::string_view api_key, std::string_view signature, std::string_view timestamp_ms,
                          std::string_view window_ms, TimeUs now) const;

 private:
  std::unordered_map<std::string, uint32_t> account_by_key_;
};

}  // namespace mm::sim
