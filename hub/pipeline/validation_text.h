// Validation reports as people and programs read them: one line per error naming the
// file position (segment number in the file, position in the set, element) and the
// standard code, and the same content as JSON for `edihub validate --json`.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/validation.h"

namespace edihub::hub {

// Lines describing why a set is not plainly accepted, e.g.
// "segment 14 (position 6 in set 0001) N1 element 04 (66): invalid code value 'ZZ' (AK4 7)".
std::vector<std::string> set_error_lines(const x12::SetResult& set);
// Lines for the group-level codes, and the interchange note when not 000.
std::vector<std::string> group_error_lines(const x12::GroupResult& group);
std::string interchange_error_line(const x12::InterchangeResult& interchange);

// The lines as an indented list under an exception's first line; past `max` lines the
// rest is counted, not listed (a file with thousands of errors stays readable).
std::string indented_lines(const std::vector<std::string>& lines, std::size_t max = 25);

// The pieces of `edihub validate --json`'s "report", written one by one as results stream
// in: a set; a group or interchange with the sets/groups it holds (none while streaming).
nlohmann::ordered_json set_json(const x12::SetResult& set);
nlohmann::ordered_json group_json(const x12::GroupResult& group);
nlohmann::ordered_json interchange_json(const x12::InterchangeResult& interchange);
nlohmann::ordered_json issue_json(const x12::EnvelopeIssue& issue);

// "line 3, column 14" of a JSON parse error (nlohmann reports the byte after the fault).
std::string json_position(const std::string& text, std::size_t byte);

}  // namespace edihub::hub
