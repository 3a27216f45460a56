// Reads a mapping file (YAML) into a Program, checking everything that can be checked
// before a document is seen: YAML syntax, unknown or misplaced keys, paths or XPaths,
// conversions, key references; it reads the fragment files a mapping includes and the base
// mapping it extends, relative to the mapping's folder. Every mistake is a
// MappingFileError naming the file it is in and the line.
#pragma once

#include <string>

#include "mappings/program.h"

namespace edihub::mapping {

Program load_program(const std::string& yaml_text, const std::string& file_name);

}  // namespace edihub::mapping
