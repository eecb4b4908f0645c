// Shared helpers of the SimHub tests (no sockets): a fake WebSocket session that keeps
// what it was sent, and a hub on the small SimSetup market driven step by step.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/sim/server/frame_fields.h"
#include "feeds/sim/server/sim_hub.h"
#include "tests/feeds/sim_server/sim_server_test_support.h"

namespace mm::simtest {

struct FakeSession final : HubSession {
  std::vector<std::string> frames;
  bool refuse = false;  // as a closing session does
  bool drained = false, shut = false;
  bool send(std::shared_ptr<const std::string> frame) override {
    if (refuse || drained || shut) return false;
    frames.push_back(*frame);
    return true;
  }
  void drain_and_close() override { drained = true; }
  void shutdown() override { shut = true; }
  size_t count_stream(std::string_view stream) const {
    size_t n = 0;
    for (const auto& f : frames) n += own_json_field(f, "stream") == stream;
    return n;
  }
};

inline TimeUs now_us() { return now_ms() * 1000; }

struct HubRig {
  SimSetup setup;
  SimServerStats stats;
  std::unique_ptr<SimHub> hub;
  TimeUs t = now_us();  // engine time: each step is 1 ms later

  explicit HubRig(const std::function<void(SimServerOptions&)>& tweak = {}) {
    if (tweak) tweak(setup.options);
    hub = std::make_unique<SimHub>(setup.options, stats);
  }
  void steps(int n) {
    for (int i = 0; i < n; ++i) hub->step(t += 1000);
  }
  FakeSession& connect(std::vector<std::unique_ptr<FakeSession>>& owner) {
    owner.push_back(std::make_unique<FakeSession>());
    hub->add_session(*owner.back());
    return *owner.back();
  }
  RestReply rest(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::string_view key, sig, ts, window;
    for (const auto& [k, v] : headers) {
      if (k == "X-API-Key") key = v;
      if (k == "X-Signature") sig = v;
      if (k == "X-Timestamp") ts = v;
      if (k == "X-Window") window = v;
    }
    return hub->handle_rest(RestRequest{"GET", target, key, sig, ts, window}, now_us());
  }
  // A request whose response is written: it counts as delivered.
  RestReply rest_sent(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    RestReply reply = rest(std::move(target), std::move(headers));
    hub->on_rest_sent(reply);
    return reply;
  }
};

}  // namespace mm::simtest
