// Fragments shared by several mappings (`include:`/`use:`) and partner overrides of a shared
// mapping (`extends:`), on the files in tests/data/mappings/{shared,partners} and the corpus
// VICS 856; mistakes name the file they are in (base, override or fragment file) and the line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using Catch::Matchers::Contains;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::write_file;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json map_vics(const Mapping& mapping) {
  auto sets = testing::read_sets(read_file(data_dir() / "corpus/x12/856_oopfactory_vics_s_o_p_i.edi"));
  REQUIRE(sets.size() == 1);
  return mapping.evaluate(sets[0].set, sets[0].context(), testing::test_tables()).transaction;
}

// A fresh folder of mapping files for one test, removed afterwards.
struct Folder {
  fs::path root;
  Folder() {
    root = fs::temp_directory_path() / ("edihub-mappings-" + std::to_string(std::random_device{}()));
    fs::create_directories(root / "shared");
  }
  ~Folder() { fs::remove_all(root); }
  std::string put(const std::string& name, const std::string& text) const {
    write_file(root / name, text);
    return (root / name).string();
  }
};

void check_load_error(const std::string& path, const std::string& file, int line, const std::string& message) {
  try {
    Mapping::load_file(path);
    FAIL("the mapping loaded");
  } catch (const MappingFileError& e) {
    INFO(e.what());
    CHECK(fs::path(e.file).lexically_normal() == fs::path(file).lexically_normal());
    CHECK(e.line == line);
    CHECK_THAT(e.what(), Contains(message));
  }
}

const std::string kBase =
    "include: [x12-fragments.yaml]\n"
    "source: {format: x12, transaction_set: \"856\", versions: [\"004010\", \"005010\"]}\n"
    "target: t\n"
    "fields:\n"
    "  id: BSN02\n"
    "  ship_to: {in: N1 where N101=ST, use: party}\n"
    "  carrier: {in: TD5, fields: {scac: TD503, routing: TD505}}\n"
    "keys: {id: id}\n";
const std::string kFragments = "fragments:\n  party:\n    name: N102\n    id: N104\n";

}  // namespace

TEST_CASE("extends: the base mapping with its shared fragments maps the VICS 856", "[mappings][extends]") {
  auto base = Mapping::load_file((data_dir() / "mappings/shared/x12-856-inbound-delivery.yaml").string());
  json out = map_vics(*base);
  CHECK(out["purpose"] == "original");
  CHECK(out["carrier"] == json{{"scac", "FED2"}, {"routing", "FEDX 2 DAY"}});
  CHECK(out["ship_from"] == json{{"name", "DAVID YURMAN ENTERPR"}, {"id_qualifier", "92"}, {"id", "12345"}});
  CHECK(out["ship_to"] == json{{"id_qualifier", "92"}, {"id", "004"}});
  CHECK(out["orders"] == json::array({{{"po_number", "SO/VINCE1"},
                                       {"items", {{{"upc", "883932284904"}, {"quantity", 1}, {"uom", "EA"},
                                                   {"lots", json::array()}}}}}}));
}

TEST_CASE("extends: two partners change one base differently", "[mappings][extends]") {
  auto acme = Mapping::load_file((data_dir() / "mappings/partners/acme-856.yaml").string());
  auto globex = Mapping::load_file((data_dir() / "mappings/partners/globex-856.yaml").string());
  json a = map_vics(*acme), g = map_vics(*globex);

  CHECK(a["purpose"] == "original");
  CHECK(a["carrier"] == json{{"scac", "FED2"}, {"mode", "truck"}});
  CHECK(a["orders"] == json::array({{{"po_number", "VINCE1"},
                                     {"items", {{{"upc", "883932284904"}, {"quantity", 1}, {"uom", "EA"}}}}}}));
  CHECK(a["ship_from"] == g["ship_from"]);  // the shared fragment, untouched by both

  CHECK(g["purpose"] == "new");
  CHECK(g["carrier"] == json{{"scac", "FED2"}, {"routing", "FEDX 2 DAY"}});
  CHECK(g["bill_of_lading"] == "521649209219");
  CHECK(g["orders"][0]["po_number"] == "SO/VINCE1");
  CHECK(g["orders"][0]["items"][0]["quantity"] == 12);
  CHECK(globex->source().versions == std::vector<std::string>{"004010"});
  CHECK(acme->source().versions == std::vector<std::string>{"004010", "005010"});
  auto sets = testing::read_sets(read_file(data_dir() / "corpus/x12/856_oopfactory_vics_s_o_p_i.edi"));
  auto keys = globex->evaluate(sets[0].set, sets[0].context(), testing::test_tables()).keys;
  CHECK(std::count(keys.begin(), keys.end(), std::make_pair(std::string("bol"), std::string("521649209219"))) == 1);
  CHECK(acme->file_name() == (data_dir() / "mappings/partners/acme-856.yaml").string());
}

TEST_CASE("extends: unknown units take the override's default", "[mappings][extends]") {
  auto acme = Mapping::load_file((data_dir() / "mappings/partners/acme-856.yaml").string());
  auto read = testing::make_set("BSN*00*A1~HL*1**S~HL*2*1*O~PRF*SO/77~HL*3*2*I~SN1**4*ZZ~");
  json out = acme->evaluate(read.set, read.context(), testing::test_tables()).transaction;
  CHECK(out["orders"][0] == json{{"po_number", "77"}, {"items", {{{"quantity", 4}, {"uom", "EA"}}}}});
}

TEST_CASE("extends: mistakes name the override, the base or the fragment file", "[mappings][extends]") {
  Folder dir;
  dir.put("shared/x12-fragments.yaml", kFragments);
  std::string base = dir.put("shared/base.yaml", kBase);
  check_load_error(dir.put("typo.yaml", "extends: shared/base.yaml\nremove:\n  - carrier.routing\n  - carrier.routeing\n"),
                   dir.root / "typo.yaml", 4, "remove: the base mapping has no field carrier.routeing");
  check_load_error(dir.put("deep.yaml", "extends: shared/base.yaml\nfields:\n  nothing.scac: TD503\n"),
                   dir.root / "deep.yaml", 3, "no object or list field 'nothing'");
  check_load_error(dir.put("bad_field.yaml", "extends: shared/base.yaml\nfields:\n  carrier.scac: TD5x3\n"),
                   dir.root / "bad_field.yaml", 3, "bad path 'TD5x3'");
  check_load_error(dir.put("versions.yaml", "extends: shared/base.yaml\nsource: {versions: [\"003060\"]}\n"),
                   dir.root / "versions.yaml", 2, "version 003060 is not one of the base mapping's");
  check_load_error(dir.put("keys.yaml", "extends: shared/base.yaml\nkeys: {bol: bill_of_lading}\n"),
                   dir.root / "keys.yaml", 2, "key bol: no output field 'bill_of_lading'");
  check_load_error(dir.put("missing.yaml", "extends: shared/nothing.yaml\n"), dir.root / "missing.yaml", 1,
                   "cannot read");
  check_load_error(dir.put("remove_alone.yaml", kBase + "remove: [id]\n"), dir.root / "remove_alone.yaml", 9,
                   "use it with extends");

  // A mistake in the base names the base, even when loading the override.
  dir.put("shared/broken.yaml", "source: {format: x12, transaction_set: \"856\", versions: [\"004010\"]}\n"
                                "target: t\nfields:\n  a: {frm: BSN02}\n");
  check_load_error(dir.put("on_broken.yaml", "extends: shared/broken.yaml\n"), dir.root / "shared/broken.yaml", 4,
                   "unknown key 'frm'");
  // Removing a field a base key names: the base's key line.
  check_load_error(dir.put("no_id.yaml", "extends: shared/base.yaml\nremove: [id]\n"), base, 8, "key id: no output field 'id'");
  // Cycles.
  dir.put("shared/loop_a.yaml", "extends: loop_b.yaml\n");
  dir.put("shared/loop_b.yaml", "extends: loop_a.yaml\n");
  check_load_error((dir.root / "shared/loop_a.yaml").string(), dir.root / "shared/loop_b.yaml", 1,
                   "include/extends cycle");
}

TEST_CASE("fragments: unknown names, cycles and mistakes inside a fragment", "[mappings][extends]") {
  Folder dir;
  const std::string head =
      "include: [shared/f.yaml]\n"
      "source: {format: x12, transaction_set: \"856\", versions: [\"004010\"]}\ntarget: t\nfields:\n";
  dir.put("shared/f.yaml", "fragments:\n  party: {name: N102, address: {use: address}}\n  address: {city: N401}\n"
                           "  loop: {inner: {use: loop2}}\n  loop2: {inner: {use: loop}}\n"
                           "  broken: {name: N1x2}\n");
  auto ok = Mapping::load_file(dir.put("ok.yaml", head + "  ship_to: {in: N1 where N101=ST, use: party}\n"));
  auto read = testing::make_set("N1*ST*PLANT~N4*TOLEDO~");
  CHECK(ok->evaluate(read.set, read.context(), {}).transaction ==
        json{{"ship_to", {{"name", "PLANT"}, {"address", {{"city", "TOLEDO"}}}}}});

  check_load_error(dir.put("unknown.yaml", head + "  a: {use: partie}\n"), dir.root / "unknown.yaml", 5,
                   "unknown fragment 'partie' (known: address, broken, loop, loop2, party)");
  check_load_error(dir.put("cycle.yaml", head + "  a: {use: loop}\n"), dir.root / "shared/f.yaml", 5,
                   "fragment cycle: loop -> loop2 -> loop");
  check_load_error(dir.put("broken.yaml", head + "  a: {use: broken}\n"), dir.root / "shared/f.yaml", 6,
                   "bad path 'N1x2'");
  check_load_error(dir.put("no_include.yaml", "source: {format: x12, transaction_set: \"856\", versions: [\"004010\"]}\n"
                                              "target: t\nfields:\n  a: {use: party}\n"),
                   dir.root / "no_include.yaml", 4, "no fragment file is included");
  dir.put("shared/self.yaml", "include: [self.yaml]\nfragments: {x: {a: N101}}\n");
  check_load_error(dir.put("self.yaml", "include: [shared/self.yaml]\n" + head.substr(head.find('\n') + 1) + "  a: N101\n"),
                   dir.root / "shared/self.yaml", 1, "include/extends cycle");
  dir.put("shared/dup.yaml", "fragments: {party: {a: N101}}\n");
  check_load_error(dir.put("dup.yaml", "include: [shared/f.yaml, shared/dup.yaml]\n" + head.substr(head.find('\n') + 1) +
                                           "  a: N101\n"),
                   dir.root / "shared/dup.yaml", 1, "fragment 'party' is also defined in");

  // An evaluation error in a fragment's field names the fragment file and line.
  dir.put("shared/req.yaml", "fragments:\n  party:\n    id: {from: N104, required: true}\n");
  auto strict = Mapping::load_file(dir.put("req.yaml", "include: [shared/req.yaml]\n" + head.substr(head.find('\n') + 1) +
                                                          "  ship_to: {in: N1 where N101=ST, use: party}\n"));
  try {
    strict->evaluate(read.set, read.context(), {});
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK(fs::path(e.file) == (dir.root / "shared/req.yaml").lexically_normal());
    CHECK(e.line == 3);
    CHECK_THAT(e.what(), Contains("field ship_to.id is required but N104 is empty (856 control 0001, segment 2 N1)"));
  }

  // Mapping::load resolves includes relative to the name's folder.
  auto loaded = Mapping::load(head + "  ship_to: {in: N1 where N101=ST, use: party}\n", (dir.root / "x.yaml").string());
  CHECK(loaded->evaluate(read.set, read.context(), {}).transaction == ok->evaluate(read.set, read.context(), {}).transaction);
}
