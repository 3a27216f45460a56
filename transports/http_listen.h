// What the hub's HTTP servers (the AS2 receiver, the dashboard, /healthz) share: opening
// their port, TLS, and (the first two) the loop their connections run on.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

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

// One I/O thread for every socket, a pool for the work that may block (handlers, pages),
// an acceptor. start() listens (listen_on) and hands each accepted connection to
// `on_accept` on the I/O thread; stop() stops accepting, waits up to `wait` while requests
// taken (`in_flight`, counted by the connections) are not answered, lets the pool finish
// what was posted to it, stops the I/O and closes the port. A connection checks `stopping`
// to refuse new requests. Connections may outlive the loop's io_context only if what they
// touch of their server is declared before the loop.
class ServerLoop {
 public:
  using Accept = std::function<void(boost::asio::ip::tcp::socket&&)>;
  ServerLoop() = default;
  ~ServerLoop() { stop(std::chrono::milliseconds(0)); }
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;

  // Throws std::runtime_error like listen_on, or when started twice.
  void start(const std::string& address, unsigned short port, const std::string& what, std::size_t workers,
             Accept on_accept);
  void stop(std::chrono::milliseconds wait);  // idempotent
  bool started() const { return started_; }
  unsigned short port() const { return port_; }

  boost::asio::io_context ioc{1};
  std::unique_ptr<boost::asio::thread_pool> pool;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};  // requests taken and not yet answered

 private:
  void accept();
  boost::asio::ip::tcp::acceptor acceptor_{ioc};
  Accept on_accept_;
  std::thread io_thread_;
  // Keeps ioc.run() going while a request is with the pool and nothing waits on a socket.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running_;
  bool started_ = false, stopped_ = false;
  unsigned short port_ = 0;
};

}  // namespace edihub::transports
