// Bytes -> core events: journal lines (SCORING.md section 11), live WebSocket frames and
// REST bodies (BACKPACK.md). The only entry point of feeds/ parsing; simdjson stays
// behind it, so includers do not pay for its header.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "core/events.h"
#include "core/program.h"

namespace mm {

// Readable bytes every input must have after its end (simdjson reads past the JSON with
// wide loads; the bytes' values do not matter). Checked against simdjson's own constant.
inline constexpr size_t kJsonPadding = 64;

struct ParseOutcome {
  bool ok;
  // Refusal: which field and why, e.g. "frame.data.p: not a plain decimal". Success with an
  // IgnoredEvent payload: why it is unused, e.g. "stream not scored". Otherwise empty.
  // Valid until the parser's next call.
  std::string_view reason;
};

// One per thread: owns the simdjson parser and the buffers events point into, so there
// is no allocation per message once they have grown to the largest message seen.
//
// A refused (malformed) input leaves `out` reset to an IgnoredEvent with ts 0 and no
// source: nothing of it can be applied. Whether an input is malformed never depends on
// the Program (config); only whether a well-formed one is used does.
class RecordParser {
 public:
  explicit RecordParser(const Program& program);
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // One journal line. `line` must be followed by kJsonPadding readable bytes (JournalReader
  // guarantees it). Spans inside `out` point into this parser and stay valid until the
  // next call. An MM or account that is not configured gives an IgnoredEvent whose source
  // is left default (kind none), so nobody mistakes it for MM 0.
  ParseOutcome parse_journal_line(std::string_view line, Record& out);

  // Live path: a frame as received from a stream; same validation as a journal record's
  // "frame". `src.kind` is market or mm. kJsonPadding readable bytes after the frame.
  ParseOutcome parse_frame(TimeUs ts, Source src, std::string_view padded_frame, Record& out);

  // Live path: a REST response body used for state. `src.kind` is rest (depth) or mm_rest
  // (open orders); `path` as requested, e.g. "/api/v1/depth?symbol=SOL_USDC". A path that
  // is not used is ignored without reading the body. kJsonPadding bytes after the body.
  ParseOutcome parse_rest(TimeUs ts, Source src, std::string_view path,
                          std::string_view padded_body, Record& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mm
