// Exports (SCORING.md section 15's users, issue 12 part 5): which format a request asks
// for, malformed query parameters named, and an MM's CSV holding only its own rows.
#include <catch2/catch.hpp>

#include "core/report_format.h"
#include "core/report_rows.h"
#include "daemon/api/mm_view.h"
#include "daemon/api/routes.h"
#include "tests/daemon/api/api_fixture.h"

using namespace api_test;
using mm::api::requested_format;
using mm::api::ResponseFormat;

TEST_CASE("exports: format=csv or an Accept header that prefers text/csv, JSON otherwise") {
  CHECK(*requested_format("", "") == ResponseFormat::json);
  CHECK(*requested_format("format=csv", "") == ResponseFormat::csv);
  CHECK(*requested_format("market=SOL_USDC&format=json", "text/csv") == ResponseFormat::json);  // the query wins
  CHECK(*requested_format("", "text/csv") == ResponseFormat::csv);
  CHECK(*requested_format("", "text/csv;q=0.9, application/json;q=0.1") == ResponseFormat::csv);
  CHECK(*requested_format("", "application/json, text/csv") == ResponseFormat::json);
  CHECK(*requested_format("", "*/*") == ResponseFormat::json);
  const auto bad = requested_format("format=xml", "");
  REQUIRE_FALSE(bad);
  CHECK(bad.message() == "format: 'xml' is not json or csv");
}

TEST_CASE("exports: an unknown, repeated or empty query parameter is named") {
  CHECK(mm::api::check_query_params("format=csv&market=SOL_USDC", {"format", "market"}));
  CHECK(mm::api::check_query_params("", {"format"}));
  CHECK(mm::api::check_query_params("formt=csv", {"format"}).message() == "formt: unknown query parameter");
  CHECK(mm::api::check_query_params("format=csv&format=json", {"format"}).message() == "format: given twice");
  CHECK(mm::api::check_query_params("format=", {"format"}).message() == "format: needs a value");
  CHECK(mm::api::check_query_params("format", {"format"}).message() == "format: needs a value");
}

TEST_CASE("exports: an MM's CSV has the report's columns and its own rows only") {
  const Program p = make_program();
  const auto s = make_state(p, kApril15Noon);
  const mm::api::ViewContext ctx{p, *s};
  const std::string csv = mm::api::mm_standing_csv(ctx, kBeta);
  CHECK_THAT(csv, Catch::StartsWith(mm::csv_header()));
  const std::string beta_id = p.mms[kBeta].id;
  size_t rows = 0;
  for (size_t at = csv.find('\n'); at != std::string::npos && at + 1 < csv.size(); at = csv.find('\n', at + 1)) {
    CHECK(csv.compare(at + 1, beta_id.size() + 1, beta_id + ",") == 0);
    ++rows;
  }
  CHECK(rows == p.markets.size());
  // The same rows as the report's CSV for that MM.
  const std::string report = mm::report_csv(p, s->report);
  for (size_t at = csv.find('\n') + 1; at < csv.size();) {
    const size_t end = csv.find('\n', at);
    CHECK_THAT(report, Catch::Contains(csv.substr(at, end - at + 1)));
    at = end + 1;
  }
}
