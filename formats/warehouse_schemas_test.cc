// The built-in schemas of the warehouse reports (formats/schemas/944.yaml, 947.yaml,
// 846.yaml) load for both versions and accept the public and hand-made samples the
// standard mappings are tested on; their new segments are checked like any other (a W13
// without its receiving condition, a W19 product qualifier without its value). Expected
// positions were counted by hand from ST = 1.
#include <catch2/catch.hpp>

#include "formats/schema.h"
#include "formats/validation.h"
#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

ValidationReport validate_text(const std::string& text) {
  const SchemaResolver resolve = [](const InterchangeHeader&, const GroupHeader& group, const TransactionSet& set) {
    return SchemaLibrary::builtin().find(set.id, group.version);
  };
  return validate(text, resolve);
}

const SetResult& only_set(const ValidationReport& report) {
  REQUIRE(report.interchanges.size() == 1);
  REQUIRE(report.interchanges[0].groups.size() == 1);
  REQUIRE(report.interchanges[0].groups[0].sets.size() == 1);
  return report.interchanges[0].groups[0].sets[0];
}

}  // namespace

TEST_CASE("944, 947 and 846 load for 004010 and 005010 with their functional groups", "[schema][builtin][warehouse]") {
  const SchemaLibrary& lib = SchemaLibrary::builtin();
  for (const auto& [id, group] : std::vector<std::pair<const char*, const char*>>{{"944", "RE"}, {"947", "AW"}, {"846", "IB"}})
    for (const char* version : {"004010", "005010"}) {
      INFO(id << " " << version);
      const auto* schema = lib.find(id, version);
      REQUIRE(schema);
      CHECK(schema->functional_id == group);
      CHECK(schema->structure.front().tag == "ST");
      CHECK(schema->structure.back().tag == "SE");
    }
}

TEST_CASE("the warehouse report samples validate without errors", "[validation][corpus][warehouse]") {
  for (const char* file : {"corpus/x12/944_stupidedi_re944_no_lx_w07_lot.edi", "corpus/x12/846_x12types_minimal_5010.edi",
                           "mappings/944_handmade_004010_lx_damaged_short_over.edi",
                           "mappings/944_handmade_005010_no_lx_every_condition.edi",
                           "mappings/947_handmade_004010_hold_damage_count.edi",
                           "mappings/947_handmade_005010_release_quality_inspection.edi",
                           "mappings/846_handmade_004010_two_warehouses_lots.edi"}) {
    INFO(file);
    const auto report = validate_text(read_file(data_dir() / file));
    const auto& set = only_set(report);
    CHECK(set.validated);
    CHECK(set.segments.empty());
    CHECK(set.ack_code == "A");
  }
}

TEST_CASE("warehouse report segments are checked element by element", "[validation][warehouse]") {
  const std::string isa =
      "ISA*00*          *00*          *ZZ*ACME3PL        *ZZ*NORTHWIND      *261201*1430*U*00401*000000001*0*P*>~";
  SECTION("944: a W13 without W1303 (receiving condition) is AK4 code 1 at position 3") {
    // ST 1, W17 2, W07 3, W13 4, W14 5, SE 6.
    const auto report = validate_text(isa + "GS*RE*ACME3PL*NORTHWIND*20261201*1430*1*X*004010~ST*944*0001~"
                                            "W17*F*20261201*R-1~W07*5*EA**VN*A-1~W13*1*EA~W14*5~SE*6*0001~GE*1*1~"
                                            "IEA*1*000000001~");
    const auto& set = only_set(report);
    REQUIRE(set.segments.size() == 1);
    CHECK(set.segments[0].tag == "W13");
    CHECK(set.segments[0].position == 4);
    CHECK(set.segments[0].loop_id == "W13");
    CHECK(set.segments[0].code == "8");
    REQUIRE(set.segments[0].elements.size() == 1);
    CHECK(set.segments[0].elements[0].position == 3);
    CHECK(set.segments[0].elements[0].code == "1");
    CHECK(set.ack_code == "R");
  }
  SECTION("947: W1905 without W1906 breaks P0506 (AK4 code 2 at position 6); the N1 loop is mandatory") {
    // ST 1, W15 2, W19 3, SE 4: N1 missing before W19, W19 missing its product id.
    const auto report = validate_text(isa + "GS*AW*ACME3PL*NORTHWIND*20261201*1430*1*X*004010~ST*947*0001~"
                                            "W15*20261201*ADJ-1*DEP-1~W19*05*-1*EA**VN~SE*4*0001~GE*1*1~"
                                            "IEA*1*000000001~");
    const auto& set = only_set(report);
    REQUIRE(set.segments.size() == 2);
    CHECK(set.segments[0].tag == "N1");
    CHECK(set.segments[0].code == "3");
    CHECK(set.segments[0].position == 3);
    CHECK(set.segments[1].tag == "W19");
    CHECK(set.segments[1].position == 3);
    REQUIRE(set.segments[1].elements.size() == 1);
    CHECK(set.segments[1].elements[0].position == 6);
    CHECK(set.segments[1].elements[0].code == "2");
  }
}
