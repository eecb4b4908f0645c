// Exchange WebSocket frames -> core events (internal to feeds/; use RecordParser).
#pragma once

#include "feeds/json_fields.h"

namespace mm::feedjson {

// Parses one envelope {"stream": "...", "data": {...}}: trade.<S> -> TradeEvent,
// depth[.<N>ms].<S> -> DepthEvent, account.orderUpdate -> OrderEvent; other streams and
// exchange error frames -> IgnoredEvent. Public and private streams are told apart by the
// stream name alone, so a journal record's frame can be parsed before its "src" is seen;
// apply_source_rules() then checks the pairing. Returns false with ctx.failure set.
bool parse_frame(od::object& frame, ParseContext& ctx, Payload& out);

// A private event on a public source (or the reverse) carries nothing the scoring can
// attribute: it becomes IgnoredEvent. `kind` is SourceKind::market or SourceKind::mm.
void apply_source_rules(SourceKind kind, ParseContext& ctx, Payload& out);

}  // namespace mm::feedjson
