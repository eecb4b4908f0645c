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

Result<uint32_t> SimKeys::verify(std::string_view instruction, std::vector<std::pair<std::string, std::string>> params,
                                 std::string_view api_key, std::string_view signature, std::string_view timestamp_ms,
                                 std::string_view window_ms, TimeUs now) const {
  const auto account = account_by_key_.find(std::string(api_key));
  if (account == account_by_key_.end()) return make_error("unknown API key");
  const std::optional<int64_t> ts = parse_ms(timestamp_ms);
  const std::optional<int64_t> window = parse_ms(window_ms);
  if (!ts || !window) return make_error("timestamp and window must be integers (ms)");
  if (*window <= 0 || *window > kMaxWindowMs) return make_error("window out of range (1..60000 ms)");
  const int64_t now_ms = now / 1000;
  if (now_ms - *ts > *window || *ts - now_ms > *window) return make_error("timestamp outside the window");
  if (!verify_b64(api_key, signing_message(instruction, std::move(params), *ts, *window), signature))
    return make_error("signature does not verify");
  return account->second;
}

}  // namespace mm::sim
