// The simulator server without the sockets: the synthetic exchange, who is subscribed to
// what, fan-out of every frame, SUBSCRIBE/UNSUBSCRIBE handling with signatures, the REST
// endpoints, fault effects and the ground truth. The transport (sim_server.cpp,
// sim_ws_session.cpp) owns the sockets and calls in; everything here runs on the
// server thread only, so it needs no locks and can be tested without a network.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "feeds/sim/server/fault_schedule.h"
#include "feeds/sim/server/knowable_volume.h"
#include "feeds/sim/server/sim_auth.h"
#include "feeds/sim/server/sim_server.h"
#include "feeds/sim/server/sim_stats.h"
#include "feeds/sim/server/trade_delivery.h"
#include "feeds/sim/model/synthetic_exchange.h"

namespace mm::net {
class QueryParams;
}

namespace mm::sim {

// A WebSocket session as the hub sees it. Calls never call back into the hub before
// they return (closing completes later, then the transport calls remove_session()).
class HubSession {
 public:
  virtual ~HubSession() = default;
  // Queues a text frame. False when not queued: the session is closing, or the frame
  // would exceed its queue bound (the session then closes itself and counts it).
  virtual bool send(std::shared_ptr<const std::string> frame) = 0;
  // Graceful drop: nothing more is queued; what is queued is written, then Close.
  virtual void drain_and_close() = 0;
  // Server stop: the backlog is discarded, Close is sent.
  virtual void shutdown() = 0;
};

struct RestRequest {
  std::string_view method;  // "GET"
  std::string_view target;  // "/api/v1/depth?symbol=SOL_USDC"
  // X-API-Key, X-Signature, X-Timestamp, X-Window; empty when absent.
  std::string_view api_key, signature, timestamp, window;
};

struct RestReply {
  unsigned status = 200;
  std::string body;  // JSON
  TimeUs delay = 0;  // answer this much later (delay_rest fault)
  // Open orders: whose orders the body lists, for the ground truth when it is sent.
  std::optional<uint32_t> listed_account;
  std::vector<uint64_t> listed_orders;
  // History bodies: the trades they list, delivered when the body is sent.
  std::vector<TradeRef> served_trades;
};

// Age of the depth snapshot a stale_depth fault serves (at least).
inline constexpr TimeUs kStaleDepthAge = 2 * kUsPerSecond;

class SimHub {
 public:
  // Throws std::invalid_argument on invalid exchange options or keys.
  SimHub(const SimServerOptions& options, SimServerStats& stats);
  ~SimHub();
  SimHub(const SimHub&) = delete;
  SimHub& operator=(const SimHub&) = delete;

  // ---- WebSocket sessions (sim_hub.cpp) ----
  void add_session(HubSession& session);
  void remove_session(HubSession& session);  // idempotent
  // A text message from the client: SUBSCRIBE / UNSUBSCRIBE; errors are sent back.
  void on_text(HubSession& session, std::string_view message, TimeUs now);
  void shutdown_all();
  size_t session_count() const { return sessions_.size(); }

  // ---- the market ----
  void step(TimeUs now);  // one exchange event, every frame to its subscribers

  // ---- REST (sim_hub_rest.cpp) ----
  RestReply handle_rest(const RestRequest& request, TimeUs now);
  void on_rest_sent(const RestReply& reply);  // when its write begins
  // Keeps recent depth snapshots for stale_depth; the server calls it periodically
  // when the schedule has that fault.
  void capture_depth(TimeUs now);

  // ---- faults and results ----
  void fire(const Fault& fault, TimeUs now);
  GroundTruth ground_truth() const;
  const SyntheticExchange& exchange() const { return exchange_; }
  const KnowableVolume& knowable() const { return knowable_; }
  const TradeDelivery& delivery() const { return delivery_; }

 private:
  struct SessionInfo {
    std::optional<uint32_t> account;  // proven by a signed SUBSCRIBE
    bool private_stream = false;
    std::vector<uint32_t> trade, depth;  // markets
    bool is_public() const { return !trade.empty() || !depth.empty(); }
  };
  using SessionList = std::vector<HubSession*>;
  enum class StreamKind : uint8_t { trade, depth, orders };
  struct StreamName {
    StreamKind kind;
    uint32_t market;  // trade, depth
  };
  struct DepthCopy {
    TimeUs at;
    std::string body;
  };
  struct RestAnswer {
    unsigned status;
    std::string body;
  };
  struct StepTrade {  // a trade of the current step, and whether a frame of it was queued
    uint32_t market;
    uint64_t id;
    bool streamed;
  };

  bool queue(HubSession& session, const std::shared_ptr<const std::string>& frame);
  void send_text(HubSession& session, std::string text);  // errors, fault frames
  void error(HubSession& session, int code, std::string_view message);
  void handle_request(HubSession& session, SessionInfo& info, std::string_view message, TimeUs now);
  std::optional<StreamName> parse_stream(std::string_view stream) const;
  void subscribe(HubSession& session, SessionInfo& info, StreamName stream, uint32_t account);
  void unsubscribe(HubSession& session, SessionInfo& info, StreamName stream);
  void unsubscribe_all(HubSession& session, SessionInfo& info);
  void drop(HubSession& session, SessionInfo& info);
  void send_malformed(HubSession& session, const SessionInfo& info, TimeUs now);
  std::optional<uint32_t> market_of(std::string_view symbol) const;
  std::string depth_body(uint32_t market, TimeUs now);
  // Delivery bookkeeping of step() (sim_hub_history.cpp).
  void note_delivery(const Frame& frame, bool queued);
  void settle_delivery();

  // ---- REST (sim_hub_rest.cpp, history: sim_hub_history.cpp) ----
  RestAnswer answer_rest(RestRoute route, const RestRequest& request, std::string_view query, RestReply& reply,
                         TimeUs now);
  // The account a signed request proves (instruction and every query parameter signed).
  Result<uint32_t> verify_signed(const RestRequest& request, const net::QueryParams& params,
                                 std::string_view instruction, TimeUs now);
  RestAnswer open_orders(const RestRequest& request, const net::QueryParams& params, RestReply& reply, TimeUs now);
  RestAnswer trades_history(const net::QueryParams& params, RestReply& reply) const;
  RestAnswer fills_history(const RestRequest& request, const net::QueryParams& params, RestReply& reply, TimeUs now);

  SimServerStats& stats_;
  SyntheticExchange exchange_;
  SimKeys keys_;
  KnowableVolume knowable_;
  TradeDelivery delivery_;
  std::vector<StepTrade> step_trades_;  // scratch of step()
  bool fill_history_iso_timestamps_;
  std::unordered_map<std::string, uint32_t> market_by_symbol_;
  std::string markets_body_;  // REST /api/v1/markets

  std::unordered_map<HubSession*, SessionInfo> sessions_;
  std::vector<SessionList> trade_subs_, depth_subs_;  // [market]
  std::vector<SessionList> private_subs_;             // [account]

  // Faults.
  std::vector<bool> stale_next_;                  // [market]: next depth REST is stale
  std::vector<std::deque<DepthCopy>> depth_copies_;  // [market], oldest first
  TimeUs delay_until_ = 0, delay_ = 0;            // delay_rest window

  struct JsonParser;
  std::unique_ptr<JsonParser> json_;  // simdjson, kept out of this header
};

}  // namespace mm::sim
