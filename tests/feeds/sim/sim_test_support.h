// Shared helpers for the synthetic exchange tests: a small mixed setup, and a rig that
// feeds the exchange's output, as journal lines, through RecordParser into an Engine.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "feeds/record_parser.h"
#include "feeds/sim/model/journal_text.h"
#include "feeds/sim/model/market_catalog.h"
#include "feeds/sim/model/sim_program.h"
#include "feeds/sim/model/synthetic_exchange.h"

namespace mm::simtest {

using namespace mm::sim;

// 2026-02-10T00:00:00Z: well inside a month, so no month end interferes.
inline constexpr TimeUs kStart = 1'770'681'600'000'000;

// Three markets with different scales; one account per style plus a second account of
// "alpha" (two accounts of one MM).
inline ExchangeOptions small_options(uint64_t seed) {
  ExchangeOptions o;
  o.seed = seed;
  o.markets = {make_sim_market("SOL_USDC", "98.90", "0.01", "0.01"),
               make_sim_market("BTC_USDC_PERP", "97180.0", "0.1", "0.00001"),
               make_sim_market("kPEPE_USDC_PERP", "0.0098120", "0.0000001", "100")};
  o.accounts = {{"alpha", "main", QuoteStyle::tight, {}},
                {"alpha", "hedge", QuoteStyle::wide, {}},
                {"beta", "main", QuoteStyle::intermittent, {}},
                {"gamma", "main", QuoteStyle::one_sided, {}},
                {"delta", "main", QuoteStyle::tiny, {}},
                {"epsilon", "main", QuoteStyle::tight, {0, 1}}};
  return o;
}

// Parses journal lines (with the padding the parser needs) and applies them to an Engine.
class EngineRig {
 public:
  // `tweak(program)`, when given, changes the program's knobs before the engine is made.
  template <class Tweak = std::nullptr_t>
  EngineRig(const ExchangeOptions& options, TimeUs snapshot_interval, bool jitter = false, Tweak tweak = nullptr)
      : options_(options),
        sim_(tweaked(make_sim_program(options, snapshot_interval, jitter), tweak)),
        engine_(std::make_unique<Engine>(sim_.program)),
        parser_(std::make_unique<RecordParser>(sim_.program)) {}

  template <class Tweak>
  static SimProgram tweaked(SimProgram p, Tweak& tweak) {
    if constexpr (!std::is_same_v<Tweak, std::nullptr_t>) tweak(p.program);
    return p;
  }
  const SimProgram& sim() const { return sim_; }
  Engine& engine() { return *engine_; }
  uint64_t refused() const { return refused_; }
  uint64_t ignored() const { return ignored_; }
  const std::string& first_refusal() const { return first_refusal_; }
  const Record& last_record() const { return record_; }

  // Parses one journal line; applies it when accepted. Returns whether it was accepted.
  bool feed(std::string_view line) {
    buffer_.assign(line);
    buffer_.append(kJsonPadding, ' ');
    const ParseOutcome out = parser_->parse_journal_line(std::string_view(buffer_.data(), line.size()), record_);
    if (!out.ok) {
      if (refused_++ == 0) first_refusal_ = std::string(out.reason) + " in " + std::string(line);
      engine_->reject();
      return false;
    }
    if (std::holds_alternative<IgnoredEvent>(record_.payload)) ++ignored_;
    engine_->apply(record_);
    return true;
  }

  // The start of a session: public connected, a REST depth seed per market, then per
  // account connected and its open orders.
  void connect_all(const SyntheticExchange& ex, TimeUs ts) {
    line_.clear();
    append_connection_record(line_, ts, nullptr, true);
    feed(line_);
    for (uint32_t m = 0; m < ex.market_count(); ++m) reseed(ex, m, ts);
    for (uint32_t a = 0; a < ex.account_count(); ++a) {
      line_.clear();
      append_connection_record(line_, ts, &options_.accounts[a], true);
      feed(line_);
      line_.clear();
      append_open_orders_record(line_, ts, options_.accounts[a], "", ex.open_orders(a, std::nullopt));
      feed(line_);
    }
  }

  void reseed(const SyntheticExchange& ex, uint32_t m, TimeUs ts) {
    line_.clear();
    append_depth_record(line_, ts, options_.markets[m].symbol, ex.depth_snapshot(m, ts));
    feed(line_);
  }

  void feed_frame(const Frame& f, TimeUs ts) {
    line_.clear();
    append_frame_record(line_, ts, f, options_);
    feed(line_);
  }

  // `steps` exchange events `dt` apart from `t0`; every frame goes to the engine.
  template <class PerFrame = std::nullptr_t>
  TimeUs run(SyntheticExchange& ex, uint64_t steps, TimeUs t0, TimeUs dt, PerFrame per_frame = nullptr) {
    TimeUs t = t0;
    for (uint64_t i = 0; i < steps; ++i, t += dt) {
      ex.step(t, [&](const Frame& f) {
        feed_frame(f, t);
        if constexpr (!std::is_same_v<PerFrame, std::nullptr_t>) per_frame(f);
      });
    }
    return t;
  }

 private:
  ExchangeOptions options_;
  SimProgram sim_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RecordParser> parser_;
  Record record_;
  std::string buffer_, line_;
  uint64_t refused_ = 0, ignored_ = 0;
  std::string first_refusal_;
};

// Quiet warm-up so books and quotes are in a steady state before anything is checked.
inline void warm_up(SyntheticExchange& ex, uint64_t steps, TimeUs t0) {
  for (uint64_t i = 0; i < steps; ++i) ex.step(t0 + TimeUs(i) * 1000, [](const Frame&) {});
}

}  // namespace mm::simtest
