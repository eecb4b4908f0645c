// A hand-built program and published state for the API tests, with every figure worked
// out by hand (see api_fixture.cpp), plus a token file and a running ApiServer.
//
// Markets (pool 300,000 USD): BTC_USDC_PERP (perp tier 1, 200,000), ETH_USDC (spot tier 2,
// 20,000), SOL_USDC (spot tier 1, 80,000). MMs alpha, beta, gamma; tokens for ops, risk,
// mm:alpha and mm:beta.
#pragma once

#include <memory>
#include <string>

#include "core/month_state.h"
#include "core/program.h"
#include "daemon/api/api_server.h"
#include "daemon/published_state.h"
#include "daemon/rcu_cell.h"

namespace api_test {

using namespace mm;

inline constexpr const char* kOpsToken = "ops-token-0123456789abcdef";
inline constexpr const char* kRiskToken = "risk-token-0123456789abcdef";
inline constexpr const char* kAlphaToken = "alpha-token-0123456789abcdef";
inline constexpr const char* kBetaToken = "beta-token-0123456789abcdef";
inline constexpr const char* kBadToken = "not-a-known-token-0123456789";

inline constexpr uint32_t kBtc = 0, kEth = 1, kSol = 2;      // market indices (symbol order)
inline constexpr uint32_t kAlpha = 0, kBeta = 1, kGamma = 2;  // MM indices
inline constexpr TimeUs kApril15Noon = 1'776'254'400'000'000;  // 2026-04-15T12:00:00Z: the fixtures' publish time

Program make_program();
MonthState make_month(const Program& program);
// Scored report, market views, feed state (BTC book out of sync, gamma's account down).
std::unique_ptr<PublishedState> make_state(const Program& program, TimeUs published_at);
// The same with every feed up and every book in sync.
std::unique_ptr<PublishedState> make_healthy_state(const Program& program, TimeUs published_at);

std::string temp_dir();
void write_file(const std::string& path, const std::string& text);
std::string standard_tokens();  // the token file text for the four tokens above

// A server on 127.0.0.1:0 over `published`, with the standard tokens.
struct Server {
  Program program = make_program();
  RcuCell<PublishedState> published;
  std::string dir = temp_dir();
  std::string tokens_file = dir + "/tokens.txt";
  std::unique_ptr<api::ApiServer> server;
  std::string snapshot_path = "/reports/report-2026-04.json";
  std::string snapshot_error;  // non-empty: the snapshot callback fails with it

  explicit Server(api::ApiOptions options = {}, bool publish = true);
  ~Server();
  uint16_t port() const { return server->port(); }
  void publish(TimeUs published_at);
};

}  // namespace api_test
