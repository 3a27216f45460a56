#include <map>

#include "hub/web/page.h"

namespace edihub::hub::web {

// The pages, each in its own file.
Response partners_page(const PageContext&, const Request&);
Response exceptions_page(const PageContext&, const Request&);
Response close_exception_page(const PageContext&, const Request&);
Response replay_page(const PageContext&, const Request&);
Response orders_page(const PageContext&, const Request&);
Response search_page(const PageContext&, const Request&);

std::string Request::param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {"GET", "/", partners_page, "Partners"},
      {"GET", "/exceptions", exceptions_page, "Exceptions"},
      {"POST", "/exceptions/close", close_exception_page, nullptr},
      {"POST", "/exceptions/replay", replay_page, nullptr},
      {"GET", "/orders", orders_page, "Orders"},
      {"GET", "/search", search_page, "Search"},
  };
  return table;
}

}  // namespace edihub::hub::web
