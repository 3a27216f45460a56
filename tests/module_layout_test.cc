// Module folders hold the modules' code and their *_test.cc files, nothing else for tests:
// helpers shared by tests live under tests/ (tests/support/, tests/fixtures/).
#include <map>

#include <catch2/catch.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;

TEST_CASE("module folders hold no test helpers: no header exists only for tests, only tests include tests/", "[meta]") {
  const fs::path root = edihub::testing::source_dir();
  std::map<std::string, std::string> sources;  // path relative to the root -> text
  for (const char* module : {"formats", "mappings", "partners", "transports", "archive", "hub"})
    for (const auto& entry : fs::recursive_directory_iterator(root / module)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
      sources[entry.path().lexically_relative(root).string()] = edihub::testing::read_file(entry.path());
    }
  REQUIRE(sources.size() > 50);
  for (const auto& [path, text] : sources) {
    const bool is_test = path.ends_with("_test.cc");
    INFO(path);
    if (!is_test) CHECK(text.find("#include \"tests/") == std::string::npos);
    if (!path.ends_with(".h")) continue;
    bool used_by_code = false;
    for (const auto& [other, other_text] : sources)
      if (other != path && !other.ends_with("_test.cc") && other_text.find("#include \"" + path + "\"") != std::string::npos)
        used_by_code = true;
    CHECK(used_by_code);
  }
}
