#include "bench_journal.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>

#include "feeds/sim/model/journal_text.h"
#include "feeds/sim/model/market_catalog.h"
#include "feeds/sim/model/synthetic_exchange.h"

namespace mm::bench {

namespace {

constexpr TimeUs kJournalStart = 1'770'681'600'000'000;  // 2026-02-10T00:00:00Z
constexpr TimeUs kRecordSpacing = 200;                   // µs between records
constexpr size_t kFlushBytes = size_t(8) << 20;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

sim::ExchangeOptions bench_options(size_t markets, size_t mms, uint64_t seed) {
  using sim::QuoteStyle;
  sim::ExchangeOptions o;
  o.seed = seed;
  o.markets = sim::catalog_markets(markets);
  const QuoteStyle styles[] = {QuoteStyle::tight, QuoteStyle::wide, QuoteStyle::intermittent, QuoteStyle::tight,
                               QuoteStyle::one_sided, QuoteStyle::tiny};
  for (size_t i = 0; i < mms; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "mm%02zu", i + 1);
    o.accounts.push_back({id, "main", styles[i % std::size(styles)], {}});
  }
  return o;
}

Result<> write_journal(const sim::ExchangeOptions& options, uint64_t records, const std::string& path,
                       GeneratedJournal& out) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return make_error(path + ": " + std::strerror(errno));
  std::string buf;
  buf.reserve(kFlushBytes + (1 << 20));
  bool io_ok = true;
  auto flush = [&] {
    if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), file.get()) != buf.size()) io_ok = false;
    out.bytes += buf.size();
    buf.clear();
  };
  TimeUs ts = kJournalStart;
  auto end_record = [&] {
    buf.push_back('\n');
    ++out.records;
    ts += kRecordSpacing;
    if (buf.size() >= kFlushBytes) flush();
  };

  sim::SyntheticExchange ex(options);
  // Warm-up, not journaled: every MM has quoted a few times, the books are at steady state.
  const uint64_t warm_up_steps = options.markets.size() * (200 + 8 * options.accounts.size());
  for (uint64_t i = 0; i < warm_up_steps; ++i) ex.step(kJournalStart - 60 * kUsPerSecond + TimeUs(i), [](const sim::Frame&) {});
  const size_t n_markets = ex.market_count();
  for (uint32_t m = 0; m < n_markets; ++m) out.market_volume.push_back(ex.market_volume(m));
  for (uint32_t a = 0; a < ex.account_count(); ++a)
    for (uint32_t m = 0; m < n_markets; ++m) out.maker_volume.push_back(ex.maker_volume(a, m));

  out.first_ts = ts;
  sim::append_connection_record(buf, ts, nullptr, true);
  end_record();
  for (uint32_t m = 0; m < n_markets; ++m) {
    sim::append_depth_record(buf, ts, options.markets[m].symbol, ex.depth_snapshot(m, ts));
    end_record();
  }
  for (uint32_t a = 0; a < ex.account_count(); ++a) {
    sim::append_connection_record(buf, ts, &options.accounts[a], true);
    end_record();
    sim::append_open_orders_record(buf, ts, options.accounts[a], "", ex.open_orders(a, std::nullopt));
    end_record();
  }
  while (out.records < records && io_ok) {
    const TimeUs now = ts;
    // The exchange's engine time runs 1 ms ahead of our receive time, as on the wire.
    ex.step(now - 1000, [&](const sim::Frame& f) {
      sim::append_frame_record(buf, ts, f, options);
      ++out.frames;
      end_record();
    });
    if (ts == now) ts += kRecordSpacing;  // an event nobody saw: time still passes
  }
  out.last_ts = ts - kRecordSpacing;
  flush();
  if (std::fflush(file.get()) != 0) io_ok = false;
  if (!io_ok) return make_error(path + ": write error: " + std::strerror(errno));
  for (uint32_t m = 0; m < n_markets; ++m) out.market_volume[m] = ex.market_volume(m) - out.market_volume[m];
  for (uint32_t a = 0; a < ex.account_count(); ++a)
    for (uint32_t m = 0; m < n_markets; ++m) {
      u128& v = out.maker_volume[a * n_markets + m];
      v = ex.maker_volume(a, m) - v;
    }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return {};
}

}  // namespace mm::bench
