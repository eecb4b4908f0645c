#include "feeds/net/history_page.h"

#include <simdjson.h>

#include <charconv>
#include <string>

namespace mm::net {
namespace {

namespace od = simdjson::ondemand;

std::string at_element(size_t index, std::string_view problem) {
  return "element " + std::to_string(index) + ": " + std::string(problem);
}

// A trade id as Backpack writes it: a JSON number or a string of digits.
bool read_id(od::value value, uint64_t& out) {
  od::json_type type;
  if (value.type().get(type)) return false;
  if (type == od::json_type::number) return !value.get_uint64().get(out);
  std::string_view text;
  if (type != od::json_type::string || value.get_string().get(text) || text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

struct HistoryPageReader::Impl {
  od::parser parser;
  std::string padded;  // the body plus simdjson's padding; keeps its capacity
  od::document doc;

  // Parses `body` and positions `out` on its top-level array.
  Result<> open_array(std::string_view body, od::array& out) {
    padded.assign(body);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    if (parser.iterate(padded.data(), body.size(), padded.size()).get(doc) || doc.get_array().get(out))
      return make_error("not a JSON array");
    return {};
  }

  // After the array: nothing but blanks may follow.
  Result<> at_end() {
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return make_error("content after the array");
    return {};
  }
};

HistoryPageReader::HistoryPageReader() : impl_(std::make_unique<Impl>()) {}
HistoryPageReader::~HistoryPageReader() = default;

Result<TradePageSummary> HistoryPageReader::trades(std::string_view body) {
  od::array array;
  if (auto opened = impl_->open_array(body, array); !opened) return opened.error();
  TradePageSummary summary;
  for (auto element : array) {
    od::object trade;
    if (element.get_object().get(trade)) return make_error(at_element(summary.count, "not an object"));
    od::value id;
    if (trade.find_field_unordered("id").get(id) || !read_id(id, summary.oldest_id))
      return make_error(at_element(summary.count, "no \"id\" (a number or a string of digits)"));
    if (trade.find_field_unordered("timestamp").get_int64().get(summary.oldest_timestamp_ms))
      return make_error(at_element(summary.count, "no \"timestamp\" (an integer of ms)"));
    ++summary.count;
  }
  if (auto end = impl_->at_end(); !end) return end.error();
  return summary;
}

Result<size_t> HistoryPageReader::fills(std::string_view body) {
  od::array array;
  if (auto opened = impl_->open_array(body, array); !opened) return opened.error();
  size_t count = 0;
  for (auto element : array) {
    od::json_type type;
    if (element.type().get(type) || type != od::json_type::object)
      return make_error(at_element(count, "not an object"));
    ++count;  // its contents are skipped (checked structurally) when the loop moves on
  }
  if (auto end = impl_->at_end(); !end) return end.error();
  return count;
}

}  // namespace mm::net
