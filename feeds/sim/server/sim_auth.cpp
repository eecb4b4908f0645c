#include "feeds/sim/server/sim_auth.h"

#include <charconv>
#include <stdexcept>

#include "feeds/signing.h"
#include "feeds/sim/server/sim_server.h"

namespace mm::sim {

namespace {
std::optional<int64_t> parse_ms(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}
}  // namespace

SimKeys::SimKeys(const std::vector<SimAccountKey>& keys, size_t account_count) {
  for (const SimAccountKey& k : keys) {
    if (k.account >= account_count) {
      throw std::invalid_argument("sim key for account " + std::to_string(k.account) + ": no such account");
    }
    if (!account_by_key_.emplace(k.api_key, k.account).second) {
      throw std::invalid_argument("sim key " + k.api_key + " given twice");
    }
  }
}

std::optional<uint32_t> SimKeys::verify(std::string_view instruction,
                                        std::vector<std::pair<std::string, std::string>> params,
                                        std::string_view api_key, std::string_view signature,
                                        std::string_view timestamp_ms, std::string_view window_ms, TimeUs now,
                                        std::string& why) const {
  const auto account = account_by_key_.find(std::string(api_key));
  if (account == account_by_key_.end()) return why = "unknown API key", std::nullopt;
  const std::optional<int64_t> ts = parse_ms(timestamp_ms);
  const std::optional<int64_t> window = parse_ms(window_ms);
  if (!ts || !window) return why = "timestamp and window must be integers (ms)", std::nullopt;
  if (*window <= 0 || *window > kMaxWindowMs) return why = "window out of range (1..60000 ms)", std::nullopt;
  const int64_t now_ms = now / 1000;
  if (now_ms - *ts > *window || *ts - now_ms > *window) return why = "timestamp outside the window", std::nullopt;
  if (!verify_b64(api_key, signing_message(instruction, std::move(params), *ts, *window), signature)) {
    return why = "signature does not verify", std::nullopt;
  }
  return account->second;
}

}  // namespace mm::sim
