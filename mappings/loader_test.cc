// Mistakes in mapping files are found at load time and reported as file:line.
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// Lines 1-3; the fields given start on line 4.
const std::string kHead =
    "source: {format: x12, transaction_set: \"856\", versions: [\"004010\"]}\ntarget: t\nfields:\n";

void check_error(const std::string& text, int line, const std::string& message) {
  try {
    Mapping::load(text, "m.yaml");
    FAIL("the mapping loaded:\n" << text);
  } catch (const MappingFileError& e) {
    INFO(e.what());
    CHECK(e.file == "m.yaml");
    CHECK(e.line == line);
    CHECK_THAT(e.what(), StartsWith("m.yaml:" + std::to_string(line) + ": "));
    CHECK_THAT(e.what(), Contains(message));
  }
}

}  // namespace

TEST_CASE("load: YAML syntax errors carry the line", "[mappings][load]") {
  check_error(kHead + "  a: BSN02\n  b: [BSN03\n", 6, "end of sequence");
  check_error("- just\n- a list\n", 1, "a mapping file is a YAML mapping");
}

TEST_CASE("load: the top level needs source, target, fields and nothing unknown", "[mappings][load]") {
  check_error("target: t\nfields: {a: BSN02}\n", 1, "missing 'source'");
  check_error(kHead + "  a: BSN02\nextra: 1\n", 5, "unknown key 'extra' in the mapping file");
  check_error(
      "source: {format: tradacoms, transaction_set: \"856\", versions: [\"004010\"]}\ntarget: t\nfields: {a: BSN02}\n", 1,
      "source format must be x12, edifact or xml");
  check_error("source: {format: x12, transaction_set: \"85\", versions: [\"004010\"]}\ntarget: t\nfields: {a: BSN02}\n",
              1, "three digits");
  check_error("source: {format: x12, transaction_set: \"856\", versions: []}\ntarget: t\nfields: {a: BSN02}\n", 1,
              "versions must be a list");
  check_error("source: {format: x12, transaction_set: \"856\"}\ntarget: t\nfields: {a: BSN02}\n", 1,
              "source needs 'versions'");
}

TEST_CASE("load: unknown and misplaced field keys", "[mappings][load]") {
  check_error(kHead + "  a: BSN02\n  b:\n    frm: BSN03\n", 6, "unknown key 'frm' in field b");
  check_error(kHead + "  a:\n    from: BSN02\n    first: [BSN03]\n", 4,
              "needs exactly one of from, first, all, value, fields");
  check_error(kHead + "  a:\n    each: item\n    default: x\n    fields: {b: SN102}\n", 6,
              "key 'default' does not apply to field a");
  check_error(kHead + "  a: {all: REF02, default: x}\n", 4, "key 'default' does not apply");
  check_error(kHead + "  a: {from: SN103, on_missing: keep}\n", 4, "on_missing applies to a field with a table");
  check_error(kHead + "  a: {from: SN103, table: uom, on_missing: skip}\n", 4, "on_missing must be keep or error");
  check_error(kHead + "  a: {from: BSN02, required: maybe}\n", 4, "required must be true or false");
  check_error(kHead + "  a: BSN02\n  a: BSN03\n", 5, "duplicate key 'a'");
  check_error(kHead + "  a-b: BSN02\n", 4, "field name 'a-b'");
  check_error(kHead + "  a: {each: item}\n", 4, "each needs fields");
}

TEST_CASE("load: bad paths, places and iterations point at their line", "[mappings][load]") {
  check_error(kHead + "  a: BSN02\n  b: BSN2\n", 5, "bad path 'BSN2'");
  check_error(kHead + "  a:\n    from: REF02 where REF01\n", 5, "has no '='");
  check_error(kHead + "  a:\n    in: N1 where N101=ST in orders\n    fields: {b: N102}\n", 5, "unknown level 'orders'");
  check_error(kHead + "  a:\n    each: orders\n    fields: {b: PRF01}\n", 5, "bad segment 'orders'");
  check_error(kHead + "  a:\n    each: order below\n    fields: {b: PRF01}\n", 5, "each takes a level");
  check_error(kHead + "  a:\n    each: N1\n    group_by: N101\n    fields: {b: N102}\n", 6, "group_by groups HLs");
  check_error(kHead + "  a: GS08 where GS01=SH\n", 4, "ISA and GS paths read the envelope");
  check_error(kHead + "  a:\n    each: order\n    otherwise: {group_by: PRF01}\n    fields: {b: PRF01}\n", 6,
              "field a otherwise needs 'each'");
  check_error(kHead + "  a:\n    first:\n      - DTM02\n      - {form: BSN03}\n", 7, "unknown key 'form'");
}

TEST_CASE("load: conversions and constants are checked", "[mappings][load]") {
  check_error(kHead + "  a: {from: SN102, as: number}\n", 4, "unknown conversion 'number'");
  check_error(kHead + "  a: {from: [DTM02, DTM03], as: date}\n", 4, "a list in 'from' is [date, time]");
  check_error(kHead + "  a: {value: many, as: decimal}\n", 4, "'many' is not a decimal number");
  check_error(kHead + "  a: {from: SN102, as: integer, default: none}\n", 4, "'none' is not a decimal number");
}

TEST_CASE("load: keys must name output value fields", "[mappings][load]") {
  const std::string fields = "  a: BSN02\n  o:\n    each: order\n    fields: {po: PRF01}\n";
  check_error(kHead + fields + "keys:\n  po_number: o.po_number\n", 9, "no output field 'po_number' in 'o.po_number'");
  check_error(kHead + fields + "keys:\n  po_number: o\n", 9, "must end at a value field");
  CHECK_NOTHROW(Mapping::load(kHead + fields + "keys:\n  po_number: o.po\n", "m.yaml"));
}

TEST_CASE("load: the demo 856 mapping loads and declares what it needs", "[mappings][load]") {
  auto path = edihub::testing::source_dir() / "examples/demo/mappings/x12-856-inbound-delivery.yaml";
  auto m = Mapping::load_file(path.string());
  CHECK(m->target() == "inbound_delivery");
  CHECK(m->source().format == "x12");
  CHECK(m->source().transaction_set == "856");
  CHECK(m->source().versions == std::vector<std::string>{"003060", "004010", "004060", "005010"});
  CHECK(m->file_name() == path.string());
  // `purpose` is a table of the mapping itself, so only the partner tables are listed.
  CHECK(m->code_tables_used() == std::vector<std::string>{"transport_mode", "uom"});
}

TEST_CASE("load: a missing file is a MappingFileError", "[mappings][load]") {
  CHECK_THROWS_AS(Mapping::load_file("/nonexistent/m.yaml"), MappingFileError);
}
