#include "transports/http_listen.h"

#include <stdexcept>

#include "transports/as2.h"

namespace edihub::transports {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

void listen_on(net::ip::tcp::acceptor& acceptor, const std::string& address, unsigned short port, const std::string& what) {
  boost::system::error_code ec;
  const net::ip::tcp::endpoint endpoint(net::ip::make_address(address, ec), port);
  if (ec) throw std::runtime_error("cannot listen for " + what + " on " + address + ": not an IP address");
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen for " + what + " on " + address + ":" + std::to_string(port) + ": " + ec.message());
}

void configure_tls_server(ssl::context& context, const std::string& cert_chain_file, const std::string& key_file,
                          const std::string& key_passphrase) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  auto key = as2::load_private_key(key_file, key_passphrase);  // never prompts
  boost::system::error_code ec;
  context.use_certificate_chain_file(cert_chain_file, ec);
  if (ec) throw std::runtime_error("TLS setup: " + cert_chain_file + ": " + ec.message());
  if (SSL_CTX_use_PrivateKey(context.native_handle(), key.get()) != 1)
    throw std::runtime_error("TLS setup: " + key_file + ": " + as2::detail::openssl_errors());
}

}  // namespace edihub::transports
