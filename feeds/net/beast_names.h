// The short names every Boost.Asio/Beast translation unit uses (client, simulator
// server, API server, test servers): `using namespace mm::beast_names;` where they apply.
#pragma once

namespace boost::asio::ip {
class tcp;
}
namespace boost::asio::ssl {}
namespace boost::beast::http {}
namespace boost::beast::websocket {}
namespace boost::system {
class error_code;
}

namespace mm::beast_names {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

}  // namespace mm::beast_names
