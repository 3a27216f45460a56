// The dashboard server (see server.h for the contract). The connection handling follows
// the AS2 receiver (transports/as2_server.cc): one I/O thread for every socket, the work
// that may block (SQLite reads, pipeline actions) on a small pool.
#include "hub/web/server.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/web/html.h"
#include "hub/web/widgets.h"
#include "transports/http_listen.h"

namespace edihub::hub::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

namespace {

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kBodyLimit = 64 * 1024;
constexpr auto kIoTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxSessions = 1024;
constexpr const char* kCookie = "edihub_session";

// The Content-Security-Policy of every answer: nothing from elsewhere, no script but the
// server's own files, the embedded stylesheet inline (html.h layout), never in a frame.
constexpr const char* kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("no random bytes for a session (OpenSSL RAND_bytes failed)");
  std::string hex;
  for (unsigned char c : raw) hex += fmt::format("{:02x}", c);
  return hex;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "a=1&b=x%20y" into decoded (name, value) pairs, in order.
std::multimap<std::string, std::string> parse_urlencoded(std::string_view text) {
  std::multimap<std::string, std::string> fields;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    fields.emplace(url_decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
  }
  return fields;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
  }
  return "";
}

std::string_view text(boost::beast::string_view v) { return {v.data(), v.size()}; }

Response status_page(int status, std::string html) { return html_response(std::move(html), status); }

// A page saying why nothing was done.
Response refusal(int status, std::string_view title, std::string_view user, std::string_view why) {
  return status_page(status, layout(title, "", user, fmt::format(R"(<p class="error">{}</p>)", escape(why))));
}

std::string login_body(std::string_view error) {
  std::string body;
  if (!error.empty()) body += fmt::format(R"(<p class="error">{}</p>)", escape(error));
  body += R"(<form method="post" action="/login" class="filters"><label>Access token)"
          R"(<input type="password" name="token" autocomplete="current-password" required autofocus></label>)"
          R"(<button type="submit">Sign in</button></form>)"
          R"(<p class="muted">The token is one of the dashboard's tokens (docs/dashboard.md).</p>)";
  return layout("Sign in", "", "", body);
}

struct Session {
  std::string user, csrf;
  std::chrono::steady_clock::time_point expires;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  const DashboardSettings& settings;
  archive::RawStore store;
  std::atomic<std::size_t> connections{0};  // before loop: connections outlive its io_context
  std::mutex sessions_mu;
  std::map<std::string, Session> sessions;
  transports::ServerLoop loop;  // its I/O thread, pool, acceptor and in-flight count
  std::optional<ssl::context> tls;

  explicit Impl(ServerOptions o)
      : options(std::move(o)), settings(*options.config->dashboard), store(options.config->archive_dir) {}

  // The user of a bearer token, or nullopt. Every token is compared, in constant time each.
  std::optional<std::string> user_of_token(std::string_view token) const {
    std::optional<std::string> user;
    for (const auto& t : settings.tokens)
      if (same_secret(t.token, token)) user = t.user;
    return user;
  }

  std::optional<Session> session(const std::string& id) {
    if (id.empty()) return std::nullopt;
    std::lock_guard lock(sessions_mu);
    auto it = sessions.find(id);
    if (it == sessions.end()) return std::nullopt;
    if (it->second.expires <= std::chrono::steady_clock::now()) {
      sessions.erase(it);
      return std::nullopt;
    }
    return it->second;
  }

  // A new session for `user`: its cookie id and CSRF token are random; the oldest session
  // goes when there are too many.
  std::pair<std::string, Session> new_session(const std::string& user) {
    const auto now = std::chrono::steady_clock::now();
    std::pair<std::string, Session> s{random_hex(32), Session{user, random_hex(32), now + settings.session_lifetime}};
    std::lock_guard lock(sessions_mu);
    std::erase_if(sessions, [&](const auto& kv) { return kv.second.expires <= now; });
    if (sessions.size() >= kMaxSessions)
      sessions.erase(std::min_element(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
        return a.second.expires < b.second.expires;
      }));
    sessions.insert(s);
    return s;
  }

  void end_session(const std::string& id) {
    std::lock_guard lock(sessions_mu);
    sessions.erase(id);
  }

  std::string session_cookie(const std::string& id, std::chrono::seconds max_age) const {
    return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kCookie, id, max_age.count(),
                       tls ? "; Secure" : "");
  }

  HttpResponse handle(const HttpRequest& req, std::string& user_out);
  Response dispatch(const Request& request, const std::optional<Session>& session);
  void accept(tcp::socket&& socket);
};

namespace {

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(tcp::socket&& socket, Server::Impl& srv) requires std::is_same_v<Stream, beast::tcp_stream>
      : stream_(std::move(socket)), srv_(srv) {}
  Connection(tcp::socket&& socket, Server::Impl& srv, ssl::context& ctx)
    requires(!std::is_same_v<Stream, beast::tcp_stream>)
      : stream_(std::move(socket), ctx), srv_(srv) {}
  ~Connection() { --srv_.connections; }

  void run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(kIoTimeout);
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        self->read();
      } else {
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          if (!ec) self->read();
        });
      }
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      HttpResponse res{ec == http::error::body_limit ? http::status::payload_too_large
                                                     : http::status::request_header_fields_too_large,
                       11};
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = "request too large\n";
      res.keep_alive(false);
      res.prepare_payload();
      return write(std::move(res));
    }
    if (ec) return close();
    beast::get_lowest_layer(stream_).expires_never();  // a page may take its time; the answer is bounded again
    ++srv_.loop.in_flight;
    auto self = this->shared_from_this();
    net::post(*srv_.loop.pool, [self, req = parser_->release()]() mutable {
      const auto started = std::chrono::steady_clock::now();
      std::string user;
      HttpResponse res = self->srv_.handle(req, user);
      if (self->srv_.options.on_request) {
        const std::string target(req.target());
        self->srv_.options.on_request(
            {std::string(req.method_string()), target.substr(0, target.find('?')), user, static_cast<int>(res.result_int()),
             std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)});
      }
      net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
        --self->srv_.loop.in_flight;
        self->write(std::move(res));
      });
    });
  }

  void write(HttpResponse res) {
    res_ = std::move(res);
    beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->res_.keep_alive() || self->srv_.loop.stopping) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    }
  }

  Stream stream_;
  Server::Impl& srv_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpResponse res_;
};

}  // namespace

HttpResponse Server::Impl::handle(const HttpRequest& req, std::string& user_out) {
  const std::string target(req.target());
  const auto question = target.find('?');
  Request request;
  request.method = std::string(req.method_string());
  request.path = url_decode(std::string_view(target).substr(0, question));
  if (question != std::string::npos) request.query = parse_urlencoded(std::string_view(target).substr(question + 1));

  std::vector<std::pair<std::string, std::string>> extra_headers;
  // Who is asking: a bearer token, else a session cookie. Without configured tokens (the
  // server is then on loopback) everyone is "local", still with a session for its CSRF token.
  std::optional<Session> session = this->session(cookie_value(text(req[http::field::cookie]), kCookie));
  bool bearer = false;
  const std::string_view authorization = text(req[http::field::authorization]);
  if (authorization.starts_with("Bearer ")) {
    if (auto user = user_of_token(authorization.substr(7))) {
      request.user = *user;
      bearer = true;
    }
  } else if (session) {
    request.user = session->user;
  }
  if (request.user.empty() && settings.tokens.empty() && req.method() == http::verb::get) {
    auto [id, fresh] = new_session("local");
    extra_headers.emplace_back("Set-Cookie", session_cookie(id, settings.session_lifetime));
    session = fresh;
    request.user = fresh.user;
  }
  user_out = request.user;

  Response response;
  try {
    const bool post = req.method() == http::verb::post;
    const std::string_view origin = text(req[http::field::origin]);
    const std::string own_origin = fmt::format("{}://{}", tls ? "https" : "http", std::string(req[http::field::host]));
    if (post && !origin.empty() && origin != own_origin) {
      response = refusal(403, "Refused", request.user, "A form from another site cannot change anything here.");
    } else if (post && req[http::field::content_type].find("application/x-www-form-urlencoded") == std::string_view::npos &&
               !req.body().empty()) {
      response = refusal(415, "Refused", request.user, "Forms are sent as application/x-www-form-urlencoded.");
    } else {
      if (post)
        for (auto& [name, value] : parse_urlencoded(req.body())) request.form.emplace(name, value);
      if (request.path == "/favicon.ico") {
        response.status = 204;  // no icon: browsers ask for one on every page
      } else if (request.path == "/login" && req.method() == http::verb::get) {
        response = status_page(200, login_body(""));
      } else if (request.path == "/login" && post) {
        auto it = request.form.find("token");
        auto user = it == request.form.end() ? std::nullopt : user_of_token(it->second);
        if (!user) {
          response = status_page(401, login_body("That token is not valid."));
        } else {
          auto [id, fresh] = new_session(*user);
          user_out = *user;
          response.status = 303;
          response.headers.emplace_back("Location", "/");
          response.headers.emplace_back("Set-Cookie", session_cookie(id, settings.session_lifetime));
        }
      } else if (request.user.empty()) {
        const bool browser = req.method() == http::verb::get &&
                             req[http::field::accept].find("text/html") != std::string_view::npos;
        response = browser ? status_page(401, login_body("Sign in to see this page."))
                           : Response{401, "text/plain; charset=utf-8", "authentication required: a bearer token or a session\n",
                                      {{"WWW-Authenticate", "Bearer realm=\"edihub\""}}};
      } else if (post && (bearer ? req["X-Requested-By"].empty()
                                 : !session || !request.form.contains("csrf") ||
                                       !same_secret(request.form.at("csrf"), session->csrf))) {
        response = refusal(403, "Refused", request.user,
                           "The form's security token is missing or out of date: reload the page and try again.");
      } else if (request.path == "/logout") {
        if (post && session) {
          end_session(cookie_value(text(req[http::field::cookie]), kCookie));
          response.status = 303;
          response.headers.emplace_back("Location", "/login");
          response.headers.emplace_back("Set-Cookie", session_cookie("", std::chrono::seconds(0)));
        } else {
          response = status_page(200, layout("Sign out", "", request.user,
                                           fmt::format(R"(<form method="post" action="/logout">{}<button type="submit">)"
                                                       R"(Sign out {}</button></form>)",
                                                       csrf_field(session ? session->csrf : ""), escape(request.user))));
        }
      } else {
        response = dispatch(request, session);
      }
    }
  } catch (const std::exception& e) {
    response = refusal(500, "Error", request.user, e.what());
  }

  HttpResponse res{static_cast<http::status>(response.status), req.version()};
  res.set(http::field::server, "edihub-dashboard");
  res.set(http::field::content_type, response.content_type);
  res.set("Content-Security-Policy", kPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");  // "no-referrer" would make a browser send "Origin: null" on its own forms
  res.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : extra_headers) res.insert(name, value);
  for (const auto& [name, value] : response.headers) res.insert(name, value);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(response.body);
  res.prepare_payload();
  return res;
}

// An authenticated request that passed the CSRF check: its page, on its own index connection.
Response Server::Impl::dispatch(const Request& request, const std::optional<Session>& session) {
  const Route* found = nullptr;
  bool other_method = false;
  for (const Route& route : routes()) {
    std::string_view path = route.path;
    bool match = path.ends_with('/') && path.size() > 1 ? request.path.starts_with(path) : request.path == path;
    if (!match) continue;
    if (request.method == route.method) {
      found = &route;
      break;
    }
    other_method = true;
  }
  if (!found) {
    if (other_method) return refusal(405, "Not allowed", request.user, "Not with this method.");
    return refusal(404, "Not found", request.user, "No page " + request.path + ".");
  }
  auto index = archive::Index::open(options.config->index_file());
  PageContext context{*options.config, *index, store, *options.clock, session ? session->csrf : "", options.actions};
  return found->page(context, request);
}

void Server::Impl::accept(tcp::socket&& socket) {
  if (++connections > settings.max_connections) {
    --connections;
    beast::error_code ignored;
    socket.close(ignored);
  } else if (tls) {
    std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *this, *tls)->run();
  } else {
    std::make_shared<Connection<beast::tcp_stream>>(std::move(socket), *this)->run();
  }
}

Server::Server(ServerOptions options) {
  if (!options.config || !options.config->dashboard || !options.clock)
    throw std::invalid_argument("the dashboard server needs a configuration with `dashboard:` and a clock");
  impl_ = std::make_unique<Impl>(std::move(options));
}

Server::~Server() { stop(); }

void Server::start() {
  Impl& s = *impl_;
  if (s.loop.started()) throw std::runtime_error("the dashboard server is already started");
  const auto& d = s.settings;
  beast::error_code ec;
  auto ip = net::ip::make_address(d.address, ec);
  if (ec) throw std::runtime_error("dashboard.address " + d.address + " is not an IP address");
  if (!ip.is_loopback() && d.tokens.empty())
    throw std::runtime_error("the dashboard will not listen on " + d.address +
                             " without a token: anyone who reaches it would see every partner's documents. "
                             "Give dashboard.tokens_file or dashboard.token_env, or listen on 127.0.0.1");
  if (d.tls) {
    s.tls.emplace(ssl::context::tls_server);
    transports::configure_tls_server(*s.tls, d.tls->cert.string(), d.tls->key.string(), d.tls->key_passphrase);
  }
  s.loop.start(d.address, d.port, "the dashboard", s.options.worker_threads,
               [&s](tcp::socket&& socket) { s.accept(std::move(socket)); });
}

unsigned short Server::port() const { return impl_->loop.port(); }

std::string Server::url() const {
  const std::string& address = impl_->settings.address;
  const bool v6 = address.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}/", impl_->tls ? "https" : "http", v6 ? "[" : "", address, v6 ? "]" : "", port());
}

void Server::stop() { impl_->loop.stop(kIoTimeout); }  // pages being rendered finish first

}  // namespace edihub::hub::web
