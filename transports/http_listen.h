// What the hub's HTTP servers (the AS2 receiver, the dashboard, /healthz) share to open
// their port and, for the first two, TLS.
#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace edihub::transports {

// Opens, binds (address reuse on) and listens `acceptor` on address:port; throws
// std::runtime_error "cannot listen for WHAT on ADDRESS:PORT: why".
void listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address, unsigned short port,
               const std::string& what);

// Configures a server context (made with ssl::context::tls_server): TLS 1.2 or later, the
// certificate chain and the private key from PEM files, an encrypted key opened with its
// passphrase and never prompted for. Throws std::runtime_error naming the file that could
// not be used.
void configure_tls_server(boost::asio::ssl::context& context, const std::string& cert_chain_file,
                          const std::string& key_file, const std::string& key_passphrase);

}  // namespace edihub::transports
