#include "hub/pipeline/validation_text.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

TEST_CASE("an exception lists at most max error lines and counts the rest", "[validation]") {
  std::vector<std::string> lines;
  for (int i = 1; i <= 30; ++i) lines.push_back(fmt::format("segment {}: bad", i));
  auto text = edihub::hub::indented_lines(lines, 25);
  CHECK(text.find("\n  segment 25: bad") != std::string::npos);
  CHECK(text.find("segment 26: bad") == std::string::npos);
  CHECK(text.find("\n  ... and 5 more") != std::string::npos);
  CHECK(edihub::hub::indented_lines({"only"}, 25) == "\n  only");
  CHECK(edihub::hub::indented_lines(std::vector<std::string>(25, "x"), 25).find("more") == std::string::npos);
}
