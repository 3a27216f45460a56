// ctest splits a discovered test's name at ';': a Catch2 test named with one is registered
// as a name that matches nothing, "passes" in no time and never runs (it happened twice).
#include <fstream>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/test_support.h"

TEST_CASE("no test case name holds a semicolon, which ctest would split and silently not run", "[meta]") {
  namespace fs = std::filesystem;
  const std::regex name(R"re(TEST_CASE\(\s*"([^"]*)")re");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(edihub::testing::source_dir())) {
    const auto path = entry.path();
    const auto rel = path.lexically_relative(edihub::testing::source_dir()).string();
    if (!entry.is_regular_file() || !path.string().ends_with("_test.cc") || rel.starts_with("build") ||
        rel.find("node_modules") != std::string::npos)
      continue;
    ++files;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), name), end; it != end; ++it) {
      INFO(rel << ": " << (*it)[1]);
      CHECK((*it)[1].str().find(';') == std::string::npos);
    }
  }
  CHECK(files > 20);
}
