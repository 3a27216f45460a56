// The standard mappings shipped with edihub (mappings/standard/*.yaml, compiled in by
// cmake/embed_files.cmake): the mappings `edihub partner new` starts a partner from.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace edihub::hub {

// (file name, YAML text) of every standard mapping, sorted by name.
std::vector<std::pair<std::string, std::string>> standard_mapping_files();

}  // namespace edihub::hub
