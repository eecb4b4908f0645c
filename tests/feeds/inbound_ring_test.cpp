#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "feeds/inbound_ring.h"

using namespace mm;

namespace {
Inbound message(TimeUs ts, std::string_view payload, InboundKind kind = InboundKind::frame) {
  Inbound m;
  m.ts = ts;
  m.source = Source{SourceKind::mm, 3, 1};
  m.kind = kind;
  m.path = kind == InboundKind::rest ? "/api/v1/orders" : "";
  m.payload = payload;
  return m;
}
}  // namespace

TEST_CASE("ring carries messages whole and in order, across the wrap") {
  InboundRing ring(16384);
  Inbound out;
  CHECK_FALSE(ring.peek(out));
  std::string big(1000, 'x');
  for (int round = 0; round < 40; ++round) {  // 40 x ~1.1 KB through a 16 KB ring: wraps twice
    big[0] = char('a' + round % 26);
    REQUIRE(ring.push(message(round, big, round % 2 ? InboundKind::rest : InboundKind::frame)));
    REQUIRE(ring.peek(out));
    CHECK(out.ts == round);
    CHECK(out.payload == big);
    CHECK(out.source.kind == SourceKind::mm);
    CHECK(out.source.mm == 3);
    CHECK(out.source.account == 1);
    CHECK(out.path == (round % 2 ? "/api/v1/orders" : ""));
    // The consumer may rewrite its payload in place (line-break normalisation).
    ring.payload_data()[0] = '#';
    ring.pop();
    CHECK_FALSE(ring.peek(out));
  }
  CHECK(ring.used_bytes() == 0);
}

TEST_CASE("a full ring refuses and counts, nothing is lost or reordered") {
  InboundRing ring(4096);
  std::string payload(500, 'p');
  int pushed = 0;
  while (ring.push(message(pushed, payload))) ++pushed;
  CHECK(pushed == 6);  // 4096 / align8(24 + 500 + 64)
  CHECK(ring.full_refusals() == 1);
  Inbound out;
  for (int i = 0; i < pushed; ++i) {
    REQUIRE(ring.peek(out));
    CHECK(out.ts == i);
    ring.pop();
  }
  CHECK(ring.push(message(99, payload)));
}

TEST_CASE("an impossible message is counted, not retried forever") {
  InboundRing ring(4096);
  std::string huge(ring.max_message_bytes(), 'h');
  CHECK(ring.push(message(1, huge)));
  CHECK(ring.oversize_refusals() == 1);
  Inbound out;
  CHECK_FALSE(ring.peek(out));
}

TEST_CASE("producer and consumer threads: every message arrives once, in order, intact") {
  InboundRing ring(1 << 16);
  constexpr int kMessages = 200'000;
  std::thread producer([&] {
    std::string payload;
    for (int i = 0; i < kMessages; ++i) {
      payload.assign(size_t(i % 300), char('a' + i % 26));
      const Inbound m = message(i, payload);
      while (!ring.push(m)) std::this_thread::yield();  // back-pressure
    }
  });
  int expected = 0;
  bool intact = true;
  Inbound out;
  while (expected < kMessages) {
    if (!ring.peek(out)) {
      const uint32_t token = ring.wakeup().prepare();
      if (ring.peek(out)) {
        ring.wakeup().cancel();
      } else {
        ring.wakeup().wait(token, 1000);
        continue;
      }
    }
    intact = intact && out.ts == expected && out.payload.size() == size_t(expected % 300) &&
             (out.payload.empty() || out.payload.back() == char('a' + expected % 26));
    ring.pop();
    ++expected;
  }
  producer.join();
  CHECK(intact);
  CHECK(expected == kMessages);
}
