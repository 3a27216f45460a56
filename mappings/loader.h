// Reads a mapping file (YAML) into a Program, checking everything that can be checked
// before a document is seen: YAML syntax, unknown or misplaced keys, paths, conversions,
// key references. Every mistake is a MappingFileError with file:line.
#pragma once

#include <string>

#include "mappings/program.h"

namespace edihub::mapping {

Program load_program(const std::string& yaml_text, const std::string& file_name);

}  // namespace edihub::mapping
