// The demo 856 mapping on every 856 of the corpus (and two fixtures of ours) against the
// golden JSON in tests/data/mappings/golden/, checked by hand (see README.md there), and
// every transaction it produces against docs/inbound_delivery.schema.json (node + ajv 6).
// EDIHUB_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing; check them again.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using edihub::testing::write_file;
using nlohmann::json;

namespace {

const char* const kMapping = "examples/demo/mappings/x12-856-inbound-delivery.yaml";

std::shared_ptr<const Mapping> demo_mapping() {
  // Loaded by its repo-relative name so messages in the golden files do not depend on the checkout.
  return Mapping::load(read_file(source_dir() / kMapping), kMapping);
}

// One entry per transaction set: its output and keys, or its MappingError.
json evaluate_file(const Mapping& mapping, const std::filesystem::path& input) {
  json out = json::array();
  for (const auto& read : testing::read_sets(read_file(input))) {
    json entry = {{"set", read.set.id + " control " + read.set.control_number}};
    try {
      Result r = mapping.evaluate(read.set, read.context(), testing::test_tables());
      entry["transaction"] = r.transaction;
      entry["keys"] = r.keys;
    } catch (const MappingError& e) {
      entry["error"] = e.what();
    }
    out.push_back(entry);
  }
  return out;
}

struct Golden {
  std::string input;   // under tests/data
  std::string golden;  // under tests/data/mappings/golden
};

const std::vector<Golden> kGolden = {
    {"corpus/x12/856_nodex12_s_o_i_isa11_dash.edi", "856_nodex12_s_o_i_isa11_dash.json"},
    {"corpus/x12/856_oopfactory_tilde_elem_star_seg_s_o_i.edi", "856_oopfactory_tilde_elem_star_seg_s_o_i.json"},
    {"corpus/x12/856_oopfactory_vics_s_o_p_i.edi", "856_oopfactory_vics_s_o_p_i.json"},
    {"corpus/x12/856_ediengine_crossdock_s_o_p_i.edi", "856_ediengine_crossdock_s_o_p_i.json"},
    {"corpus/x12/856_oopfactory_s_i_cld_v3060.edi", "856_oopfactory_s_i_cld_v3060.json"},
    {"corpus/x12/856_oopfactory_ellipsis_terminator_s_i.edi", "856_oopfactory_ellipsis_terminator_s_i.json"},
    {"corpus/x12/856_oopfactory_pipe_component_flat_hl.edi", "856_oopfactory_pipe_component_flat_hl.json"},
    {"mappings/856_oopfactory_s_i_cld_v3060_bsn02_filled.edi", "856_oopfactory_s_i_cld_v3060_bsn02_filled.json"},
    {"mappings/856_synthetic_005010_s_o_t_p_i_and_s_o_i_p.edi", "856_synthetic_005010_s_o_t_p_i_and_s_o_i_p.json"},
};

// Validates each document of `documents` against the schema; returns the validator's exit code and output.
edihub::testing::RunResult validate(const json& documents, const edihub::testing::TempDir& dir) {
  std::vector<std::filesystem::path> files;
  for (size_t i = 0; i < documents.size(); ++i) {
    files.push_back(dir / ("document-" + std::to_string(i) + ".json"));
    write_file(files.back(), documents[i].dump());
  }
  return edihub::testing::validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", files);
}

}  // namespace

TEST_CASE("inbound delivery: the demo mapping gives the hand-checked golden output", "[mappings][golden]") {
  auto mapping = demo_mapping();
  const bool update = std::getenv("EDIHUB_UPDATE_GOLDEN") != nullptr;
  for (const Golden& g : kGolden) {
    INFO(g.input);
    json actual = evaluate_file(*mapping, data_dir() / g.input);
    auto golden_path = data_dir() / "mappings" / "golden" / g.golden;
    if (update) write_file(golden_path, actual.dump(2) + "\n");
    json expected = json::parse(read_file(golden_path));
    if (actual != expected) FAIL_CHECK("differs from " << g.golden << ":\n" << actual.dump(2));
  }
}

TEST_CASE("inbound delivery: every produced transaction validates against the schema", "[mappings][schema]") {
  auto mapping = demo_mapping();
  json documents = json::array();
  for (const Golden& g : kGolden)
    for (const json& entry : evaluate_file(*mapping, data_dir() / g.input))
      if (entry.contains("transaction")) documents.push_back(entry["transaction"]);
  REQUIRE(documents.size() == 9);
  edihub::testing::TempDir dir;
  auto run = validate(documents, dir);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("9 valid, 0 invalid") != std::string::npos);
}

TEST_CASE("inbound delivery: the schema rejects what the ERP cannot take", "[mappings][schema]") {
  json good =
      evaluate_file(*demo_mapping(), data_dir() / "corpus/x12/856_oopfactory_vics_s_o_p_i.edi")[0]["transaction"];
  json no_id = good, extra = good, no_items = good, bad_date = good;
  no_id.erase("shipment_id");
  extra["carrier"]["name"] = "FEDEX";
  no_items["orders"][0]["items"] = json::array();
  bad_date["shipped_at"] = "05/10/2012";
  edihub::testing::TempDir dir;
  auto run = validate(json{good, no_id, extra, no_items, bad_date}, dir);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("1 valid, 4 invalid") != std::string::npos);
  CHECK(run.out.find("document-0.json") == std::string::npos);  // the good one has no error
}
