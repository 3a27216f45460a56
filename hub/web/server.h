// The dashboard's HTTP(S) server (docs/dashboard.md): Boost.Beast, plain or TLS like the
// AS2 receiver, one I/O thread plus a few workers that render pages.
//
// Contract:
// - start() refuses (std::runtime_error, saying why) a non-loopback address when no token
//   is configured: the archive's partner data is never served to the network unauthenticated.
// - Authentication: `Authorization: Bearer <token>` (scripts), or a session cookie from the
//   login form (POST /login with the token; cookie HttpOnly, SameSite=Strict, Secure under
//   TLS; it ends at POST /logout or after `session_lifetime`). Without either: 401, with
//   the login page for a browser (Accept: text/html) GET. Tokens compare in constant time.
//   With no token configured (loopback only) every request is user "local".
// - CSRF: a session's POST must carry the session's CSRF token (form field "csrf",
//   html.h csrf_field) and a bearer POST the header `X-Requested-By` (a browser never adds
//   either to a cross-site request); else 403 and no page runs. A POST whose Origin is not
//   this server is 403 too.
// - Limits: at most `max_connections` connections (more are closed at once), request
//   headers 8 KiB, bodies 64 KiB (413), 10 s to read a request and to write an answer,
//   one request per connection at a time.
// - Every answer carries Content-Security-Policy (default-src 'self', no inline script,
//   frame-ancestors 'none'), X-Content-Type-Options: nosniff, Referrer-Policy: same-origin
//   and Cache-Control: no-store.
// - Each request gets its own archive::Index connection (SQLite WAL: it reads beside the
//   service's writer); the RawStore is shared. A page that throws is a 500 naming the error.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hub/config.h"
#include "hub/web/page.h"

namespace edihub::hub::web {

// What the server reports of each request it answered (edihub serve logs it as JSON).
struct RequestLog {
  std::string method, path, user;  // user "" when not authenticated
  int status = 0;
  std::chrono::milliseconds took{0};
};

struct ServerOptions {
  const Config* config = nullptr;  // required; its `dashboard` settings are used
  const Clock* clock = nullptr;    // required
  Actions* actions = nullptr;      // null: read-only (pages show no buttons)
  std::function<void(const RequestLog&)> on_request;  // optional
  std::size_t worker_threads = 2;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();                 // binds and listens; throws std::runtime_error naming the address
  unsigned short port() const;  // the bound port
  std::string url() const;      // http(s)://address:port/
  void stop();                  // idempotent; requests being rendered finish first

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace edihub::hub::web
