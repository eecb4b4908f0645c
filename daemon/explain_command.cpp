// mmscore explain: the evidence rows of SCORING.md section 15 for one MM, from a replay
// of its journals (the same engine and records as `replay`, so the rows' totals are the
// report's figures). Rows are streamed to stdout as the replay takes each snapshot.
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "config/config.h"
#include "core/engine.h"
#include "core/evidence.h"
#include "daemon/cli_args.h"
#include "daemon/commands.h"
#include "feeds/journal_reader.h"
#include "feeds/journal_replay.h"

namespace mm {

namespace {

const char* kExplainUsage =
    "usage: mmscore explain --config FILE --journal J1 [--journal J2 ...] --mm ID [--market SYMBOL]\n"
    "                       [--from T] [--to T] [--format json|csv] [--orders] [--allow-config-change]\n"
    "  T: RFC 3339 UTC (2026-12-14T00:00:00Z, fractions allowed) or integer microseconds since\n"
    "  the epoch; rows with from <= instant < to\n";

struct ExplainOptions {
  uint16_t mm = 0;
  std::optional<uint32_t> market;
  TimeUs from = INT64_MIN, to = INT64_MAX;
  bool csv = false, orders = false, allow_config_change = false;
};

// RFC 3339 UTC or integer microseconds.
std::optional<TimeUs> parse_time_arg(const std::string& s) {
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string::npos) {
    TimeUs v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
  }
  return parse_rfc3339(s);
}

// The options, or the message naming the bad argument.
Result<ExplainOptions> parse_options(const CliArgs& args, const Program& p) {
  ExplainOptions o;
  const std::string mm_id = *args.get("--mm");
  const auto mm = p.mm_index(mm_id);
  if (!mm) return make_error("--mm: no MM '" + mm_id + "' in the config");
  o.mm = uint16_t(*mm);
  if (const auto s = args.get("--market")) {
    const auto m = p.market_index(*s);
    if (!m) return make_error("--market: no market '" + *s + "' in the config");
    o.market = uint32_t(*m);
  }
  for (const char* flag : {"--from", "--to"}) {
    const auto v = args.get(flag);
    if (!v) continue;
    const auto t = parse_time_arg(*v);
    if (!t) return make_error(std::string(flag) + ": '" + *v + "' is neither RFC 3339 UTC nor integer microseconds");
    (std::string(flag) == "--from" ? o.from : o.to) = *t;
  }
  if (o.from > o.to) return make_error("--from: after --to");
  const std::string format = args.get("--format").value_or("json");
  if (format != "json" && format != "csv") return make_error("--format: '" + format + "' is not json or csv");
  o.csv = format == "csv";
  o.orders = args.has("--orders");
  o.allow_config_change = args.has("--allow-config-change");
  return o;
}

// Prints the MM's rows as the engine takes snapshots; sums them per month and market.
class ExplainSink : public EvidenceSink {
 public:
  ExplainSink(const Program& p, ExplainOptions o) : program_(p), opt_(o) {}

  void cell(const CellEvidence& e, const MmOrders& orders) override {
    if (e.mm != opt_.mm || (opt_.market && e.market != *opt_.market)) return;
    if (e.instant < opt_.from || e.instant >= opt_.to) return;
    const EvidenceRow row = make_evidence_row(program_, e, orders, opt_.orders);
    totals_[{month_of(e.instant).to_string(), e.market}].add(e);
    if (opt_.csv) {
      if (rows_++ == 0) std::fputs(evidence_csv_header(opt_.orders).c_str(), stdout);
      std::fputs(evidence_csv_line(program_, row, opt_.orders).c_str(), stdout);
      return;
    }
    JsonWriter w(false);
    write_evidence_json(w, program_, row, opt_.orders);
    std::fputs(rows_++ == 0 ? "\n    " : ",\n    ", stdout);
    std::fputs(w.str().c_str(), stdout);
  }

  void begin() {
    if (opt_.csv) return;
    JsonWriter head(false);
    std::printf("{\"mm_id\": %s, \"config_hash\": \"%s\", \"rows\": [",
                head.value(program_.mms[opt_.mm].id).str().c_str(), program_.config_hash.c_str());
  }

  // JSON: the totals per month and market; CSV: the header even without a row.
  void end() {
    if (opt_.csv) {
      if (rows_ == 0) std::fputs(evidence_csv_header(opt_.orders).c_str(), stdout);
      return;
    }
    std::fputs(rows_ ? "\n  ],\n  \"totals\": [" : "],\n  \"totals\": [", stdout);
    bool first = true;
    for (const auto& [key, t] : totals_) {
      JsonWriter w(false);
      w.begin_object().key("month").value(key.first).key("totals");
      write_evidence_totals_json(w, program_, key.second, t);
      w.end_object();
      std::printf("%s\n    %s", first ? "" : ",", w.str().c_str());
      first = false;
    }
    std::fputs(totals_.empty() ? "]}\n" : "\n  ]}\n", stdout);
  }

 private:
  const Program& program_;
  ExplainOptions opt_;
  uint64_t rows_ = 0;
  std::map<std::pair<std::string, uint32_t>, EvidenceTotals> totals_;
};

int explain_journals(const Program& program, const std::vector<std::string>& journals, const ExplainOptions& opt) {
  for (const std::string& j : journals) {  // unreadable inputs before any output
    JournalReader probe;
    if (auto opened = probe.open(j); !opened) {
      std::fprintf(stderr, "mmscore explain: --journal: %s\n", opened.message().c_str());
      return kExitUsage;
    }
  }
  Engine engine(program);
  ExplainSink sink(program, opt);
  engine.set_evidence_sink(&sink);
  JournalReplayer replayer(program, engine, JournalReplayOptions{.allow_config_change = opt.allow_config_change});
  replayer.on_refusal([](const std::string& file, uint64_t line, std::string_view reason) {
    spdlog::warn("{}:{}: refused: {}", file, line, reason);
  });
  if (auto checked = replayer.check_headers(journals); !checked) {
    std::fprintf(stderr, "mmscore explain: %s\n", checked.message().c_str());
    return kExitUsage;
  }
  sink.begin();
  for (const std::string& j : journals) {
    if (auto replayed = replayer.replay_file(j); !replayed) {
      std::fflush(stdout);
      std::fprintf(stderr, "mmscore explain: %s (output incomplete)\n", replayed.message().c_str());
      return kExitUsage;
    }
  }
  sink.end();
  return kExitOk;
}

}  // namespace

int explain_command(int argc, char** argv) {
  CliArgs args({"--config", "--journal", "--mm", "--market", "--from", "--to", "--format"},
               {"--orders", "--allow-config-change"});
  if (auto parsed = args.parse(argc, argv, 2); !parsed) {
    std::fprintf(stderr, "mmscore explain: %s\n%s", parsed.message().c_str(), kExplainUsage);
    return kExitUsage;
  }
  if (!args.has("--config") || !args.has("--journal") || !args.has("--mm") || !args.positional().empty()) {
    std::fprintf(stderr, "mmscore explain: --config, --journal and --mm are required\n%s", kExplainUsage);
    return kExitUsage;
  }
  auto loaded = load_config_file(*args.get("--config"));
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());
    return kExitUsage;
  }
  const Program& program = loaded->program;
  auto opt = parse_options(args, program);
  if (!opt) {
    std::fprintf(stderr, "mmscore explain: %s\n%s", opt.message().c_str(), kExplainUsage);
    return kExitUsage;
  }
  return explain_journals(program, args.all("--journal"), *opt);
}

}  // namespace mm
