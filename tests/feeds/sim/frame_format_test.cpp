// The frames look like the recorded exchange output (same keys, same number styles), and
// every frame and REST body is accepted by RecordParser without a single refusal.
#include "sim_test_support.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace mm;
using namespace mm::simtest;

namespace {

// Keys of the object at `depth` (1 = the root object, 2 = "data" in an envelope).
std::set<std::string> keys_at_depth(std::string_view json, int want) {
  std::set<std::string> keys;
  int depth = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      const size_t end = json.find('"', i + 1);
      if (depth == want && end + 1 < json.size() && json[end + 1] == ':') {
        keys.insert(std::string(json.substr(i + 1, end - i - 1)));
      }
      i = end;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return keys;
}

std::string recorded_line(const char* file, std::string_view containing) {
  std::ifstream in(std::filesystem::path(MMSCORE_SHARED_DATA) / file);
  for (std::string line; std::getline(in, line);)
    if (line.find(containing) != std::string::npos) return line;
  return {};
}

// The string value of "key" in a flat JSON object, e.g. "p" -> "98.90".
std::string string_field(std::string_view json, std::string_view key) {
  const std::string pattern = "\"" + std::string(key) + "\":\"";
  const size_t at = json.find(pattern);
  if (at == std::string_view::npos) return {};
  const size_t begin = at + pattern.size();
  return std::string(json.substr(begin, json.find('"', begin) - begin));
}

int decimals_in(const std::string& number) {
  const size_t point = number.find('.');
  return point == std::string::npos ? 0 : int(number.size() - point - 1);
}

}  // namespace

TEST_CASE("frames have the recorded field sets and fixed-scale numbers") {
  SyntheticExchange ex(small_options(5));
  std::map<std::string, std::string> sample;  // first frame of each kind
  std::map<std::string, int> count;
  for (int i = 0; i < 20000; ++i) {
    ex.step(kStart + i * 1000, [&](const Frame& f) {
      std::string kind = std::string(f.stream.substr(0, f.stream.find('.')));
      if (f.kind == FrameKind::order_update) {
        kind = string_field(f.json, "e");
        if (kind == "orderFill") kind += f.json.find("\"m\":true") != std::string_view::npos ? ".maker" : ".taker";
      }
      if (count[kind]++ == 0) sample[kind] = std::string(f.json);
      // Prices and quantities keep the market's scale: SOL_USDC 2 and 2 decimals.
      if (f.market == 0 && f.kind != FrameKind::depth) {
        const std::string p = string_field(f.json, "p"), q = string_field(f.json, "q");
        REQUIRE(decimals_in(p) == 2);
        REQUIRE(decimals_in(q) == 2);
      }
    });
  }
  for (const char* kind : {"depth", "trade", "orderAccepted", "orderCancelled", "orderExpired", "orderFill.maker",
                           "orderFill.taker"}) {
    INFO(kind);
    CHECK(count[kind] > 0);
  }
  // Real-time depth: one level, U == u, as in the recording.
  CHECK(sample["depth"].find("\"U\":") != std::string::npos);

  const std::string rec_depth = recorded_line("ws_public_sol_usdc.jsonl", "\"stream\":\"depth.SOL_USDC\"");
  const std::string rec_trade = recorded_line("ws_public_sol_usdc.jsonl", "\"stream\":\"trade.SOL_USDC\"");
  const std::string rec_accepted = recorded_line("ws_private.jsonl", "orderAccepted");
  const std::string rec_cancelled = recorded_line("ws_private.jsonl", "orderCancelled");
  if (rec_depth.empty() || rec_trade.empty() || rec_accepted.empty()) {
    WARN("recorded data not found, skipping the field-set comparison");
    return;
  }
  CHECK(keys_at_depth(sample["depth"], 1) == keys_at_depth(rec_depth, 1));
  CHECK(keys_at_depth(sample["depth"], 2) == keys_at_depth(rec_depth, 2));
  CHECK(keys_at_depth(sample["trade"], 2) == keys_at_depth(rec_trade, 2));
  CHECK(keys_at_depth(sample["orderAccepted"], 2) == keys_at_depth(rec_accepted, 2));
  CHECK(keys_at_depth(sample["orderCancelled"], 2) == keys_at_depth(rec_cancelled, 2));
  // Fills: the accepted set plus the documented fill fields.
  std::set<std::string> fill_keys = keys_at_depth(rec_accepted, 2);
  fill_keys.insert({"L", "N", "l", "m", "n"});
  CHECK(keys_at_depth(sample["orderFill.maker"], 2) == fill_keys);
  CHECK(keys_at_depth(sample["orderFill.taker"], 2) == fill_keys);
  CHECK(sample["orderAccepted"].find("\"t\":null") != std::string::npos);

  const std::string rec_rest = [] {
    std::ifstream in(std::filesystem::path(MMSCORE_SHARED_DATA) / "rest_depth_SOL_USDC.json");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  CHECK(keys_at_depth(ex.depth_snapshot(0, kStart), 1) == keys_at_depth(rec_rest, 1));
}

TEST_CASE("REST depth snapshot: both sides ascending, trimmed numbers, string lastUpdateId") {
  SyntheticExchange ex(small_options(8));
  warm_up(ex, 3000, kStart);
  const std::string body = ex.depth_snapshot(0, kStart + 5);
  CHECK(body.starts_with("{\"asks\":[[\""));
  CHECK(body.find("\"lastUpdateId\":\"" + std::to_string(ex.last_update_id(0)) + "\"") != std::string::npos);
  CHECK(body.ends_with(",\"timestamp\":" + std::to_string(kStart + 5) + "}"));
  // REST trims: no number ends in a zero after the point.
  for (size_t at = body.find("0\""); at != std::string::npos; at = body.find("0\"", at + 1)) {
    const size_t start = body.rfind('"', at);
    const std::string number = body.substr(start + 1, at - start);
    INFO(number);
    CHECK(number.find('.') == std::string::npos);
  }
}

TEST_CASE("every frame and REST body parses without a refusal") {
  const ExchangeOptions options = small_options(9);
  SyntheticExchange ex(options);
  EngineRig rig(options, 10 * kUsPerSecond);
  warm_up(ex, 2000, kStart - kUsPerSecond);
  rig.connect_all(ex, kStart);
  uint64_t frames = 0;
  TimeUs t = rig.run(ex, 30000, kStart + 1000, 200, [&](const Frame&) { ++frames; });
  for (uint32_t m = 0; m < ex.market_count(); ++m) {
    rig.reseed(ex, m, t);
    for (uint32_t a = 0; a < ex.account_count(); ++a) {
      std::string line;
      append_open_orders_record(line, t, options.accounts[a], options.markets[m].symbol, ex.open_orders(a, m));
      CHECK(rig.feed(line));
    }
  }
  INFO(rig.first_refusal());
  CHECK(frames > 100'000);
  CHECK(rig.refused() == 0);
  CHECK(rig.ignored() == 0);  // every market and account is configured: nothing unused
  CHECK(rig.engine().counters().rejected == 0);
}

TEST_CASE("live-path parsing of frames and REST bodies (no journal wrapper)") {
  const ExchangeOptions options = small_options(10);
  SyntheticExchange ex(options);
  const SimProgram sim = make_sim_program(options, 60 * kUsPerSecond, true);
  RecordParser parser(sim.program);
  Record record;
  std::string buffer;
  auto padded = [&](std::string_view text) {
    buffer.assign(text);
    buffer.append(kJsonPadding, ' ');
    return std::string_view(buffer.data(), text.size());
  };
  uint64_t refused = 0;
  std::string first;
  auto check = [&](ParseOutcome out) {
    if (!out.ok && refused++ == 0) first = std::string(out.reason);
  };
  for (int i = 0; i < 5000; ++i) {
    ex.step(kStart + i * 700, [&](const Frame& f) {
      const Source src = f.is_private ? Source{SourceKind::mm, sim.mm_of[f.account], sim.account_of[f.account]}
                                      : Source{SourceKind::market, 0, 0};
      check(parser.parse_frame(kStart, src, padded(f.json), record));
    });
  }
  for (uint32_t m = 0; m < ex.market_count(); ++m) {
    const std::string path = "/api/v1/depth?symbol=" + options.markets[m].symbol;
    check(parser.parse_rest(kStart, {SourceKind::rest, 0, 0}, path, padded(ex.depth_snapshot(m, kStart)), record));
    REQUIRE(std::holds_alternative<DepthSnapshotEvent>(record.payload));
    CHECK(std::get<DepthSnapshotEvent>(record.payload).last_update_id == ex.last_update_id(m));
  }
  for (uint32_t a = 0; a < ex.account_count(); ++a) {
    check(parser.parse_rest(kStart, {SourceKind::mm_rest, sim.mm_of[a], sim.account_of[a]}, "/api/v1/orders",
                            padded(ex.open_orders(a, std::nullopt)), record));
  }
  INFO(first);
  CHECK(refused == 0);
}
