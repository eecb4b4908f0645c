// One HTTP/1.1 connection of the API (Boost.Beast, http_session.cpp): reads requests
// within the header and body limits, answers them through ApiCore, keeps the
// connection alive when the client asks, and hands /v1/stream upgrades to a
// stream session.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "daemon/api/session_context.h"

namespace mm::api {

void start_http_session(SessionContext& context, boost::asio::ip::tcp::socket socket);

}  // namespace mm::api
