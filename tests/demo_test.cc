// The shipped demo configuration, run as a user runs it: every ship notice delivered as
// the hand-checked golden output, the broken file and the unknown sender in the
// exception queue, and every delivered transaction valid against the published schema.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

TEST_CASE("the demo configuration delivers the golden outputs and queues the bad files", "[demo]") {
  TempDir dir;
  copy_tree(source_dir() / "examples/demo", dir.path());
  auto check = run_edihub({"check", "--config", dir.path().string()});
  REQUIRE(check.exit_code == 0);

  auto run = run_edihub({"run", "--config", dir.path().string(), "--once", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto summary = json::parse(run.out);
  CHECK(summary["files_received"] == 6);
  CHECK(summary["sets_delivered"] == 4);
  CHECK(summary["sets_rejected"] == 1);
  REQUIRE(summary["exceptions"].size() == 2);
  std::map<std::string, json> by_kind;
  for (const auto& e : summary["exceptions"]) by_kind[e["kind"]] = e;
  CHECK(by_kind["envelope_error"]["partner"] == "northwind");
  CHECK_THAT(by_kind["envelope_error"]["reason"].get<std::string>(),
             Catch::Contains("ASN_861554_broken.edi") && Catch::Contains("segment 24 SE01"));
  CHECK(by_kind["unknown_partner"]["partner"] == "pacific");
  CHECK_THAT(by_kind["unknown_partner"]["reason"].get<std::string>(), Catch::Contains("ZZ:SENDER"));

  const fs::path golden = data_dir() / "demo-golden";
  size_t compared = 0;
  std::vector<fs::path> delivered;
  for (const auto& entry : fs::directory_iterator(dir / "erp/outbox")) {
    auto name = entry.path().filename().string();
    INFO(name);
    REQUIRE(fs::exists(golden / name));
    auto actual = json::parse(read_file(entry.path()));
    CHECK(actual == json::parse(read_file(golden / name)));
    write_file(dir / ("transactions/" + name), actual["transaction"].dump());
    delivered.push_back(dir / ("transactions/" + name));
    ++compared;
  }
  CHECK(compared == 4);

  // Every delivered transaction validates against docs/inbound_delivery.schema.json
  // (Ajv, an independent validator, from Debian's node-ajv).
  auto valid = validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", delivered);
  INFO(valid.out << valid.err);
  CHECK(valid.exit_code == 0);
}
