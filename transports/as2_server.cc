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
#include <unistd.h>

#include <array>
#include <filesystem>
#include <mutex>
#include <thread>

#include "transports/http_listen.h"

namespace edihub::transports::as2 {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Response = http::response<http::string_body>;
using Request = http::request<http::file_body>;  // the body is streamed to a spool file

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
  std::atomic<size_t> uploads{0};  // bodies being received or decoded (before loop: sessions outlive its io_context)
  std::atomic<size_t> spool_seq{0};
  std::mutex decoding;             // one message in memory at a time
  ServerLoop loop;                 // its I/O thread, pool, acceptor and in-flight count
  std::optional<ssl::context> tls;

  explicit Impl(As2ServerConfig c) : cfg(std::move(c)) {}

  // What to answer, plus work to run after the answer went out (async MDN).
  struct Outcome {
    Response res;
    std::function<void()> after;
  };
  Outcome process(const Request& req, const std::string& body_file);
  // Why a POST is refused on its headers alone, before any of its body is read.
  std::optional<std::pair<http::status, std::string>> refusal(const http::request_header<>& req);
  std::filesystem::path spool_path() {
    return std::filesystem::path(cfg.spool_dir) /
           ("as2-upload-" + std::to_string(getpid()) + "-" + std::to_string(++spool_seq) + ".part");
  }
  void accept(tcp::socket&& socket);
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

  ~Session() { drop_upload(); }

  void run() {
    // Reads are as large as the buffer's free capacity (at most 64 KiB): a body then moves
    // to its spool file in 64 KiB steps rather than in header-sized ones.
    buffer_.reserve(64 * 1024);
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
    drop_upload();
    parser_.emplace();
    parser_->body_limit(srv_.cfg.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(srv_.cfg.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  // Everything that can be decided on the headers is, before a byte of the body is read.
  void on_header(beast::error_code ec) {
    if (ec == http::error::body_limit)  // Content-Length over the limit
      return refuse(http::status::payload_too_large, "message larger than the configured limit");
    if (ec) return close();  // end of stream, timeout, reset
    const auto& req = parser_->get();
    if (srv_.loop.stopping) return refuse(http::status::service_unavailable, "shutting down");
    if (req.method() == http::verb::get && !srv_.cfg.health_path.empty() && req.target() == srv_.cfg.health_path &&
        parser_->is_done())
      return write({text_response(http::status::ok, "ok", req.version(), req.keep_alive()), {}});
    if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "POST only");
    if (auto why = srv_.refusal(req)) return refuse(why->first, why->second);
    if (++srv_.uploads > srv_.cfg.max_concurrent_uploads) {
      --srv_.uploads;
      return refuse(http::status::service_unavailable, "too many uploads at once, send again later",
                    srv_.cfg.busy_retry_after.count());
    }
    holds_upload_ = true;
    spool_ = srv_.spool_path();
    beast::error_code fec;
    parser_->get().body().open(spool_.c_str(), beast::file_mode::write_new, fec);
    if (fec) return refuse(http::status::internal_server_error, "cannot spool the message: " + fec.message());
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      continue_ = http::response<http::empty_body>(http::status::continue_, req.version());
      http::async_write(stream_, continue_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) return refuse(http::status::payload_too_large, "message larger than the configured limit");
    if (ec) return close();
    Request req = parser_->release();
    req.body().close();
    if (srv_.loop.stopping) return refuse(http::status::service_unavailable, "shutting down");
    beast::get_lowest_layer(stream_).expires_never();  // the handler may take its time
    ++srv_.loop.in_flight;
    answered_ = false;
    auto self = this->shared_from_this();
    net::post(*srv_.loop.pool, [self, req = std::move(req), body_file = spool_.string()]() mutable {
      As2Server::Impl::Outcome out;
      try {
        out = self->srv_.process(req, body_file);
      } catch (const std::exception& e) {
        out.res = text_response(http::status::internal_server_error, e.what(), req.version(), false);
      }
      net::post(self->stream_.get_executor(), [self, out = std::move(out)]() mutable {
        self->drop_upload();
        self->write(std::move(out));
      });
    });
  }

  // An answer before (or instead of) reading the rest of the body: the connection closes.
  void refuse(http::status status, const std::string& text, long retry_after = 0) {
    drop_upload();
    Response res = text_response(status, text, parser_->get().version(), false);
    if (retry_after > 0) res.set(http::field::retry_after, std::to_string(retry_after));
    write({std::move(res), {}});
  }

  // The spool file goes and the upload slot is freed.
  void drop_upload() {
    if (!spool_.empty()) {
      std::error_code ec;
      std::filesystem::remove(spool_, ec);
      spool_.clear();
    }
    if (holds_upload_) {
      holds_upload_ = false;
      --srv_.uploads;
    }
  }

  void write(As2Server::Impl::Outcome out) {
    res_ = std::move(out.res);
    after_ = std::move(out.after);
    beast::get_lowest_layer(stream_).expires_after(srv_.cfg.read_timeout);
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (self->after_) net::post(*self->srv_.loop.pool, std::move(self->after_));
      self->after_ = nullptr;
      if (!self->answered_) {
        self->answered_ = true;
        --self->srv_.loop.in_flight;
      }
      if (ec || !self->res_.keep_alive() || self->srv_.loop.stopping) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      // What the client still sends (the rest of a refused body) is read and dropped for a
      // while: closing with unread bytes would reset the connection before it read our answer.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      drain();
    } else {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    }
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->drain();
    });
  }

  Stream stream_;
  As2Server::Impl& srv_;
  std::array<char, 16384> discard_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::file_body>> parser_;
  http::response<http::empty_body> continue_;
  std::filesystem::path spool_;
  bool holds_upload_ = false;
  Response res_;
  std::function<void()> after_;
  bool answered_ = true;
};

std::string unquoted_header(const http::request_header<>& req, const char* name) {
  std::string v = detail::trim(std::string(req[name]));
  return v.size() >= 2 && v.front() == '"' && v.back() == '"' ? v.substr(1, v.size() - 2) : v;
}
}  // namespace

std::optional<std::pair<http::status, std::string>> As2Server::Impl::refusal(const http::request_header<>& req) {
  const std::string from = unquoted_header(req, "AS2-From"), to = unquoted_header(req, "AS2-To");
  if (from.empty() || to.empty()) return std::pair{http::status::bad_request, std::string("AS2-From and AS2-To are required")};
  if (to != cfg.identity.as2_id || !cfg.find_partner || !cfg.find_partner(from))
    return std::pair{http::status::forbidden, "no agreement between '" + from + "' and '" + to + "'"};
  return std::nullopt;
}

As2Server::Impl::Outcome As2Server::Impl::process(const Request& req, const std::string& body_file) {
  const unsigned v = req.version();
  const bool ka = req.keep_alive();
  Headers headers;
  for (const auto& f : req) headers.add(std::string(f.name_string()), std::string(f.value()));
  std::optional<As2Partner> partner = cfg.find_partner(unquoted_header(req, "AS2-From"));  // may be gone since the headers
  if (!partner) return {text_response(http::status::forbidden, "no agreement with the sender", v, ka), {}};
  std::unique_lock one_at_a_time(decoding);
  // A multipart body (an async MDN, or a message signed but not encrypted) is parsed whole;
  // anything else is decoded from the spool file, refused there when it cannot be valid.
  const std::string type = detail::media_type(headers.get("Content-Type"));
  std::string body = type.starts_with("multipart/") ? detail::read_whole(body_file) : std::string();
  if (looks_like_mdn(headers, body)) {
    if (!cfg.on_mdn) return {text_response(http::status::not_implemented, "async MDNs are not accepted here", v, ka), {}};
    cfg.on_mdn(headers, body);
    return {text_response(http::status::ok, "", v, ka), {}};
  }
  if (detail::trim(headers.get("Message-ID")).empty())
    return {text_response(http::status::bad_request, "AS2-From, AS2-To and Message-ID are required", v, ka), {}};
  ReceivedMessage msg = type.starts_with("multipart/") ? receive(headers, body, cfg.identity, *partner)
                                                      : receive_file(headers, body_file, cfg.identity, *partner);
  body.clear();
  body.shrink_to_fit();
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

void As2Server::Impl::accept(tcp::socket&& socket) {
  if (tls) std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *this, *tls)->run();
  else std::make_shared<Session<beast::tcp_stream>>(std::move(socket), *this)->run();
}

As2Server::As2Server(As2ServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

As2Server::~As2Server() { stop(); }

void As2Server::start() {
  Impl& s = *impl_;
  if (s.loop.started()) throw As2Error("As2Server already started");
  if (!s.cfg.handler) throw As2Error("As2Server needs a handler");
  if (s.cfg.tls) {
    s.tls.emplace(ssl::context::tls_server);
    try {
      configure_tls_server(*s.tls, s.cfg.tls->cert_chain_file, s.cfg.tls->key_file, s.cfg.tls->key_passphrase);
    } catch (const As2Error&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw As2Error(e.what());
    }
  }
  if (s.cfg.spool_dir.empty()) {
    s.cfg.spool_dir = std::filesystem::temp_directory_path().string();
  } else {
    std::error_code fec;
    std::filesystem::create_directories(s.cfg.spool_dir, fec);
    if (fec) throw As2Error("cannot create the spool folder " + s.cfg.spool_dir + ": " + fec.message());
    for (const auto& leftover : std::filesystem::directory_iterator(s.cfg.spool_dir, fec))
      if (leftover.path().filename().string().starts_with("as2-upload-")) std::filesystem::remove(leftover.path(), fec);
  }
  try {
    s.loop.start(s.cfg.address, s.cfg.port, "AS2", s.cfg.worker_threads,
                 [&s](tcp::socket&& socket) { s.accept(std::move(socket)); });
  } catch (const std::runtime_error& e) {
    throw As2Error(e.what());
  }
}

unsigned short As2Server::port() const { return impl_->loop.port(); }

std::string As2Server::url(const std::string& path) const {
  return std::string(impl_->tls ? "https" : "http") + "://" + impl_->cfg.address + ":" + std::to_string(port()) + path;
}

void As2Server::stop() {
  // Requests already taken are answered (handler, then MDN) before the I/O stops; queued
  // async MDN posts finish.
  impl_->loop.stop(impl_->cfg.stop_timeout);
}

}  // namespace edihub::transports::as2
