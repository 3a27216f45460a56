#include "hub/service/health_server.h"

#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "transports/http_listen.h"

namespace edihub::hub {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HealthServer::Impl {
  std::string address;
  unsigned short port;
  std::function<HealthReport()> report;
  std::function<std::string()> metrics;
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by stop()
      serve(std::make_shared<beast::tcp_stream>(std::move(socket)));
      accept();
    });
  }

  void serve(std::shared_ptr<beast::tcp_stream> stream) {
    auto buffer = std::make_shared<beast::flat_buffer>();
    auto request = std::make_shared<http::request<http::empty_body>>();
    stream->expires_after(std::chrono::seconds(5));
    http::async_read(*stream, *buffer, *request, [this, stream, buffer, request](beast::error_code ec, std::size_t) {
      if (ec) return;
      auto response = std::make_shared<http::response<http::string_body>>();
      response->version(request->version());
      response->keep_alive(false);
      response->set(http::field::content_type, "application/json");
      const bool get = request->method() == http::verb::get;
      if (get && request->target() == "/healthz") {
        HealthReport r = report();
        response->result(static_cast<http::status>(r.status));
        response->body() = std::move(r.json);
      } else if (get && request->target() == "/metrics" && metrics) {
        try {
          response->body() = metrics();
          response->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        } catch (const std::exception& e) {
          response->result(http::status::service_unavailable);
          response->body() = nlohmann::json{{"error", e.what()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
      } else {
        response->result(http::status::not_found);
        response->body() = metrics ? R"({"error":"not found: GET /healthz and GET /metrics are the endpoints"})"
                                   : R"({"error":"not found: GET /healthz is the only endpoint"})";
      }
      response->prepare_payload();
      http::async_write(*stream, *response, [stream, response](beast::error_code, std::size_t) {
        beast::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
      });
    });
  }
};

HealthServer::HealthServer(const std::string& address, unsigned short port, std::function<HealthReport()> report,
                           std::function<std::string()> metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->metrics = std::move(metrics);
  impl_->address = address;
  impl_->port = port;
  impl_->report = std::move(report);
}

HealthServer::~HealthServer() { stop(); }

void HealthServer::start() {
  transports::listen_on(impl_->acceptor, impl_->address, impl_->port, "/healthz");
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

unsigned short HealthServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HealthServer::stop() {
  if (!impl_->thread.joinable()) return;
  net::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  impl_->thread.join();
  beast::error_code ignored;  // in case the posted close did not run before the I/O stopped
  impl_->acceptor.close(ignored);
}

}  // namespace edihub::hub
