// A partner as the dashboard's pages name it: its profile's name with its id, "Northwind
// Supply (northwind)"; the id alone when no profile has it any more. Not escaped: the name
// is the partner's own text, so a page writes it through escape() (html.h).
#pragma once

#include <string>

namespace edihub::hub {
struct Config;
}

namespace edihub::hub::web {

std::string partner_name(const Config& config, const std::string& id);

}  // namespace edihub::hub::web
