#include "feeds/record_parser.h"

#include <simdjson.h>

#include "feeds/frame_parser.h"
#include "feeds/json_fields.h"
#include "feeds/rest_parser.h"

namespace mm {

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

using namespace feedjson;
using simdjson::error_code;

namespace {

constexpr TimeUs kLatestJournalTime = 7'258'118'400'000'000;  // 2200-01-01T00:00:00Z in µs

// Keys of a journal record (SCORING.md section 11); all others are skipped.
enum RootKey : uint8_t { k_ts, k_src, k_account, k_tick, k_interval, k_event, k_path, k_frame, k_body, k_other };
constexpr std::string_view kRootKeyNames[] = {"ts",       "src",   "account", "tick", "interval",
                                              "event",    "path",  "frame",   "body"};

RootKey classify_root_key(od::raw_json_string key) {
  // Raw comparison: an escaped spelling of a known key counts as an unknown key.
  for (uint8_t i = 0; i < k_other; ++i)
    if (key.unsafe_is_equal(kRootKeyNames[i])) return RootKey(i);
  return k_other;
}

// The top-level fields of one record, read in a single in-order pass. String views point
// into the document's string buffer: valid until the document is rewound.
struct JournalRoot {
  uint32_t seen = 0;
  TimeUs ts = 0;
  std::string_view src, account, tick, event, path;
  uint64_t interval = 0;
  // "frame" before "src", "body" before "src"/"path": read after a rewind, once it is
  // known how (and whether) to read them.
  bool frame_pending = false;
  bool body_pending = false;

  bool has(RootKey k) const { return (seen >> k) & 1u; }
};

enum class SrcForm : uint8_t { public_stream, mm_stream, public_rest, mm_rest };

struct ResolvedSrc {
  SrcForm form = SrcForm::public_stream;
  Source source;
  bool known = true;  // false: MM or account not configured
  std::string_view unknown_why;
};

const char* parse_src_form(std::string_view src, SrcForm& form, std::string_view& mm_id) {
  if (src == "public") {
    form = SrcForm::public_stream;
  } else if (src == "rest") {
    form = SrcForm::public_rest;
  } else if (src.starts_with("mm:")) {
    form = SrcForm::mm_stream;
    mm_id = src.substr(3);
  } else if (src.starts_with("rest:mm:")) {
    form = SrcForm::mm_rest;
    mm_id = src.substr(8);
  } else {
    return "unknown source (expected public, mm:<id>, rest or rest:mm:<id>)";
  }
  if ((form == SrcForm::mm_stream || form == SrcForm::mm_rest) && mm_id.empty()) return "empty mm id";
  return nullptr;
}

bool is_rest(SrcForm form) { return form == SrcForm::public_rest || form == SrcForm::mm_rest; }

SourceKind kind_of(SrcForm form) {
  switch (form) {
    case SrcForm::public_stream: return SourceKind::market;
    case SrcForm::mm_stream: return SourceKind::mm;
    case SrcForm::public_rest: return SourceKind::rest;
    case SrcForm::mm_rest: return SourceKind::mm_rest;
  }
  return SourceKind::none;
}

simdjson::padded_string_view padded(std::string_view text) {
  return simdjson::padded_string_view(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING);
}

}  // namespace

struct RecordParser::Impl {
  explicit Impl(const Program& program) : ctx(program) {}

  ParseOutcome finish(bool ok, TimeUs ts, Source source, Record& out);
  void begin();

  bool read_journal(std::string_view line, TimeUs& ts, Source& source, Payload& payload);
  bool read_root_field(od::field& field, JournalRoot& root, RestPlan& plan, Payload& payload);
  bool read_frame_field(od::value& v, Payload& payload);
  bool resolve_src(const JournalRoot& root, ResolvedSrc& out);
  bool finish_tick(const JournalRoot& root, Payload& payload);
  bool finish_stream(od::document& doc, const JournalRoot& root, const ResolvedSrc& src,
                     Payload& payload);
  bool reread(od::document& doc, std::string_view key, od::value& value);
  bool finish_rest(od::document& doc, JournalRoot& root, const ResolvedSrc& src, RestPlan& plan,
                   Payload& payload);

  bool read_live_frame(std::string_view frame, SourceKind kind, Payload& payload);
  bool read_live_rest(SourceKind kind, std::string_view path, std::string_view body, Payload& payload);

  od::parser json;
  ParseContext ctx;
};

void RecordParser::Impl::begin() {
  ctx.failure.clear();
  ctx.failure.set_prefix("");
  ctx.ignored_why = {};
}

ParseOutcome RecordParser::Impl::finish(bool ok, TimeUs ts, Source source, Record& out) {
  if (!ok) {
    out = Record{};  // nothing of a refused record may be applied
    return {false, ctx.failure.text()};
  }
  out.ts = ts;
  out.source = source;
  return {true, std::holds_alternative<IgnoredEvent>(out.payload) ? ctx.ignored_why : std::string_view{}};
}

// ---- journal records ------------------------------------------------------------------

bool RecordParser::Impl::read_journal(std::string_view line, TimeUs& ts, Source& source,
                                      Payload& payload) {
  ParseFailure& failure = ctx.failure;
  od::document doc;
  if (error_code e = json.iterate(padded(line)).get(doc)) return failure.json_error("record", "", e);
  od::object object;
  if (error_code e = doc.get_object().get(object)) {
    if (e == simdjson::INCORRECT_TYPE) return failure.at("record", "not a JSON object");
    return failure.json_error("record", "", e);
  }
  // One in-order pass over the top level: sees every key (duplicates, conflicting forms)
  // and consumes the object, so trailing content can be detected. The frame or body is
  // parsed in place when the fields saying how to read it came first (the order the
  // recorder writes); otherwise it gets a second look after the pass.
  JournalRoot root;
  RestPlan plan;
  payload = IgnoredEvent{};
  for (auto field_result : object) {
    od::field field;
    if (error_code e = std::move(field_result).get(field)) return failure.json_error("record", "", e);
    if (!read_root_field(field, root, plan, payload)) return false;
  }
  if (!at_document_end(doc)) return failure.at("record", "trailing content after the JSON object");

  if (!root.has(k_ts)) return failure.at("ts", "missing");
  ts = root.ts;
  source = Source{};
  if (root.has(k_tick)) return finish_tick(root, payload);
  if (!root.has(k_src)) return failure.at("src", "missing (or tick)");
  if (root.has(k_interval)) return failure.at("interval", "only allowed in a tick record");

  ResolvedSrc src;
  if (!resolve_src(root, src)) return false;
  bool ok = is_rest(src.form) ? finish_rest(doc, root, src, plan, payload)
                              : finish_stream(doc, root, src, payload);
  if (!ok) return false;
  if (!src.known) return ctx.ignore(payload, src.unknown_why);  // source stays default
  source = src.source;
  return true;
}

bool RecordParser::Impl::read_root_field(od::field& field, JournalRoot& root, RestPlan& plan,
                                         Payload& payload) {
  ParseFailure& failure = ctx.failure;
  RootKey key = classify_root_key(field.key());
  if (key == k_other) return true;  // unknown fields are allowed; the loop skips the value
  std::string_view name = kRootKeyNames[key];
  if (root.has(key)) return failure.at(name, "duplicate key");
  root.seen |= 1u << key;
  od::value& v = field.value();
  const char* message = nullptr;
  switch (key) {
    case k_ts:
      message = read_time(v, root.ts);
      // A time in ns (or any unit mix-up) would sweep the engine through tens of
      // thousands of years of month ends: such a record is refused instead.
      if (!message && root.ts >= kLatestJournalTime) message = "time after 2200-01-01 (expected microseconds)";
      break;
    case k_src: message = read_string(v, root.src); break;
    case k_account: message = read_string(v, root.account); break;
    case k_tick: message = read_string(v, root.tick); break;
    case k_event: message = read_string(v, root.event); break;
    case k_path: message = read_string(v, root.path); break;
    case k_interval:
      if (v.get_uint64().get(root.interval)) {
        message = "expected a non-negative integer";
      } else if (root.interval > UINT32_MAX) {
        message = "must be below 2^32";
      }
      break;
    case k_frame: {
      SrcForm form = SrcForm::public_rest;
      std::string_view mm_id;
      if (root.has(k_src) && parse_src_form(root.src, form, mm_id) == nullptr && !is_rest(form)) {
        return read_frame_field(v, payload);
      }
      root.frame_pending = true;  // decided after the pass; the loop skips it for now
      return true;
    }
    case k_body: {
      SrcForm form = SrcForm::public_stream;
      std::string_view mm_id;
      if (root.has(k_src) && root.has(k_path) && parse_src_form(root.src, form, mm_id) == nullptr &&
          is_rest(form)) {
        if (!plan_rest(kind_of(form), root.path, ctx, plan)) return false;
        return parse_rest_body(v, plan, ctx, payload);
      }
      root.body_pending = true;
      return true;
    }
    case k_other: break;
  }
  return message == nullptr || failure.at(name, message);
}

bool RecordParser::Impl::read_frame_field(od::value& v, Payload& payload) {
  od::object frame;
  if (error_code e = v.get_object().get(frame)) {
    if (e == simdjson::INCORRECT_TYPE) return ctx.failure.at("frame", "expected an object");
    return ctx.failure.json_error("frame", "", e);
  }
  ctx.failure.set_prefix("frame.");
  bool ok = feedjson::parse_frame(frame, ctx, payload);
  ctx.failure.set_prefix("");
  return ok;
}

bool RecordParser::Impl::resolve_src(const JournalRoot& root, ResolvedSrc& out) {
  std::string_view mm_id;
  if (const char* m = parse_src_form(root.src, out.form, mm_id)) return ctx.failure.at("src", m);
  out.source.kind = kind_of(out.form);
  if (out.form == SrcForm::public_stream || out.form == SrcForm::public_rest) {
    if (root.has(k_account)) return ctx.failure.at("account", "only allowed with an mm source");
    return true;
  }
  std::optional<uint32_t> mm = ctx.program.mm_index(mm_id);
  if (!mm) {
    out.known = false;
    out.unknown_why = "mm not configured";
    return true;
  }
  uint32_t account = 0;
  if (root.has(k_account)) {
    std::optional<uint32_t> found = ctx.program.account_index(*mm, root.account);
    if (!found) {
      out.known = false;
      out.unknown_why = "account not configured";
      return true;
    }
    account = *found;
  }
  out.source.mm = uint16_t(*mm);
  out.source.account = uint16_t(account);
  return true;
}

bool RecordParser::Impl::finish_tick(const JournalRoot& root, Payload& payload) {
  for (RootKey k : {k_src, k_account, k_frame, k_event, k_path, k_body})
    if (root.has(k)) return ctx.failure.at(kRootKeyNames[k], "not allowed in a tick record");
  if (root.tick != "snapshot") return ctx.failure.at("tick", "unknown tick (expected \"snapshot\")");
  if (!root.has(k_interval)) return ctx.failure.at("interval", "missing");
  payload = TickEvent{uint32_t(root.interval)};
  return true;
}

bool RecordParser::Impl::finish_stream(od::document& doc, const JournalRoot& root,
                                       const ResolvedSrc& src, Payload& payload) {
  for (RootKey k : {k_path, k_body})
    if (root.has(k)) return ctx.failure.at(kRootKeyNames[k], "not allowed with a stream source");
  if (root.has(k_frame) && root.has(k_event)) {
    return ctx.failure.at("event", "not allowed together with frame");
  }
  if (root.has(k_event)) {
    if (root.event == "connected") {
      payload = ConnectionEvent{true};
    } else if (root.event == "disconnected") {
      payload = ConnectionEvent{false};
    } else {
      return ctx.failure.at("event", "expected \"connected\" or \"disconnected\"");
    }
    return true;
  }
  if (!root.has(k_frame)) return ctx.failure.at("frame", "missing (or event)");
  if (root.frame_pending) {
    od::value frame;
    if (!reread(doc, "frame", frame) || !read_frame_field(frame, payload)) return false;
  }
  apply_source_rules(src.source.kind, ctx, payload);
  return true;
}

// Second look at one top-level value. Rewinding recycles the string buffer: views read
// before it (root's strings) must not be used afterwards.
bool RecordParser::Impl::reread(od::document& doc, std::string_view key, od::value& value) {
  doc.rewind();
  od::object object;
  if (error_code e = doc.get_object().get(object)) return ctx.failure.json_error("record", "", e);
  if (error_code e = object.find_field_unordered(key).get(value)) return ctx.failure.json_error(key, "", e);
  return true;
}

bool RecordParser::Impl::finish_rest(od::document& doc, JournalRoot& root, const ResolvedSrc& src,
                                     RestPlan& plan, Payload& payload) {
  for (RootKey k : {k_frame, k_event})
    if (root.has(k)) return ctx.failure.at(kRootKeyNames[k], "not allowed with a REST source");
  if (!root.has(k_path)) return ctx.failure.at("path", "missing");
  if (!root.has(k_body)) return ctx.failure.at("body", "missing");
  if (!root.body_pending) return true;  // parsed in place

  // Plan while root's strings are intact: the rewind recycles the string buffer.
  if (!plan_rest(src.source.kind, root.path, ctx, plan)) return false;
  if (plan.action == RestPlan::Action::ignore) return ctx.ignore(payload, plan.ignore_why);
  od::value body;
  return reread(doc, "body", body) && parse_rest_body(body, plan, ctx, payload);
}

// ---- live inputs ----------------------------------------------------------------------

bool RecordParser::Impl::read_live_frame(std::string_view frame_text, SourceKind kind, Payload& payload) {
  od::document doc;
  if (error_code e = json.iterate(padded(frame_text)).get(doc)) return ctx.failure.json_error("frame", "", e);
  od::object frame;
  if (error_code e = doc.get_object().get(frame)) {
    if (e == simdjson::INCORRECT_TYPE) return ctx.failure.at("frame", "not a JSON object");
    return ctx.failure.json_error("frame", "", e);
  }
  if (!feedjson::parse_frame(frame, ctx, payload)) return false;
  if (error_code e = frame.raw_json().error()) return ctx.failure.json_error("frame", "", e);
  if (!at_document_end(doc)) return ctx.failure.at("frame", "trailing content after the JSON object");
  apply_source_rules(kind, ctx, payload);
  return true;
}

bool RecordParser::Impl::read_live_rest(SourceKind kind, std::string_view path,
                                        std::string_view body_text, Payload& payload) {
  RestPlan plan;
  if (!plan_rest(kind, path, ctx, plan)) return false;
  if (plan.action == RestPlan::Action::ignore) return ctx.ignore(payload, plan.ignore_why);
  od::document doc;
  if (error_code e = json.iterate(padded(body_text)).get(doc)) return ctx.failure.json_error("body", "", e);
  if (!parse_rest_body(doc, plan, ctx, payload)) return false;
  if (!at_document_end(doc)) return ctx.failure.at("body", "trailing content after the JSON value");
  return true;
}

// ---- public API -----------------------------------------------------------------------

RecordParser::RecordParser(const Program& program) : impl_(std::make_unique<Impl>(program)) {}
RecordParser::~RecordParser() = default;

ParseOutcome RecordParser::parse_journal_line(std::string_view line, Record& out) {
  impl_->begin();
  TimeUs ts = 0;
  Source source;
  bool ok = impl_->read_journal(line, ts, source, out.payload);
  return impl_->finish(ok, ts, source, out);
}

ParseOutcome RecordParser::parse_frame(TimeUs ts, Source src, std::string_view padded_frame, Record& out) {
  impl_->begin();
  bool ok = impl_->read_live_frame(padded_frame, src.kind, out.payload);
  return impl_->finish(ok, ts, src, out);
}

ParseOutcome RecordParser::parse_rest(TimeUs ts, Source src, std::string_view path,
                                      std::string_view padded_body, Record& out) {
  impl_->begin();
  bool ok = impl_->read_live_rest(src.kind, path, padded_body, out.payload);
  return impl_->finish(ok, ts, src, out);
}

}  // namespace mm
