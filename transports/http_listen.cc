#include "transports/http_listen.h"

#include <stdexcept>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

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

void ServerLoop::start(const std::string& address, unsigned short port, const std::string& what, std::size_t workers,
                       Accept on_accept) {
  if (started_) throw std::runtime_error("the server for " + what + " is already started");
  listen_on(acceptor_, address, port, what);
  port_ = acceptor_.local_endpoint().port();
  on_accept_ = std::move(on_accept);
  pool = std::make_unique<net::thread_pool>(std::max<std::size_t>(1, workers));
  accept();
  keep_running_.emplace(ioc.get_executor());
  io_thread_ = std::thread([this] { ioc.run(); });
  started_ = true;
}

void ServerLoop::accept() {
  acceptor_.async_accept(net::make_strand(ioc), [this](boost::system::error_code ec, net::ip::tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    } else {
      on_accept_(std::move(socket));
    }
    if (!stopping) accept();
  });
}

void ServerLoop::stop(std::chrono::milliseconds wait) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping = true;
  net::post(ioc, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  // Requests already taken are answered before the I/O stops.
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  pool->join();  // what was posted to the pool finishes
  keep_running_.reset();
  ioc.stop();
  if (io_thread_.joinable()) io_thread_.join();
  // The posted close may not have run before the I/O stopped: a stopped server must not
  // keep its port listening (connections would hang in the backlog instead of being refused).
  boost::system::error_code ec;
  acceptor_.close(ec);
}

}  // namespace edihub::transports
