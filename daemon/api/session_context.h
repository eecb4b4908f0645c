// What the network sessions share with the server: the core, the options, and the
// registry of open sessions (so stop() can close them all). Server thread only.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "daemon/api/api_core.h"
#include "daemon/api/client_guard.h"

namespace mm::api {

class Closeable {
 public:
  virtual ~Closeable() = default;
  virtual void close() = 0;  // closes the socket: pending operations end with an error
};

class SessionRegistry {
 public:
  void add(const std::shared_ptr<Closeable>& s) { open_[s.get()] = s; }
  void remove(Closeable* s) { open_.erase(s); }
  void close_all() {
    std::vector<std::shared_ptr<Closeable>> all;
    for (auto& [ptr, weak] : open_)
      if (auto s = weak.lock()) all.push_back(std::move(s));
    for (auto& s : all) s->close();
  }

 private:
  std::unordered_map<Closeable*, std::weak_ptr<Closeable>> open_;
};

struct SessionContext {
  ApiCore& core;
  SessionRegistry& sessions;
  ClientGuard& guard;
  const ApiOptions& options() const { return core.options(); }
};

}  // namespace mm::api
