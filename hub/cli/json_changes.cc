#include "hub/cli/json_changes.h"
#include "hub/text_escape.h"

#include <map>

namespace edihub::hub {

using nlohmann::json;

std::vector<JsonChange> json_changes(const json& before, const json& after) {
  std::vector<JsonChange> changes;
  std::map<std::string, std::size_t> appended;  // array path -> elements added after it so far
  for (const auto& op : json::diff(before, after)) {
    const std::string kind = op["op"];
    std::string path = op["path"];
    if (kind == "replace") {
      changes.push_back({'~', path, before.at(json::json_pointer(path)), op["value"]});
    } else if (kind == "remove") {
      changes.push_back({'-', path, before.at(json::json_pointer(path)), json()});
    } else if (kind == "add") {
      // diff appends to arrays as ".../-": name the index the element gets.
      if (path.ends_with("/-")) {
        std::string array = path.substr(0, path.size() - 2);
        path = array + "/" + std::to_string(before.at(json::json_pointer(array)).size() + appended[array]++);
      }
      changes.push_back({'+', path, json(), op["value"]});
    }
  }
  return changes;
}

std::string change_line(const JsonChange& change) {
  std::string line = std::string(1, change.op) + " " + change.path + ": ";
  if (change.op == '~') return line + dump_json(change.before) + " -> " + dump_json(change.after);
  return line + dump_json(change.op == '+' ? change.after : change.before);
}

}  // namespace edihub::hub
