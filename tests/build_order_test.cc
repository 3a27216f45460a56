// The README's two commands share build/: scripts/demo.sh configures it without the
// benchmarks, scripts/test.sh with them. Whatever one leaves in the CMake cache must not
// change what the other builds (the test command once failed after the demo on the unknown
// target edihub_bench). This configures temporary build folders with the very build lines
// of both scripts (CONFIGURE_ONLY=1, nothing compiled) in both orders and compares the cache
// with that of a fresh folder.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

// The command in `script` that configures build/ through scripts/build.sh, with
// continuation lines joined.
std::string build_line(const std::string& script) {
  std::ifstream in(source_dir() / script);
  std::string line, joined;
  std::vector<std::string> found;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\\') {
      joined += line.substr(0, line.size() - 1);
      continue;
    }
    joined += line;
    if (joined.find("scripts/build.sh build ") != std::string::npos ||
        (joined.size() >= 22 && joined.ends_with("scripts/build.sh build")))
      found.push_back(joined);
    joined.clear();
  }
  INFO(script);
  REQUIRE(found.size() == 1);
  return found.front();
}

// Runs `line` with build/ replaced by `dir`, configuring only.
void configure(const std::string& line, const fs::path& dir) {
  const std::string command = std::regex_replace(line, std::regex("scripts/build\\.sh build"),
                                                 "scripts/build.sh '" + dir.string() + "'");
  auto run = run_program({"bash", "-c", "cd '" + source_dir().string() + "' && CONFIGURE_ONLY=1 " + command}, 300);
  INFO(command << "\n" << run.err);
  REQUIRE(run.exit_code == 0);
}

// The options of a configured folder: every cache entry a user or script can set (not
// INTERNAL or STATIC), with the folder's own path left out of the values. Where
// find_package found a package (<name>_DIR) is left out: a package looked for only with the
// benchmarks on stays found in the cache after, and changes nothing built.
std::map<std::string, std::string> options(const fs::path& dir) {
  std::map<std::string, std::string> out;
  std::ifstream in(dir / "CMakeCache.txt");
  std::string line;
  const std::regex entry("^([A-Za-z0-9_.+-]+):(BOOL|STRING|FILEPATH|PATH)=(.*)$");
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, entry) || m[1].str().ends_with("_DIR")) continue;
    std::string value = m[3];
    for (auto at = value.find(dir.string()); at != std::string::npos; at = value.find(dir.string()))
      value.replace(at, dir.string().size(), "<build>");
    out[m[1]] = value;
  }
  return out;
}

// The entries in which `a` and `b` differ, one "NAME: a | b" line each; "" when alike.
std::string differences(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::string out;
  auto value = [](const auto& m, const std::string& k) { return m.count(k) ? m.at(k) : std::string("(unset)"); };
  std::map<std::string, std::string> keys(a);
  keys.insert(b.begin(), b.end());
  for (const auto& [k, unused] : keys)
    if (value(a, k) != value(b, k)) out += k + ": " + value(a, k) + " | " + value(b, k) + "\n";
  return out;
}

}  // namespace

TEST_CASE("scripts/demo.sh and scripts/test.sh configure build/ alike in either order", "[scripts]") {
  const std::string demo = build_line("scripts/demo.sh"), test = build_line("scripts/test.sh");
  TempDir work;
  configure(demo, work / "demo-then-test");
  configure(test, work / "demo-then-test");
  configure(test, work / "test-then-demo");
  configure(demo, work / "test-then-demo");
  configure(test, work / "test-fresh");
  configure(demo, work / "demo-fresh");

  const auto test_fresh = options(work / "test-fresh"), demo_fresh = options(work / "demo-fresh");
  REQUIRE(test_fresh.count("EDIHUB_BENCH"));
  CHECK(test_fresh.at("EDIHUB_BENCH") == "ON");
  CHECK(demo_fresh.at("EDIHUB_BENCH") == "OFF");
  CHECK(test_fresh.at("EDIHUB_WERROR") == "ON");
  CHECK(test_fresh.at("EDIHUB_SANITIZE") == "OFF");
  CHECK(test_fresh.at("CMAKE_BUILD_TYPE") == "RelWithDebInfo");
  // The test command after the demo is the test command on a fresh clone, and back.
  CHECK(differences(options(work / "demo-then-test"), test_fresh) == "");
  CHECK(differences(options(work / "test-then-demo"), demo_fresh) == "");
  // And both compile the hub alike, so running one after the other rebuilds nothing:
  // their options differ only in whether the benchmarks are built.
  auto without_bench = [](std::map<std::string, std::string> o) {
    o.erase("EDIHUB_BENCH");
    return o;
  };
  CHECK(differences(without_bench(test_fresh), without_bench(demo_fresh)) == "");
}
