// The dashboard's pages (docs/dashboard.md): what a page is given and what it returns.
// A page reads the archive through its own read-only index connection (SQLite WAL lets
// it read beside the service's writer) and changes state only through `Actions`, which
// `edihub serve` implements on its thread-safe Pipeline. Pages return whole documents
// wrapped by html.h's layout; every value that came from a partner or a file is escaped
// there (html.h), never written raw. The server (server.h) does authentication, CSRF,
// limits and TLS before a page runs; a page trusts only that a POST it sees passed them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "archive/states.h"

namespace edihub::archive {
class Index;
class RawStore;
}  // namespace edihub::archive

namespace edihub::hub {
struct Config;
class Clock;
}  // namespace edihub::hub

namespace edihub::hub::web {

struct Request {
  std::string method;                              // GET or POST
  std::string path;                                // decoded path, without the query
  std::multimap<std::string, std::string> query;   // decoded query parameters, in order
  std::map<std::string, std::string> form;         // a POST's urlencoded fields
  std::string user;                                // who is logged in (a token's or a session's name)

  // The first value of query parameter `name`, or "".
  std::string param(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Location, Content-Disposition
};

// State changes a page may ask for; `edihub serve` runs them on its Pipeline (under its
// lock), so they are serialized with the polls. Each throws std::runtime_error with a
// message fit to show the user when it cannot be done.
class Actions {
 public:
  virtual ~Actions() = default;
  // Resolve or ignore exception `id` with a note, as `edihub exceptions resolve|ignore`.
  virtual void close_exception(std::int64_t id, archive::ExceptionState state, const std::string& note,
                               const std::string& by) = 0;
  // Replay the file of exception `id`, as `edihub replay`; returns a one-line summary.
  virtual std::string replay(std::int64_t id, const std::string& by) = 0;
};

struct PageContext {
  const Config& config;
  archive::Index& index;            // read-only use
  const archive::RawStore& store;   // raw bytes, re-hashed on every read
  const Clock& clock;
  std::string csrf_token;           // the session's token: every POST form carries it as field "csrf"
  Actions* actions = nullptr;       // null: a read-only dashboard (no buttons)
};

using PageFn = Response (*)(const PageContext&, const Request&);

struct Route {
  const char* method;  // "GET" or "POST"
  const char* path;    // exact path, or a prefix when it ends with '/'
  PageFn page;
  const char* nav;     // the navigation label, or nullptr for pages not in the menu
};

// Every page of the dashboard, in menu order (routes.cc).
const std::vector<Route>& routes();

}  // namespace edihub::hub::web
