// TLS: peer verification against ca_file, host name / IP checks, SNI; both WebSocket and REST.
#include "feeds/net/exchange_client.h"
#include "tests/feeds/net/net_test_util.h"
#include "tests/support/test_tls.h"

namespace mm::test {
namespace {

HttpReply ok_reply(const HttpRequestRecord&) { return {200, R"({"asks":[],"bids":[],"lastUpdateId":"1"})"}; }

ClientOptions tls_options(const TestServer& server, const std::string& ca_file) {
  ClientOptions options = test_options(server);
  options.ca_file = ca_file;
  options.symbols = {"SOL_USDC"};
  return options;
}

}  // namespace

TEST_CASE("TLS with the right CA: wss and https work, certificate checked against the IP", "[net][tls]") {
  const TestCert cert = make_test_cert();
  TestServer server(TestServer::Options{&cert});
  server.set_http_handler(ok_reply);
  RecordingSink sink;
  ClientRunner runner(tls_options(server, cert.cert_file), sink);
  CHECK(server.ws_url().rfind("wss://127.0.0.1:", 0) == 0);

  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));
  server.ws_send(0, R"({"stream":"trade.SOL_USDC","data":{}})");
  runner.client().request_depth(0);
  REQUIRE(wait_until(
      [&] { return sink.count(kPublic, InboundKind::frame) == 1 && sink.count(kRest, InboundKind::rest) == 1; }));
  CHECK(runner.stats().tls_failures == 0);
  CHECK(server.tls_handshake_failures() == 0);
}

TEST_CASE("TLS by host name: SNI and the DNS name in the certificate", "[net][tls]") {
  const TestCert cert = make_test_cert();
  TestServer server(TestServer::Options{&cert});
  server.set_http_handler(ok_reply);
  RecordingSink sink;
  ClientOptions options = tls_options(server, cert.cert_file);
  options.ws_url = "wss://localhost:" + std::to_string(server.port());
  options.rest_url = "https://localhost:" + std::to_string(server.port());
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return sink.count(kPublic, InboundKind::connected) == 1; }));
  runner.client().request_depth(0);
  REQUIRE(wait_until([&] { return sink.count(kRest, InboundKind::rest) == 1; }));
  CHECK(server.http_requests().at(0).headers.at("host") == "localhost:" + std::to_string(server.port()));
}

TEST_CASE("TLS with a wrong CA fails to connect, counts, and never pushes", "[net][tls]") {
  const TestCert cert = make_test_cert();
  const TestCert other = make_test_cert();  // same names, different key: not trusted
  TestServer server(TestServer::Options{&cert});
  server.set_http_handler(ok_reply);
  RecordingSink sink;
  ClientOptions options = tls_options(server, other.cert_file);
  options.reconnect_min = 10'000;
  options.reconnect_max = 50'000;
  ClientRunner runner(options, sink);
  runner.client().request_depth(0);
  REQUIRE(wait_until(
      [&] { return runner.stats().public_stream.connect_failures >= 2 && runner.stats().rest_failed >= 2; }));
  CHECK(runner.stats().tls_failures >= 2);
  CHECK(runner.stats().public_stream.connects == 0);
  CHECK(server.ws_count() == 0);
  CHECK(server.http_requests().empty());
  REQUIRE(runner.stop());
  CHECK(sink.size() == 0);
}

TEST_CASE("TLS: a certificate without the connected IP is refused even from the right CA", "[net][tls]") {
  TestCertOptions names_only;
  names_only.ip_addresses = {};  // DNS:localhost only
  const TestCert cert = make_test_cert(names_only);
  TestServer server(TestServer::Options{&cert});
  RecordingSink sink;
  ClientOptions options = tls_options(server, cert.cert_file);
  options.reconnect_min = 10'000;
  options.reconnect_max = 50'000;
  ClientRunner runner(options, sink);
  REQUIRE(wait_until([&] { return runner.stats().tls_failures >= 2; }));
  CHECK(runner.stats().public_stream.connects == 0);
  REQUIRE(runner.stop());
  CHECK(sink.size() == 0);
}

TEST_CASE("options are checked up front", "[net]") {
  ClientOptions o;
  CHECK(check_client_options(o));  // the defaults: Backpack over TLS with the system store
  o.ws_url = "https://ws.backpack.exchange";
  CHECK(check_client_options(o).message().find("ws_url") != std::string::npos);
  o = ClientOptions{};
  o.ca_file = "/nonexistent/ca.pem";
  CHECK(check_client_options(o).message().find("ca_file") != std::string::npos);
  o = ClientOptions{};
  o.window_ms = 60001;
  CHECK_FALSE(check_client_options(o));
  o = ClientOptions{};
  o.symbols = {"SOL USDC"};
  CHECK_FALSE(check_client_options(o));
}

}  // namespace mm::test
