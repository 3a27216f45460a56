// AS2 HTTP receiver on Boost.Beast (see as2_server.h for the contract). One I/O thread
// does all socket work; handlers (archive writes) and async MDN posts run on a thread pool.
#include "transports/as2_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <thread>

namespace edihub::transports::as2 {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Response = http::response<http::string_body>;
using Request = http::request<http::string_body>;

namespace {

Response text_response(http::status status, const std::string& text, unsigned version, bool keep_alive) {
  Response res{status, version};
  res.set(http::field::server, "edihub-as2");
  res.set(http::field::content_type, "text/plain; charset=us-ascii");
  res.keep_alive(keep_alive);
  res.body() = text.empty() ? std::string() : text + "\n";
  res.prepare_payload();
  return res;
}

}  // namespace

struct As2Server::Impl {
  As2ServerConfig cfg;
  net::io_context ioc{1};
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<net::thread_pool> pool;
  std::thread io_thread;
  // Keeps ioc.run() going while a request is with the pool and nothing waits on a socket.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};  // requests taken and not yet answered
  bool started = false, stopped = false;
  unsigned short bound_port = 0;

  explicit Impl(As2ServerConfig c) : cfg(std::move(c)) {}

  // What to answer, plus work to run after the answer went out (async MDN).
  struct Outcome {
    Response res;
    std::function<void()> after;
  };
  Outcome process(const Request& req);
  void accept();
};

namespace {

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(tcp::socket&& socket, As2Server::Impl& srv) requires std::is_same_v<Stream, beast::tcp_stream>
      : stream_(std::move(socket)), srv_(srv) {}
  Session(tcp::socket&& socket, As2Server::Impl& srv, ssl::context& ctx)
    requires(!std::is_same_v<Stream, beast::tcp_stream>)
      : stream_(std::move(socket), ctx), srv_(srv) {}

  void run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        self->read();
      } else {
        beast::get_lowest_layer(self->stream_).expires_after(self->srv_.cfg.read_timeout);
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          if (!ec) self->read();
        });
      }
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(srv_.cfg.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(srv_.cfg.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      write({text_response(http::status::payload_too_large, "message larger than the configured limit", 11, false), {}});
      return;
    }
    if (ec) return close();  // end of stream, timeout, reset
    Request req = parser_->release();
    if (srv_.stopping) {
      write({text_response(http::status::service_unavailable, "shutting down", req.version(), false), {}});
      return;
    }
    beast::get_lowest_layer(stream_).expires_never();  // the handler may take its time
    ++srv_.in_flight;
    answered_ = false;
    auto self = this->shared_from_this();
    net::post(*srv_.pool, [self, req = std::move(req)]() mutable {
      As2Server::Impl::Outcome out;
      try {
        out = self->srv_.process(req);
      } catch (const std::exception& e) {
        out.res = text_response(http::status::internal_server_error, e.what(), req.version(), false);
      }
      net::post(self->stream_.get_executor(), [self, out = std::move(out)]() mutable { self->write(std::move(out)); });
    });
  }

  void write(As2Server::Impl::Outcome out) {
    res_ = std::move(out.res);
    after_ = std::move(out.after);
    beast::get_lowest_layer(stream_).expires_after(srv_.cfg.read_timeout);
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (self->after_) net::post(*self->srv_.pool, std::move(self->after_));
      self->after_ = nullptr;
      if (!self->answered_) {
        self->answered_ = true;
        --self->srv_.in_flight;
      }
      if (ec || !self->res_.keep_alive() || self->srv_.stopping) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    }
  }

  Stream stream_;
  As2Server::Impl& srv_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response res_;
  std::function<void()> after_;
  bool answered_ = true;
};

}  // namespace

As2Server::Impl::Outcome As2Server::Impl::process(const Request& req) {
  const unsigned v = req.version();
  const bool ka = req.keep_alive();
  if (req.method() == http::verb::get && !cfg.health_path.empty() && req.target() == cfg.health_path)
    return {text_response(http::status::ok, "ok", v, ka), {}};
  if (req.method() != http::verb::post) return {text_response(http::status::method_not_allowed, "POST only", v, ka), {}};
  Headers headers;
  for (const auto& f : req) headers.add(std::string(f.name_string()), std::string(f.value()));
  const std::string& body = req.body();

  if (looks_like_mdn(headers, body)) {
    if (!cfg.on_mdn) return {text_response(http::status::not_implemented, "async MDNs are not accepted here", v, ka), {}};
    cfg.on_mdn(headers, body);
    return {text_response(http::status::ok, "", v, ka), {}};
  }
  std::string from = detail::trim(headers.get("AS2-From")), to = detail::trim(headers.get("AS2-To"));
  auto unq = [](std::string s) { return s.size() >= 2 && s.front() == '"' && s.back() == '"' ? s.substr(1, s.size() - 2) : s; };
  from = unq(from);
  to = unq(to);
  if (from.empty() || to.empty() || detail::trim(headers.get("Message-ID")).empty())
    return {text_response(http::status::bad_request, "AS2-From, AS2-To and Message-ID are required", v, ka), {}};
  std::optional<As2Partner> partner = cfg.find_partner ? cfg.find_partner(from) : std::nullopt;
  if (!partner || to != cfg.identity.as2_id)
    return {text_response(http::status::forbidden, "no agreement between '" + from + "' and '" + to + "'", v, ka), {}};

  ReceivedMessage msg = receive(headers, body, cfg.identity, *partner);
  std::string disposition, text;
  if (!msg.ok()) {
    if (cfg.on_rejected) cfg.on_rejected(msg);
    if (!msg.mdn.requested)
      return {text_response(http::status::bad_request, msg.error + ": " + msg.error_text, v, ka), {}};
    disposition = "processed/error: " + msg.error;
  } else {
    As2Result result = cfg.handler(msg);  // returns only once the payload is durable
    switch (result.outcome) {
      case As2Result::Outcome::retry_later:
        return {text_response(http::status::service_unavailable,
                              "not stored, send again later" + (result.text.empty() ? "" : ": " + result.text), v, ka),
                {}};
      case As2Result::Outcome::accepted:
        disposition = result.modifier.empty() ? "processed" : "processed/warning: " + result.modifier;
        break;
      case As2Result::Outcome::rejected:
        disposition = "processed/error: " + (result.modifier.empty() ? "unexpected-processing-error" : result.modifier);
        break;
    }
    text = result.text;
  }
  if (!msg.mdn.requested) return {text_response(http::status::ok, "", v, ka), {}};
  BuiltMdn mdn = build_mdn(msg, disposition, cfg.identity, text);
  if (cfg.on_mdn_built) cfg.on_mdn_built(msg, disposition, mdn);
  if (msg.mdn.async) {
    if (cfg.async_url_allowed && !cfg.async_url_allowed(*partner, msg.mdn.async_url))
      return {text_response(http::status::forbidden, "async MDN URL not allowed for this partner", v, ka), {}};
    auto after = [this, id = msg.message_id, url = msg.mdn.async_url, mdn]() {
      AsyncMdnDelivery d{id, url, mdn, http_post(url, mdn.headers, mdn.body, cfg.async_mdn_timeout, cfg.async_mdn_options)};
      if (cfg.on_async_mdn_sent) cfg.on_async_mdn_sent(d);
    };
    return {text_response(http::status::ok, "", v, ka), after};
  }
  Response res{http::status::ok, v};
  res.set(http::field::server, "edihub-as2");
  for (const auto& [k, val] : mdn.headers.fields) res.insert(k, val);
  res.keep_alive(ka);
  res.body() = mdn.body;
  res.prepare_payload();
  return {std::move(res), {}};
}

void As2Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    } else if (tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *this, *tls)->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(std::move(socket), *this)->run();
    }
    if (!stopping) accept();
  });
}

As2Server::As2Server(As2ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

As2Server::~As2Server() { stop(); }

void As2Server::start() {
  Impl& s = *impl_;
  if (s.started) throw As2Error("As2Server already started");
  if (!s.cfg.handler) throw As2Error("As2Server needs a handler");
  if (s.cfg.tls) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    s.tls->use_certificate_chain_file(s.cfg.tls->cert_chain_file, ec);
    if (!ec) s.tls->use_private_key_file(s.cfg.tls->key_file, ssl::context::pem, ec);
    if (ec) throw As2Error("TLS setup: " + ec.message());
  }
  beast::error_code ec;
  tcp::endpoint ep{net::ip::make_address(s.cfg.address, ec), s.cfg.port};
  if (ec) throw As2Error("bad listen address " + s.cfg.address);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw As2Error("cannot listen on " + s.cfg.address + ":" + std::to_string(s.cfg.port) + ": " + ec.message());
  s.bound_port = s.acceptor.local_endpoint().port();
  s.pool = std::make_unique<net::thread_pool>(std::max<size_t>(1, s.cfg.worker_threads));
  s.accept();
  s.keep_running.emplace(s.ioc.get_executor());
  s.io_thread = std::thread([&s] { s.ioc.run(); });
  s.started = true;
}

unsigned short As2Server::port() const { return impl_->bound_port; }

std::string As2Server::url(const std::string& path) const {
  return std::string(impl_->tls ? "https" : "http") + "://" + impl_->cfg.address + ":" + std::to_string(port()) + path;
}

void As2Server::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping = true;
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  // Requests already taken are answered (handler, then MDN) before the I/O stops.
  auto deadline = std::chrono::steady_clock::now() + s.cfg.stop_timeout;
  while (s.in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  s.pool->join();  // queued async MDN posts finish
  s.keep_running.reset();
  s.ioc.stop();
  if (s.io_thread.joinable()) s.io_thread.join();
  // The posted close may not have run before the I/O stopped: a stopped server must not
  // keep its port listening (connections would hang in the backlog instead of being refused).
  beast::error_code ec;
  s.acceptor.close(ec);
}

}  // namespace edihub::transports::as2
