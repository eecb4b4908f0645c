#include "feeds/sim/server/knowable_volume.h"

#include <optional>
#include <string_view>

#include "feeds/sim/server/frame_fields.h"

namespace mm::sim {

KnowableVolume::KnowableVolume(size_t account_count, size_t market_count)
    : markets_(market_count), knowable_(account_count * market_count, 0), all_(account_count * market_count, 0) {}

void KnowableVolume::on_frame(const Frame& frame, bool queued) {
  switch (frame.kind) {
    case FrameKind::trade: return on_trade(frame, queued);
    case FrameKind::order_update: return on_order_update(frame, queued);
    case FrameKind::depth: return;
  }
}

void KnowableVolume::on_trade(const Frame& frame, bool queued) {
  const std::optional<std::string_view> buyer_is_maker = own_json_field(frame.json, "m");
  const std::optional<uint64_t> maker_order = own_json_uint(frame.json, buyer_is_maker == "true" ? "b" : "a");
  const std::optional<uint64_t> trade_id = own_json_uint(frame.json, "t");
  const std::optional<std::string_view> price = own_json_field(frame.json, "p");
  const std::optional<std::string_view> qty = own_json_field(frame.json, "q");
  int64_t p = 0, q = 0;
  if (!buyer_is_maker || !maker_order || !trade_id || !price || !qty || parse_price(*price, p) != DecimalError::ok ||
      parse_qty(*qty, q) != DecimalError::ok) {
    ++unparsed_;
    return;
  }
  const auto it = orders_.find(*maker_order);
  if (it == orders_.end()) return;  // another user's order
  pending_.push_back({frame.market, *trade_id, it->second.account, notional(p, q), queued && it->second.revealed});
}

void KnowableVolume::on_order_update(const Frame& frame, bool queued) {
  const std::optional<std::string_view> event = own_json_field(frame.json, "e");
  const std::optional<uint64_t> order_id = own_json_uint(frame.json, "i");
  const std::optional<std::string_view> state = own_json_field(frame.json, "X");
  if (!event || !order_id || !state) {
    ++unparsed_;
    return;
  }
  if (*event == "orderAccepted") orders_[*order_id] = LiveOrder{frame.account, false};
  auto it = orders_.find(*order_id);
  if (it != orders_.end() && queued) it->second.revealed = true;

  if (*event == "orderFill" && own_json_field(frame.json, "m") == "true") {
    const std::optional<uint64_t> trade_id = own_json_uint(frame.json, "t");
    if (!trade_id) {
      ++unparsed_;
      return;
    }
    for (PendingFill& f : pending_) {
      if (f.market == frame.market && f.trade_id == *trade_id && f.account == frame.account) f.knowable |= queued;
    }
  }
  if (it != orders_.end() && (*state == "Filled" || *state == "Cancelled" || *state == "Expired")) orders_.erase(it);
}

void KnowableVolume::end_step() {
  for (const PendingFill& f : pending_) {
    all_[cell(f.account, f.market)] += f.notional;
    if (f.knowable) knowable_[cell(f.account, f.market)] += f.notional;
  }
  pending_.clear();
}

void KnowableVolume::reveal(uint32_t account, uint64_t order_id) {
  const auto it = orders_.find(order_id);
  if (it != orders_.end() && it->second.account == account) it->second.revealed = true;
}

}  // namespace mm::sim
