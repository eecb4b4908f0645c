// Shared helpers for the feeds tests: a hand-built Program, padded inputs, recorded data.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "core/program.h"
#include "feeds/record_parser.h"

namespace mm::test {

// Markets sorted by symbol: SOL_USDC = 0, SOL_USDC_PERP = 1, USDT_USDC = 2 (the private
// recording trades USDT_USDC). MMs: alpha = 0 (accounts main, hedge), beta = 1.
inline Program make_program() {
  Program p;
  auto market = [](std::string symbol, Category category) {
    MarketSpec m;
    m.symbol = std::move(symbol);
    m.category = category;
    m.quote = "USDC";
    return m;
  };
  p.markets = {market("SOL_USDC", Category::spot), market("SOL_USDC_PERP", Category::perp),
               market("USDT_USDC", Category::spot)};
  MmSpec alpha;
  alpha.id = "alpha";
  alpha.accounts = {"main", "hedge"};
  MmSpec beta;
  beta.id = "beta";
  p.mms = {alpha, beta};
  p.index();
  return p;
}

inline constexpr uint32_t kSolUsdc = 0;
inline constexpr uint32_t kSolUsdcPerp = 1;
inline constexpr uint32_t kUsdtUsdc = 2;

// Parses text copied into a buffer with the padding the parser needs after it.
class Harness {
 public:
  Harness() : program_(make_program()), parser_(program_) {}

  ParseOutcome journal(std::string_view line) { return parser_.parse_journal_line(pad(line), record); }
  ParseOutcome frame(std::string_view text, Source src = {SourceKind::market, 0, 0}, TimeUs ts = 5) {
    return parser_.parse_frame(ts, src, pad(text), record);
  }
  ParseOutcome rest(std::string_view path, std::string_view body, Source src = {SourceKind::rest, 0, 0},
                    TimeUs ts = 5) {
    return parser_.parse_rest(ts, src, path, pad(body), record);
  }

  template <class T>
  const T& payload() const {
    REQUIRE(std::holds_alternative<T>(record.payload));
    return std::get<T>(record.payload);
  }
  bool ignored() const { return std::holds_alternative<IgnoredEvent>(record.payload); }

  const Program& program() const { return program_; }
  Record record;

 private:
  std::string_view pad(std::string_view text) {
    buffer_.assign(text);
    buffer_.append(kJsonPadding, ' ');
    return std::string_view(buffer_.data(), text.size());
  }

  Program program_;
  RecordParser parser_;
  std::string buffer_;
};

// Wraps a frame into a journal record of the given source.
inline std::string frame_record(std::string_view frame, std::string_view src = "public") {
  return std::string(R"({"ts":1,"src":")") + std::string(src) + R"(","frame":)" + std::string(frame) + "}";
}

// The recorded exchange data, or nullopt (with a Catch2 WARN) when the folder is absent.
inline std::optional<std::filesystem::path> shared_data(std::string_view file) {
  std::filesystem::path path = std::filesystem::path(MMSCORE_SHARED_DATA) / file;
  if (!std::filesystem::exists(path)) {
    WARN("recorded data not found, skipping: " << path.string());
    return std::nullopt;
  }
  return path;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces the first occurrence of `from` (which must exist) in a copy of `text`.
inline std::string replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

}  // namespace mm::test
