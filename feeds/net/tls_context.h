// The client-side TLS context shared by every connection of an ExchangeClient: peer
// verification on, trusting `ca_file` or the system store. Defined in ws_connection.cpp
// (a Beast TU already pays for <boost/asio/ssl.hpp>).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace boost::asio::ssl {
class context;
}

namespace mm::net {

// An error when the CA bundle cannot be loaded.
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const std::string& ca_file);

}  // namespace mm::net
