// One HTTP/1.1 connection of the API (Boost.Beast, http_session.cpp): reads requests
// within the header and body limits, answers them through ApiCore, keeps the
// connection alive when the client asks, and hands /v1/stream upgrades to a
// stream session. Silent connections are closed after first_byte_timeout; addresses
// that fail authentication too often get 429 (client_guard.h).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "daemon/api/session_context.h"

namespace mm::api {

// `slot`: the connection's hold on its client address (ClientGuard). `monitoring_only`:
// accepted into the reserve beyond max_connections: only /v1/health and /metrics answered.
void start_http_session(SessionContext& context, boost::asio::ip::tcp::socket socket, ClientSlot slot,
                        bool monitoring_only);

}  // namespace mm::api
