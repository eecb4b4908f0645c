// One /v1/stream WebSocket (Boost.Beast, stream_session.cpp): accepts the upgrade the
// HTTP session read, then writes the messages ApiCore pushes through a bounded queue.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "daemon/api/session_context.h"

namespace mm::api {

void start_stream_session(SessionContext& context, boost::beast::tcp_stream stream,
                          boost::beast::http::request<boost::beast::http::string_body> request, StreamGrant grant,
                          ClientSlot slot);

}  // namespace mm::api
