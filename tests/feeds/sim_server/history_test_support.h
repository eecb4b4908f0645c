// Helpers of the REST history tests: what fake sessions were streamed (trade and orderFill
// frames), signed fill-history requests, and simdjson readers of the history bodies that
// check each object's exact keys.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/feeds/sim_server/hub_test_support.h"

namespace mm::simtest {

// Exchange market index of the SimSetup symbols.
inline uint32_t sim_market(std::string_view symbol) { return symbol == "SOL_USDC" ? 0 : 1; }

struct StreamedFill {
  uint32_t market;
  uint64_t trade_id;
  std::string order_id;
  TimeUs time;  // engine time `T`
};

// The orderFill frames among frames[from, to).
inline std::vector<StreamedFill> streamed_fills(const std::vector<std::string>& frames, size_t from = 0,
                                                size_t to = SIZE_MAX) {
  std::vector<StreamedFill> out;
  for (size_t i = from; i < std::min(to, frames.size()); ++i) {
    if (own_json_field(frames[i], "e") != "orderFill") continue;
    out.push_back({sim_market(*own_json_field(frames[i], "s")), *own_json_uint(frames[i], "t"),
                   std::string(*own_json_field(frames[i], "i")), TimeUs(*own_json_uint(frames[i], "T"))});
  }
  return out;
}

// Trade ids of the trade frames of `symbol` among `frames`.
inline std::vector<uint64_t> streamed_trade_ids(const std::vector<std::string>& frames, std::string_view symbol) {
  std::vector<uint64_t> out;
  for (const std::string& f : frames) {
    if (own_json_field(f, "e") == "trade" && own_json_field(f, "s") == symbol) out.push_back(*own_json_uint(f, "t"));
  }
  return out;
}

inline std::string with_query(std::string path, const Headers& params) {
  for (size_t i = 0; i < params.size(); ++i) path += (i ? "&" : "?") + params[i].first + "=" + params[i].second;
  return path;
}
// A fill history request of `key`'s account: every parameter signed.
inline RestReply fills_request(HubRig& rig, const Ed25519Key& key, const Headers& params, bool sent = true) {
  const std::string target = with_query("/wapi/v1/history/fills", params);
  const Headers headers = signed_headers_for(key, "fillHistoryQueryAll", params);
  return sent ? rig.rest_sent(target, headers) : rig.rest(target, headers);
}

struct ServedTrade {
  uint64_t id;
  bool buyer_is_maker;
  std::string price, quantity, quote_quantity;
  int64_t timestamp_ms;
};
struct ServedFill {
  uint64_t trade_id;
  std::string order_id, symbol, side, fee;
  bool maker;
  int64_t timestamp_ms;  // 0 when written as ISO text
  std::string timestamp_text;
};

inline std::vector<std::string_view> keys_of(simdjson::dom::object o) {
  std::vector<std::string_view> keys;
  for (auto field : o) keys.push_back(field.key);
  return keys;
}

// A trades history body; every object must have exactly the recorded keys and types.
inline std::vector<ServedTrade> parse_trades_body(const std::string& body) {
  static const std::vector<std::string_view> kKeys = {"id", "isBuyerMaker", "price", "quantity", "quoteQuantity",
                                                      "timestamp"};
  simdjson::dom::parser parser;
  std::vector<ServedTrade> out;
  for (simdjson::dom::element e : parser.parse(body).get_array()) {
    const simdjson::dom::object o = e.get_object();
    REQUIRE(keys_of(o) == kKeys);
    out.push_back({o["id"].get_uint64(), o["isBuyerMaker"].get_bool(), std::string(o["price"].get_string().value()),
                   std::string(o["quantity"].get_string().value()),
                   std::string(o["quoteQuantity"].get_string().value()), o["timestamp"].get_int64()});
  }
  return out;
}

inline std::vector<uint64_t> ids_of(const std::vector<ServedTrade>& trades) {
  std::vector<uint64_t> ids;
  for (const ServedTrade& t : trades) ids.push_back(t.id);
  return ids;
}

// A fills history body; exact keys and types, clientId and systemOrderType null.
inline std::vector<ServedFill> parse_fills_body(const std::string& body) {
  static const std::vector<std::string_view> kKeys = {"clientId", "fee",      "feeSymbol", "isMaker",
                                                      "orderId",  "price",    "quantity",  "side",
                                                      "symbol",   "systemOrderType", "timestamp", "tradeId"};
  simdjson::dom::parser parser;
  std::vector<ServedFill> out;
  for (simdjson::dom::element e : parser.parse(body).get_array()) {
    const simdjson::dom::object o = e.get_object();
    REQUIRE(keys_of(o) == kKeys);
    REQUIRE(o["clientId"].is_null());
    REQUIRE(o["systemOrderType"].is_null());
    REQUIRE(std::string_view(o["feeSymbol"].get_string().value()) == "USDC");
    REQUIRE(o["price"].is_string());
    REQUIRE(o["quantity"].is_string());
    ServedFill f{o["tradeId"].get_uint64(),
                 std::string(o["orderId"].get_string().value()),
                 std::string(o["symbol"].get_string().value()),
                 std::string(o["side"].get_string().value()),
                 std::string(o["fee"].get_string().value()),
                 o["isMaker"].get_bool(),
                 0,
                 {}};
    if (o["timestamp"].is_string()) f.timestamp_text = std::string(o["timestamp"].get_string().value());
    else f.timestamp_ms = o["timestamp"].get_int64();
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mm::simtest
