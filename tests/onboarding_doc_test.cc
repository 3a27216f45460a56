// docs/onboarding.md and the business-flow guides (docs/procurement.md,
// docs/warehouse.md, docs/carrier.md, docs/customer.md)
// are executable: every `$ ` line of their ```console blocks runs, in
// order, in one fresh folder holding the samples it names (bash, the built edihub first on
// PATH, the hub's clock fixed), and the lines printed under a command in the guide must
// appear in that order in what the command printed ("..." lines skip). A command is
// expected to succeed unless the guide shows `[exit N]` under it. So the guide cannot
// drift from what edihub does.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sstream>

#include "tests/test_support.h"

namespace edihub::testing {
namespace {

namespace fs = std::filesystem;

struct GuideStep {
  int line = 0;                       // of the command in the guide
  std::string command;                // with its here-document, if any
  std::vector<std::string> expected;  // lines to find in order
  int exit_code = 0;
};

std::vector<GuideStep> console_steps(const std::string& markdown) {
  std::vector<GuideStep> steps;
  std::istringstream in(markdown);
  std::string line, heredoc_end;
  bool console = false;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("```", 0) == 0) {
      console = !console && line == "```console";
      continue;
    }
    if (!console) continue;
    if (!heredoc_end.empty()) {
      steps.back().command += "\n" + line;
      if (line == heredoc_end) heredoc_end.clear();
      continue;
    }
    if (line.rfind("$ ", 0) == 0) {
      steps.push_back({number, line.substr(2), {}, 0});
      // cat > file <<'EOF' ... EOF: the body belongs to the command.
      if (auto at = line.find("<<'"); at != std::string::npos)
        heredoc_end = line.substr(at + 3, line.find('\'', at + 3) - at - 3);
      continue;
    }
    if (steps.empty() || line.empty() || line == "...") continue;
    if (line.rfind("[exit ", 0) == 0)
      steps.back().exit_code = std::stoi(line.substr(6));
    else
      steps.back().expected.push_back(line);
  }
  return steps;
}

// Runs every step of `guide` (under docs/) in a fresh folder holding `samples` (paths under
// the source tree) in samples/, with the hub's clock fixed at `now`.
void run_guide(const std::string& guide, const std::vector<std::string>& samples, std::size_t min_steps,
               const std::string& now = "2026-11-27T09:00:00Z") {
  auto steps = console_steps(read_file(source_dir() / "docs" / guide));
  REQUIRE(steps.size() >= min_steps);
  TempDir work;
  fs::create_directories(work / "samples");
  for (const auto& sample : samples)
    fs::copy_file(source_dir() / sample, work / "samples" / fs::path(sample).filename());
  const std::string env = fmt::format("cd '{}' && export PATH='{}':\"$PATH\" EDIHUB_NOW={} && ", work.path().string(),
                                      edihub_binary().parent_path().string(), now);
  for (const auto& step : steps) {
    auto r = run_program({"bash", "-c", env + step.command}, 120);
    const std::string printed = r.out + r.err;
    INFO("docs/" << guide << ":" << step.line << ": $ " << step.command << "\n--- printed ---\n" << printed);
    REQUIRE(r.exit_code == step.exit_code);
    std::size_t at = 0;
    for (const auto& expected : step.expected) {
      INFO("expected line: " << expected);
      auto found = printed.find(expected, at);
      REQUIRE(found != std::string::npos);
      at = found + expected.size();
    }
  }
}

}  // namespace

TEST_CASE("every command of docs/onboarding.md runs and prints what the guide shows", "[docs][onboarding]") {
  run_guide("onboarding.md",
            {"tests/data/pairs/asn-1001.856.edi", "tests/data/pairs/asn-1002.856.edi", "tests/data/pairs/asn-1001.ubl.xml"}, 8);
}

TEST_CASE("every command of docs/procurement.md runs and prints what the guide shows", "[docs][procurement]") {
  run_guide("procurement.md",
            {"mappings/standard/outbound/x12-860-purchase-order-change.yaml",
             "tests/data/erp/purchase_order_change_standard.json"},
            8);
}

TEST_CASE("every command of docs/warehouse.md runs and prints what the guide shows", "[docs][warehouse]") {
  run_guide("warehouse.md",
            {"tests/data/warehouse/lumen-asn-sh42.856.edi", "tests/data/warehouse/po-4500012345.json",
             "tests/data/warehouse/acme-3pl-reports.edi", "tests/data/warehouse/acme-3pl-release.947.edi"},
            10, "2026-12-04T12:00:00Z");
}

TEST_CASE("every command of docs/carrier.md runs and prints what the guide shows", "[docs][carrier]") {
  run_guide("carrier.md", {"tests/data/flows/214-delay.edi", "tests/data/flows/214-delivered.edi"}, 8);
}

TEST_CASE("every command of docs/customer.md runs and prints what the guide shows", "[docs][customer]") {
  run_guide("customer.md", {"tests/data/flows/customer-bolt.edi"}, 6);
}

}  // namespace edihub::testing
