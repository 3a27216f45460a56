// The differences between two JSON documents (an archived ERP transaction and the one the
// current mapping makes), as changes people read: nlohmann::json::diff's patch with the
// old value beside every replaced or removed one and real indexes for appended elements.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace edihub::hub {

struct JsonChange {
  char op = '~';          // '~' changed, '+' added, '-' removed
  std::string path;       // JSON pointer, e.g. /orders/0/items/0/quantity
  nlohmann::json before;  // '~' and '-'
  nlohmann::json after;   // '~' and '+'
};

std::vector<JsonChange> json_changes(const nlohmann::json& before, const nlohmann::json& after);

// "~ /a/b: 1 -> 12", "+ /c: \"x\"", "- /d: true" (values as compact JSON).
std::string change_line(const JsonChange& change);

}  // namespace edihub::hub
