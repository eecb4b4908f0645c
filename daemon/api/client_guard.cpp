#include "daemon/api/client_guard.h"

#include <algorithm>

namespace mm::api {

Admission ClientGuard::admit(const ClientAddress& address, size_t open) {
  auto it = connections_.find(address);
  const Held held = it == connections_.end() ? Held{} : it->second;
  if (held.all >= options_.max_connections_per_client) return Admission::refused_client;
  const bool reserve = open >= options_.max_connections;
  if (reserve && (open >= options_.max_connections + options_.reserved_connections || held.reserve >= kReservePerClient))
    return Admission::refused_global;
  if (it == connections_.end()) it = connections_.emplace(address, Held{}).first;
  ++it->second.all;
  it->second.reserve += reserve;
  return reserve ? Admission::monitoring_only : Admission::ok;
}

void ClientGuard::release(const ClientAddress& address, bool monitoring_only) {
  auto it = connections_.find(address);
  if (it == connections_.end()) return;
  if (monitoring_only && it->second.reserve > 0) --it->second.reserve;
  if (--it->second.all == 0) connections_.erase(it);
}

size_t ClientGuard::holding(const ClientAddress& address) const {
  auto it = connections_.find(address);
  return it == connections_.end() ? 0 : it->second.all;
}

ClientGuard::Slot* ClientGuard::find(const ClientAddress& address) {
  for (Slot& s : slots_)
    if (s.used && s.address == address) return &s;
  return nullptr;
}

std::optional<TimeUs> ClientGuard::blocked_for(const ClientAddress& address, TimeUs now) const {
  if (now >= any_blocked_until_) return std::nullopt;
  for (const Slot& s : slots_)
    if (s.used && s.address == address) {
      if (now < s.blocked_until) return s.blocked_until - now;
      return std::nullopt;
    }
  return std::nullopt;
}

// A free slot, else one whose window and block are over, else the one whose window
// opened first (preferring unblocked ones).
ClientGuard::Slot& ClientGuard::take_slot(TimeUs now) {
  Slot* best = nullptr;
  auto rank = [&](const Slot& s) {
    const bool stale = now >= s.blocked_until && now - s.window_start >= options_.auth_window;
    return std::make_pair(!(stale || !s.used), now < s.blocked_until);
  };
  for (Slot& s : slots_) {
    if (!s.used) return s;
    if (!best || rank(s) < rank(*best) || (rank(s) == rank(*best) && s.window_start < best->window_start)) best = &s;
  }
  return *best;
}

bool ClientGuard::auth_failed(const ClientAddress& address, TimeUs now) {
  const uint32_t limit = options_.auth_failures_per_minute;
  if (limit == 0) return false;
  Slot* s = find(address);
  if (!s) {
    s = &take_slot(now);
    *s = Slot{true, address, now, 0, 0};
  }
  if (now < s->blocked_until) return false;  // already blocked (a 401 that raced the block)
  if (now - s->window_start >= options_.auth_window) {
    s->window_start = now;
    s->failures = 0;
  }
  if (++s->failures < limit) return false;
  s->blocked_until = now + options_.auth_block;
  s->window_start = now;
  s->failures = 0;
  any_blocked_until_ = std::max(any_blocked_until_, s->blocked_until);
  return true;
}

}  // namespace mm::api
