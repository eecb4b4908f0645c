// The history backfills of ExchangeClient (SCORING.md section 13): public trades per
// market and signed fills per MM account, paged one page at a time through the RestClient
// queue (so max_concurrent_rest paces them along with everything else). Each page is
// pushed by the RestClient like any REST body; this class only reads it far enough
// (HistoryPageReader) to decide whether to fetch the next. No Beast. io thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/backfill.h"
#include "feeds/net/exchange_client.h"
#include "feeds/net/history_page.h"
#include "feeds/net/rest_client.h"

namespace mm::net {

struct BackfillAccount {
  uint16_t mm = 0;
  uint16_t account = 0;
  std::string label;  // "alpha/main"
  std::shared_ptr<const AccountKey> key;
};

class HistoryBackfills : public std::enable_shared_from_this<HistoryBackfills> {
 public:
  HistoryBackfills(const ClientOptions& options, std::vector<BackfillAccount> accounts,
                   std::shared_ptr<RestClient> rest, std::shared_ptr<ClientStats> stats);

  void request_trades(uint32_t market, TradeBackfillTarget target);
  void request_fills(uint16_t mm, uint16_t account, TimeUs from, TimeUs to);  // to: resolved, not 0
  void stop();  // forgets every backfill; nothing is requested afterwards

 private:
  struct TradeBackfill {
    uint64_t serial = 0;  // tells its page results from those of an earlier backfill
    TradeBackfillTarget target;
    int64_t offset = 0;  // of the page in flight
    int pages = 0;       // read so far
  };
  struct FillBackfill {
    uint64_t serial = 0;
    int64_t from_ms = 0, to_ms = 0;
    int64_t offset = 0;
    int pages = 0;
    bool window_grew = false;  // merged while a page was in flight: page again from 0
  };
  enum class Ending { complete, page_cap, failed };
  using TradeIt = std::map<uint32_t, TradeBackfill>::iterator;
  using FillIt = std::map<size_t, FillBackfill>::iterator;

  void send_trade_page(uint32_t market, const TradeBackfill& backfill);
  void on_trade_attempt(uint32_t market, uint64_t serial, const RestAttempt& attempt);
  void on_trade_page(TradeIt it, std::string_view body);
  void end_trades(TradeIt it, Ending ending, std::string_view why);

  void send_fill_page(size_t account, const FillBackfill& backfill);
  void on_fill_attempt(size_t account, uint64_t serial, const RestAttempt& attempt);
  void on_fill_page(FillIt it, std::string_view body);
  void end_fills(FillIt it, Ending ending, std::string_view why);

  void count_attempt(BackfillKind kind, const RestAttempt& attempt);
  void log_end(BackfillKind kind, std::string_view what, Ending ending, int pages, std::string_view why);

  const std::vector<std::string> symbols_;
  const std::vector<BackfillAccount> accounts_;
  const int page_limit_, max_pages_, attempts_;
  const std::shared_ptr<RestClient> rest_;
  const std::shared_ptr<ClientStats> stats_;
  HistoryPageReader reader_;  // the client's one page parser
  std::map<uint32_t, TradeBackfill> trades_;  // running, by market
  std::map<size_t, FillBackfill> fills_;      // running, by index into accounts_
  uint64_t next_serial_ = 1;
  bool stopped_ = false;
};

}  // namespace mm::net
