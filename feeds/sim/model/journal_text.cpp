#include "feeds/sim/model/journal_text.h"

#include "feeds/sim/model/number_text.h"

namespace mm::sim {

namespace {

void append_head(std::string& out, TimeUs ts, std::string_view src_prefix, std::string_view src) {
  out.append("{\"ts\":");
  append_uint(out, uint64_t(ts));
  out.append(",\"src\":\"");
  out.append(src_prefix);
  out.append(src);
  out.push_back('"');
}

void append_account(std::string& out, const SimAccount& a) {
  out.append(",\"account\":\"");
  out.append(a.account);
  out.push_back('"');
}

}  // namespace

void append_frame_record(std::string& out, TimeUs ts, const Frame& frame, const ExchangeOptions& options) {
  if (frame.is_private) {
    const SimAccount& a = options.accounts[frame.account];
    append_head(out, ts, "mm:", a.mm_id);
    append_account(out, a);
  } else {
    append_head(out, ts, "", "public");
  }
  out.append(",\"frame\":");
  out.append(frame.json);
  out.push_back('}');
}

void append_depth_record(std::string& out, TimeUs ts, std::string_view symbol, std::string_view body) {
  append_head(out, ts, "", "rest");
  out.append(",\"path\":\"/api/v1/depth?symbol=");
  out.append(symbol);
  out.append("\",\"body\":");
  out.append(body);
  out.push_back('}');
}

void append_open_orders_record(std::string& out, TimeUs ts, const SimAccount& account,
                               std::string_view symbol_filter, std::string_view body) {
  append_head(out, ts, "rest:mm:", account.mm_id);
  append_account(out, account);
  out.append(",\"path\":\"/api/v1/orders");
  if (!symbol_filter.empty()) {
    out.append("?symbol=");
    out.append(symbol_filter);
  }
  out.append("\",\"body\":");
  out.append(body);
  out.push_back('}');
}

void append_connection_record(std::string& out, TimeUs ts, const SimAccount* account, bool up) {
  if (account) {
    append_head(out, ts, "mm:", account->mm_id);
    append_account(out, *account);
  } else {
    append_head(out, ts, "", "public");
  }
  out.append(up ? ",\"event\":\"connected\"}" : ",\"event\":\"disconnected\"}");
}

}  // namespace mm::sim
