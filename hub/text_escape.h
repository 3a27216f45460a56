// Output of values a partner controls (file names, control numbers, reasons quoting
// them). Text output escapes C0 and C1 control characters and DEL, so a file name
// holding "\n" or an escape sequence cannot forge a line or recolour a terminal; JSON
// output replaces bytes that are not UTF-8 instead of throwing, so one bad byte in an
// element value cannot stop a command or the pipeline.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace edihub::hub {

// `text` with every control character written as an escape: \n, \r, \t, \\x1b, \\xc2\\x9b
// (a C1 control in UTF-8); a backslash stays as it is. Everything else is unchanged.
std::string escape_controls(std::string_view text);

// Like escape_controls, but keeps "\n" as a line break: for multi-line text the hub
// itself composed (an exception reason listing one problem per line).
std::string escape_controls_keep_lines(std::string_view text);

// json.dump(indent) that replaces invalid UTF-8 with U+FFFD instead of throwing.
template <typename Json>
std::string dump_json(const Json& json, int indent = -1) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace edihub::hub
