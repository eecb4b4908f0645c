// The current token table, replaced whole by a (re)load; readable from any thread. A
// load that fails keeps the previous table, so a bad edit never locks everybody out.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "daemon/api/token_table.h"

namespace mm::api {

class TokenStore {
 public:
  explicit TokenStore(const Program& program) : program_(program) {}

  // Reads and parses `path`; on success the new table replaces the old one. An empty
  // path installs an empty table (only public endpoints are reachable).
  Result<> load(const std::string& path);
  std::shared_ptr<const TokenTable> table() const;

  uint64_t reloads_ok() const { return reloads_ok_.load(); }
  uint64_t reloads_failed() const { return reloads_failed_.load(); }

 private:
  const Program& program_;
  mutable std::mutex mutex_;
  std::shared_ptr<const TokenTable> table_ = std::make_shared<TokenTable>();
  std::atomic<uint64_t> reloads_ok_{0}, reloads_failed_{0};
};

}  // namespace mm::api
