// REST response bodies -> core events (internal to feeds/; use RecordParser).
#pragma once

#include "feeds/json_fields.h"

namespace mm::feedjson {

// What a REST record becomes, decided from its source and path before its body is read.
struct RestPlan {
  enum class Action : uint8_t { depth_snapshot, open_orders, trade_history, fill_history, ignore };
  Action action = Action::ignore;
  uint64_t limit = 0;         // trade history: at most this many trades (the request's limit)
  TimeUs from = 0, to = 0;    // fill history: the requested window, inclusive
  bool has_symbol = false;    // path named a symbol (depth: always; orders: the filter)
  bool market_known = false;  // ... and that symbol is configured
  uint32_t market = 0;
  std::string_view ignore_why;  // Action::ignore
};

// src "rest" + "/api/v1/depth?symbol=X" -> depth snapshot; src "rest:mm:<id>" +
// "/api/v1/orders[?symbol=X]" -> open orders; src "rest" + "/api/v1/trades/history?
// symbol=X[&limit=N][&offset=N]" -> trade history; src "rest:mm:<id>" +
// "/wapi/v1/history/fills?from=MS&to=MS[&symbol=X]..." -> fill history; any other
// pairing -> ignore. `kind` is
// SourceKind::rest or SourceKind::mm_rest. Returns false (ctx.failure set, field "path")
// when the path of a used endpoint cannot be understood. Copies a filter symbol into
// ctx.filter_symbol so the plan survives a rewind of the document.
bool plan_rest(SourceKind kind, std::string_view path, ParseContext& ctx, RestPlan& plan);

// Iterates a body array's objects: item(object, index) -> false stops with its failure;
// an element that is not an object fails as "body[i]: expected an object".
template <class ItemFn>
bool for_each_object(od::array& body, ParseContext& ctx, ItemFn item) {
  size_t index = 0;
  for (auto element : body) {
    od::value value;
    if (simdjson::error_code e = std::move(element).get(value)) return ctx.failure.json_error("body", "", e);
    od::object object;
    if (simdjson::error_code e = value.get_object().get(object)) {
      if (e != simdjson::INCORRECT_TYPE) return ctx.failure.json_error("body", "", e);
      return ctx.failure.at_item("body", index, "", "expected an object");
    }
    if (!item(object, index)) return false;
    ++index;
  }
  return true;
}

// Body parsers; field names in messages start with "body".
bool parse_depth_snapshot(od::object& body, const RestPlan& plan, ParseContext& ctx, Payload& out);
bool parse_open_orders(od::array& body, const RestPlan& plan, ParseContext& ctx, Payload& out);
// history_parser.cpp. Refused whole: ids not strictly newest first, more trades than the
// limit, a fill outside [from, to] or of another symbol than the request named.
bool parse_trade_history(od::array& body, const RestPlan& plan, ParseContext& ctx, Payload& out);
bool parse_fill_history(od::array& body, const RestPlan& plan, ParseContext& ctx, Payload& out);

// Runs the plan on a body held as a document (live) or a value (journal record).
template <class Json>
bool parse_rest_body(Json& json, const RestPlan& plan, ParseContext& ctx, Payload& out) {
  using simdjson::error_code;
  auto type_error = [&](error_code e, const char* expected) {
    if (e == simdjson::INCORRECT_TYPE) return ctx.failure.at("body", expected);
    return ctx.failure.json_error("body", "", e);
  };
  switch (plan.action) {
    case RestPlan::Action::depth_snapshot: {
      od::object body;
      if (error_code e = json.get_object().get(body)) return type_error(e, "expected an object");
      if (!parse_depth_snapshot(body, plan, ctx, out)) return false;
      // Consume the rest so a document can be checked for trailing content.
      if (error_code e = body.raw_json().error()) return ctx.failure.json_error("body", "", e);
      return true;
    }
    case RestPlan::Action::open_orders:
    case RestPlan::Action::trade_history:
    case RestPlan::Action::fill_history: {
      od::array body;
      if (error_code e = json.get_array().get(body)) return type_error(e, "expected an array");
      if (plan.action == RestPlan::Action::trade_history) return parse_trade_history(body, plan, ctx, out);
      if (plan.action == RestPlan::Action::fill_history) return parse_fill_history(body, plan, ctx, out);
      return parse_open_orders(body, plan, ctx, out);
    }
    case RestPlan::Action::ignore: break;
  }
  return ctx.ignore(out, plan.ignore_why);
}

}  // namespace mm::feedjson
