#include <map>

#include "hub/web/pages.h"
#include "hub/web/charts_page.h"
#include "hub/web/document_page.h"
#include "hub/web/page.h"

namespace edihub::hub::web {

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
      {"GET", "/metrics", metrics_page, nullptr},
      {"GET", "/charts", charts_page, "Charts"},
      {"GET", "/document", document_page, nullptr},
      {"GET", "/raw", raw_file, nullptr},
  };
  return table;
}

}  // namespace edihub::hub::web
