// Per client address admission for the API (server thread only, no Asio): how many
// connections each peer address holds (capped, with a small reserve beyond the global
// cap that only /v1/health and /metrics may use, at most kReservePerClient of it per
// address), and failed-authentication throttling.
// Both tables are bounded: the connection counts by the open connections (an entry is
// erased when its last connection closes), the throttle table by kThrottleSlots.
//
// Throttling policy: an address collecting auth_failures_per_minute 401s within
// auth_window (a fixed window opened by its first failure) is blocked for auth_block:
// every request but /v1/health then gets 429 with Retry-After. When all slots are busy,
// a new failing address takes the slot of the address whose window opened first (a
// blocked one only if every slot is blocked), so many addresses can evade throttling
// but never grow the table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "core/clock.h"
#include "daemon/api/api_options.h"

namespace mm::api {

using ClientAddress = std::array<uint8_t, 16>;  // IPv6, IPv4 as ::ffff:a.b.c.d

struct ClientAddressHash {
  size_t operator()(const ClientAddress& a) const {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (uint8_t b : a) h = (h ^ b) * 1099511628211ull;
    return size_t(h);
  }
};

enum class Admission : uint8_t {
  ok,
  monitoring_only,  // beyond max_connections, within the reserve: /v1/health and /metrics only
  refused_global,   // max_connections + reserved_connections open
  refused_client,   // this address holds max_connections_per_client
};

class ClientGuard {
 public:
  static constexpr size_t kThrottleSlots = 256;
  static constexpr uint32_t kReservePerClient = 2;

  explicit ClientGuard(const ApiOptions& options) : options_(options) {}

  // A new connection from `address` while `open` connections are open. Unless refused,
  // the address holds one more connection until release() (with `monitoring_only` as
  // admitted).
  Admission admit(const ClientAddress& address, size_t open);
  void release(const ClientAddress& address, bool monitoring_only);
  size_t holding(const ClientAddress& address) const;
  size_t addresses() const { return connections_.size(); }

  // How long `address` stays blocked at `now` (steady time); nullopt: not blocked.
  std::optional<TimeUs> blocked_for(const ClientAddress& address, TimeUs now) const;
  // A 401 was sent to `address`. True when it starts a block.
  bool auth_failed(const ClientAddress& address, TimeUs now);

 private:
  struct Slot {
    bool used = false;
    ClientAddress address{};
    TimeUs window_start = 0;
    uint32_t failures = 0;
    TimeUs blocked_until = 0;
  };
  Slot* find(const ClientAddress& address);
  Slot& take_slot(TimeUs now);

  const ApiOptions& options_;
  struct Held {
    uint32_t all = 0, reserve = 0;
  };
  std::unordered_map<ClientAddress, Held, ClientAddressHash> connections_;
  std::array<Slot, kThrottleSlots> slots_{};
  TimeUs any_blocked_until_ = 0;  // no slot is blocked beyond it: the common case skips the scan
};

// One admitted connection's hold on its address, moved along from the HTTP session to
// the stream session; released when destroyed.
class ClientSlot {
 public:
  ClientSlot() = default;
  ClientSlot(ClientGuard& guard, const ClientAddress& address, bool monitoring_only)
      : guard_(&guard), address_(address), monitoring_only_(monitoring_only) {}
  ClientSlot(ClientSlot&& o) noexcept : guard_(o.guard_), address_(o.address_), monitoring_only_(o.monitoring_only_) {
    o.guard_ = nullptr;
  }
  ClientSlot& operator=(ClientSlot&& o) noexcept {
    if (this != &o) {
      reset();
      guard_ = o.guard_;
      address_ = o.address_;
      monitoring_only_ = o.monitoring_only_;
      o.guard_ = nullptr;
    }
    return *this;
  }
  ClientSlot(const ClientSlot&) = delete;
  ClientSlot& operator=(const ClientSlot&) = delete;
  ~ClientSlot() { reset(); }

  const ClientAddress& address() const { return address_; }

 private:
  void reset() {
    if (guard_) guard_->release(address_, monitoring_only_);
    guard_ = nullptr;
  }
  ClientGuard* guard_ = nullptr;
  ClientAddress address_{};
  bool monitoring_only_ = false;
};

}  // namespace mm::api
