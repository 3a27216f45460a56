// The demo 856 mapping on every 856 of the corpus (and two fixtures of ours) against the
// golden JSON in tests/data/mappings/golden/, checked by hand (see README.md there), and
// every transaction it produces against docs/inbound_delivery.schema.json (node + ajv 6).
// EDIHUB_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing; check them again.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "mappings/mapping.h"
#include "mappings/testing.h"
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

// Validates each document of `documents` against the schema; returns node's exit code and output.
edihub::testing::RunResult validate(const json& documents, const edihub::testing::TempDir& dir) {
  write_file(dir / "documents.json", documents.dump());
  write_file(dir / "validate.js", R"(
const fs = require('fs');
const Ajv = require('ajv');
const ajv = new Ajv({allErrors: true});
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
const documents = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
let invalid = 0;
documents.forEach((d, i) => {
  if (!validate(d)) { invalid++; console.log('document ' + i + ': ' + ajv.errorsText(validate.errors)); }
});
console.log(documents.length + ' documents, ' + invalid + ' invalid');
process.exit(invalid ? 1 : 0);
)");
  // Debian's node-ajv lives in /usr/share/nodejs, which a node not built by Debian does not search.
  const char* node_path = std::getenv("NODE_PATH");
  std::string paths = std::string(node_path ? node_path : "") + (node_path ? ":" : "") + "/usr/share/nodejs";
  return edihub::testing::run_program({"env", "NODE_PATH=" + paths, "node", (dir / "validate.js").string(),
                                       (source_dir() / "docs/inbound_delivery.schema.json").string(),
                                       (dir / "documents.json").string()});
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
  CHECK(run.out.find("9 documents, 0 invalid") != std::string::npos);
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
  CHECK(run.out.find("5 documents, 4 invalid") != std::string::npos);
  CHECK(run.out.find("document 0") == std::string::npos);
}
