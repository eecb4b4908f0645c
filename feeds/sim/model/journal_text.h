// Journal records (SCORING.md section 11) around the simulator's output, for tests,
// benchmarks and recorders: one line of text each, without the trailing newline.
#pragma once

#include <string>
#include <string_view>

#include "feeds/sim/model/sim_types.h"

namespace mm::sim {

// {"ts":..,"src":"public","frame":...} or {"ts":..,"src":"mm:<id>","account":"<acc>","frame":...}.
void append_frame_record(std::string& out, TimeUs ts, const Frame& frame, const ExchangeOptions& options);
// {"ts":..,"src":"rest","path":"/api/v1/depth?symbol=<S>","body":...}
void append_depth_record(std::string& out, TimeUs ts, std::string_view symbol, std::string_view body);
// {"ts":..,"src":"rest:mm:<id>","account":"<acc>","path":"/api/v1/orders[?symbol=<S>]","body":...}
void append_open_orders_record(std::string& out, TimeUs ts, const SimAccount& account,
                               std::string_view symbol_filter, std::string_view body);
// {"ts":..,"src":"public","event":"connected"}; `account` null for the public source.
void append_connection_record(std::string& out, TimeUs ts, const SimAccount* account, bool up);

}  // namespace mm::sim
