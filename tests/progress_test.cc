// `edihub replay --open-exceptions` on a seeded archive (each open exception's file replayed
// once), and the progress of it, of `mapping diff` and of `validate` on stderr: plain
// (nothing here: the work is shorter than the interval) when stderr is not a terminal, the
// bar with counts when it is (a pseudo-terminal from util-linux `script`).
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;
using Catch::Contains;

namespace {

// The supplier's unit EA is missing from its code table: every set is a mapping error.
const std::string kUomFixed = "uom: {EA: EA}";
const std::string kUomBroken = "uom: {CA: CS}";

void set_uom(const TempDir& dir, const std::string& from, const std::string& to) {
  auto profile = read_file(dir / "partners/supplier.yaml");
  REQUIRE(profile.find(from) != std::string::npos);
  write_file(dir / "partners/supplier.yaml", profile.replace(profile.find(from), from.size(), to));
}

json cli_json(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.end(), {"--config", dir.path().string(), "--json"});
  auto r = run_edihub(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

// `count` ship notices, one file each, all failing to map; then the mapping is fixed.
void seed_mapping_errors(const TempDir& dir, unsigned count) {
  write_supplier_config(dir.path());
  set_uom(dir, kUomFixed, kUomBroken);
  for (unsigned n = 1; n <= count; ++n) write_file(dir / fmt::format("inbox/asn-{}.edi", n), sample_856(n));
  auto run = run_once_json(dir);
  REQUIRE(run["exceptions"].size() == count);
  set_uom(dir, kUomBroken, kUomFixed);
}

// `args` run by `script` on a pseudo-terminal: stdout and stderr both in `out`.
RunResult on_terminal(const std::vector<std::string>& args, int timeout_seconds = 180) {
  std::string command = "'" + edihub_binary().string() + "'";
  for (const auto& a : args) command += " '" + a + "'";
  return run_program({"env", "TERM=xterm", "script", "-qfec", command, "/dev/null"}, timeout_seconds);
}

}  // namespace

TEST_CASE("replay --open-exceptions replays the file of every matching open exception once, with a summary",
          "[replay][progress][e2e]") {
  TempDir dir;
  write_supplier_config(dir.path());
  set_uom(dir, kUomFixed, kUomBroken);
  write_file(dir / "inbox/a.edi", sample_856(1));
  write_file(dir / "inbox/b.edi", sample_856(2));
  // Two interchanges in one file: two mapping errors, one file to replay.
  write_file(dir / "inbox/c.edi", sample_856(3) + sample_856(4));
  // Not a mapping error: left alone by --kind mapping_error.
  write_file(dir / "inbox/d.edi", sample_856(5, "STRANGER"));
  auto run = run_once_json(dir);
  std::map<std::string, int> kinds;
  for (const auto& e : run["exceptions"]) kinds[e["kind"].get<std::string>()]++;
  REQUIRE(kinds == std::map<std::string, int>{{"mapping_error", 4}, {"unknown_partner", 1}});
  set_uom(dir, kUomBroken, kUomFixed);

  auto r = run_edihub({"replay", "--open-exceptions", "--kind", "mapping_error", "--by", "dana", "--config",
                       dir.path().string(), "--json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto out = json::parse(r.out);
  CHECK(out["open_exceptions"] == 4);
  CHECK(out["skipped"] == 0);
  CHECK(out["totals"]["files_replayed"] == 3);
  CHECK(out["totals"]["files_failed"] == 0);
  CHECK(out["totals"]["sets_delivered"] == 4);
  CHECK(out["totals"]["new_exceptions"] == 0);
  REQUIRE(out["files"].size() == 3);
  // Each file once; the two-interchange file for both of its exceptions.
  std::set<std::int64_t> files;
  std::multiset<std::size_t> exceptions_per_file;
  for (const auto& f : out["files"]) {
    files.insert(f["replayed_file"].get<std::int64_t>());
    exceptions_per_file.insert(f["for_exceptions"].size());
  }
  CHECK(files.size() == 3);
  CHECK(exceptions_per_file == std::multiset<std::size_t>{1, 1, 2});
  for (auto file : files) {
    auto shown = cli_json(dir, {"archive", "show", "F" + std::to_string(file)});
    CHECK(shown["replays"].size() == 1);  // replayed once
  }
  // Every set went to the ERP once: 4 inbound deliveries.
  std::size_t delivered = 0;
  for (const auto& entry : fs::directory_iterator(dir / "erp")) delivered += entry.path().extension() == ".json";
  CHECK(delivered == 4);
  auto open = cli_json(dir, {"exceptions"})["rows"];
  REQUIRE(open.size() == 1);
  CHECK(open[0]["kind"] == "unknown_partner");
  auto resolved = cli_json(dir, {"exceptions", "--state", "resolved"})["rows"];
  CHECK(resolved.size() == 4);
  for (const auto& e : resolved) CHECK(e["closed_by"] == "dana");

  // Nothing open of that kind any more: nothing to do.
  auto again = run_edihub({"replay", "--open-exceptions", "--kind", "mapping_error", "--config", dir.path().string()});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("0 open exception(s) matched") && Contains("0 file(s) replayed"));
  // An id and --open-exceptions together is a usage error.
  CHECK(run_edihub({"replay", "3", "--open-exceptions", "--config", dir.path().string()}).exit_code == 2);
  CHECK(run_edihub({"replay", "--config", dir.path().string()}).exit_code == 2);
}

TEST_CASE("replay and mapping diff progress: none in a log for short work, a bar with counts on a terminal",
          "[replay][progress][e2e]") {
  SECTION("stderr not a terminal") {
    TempDir dir;
    seed_mapping_errors(dir, 3);
    auto r = run_edihub({"replay", "--open-exceptions", "--config", dir.path().string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("3 file(s) replayed, 0 not replayed; 3 transaction set(s) delivered"));
    // Shorter than the 10 s between plain lines: no progress, and never a control character.
    CHECK(r.err.empty());
  }
  SECTION("stderr a terminal") {
    TempDir dir;
    seed_mapping_errors(dir, 3);
    auto r = on_terminal({"replay", "--open-exceptions", "--config", dir.path().string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    // Redrawn in place, and left at its end before the summary.
    CHECK_THAT(r.out, Contains("\rreplaying [") && Contains("] 3/3 files (100%)") && Contains("\x1b[K"));
    CHECK(r.out.find("3/3 files (100%)") < r.out.find("replay --open-exceptions: 3 open exception(s) matched"));
    // mapping diff counts the sets it maps again: the three replayed ones were delivered.
    auto diff = on_terminal({"mapping", "diff", "--partner", "supplier", "--config", dir.path().string()});
    INFO(diff.out);
    CHECK(diff.exit_code == 0);
    CHECK_THAT(diff.out, Contains("\rmapping [") && Contains("] 3/3 sets (100%)"));
    CHECK(diff.out.find("3/3 sets (100%)") < diff.out.find("3 document(s): 0 changed, 3 unchanged, 0 error(s)"));
  }
}

TEST_CASE("validate shows a bar in bytes for a big file on a terminal, nothing in a log", "[validate][progress][e2e]") {
  TempDir dir;
  // 7200 interchanges (about 4.1 MiB): above the 4 MiB from which validate shows its progress.
  std::string text;
  for (unsigned n = 1; n <= 7200; ++n) text += sample_856(n);
  REQUIRE(text.size() >= 4u << 20);
  write_file(dir / "big.edi", text);
  const std::string size = fmt::format("{:.1f} MiB", static_cast<double>(text.size()) / (1 << 20));

  auto logged = run_edihub({"validate", (dir / "big.edi").string()}, 300);
  CHECK(logged.exit_code == 0);
  CHECK_THAT(logged.out, Contains("valid: 7200 interchange(s)"));
  CHECK(logged.err.empty());

  auto r = on_terminal({"validate", (dir / "big.edi").string()}, 300);
  INFO(r.out.substr(0, 2000));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("\rvalidating [") && Contains(size + "/" + size + " (100%)"));
  CHECK(r.out.find("(100%)") < r.out.find("valid: 7200 interchange(s)"));
}
