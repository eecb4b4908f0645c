// Beast TU 2 of 2: REST requests (plain and TLS), one connection per request.
#include "feeds/net/rest_client.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <list>
#include <map>
#include <optional>

#include "feeds/net/backoff.h"
#include "feeds/net/protocol.h"
#include "feeds/net/push_queue.h"
#include "feeds/net/beast_names.h"

namespace mm::net {
namespace {

using namespace mm::beast_names;

struct RestResult {
  bool ok = false;  // a complete response arrived (any status)
  unsigned status = 0;
  std::string body;
  std::string error;  // network error or timeout
  TimeUs received_at = 0;
  std::optional<TimeUs> retry_after;  // the response's Retry-After (delta-seconds form)
};

// One request on its own connection, under one deadline for all its steps.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual void abort() = 0;
};

template <bool Tls>
class ExchangeImpl final : public Exchange, public std::enable_shared_from_this<ExchangeImpl<Tls>> {
 public:
  using Stream = std::conditional_t<Tls, ssl::stream<tcp::socket>, tcp::socket>;
  using Done = std::function<void(RestResult)>;

  ExchangeImpl(asio::io_context& io, ssl::context* tls, const Url& base, http::request<http::empty_body> request,
               TimeUs timeout, size_t body_limit, const mm::Clock& clock, Done done)
      : clock_(clock),
        resolver_(io),
        stream_(make_stream(io, tls)),
        deadline_(io),
        base_(base),
        request_(std::move(request)),
        timeout_(timeout),
        done_(std::move(done)) {
    parser_.body_limit(body_limit);
  }

  void run() {
    auto self = this->shared_from_this();
    deadline_.expires_after(std::chrono::microseconds(timeout_));
    deadline_.async_wait([self](const error_code& ec) {
      if (ec) return;
      self->timed_out_ = true;
      self->abort();
    });
    resolver_.async_resolve(base_.host, base_.port, [self](const error_code& ec, tcp::resolver::results_type r) {
      if (ec) return self->fail("resolve", ec);
      asio::async_connect(self->socket(), r, [self](const error_code& ec, const tcp::endpoint&) {
        if (ec) return self->fail("connect", ec);
        self->handshake();
      });
    });
  }

  void abort() override {
    error_code ignored;
    resolver_.cancel();
    socket().close(ignored);
  }

 private:
  static Stream make_stream(asio::io_context& io, ssl::context* tls) {
    if constexpr (Tls)
      return Stream(io, *tls);
    else
      return Stream(io);
  }
  tcp::socket& socket() {
    if constexpr (Tls)
      return stream_.next_layer();
    else
      return stream_;
  }

  void handshake() {
    if constexpr (Tls) {
      if (!base_.host_is_ip()) SSL_set_tlsext_host_name(stream_.native_handle(), base_.host.c_str());
      error_code ec;
      stream_.set_verify_mode(ssl::verify_peer, ec);
      if (!ec) stream_.set_verify_callback(ssl::host_name_verification(base_.host), ec);
      if (ec) return fail("TLS setup", ec);
      stream_.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](const error_code& ec) {
        if (ec) return self->fail("TLS handshake", ec);
        self->write();
      });
    } else {
      write();
    }
  }

  void write() {
    http::async_write(stream_, request_, [self = this->shared_from_this()](const error_code& ec, size_t) {
      if (ec) return self->fail("write", ec);
      http::async_read(self->stream_, self->buffer_, self->parser_,
                       [self](const error_code& ec, size_t) { self->on_read(ec); });
    });
  }

  void on_read(const error_code& ec) {
    if (ec) return fail("read", ec);
    RestResult r;
    r.ok = true;
    r.received_at = clock_.now_us();
    r.status = parser_.get().result_int();
    if (auto it = parser_.get().find(http::field::retry_after); it != parser_.get().end())
      r.retry_after = retry_after_delay(std::string_view(it->value().data(), it->value().size()));
    r.body = std::move(parser_.get().body());
    finish(std::move(r));
  }

  void fail(const char* step, const error_code& ec) {
    RestResult r;
    r.error = timed_out_ ? "timed out after " + std::to_string(timeout_ / 1000) + " ms"
                         : std::string(step) + ": " + ec.message();
    finish(std::move(r));
  }

  void finish(RestResult r) {
    if (!done_) return;
    deadline_.cancel();
    abort();  // one request per connection: no close_notify needed, the body is complete
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(r));
  }

  const mm::Clock& clock_;
  tcp::resolver resolver_;
  Stream stream_;
  asio::steady_timer deadline_;
  Url base_;
  http::request<http::empty_body> request_;
  TimeUs timeout_;
  Done done_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool timed_out_ = false;
};

class RestClientImpl final : public RestClient, public std::enable_shared_from_this<RestClientImpl> {
 public:
  RestClientImpl(asio::io_context& io, RestClientConfig config, std::shared_ptr<ssl::context> tls,
                 std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats)
      : io_(io),
        config_(std::move(config)),
        tls_(std::move(tls)),
        stats_(std::move(stats)),
        push_(std::make_shared<PushQueue>(io, std::move(sink), stats_, "REST")),
        rng_(random_seed()) {
    prefix_ = config_.base.path;
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  }

  void submit(RestRequest request) override {
    if (stopped_) return;
    const auto waiting = [&](const JobPtr& job) { return same(job->request, request); };
    if (!request.on_attempt && (std::any_of(queue_.begin(), queue_.end(), waiting) ||
                                std::any_of(retrying_.begin(), retrying_.end(), waiting))) {
      stats_->rest_coalesced.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto job = std::make_shared<Job>(io_, std::move(request), config_, rng_());
    queue_.push_back(std::move(job));
    update_gauges();
    launch_more();
  }

  void stop() override {
    stopped_ = true;
    push_->close();
    for (auto& job : retrying_) job->retry_timer.cancel();
    retrying_.clear();
    queue_.clear();
    for (auto& [id, weak] : in_flight_)
      if (auto exchange = weak.lock()) exchange->abort();
    update_gauges();
  }

 private:
  struct Job {
    Job(asio::io_context& io, RestRequest r, const RestClientConfig& c, uint64_t seed)
        : request(std::move(r)), backoff(c.retry_min, c.retry_max, seed), retry_timer(io) {}
    RestRequest request;
    Backoff backoff;
    asio::steady_timer retry_timer;
    int attempts = 0;  // launched so far
  };
  using JobPtr = std::shared_ptr<Job>;

  static bool same(const RestRequest& a, const RestRequest& b) {
    return a.path == b.path && a.source.kind == b.source.kind && a.source.mm == b.source.mm &&
           a.source.account == b.source.account;
  }

  // Worth another attempt: the exchange is busy or failing, or the network is.
  static bool transient(const RestResult& r) { return !r.ok || r.status == 429 || (r.status >= 500 && r.status < 600); }

  static bool gives_up(const Job& job, const RestResult& r) {
    const int limit = job.request.max_attempts;
    return limit > 0 && (job.attempts >= limit || !transient(r));
  }

  // The backoff's delay, but never sooner than the server asked for (429, 503).
  static TimeUs retry_delay(Job& job, const RestResult& r) {
    const TimeUs delay = job.backoff.next();
    const bool asked = r.ok && (r.status == 429 || r.status == 503) && r.retry_after;
    return asked ? std::max(delay, *r.retry_after) : delay;
  }

  static void report(const Job& job, const RestAttempt& attempt) {
    if (job.request.on_attempt) job.request.on_attempt(attempt);
  }

  void update_gauges() {
    stats_->rest_queued.store(queue_.size() + retrying_.size(), std::memory_order_relaxed);
    stats_->rest_in_flight.store(in_flight_.size(), std::memory_order_relaxed);
  }

  void launch_more() {
    while (!stopped_ && !queue_.empty() && int(in_flight_.size()) < std::max(config_.max_concurrent, 1)) {
      JobPtr job = std::move(queue_.front());
      queue_.pop_front();
      launch(std::move(job));
    }
    update_gauges();
  }

  http::request<http::empty_body> build(const RestRequest& r) const {
    http::request<http::empty_body> req{http::verb::get, prefix_ + r.path, 11};
    req.set(http::field::host, config_.base.host_header());
    req.set(http::field::user_agent, "mmscore");
    req.set(http::field::accept, "application/json");
    req.keep_alive(false);
    if (r.key) {
      const int64_t now_ms = config_.clock->now_us() / 1000;
      const SignedHeaders h = sign_request(r.key->key, r.instruction, r.params, now_ms, config_.window_ms);
      req.set("X-API-Key", r.key->api_key);
      req.set("X-Signature", h.signature);
      req.set("X-Timestamp", h.timestamp);
      req.set("X-Window", h.window);
    }
    return req;
  }

  void launch(JobPtr job) {
    const uint64_t id = next_id_++;
    ++job->attempts;
    if (config_.base.tls && !tls_) {
      in_flight_[id];  // keeps on_result's bookkeeping uniform
      RestResult no_tls;
      no_tls.error = "no TLS context (see the CA error logged at start)";
      return on_result(job, id, std::move(no_tls));
    }
    auto done = [self = shared_from_this(), job, id](RestResult r) { self->on_result(job, id, std::move(r)); };
    if (config_.base.tls)
      start_exchange<true>(id, job, std::move(done));
    else
      start_exchange<false>(id, job, std::move(done));
  }

  template <bool Tls, class Done>
  void start_exchange(uint64_t id, const JobPtr& job, Done done) {
    auto e = std::make_shared<ExchangeImpl<Tls>>(io_, tls_.get(), config_.base, build(job->request), config_.timeout,
                                                 config_.max_message_bytes, *config_.clock, std::move(done));
    in_flight_[id] = e;
    e->run();
  }

  void on_result(const JobPtr& job, uint64_t id, RestResult r) {
    in_flight_.erase(id);
    update_gauges();
    if (stopped_) return;
    if (r.ok && r.status == 200)
      on_success(job, r);
    else
      on_failure(job, r);
    launch_more();
  }

  void on_success(const JobPtr& job, const RestResult& r) {
    stats_->rest_ok.fetch_add(1, std::memory_order_relaxed);
    Inbound m;
    m.ts = r.received_at;
    m.source = job->request.source;
    m.kind = InboundKind::rest;
    m.path = job->request.path;
    m.payload = r.body;
    push_->deliver(m);
    report(*job, RestAttempt{true, true, r.body, {}, job->attempts});
  }

  void on_failure(const JobPtr& job, const RestResult& r) {
    stats_->rest_failed.fetch_add(1, std::memory_order_relaxed);
    std::string what = r.ok ? "HTTP " + std::to_string(r.status) + ": " + loggable(r.body) : r.error;
    if (gives_up(*job, r)) return report(*job, RestAttempt{false, true, {}, std::move(what), job->attempts});
    const TimeUs delay = retry_delay(*job, r);
    spdlog::warn("feed REST {}: {}; retry {} in {} ms", job->request.label, what, job->backoff.failures(),
                 delay / 1000);
    retrying_.push_back(job);
    job->retry_timer.expires_after(std::chrono::microseconds(delay));
    job->retry_timer.async_wait([self = shared_from_this(), job](const error_code& ec) {
      if (ec || self->stopped_) return;
      self->retrying_.remove(job);
      self->queue_.push_front(job);  // it was asked for before anything still queued
      self->launch_more();
    });
    report(*job, RestAttempt{false, false, {}, std::move(what), job->attempts});
  }

  asio::io_context& io_;
  RestClientConfig config_;
  std::shared_ptr<ssl::context> tls_;
  std::shared_ptr<ClientStats> stats_;
  std::shared_ptr<PushQueue> push_;
  std::mt19937_64 rng_;
  std::string prefix_;
  std::deque<JobPtr> queue_;
  std::list<JobPtr> retrying_;
  std::map<uint64_t, std::weak_ptr<Exchange>> in_flight_;
  uint64_t next_id_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::shared_ptr<RestClient> make_rest_client(boost::asio::io_context& io, RestClientConfig config,
                                             std::shared_ptr<boost::asio::ssl::context> tls,
                                             std::shared_ptr<InboundSink> sink, std::shared_ptr<ClientStats> stats) {
  return std::make_shared<RestClientImpl>(io, std::move(config), std::move(tls), std::move(sink), std::move(stats));
}

}  // namespace mm::net
