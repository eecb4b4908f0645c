#include "tests/feeds/net/net_test_util.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include "feeds/signing.h"

namespace mm::test {

bool RecordingSink::push(const Inbound& m) {
  if (refusing_.load()) {
    refused_.fetch_add(1);
    return false;
  }
  std::lock_guard lock(mutex_);
  items_.push_back(Received{m.ts, m.source, m.kind, std::string(m.path), std::string(m.payload)});
  return true;
}

std::vector<Received> RecordingSink::all() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::vector<Received> RecordingSink::of(const Source& source) const {
  std::lock_guard lock(mutex_);
  std::vector<Received> out;
  for (const auto& r : items_)
    if (same_source(r.source, source)) out.push_back(r);
  return out;
}

size_t RecordingSink::count(const Source& source, InboundKind kind) const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& r : items_) n += same_source(r.source, source) && r.kind == kind;
  return n;
}

size_t RecordingSink::size() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

struct ClientRunner::Io {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
};

ClientRunner::ClientRunner(ClientOptions options, InboundSink& sink) : io_(std::make_unique<Io>()) {
  client_ = std::make_unique<ExchangeClient>(io_->io, std::move(options), sink);
  io_->thread = std::thread([io = io_.get()] { io->io.run(); });
  client_->start();
}

ClientRunner::~ClientRunner() { stop(); }

boost::asio::io_context& ClientRunner::io() { return io_->io; }

void ClientRunner::on_io(std::function<void()> fn) { boost::asio::post(io_->io, std::move(fn)); }

bool ClientRunner::stop() {
  if (stopped_) return true;
  stopped_ = true;
  std::atomic<bool> done{false};
  client_->stop([&done] { done.store(true); });
  const bool ok = wait_until([&] { return done.load(); });
  io_->guard.reset();
  io_->io.stop();
  io_->thread.join();
  return ok;
}

ClientOptions test_options(const TestServer& server) {
  ClientOptions o;
  o.ws_url = server.ws_url();
  o.rest_url = server.http_url();
  o.stale_after = 10 * kUsPerSecond;
  o.connect_timeout = 5 * kUsPerSecond;
  o.reconnect_min = 20'000;
  o.reconnect_max = 200'000;
  o.rest_timeout = 5 * kUsPerSecond;
  o.stop_timeout = 2 * kUsPerSecond;
  return o;
}

AccountKey test_account_key() {
  std::array<uint8_t, 32> seed{};
  const char* hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  for (size_t i = 0; i < 32; ++i) seed[i] = uint8_t(std::stoi(std::string(hex + 2 * i, 2), nullptr, 16));
  Ed25519Key key = *key_from_seed(seed);
  return AccountKey{key.public_key_b64, key};
}

ClientAccount test_account(uint16_t mm, uint16_t account, std::string label) {
  return ClientAccount{mm, account, std::move(label), test_account_key()};
}

std::vector<std::string> signature_fields(const std::string& frame) {
  const std::string marker = "\"signature\":[";
  const size_t start = frame.find(marker);
  if (start == std::string::npos) return {};
  const size_t end = frame.find(']', start);
  std::vector<std::string> out;
  size_t at = start + marker.size();
  while (at < end) {
    const size_t open = frame.find('"', at);
    if (open == std::string::npos || open > end) break;
    const size_t close = frame.find('"', open + 1);
    out.push_back(frame.substr(open + 1, close - open - 1));
    at = close + 1;
  }
  return out;
}

uint16_t unused_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

}  // namespace mm::test
