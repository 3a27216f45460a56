#include "formats/schema.h"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace edihub::x12;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

// Line numbers in the expectations below count from the first line of each text.
const std::string kDictionary = R"(version: "004010"
elements:
  "143": {name: Transaction Set Identifier Code, type: ID, min: 3, max: 3}
  "329": {name: Transaction Set Control Number, type: AN, min: 4, max: 9}
  "96": {name: Number of Included Segments, type: N0, min: 1, max: 10}
  "353": {name: Transaction Set Purpose Code, type: ID, min: 2, max: 2, codes: ["07", "00", "05", "01"]}
  "396": {name: Shipment Identification, type: AN, min: 2, max: 30}
  "373": {name: Date, type: DT, min: 8, max: 8}
  "355": {name: Unit of Measurement Code, type: ID, min: 2, max: 2}
  "1018": {name: Exponent, type: R, min: 1, max: 15}
  "610": {name: Amount, type: N2, min: 1, max: 15}
  "91": {name: Transportation Method, type: ID, min: 1, max: 2, codes: [A, M, U, H]}
composites:
  C001:
    name: Composite Unit of Measure
    components: [["355", M], ["1018", O]]
segments:
  ST: {name: Transaction Set Header, elements: [["143", M], ["329", M]]}
  SE: {name: Transaction Set Trailer, elements: [["96", M], ["329", M]]}
  BSN:
    name: Beginning Segment for Ship Notice
    elements: [["353", M], ["396", M], ["373", X], ["610", X]]
    syntax: [C0304]
  TD5: {elements: [["91", O]]}
  SLN: {elements: [["396", M], ["C001", O]]}
)";

const std::string kDictionary5010 = R"(version: "005010"
base: "004010"
elements:
  "396": {name: Shipment Identification, type: AN, min: 2, max: 40}
segments:
  TD5: {elements: [["91", O, 3]]}
)";

const std::string kStructure = R"(transaction_set: "856"
name: Ship Notice/Manifest
functional_group: SH
versions: ["004010", "005010"]
structure:
  - ST M 1
  - BSN M 1
  - loop HL M >1:
      - TD5 M 1
      - loop SLN O 5:
          - SLN O 1
  - TD5 O 2 @005010
  - SE M 1
)";

const std::string kStructureOk = R"(transaction_set: "856"
name: Ship Notice/Manifest
functional_group: SH
versions: ["004010", "005010"]
structure:
  - ST M 1
  - BSN M 1
  - loop TD5 M >1:
      - TD5 M 1
      - loop SLN O 5:
          - SLN O 1
  - SLN O 2 @005010
  - SE M 1
)";

std::unique_ptr<SchemaLibrary> library() {
  return SchemaLibrary::load({{"dictionary-004010.yaml", kDictionary}, {"dictionary-005010.yaml", kDictionary5010},
                              {"856.yaml", kStructureOk}});
}

// The SchemaError of loading these files, as "file:line: message".
std::string load_error(const Files& files) {
  try {
    SchemaLibrary::load(files);
  } catch (const SchemaError& e) {
    return e.what();
  }
  return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a dictionary resolves elements, composites, codes and syntax notes", "[schema]") {
  auto lib = library();
  const SegmentDef* bsn = lib->segment("004010", "BSN");
  REQUIRE(bsn);
  CHECK(bsn->name == "Beginning Segment for Ship Notice");
  REQUIRE(bsn->elements.size() == 4);
  CHECK(bsn->elements[0].usage == Usage::Mandatory);
  CHECK(bsn->elements[0].element.reference == "353");
  CHECK(bsn->elements[0].element.type == ElementType::ID);
  CHECK(bsn->elements[0].element.codes == std::vector<std::string>{"00", "01", "05", "07"});  // kept sorted
  CHECK(bsn->elements[2].usage == Usage::Conditional);
  CHECK(bsn->elements[2].element.type == ElementType::Date);
  CHECK(bsn->elements[3].element.type == ElementType::Numeric);
  CHECK(bsn->elements[3].element.decimals == 2);
  CHECK(bsn->elements[3].element.max_length == 15);
  REQUIRE(bsn->syntax.size() == 1);
  CHECK(bsn->syntax[0].kind == 'C');
  CHECK(bsn->syntax[0].positions == std::vector<std::uint32_t>{3, 4});

  const SegmentDef* sln = lib->segment("004010", "SLN");
  REQUIRE(sln);
  REQUIRE(sln->elements[1].is_composite());
  CHECK(sln->elements[1].composite == "C001");
  REQUIRE(sln->elements[1].components.size() == 2);
  CHECK(sln->elements[1].components[0].first == Usage::Mandatory);
  CHECK(sln->elements[1].components[1].second.type == ElementType::Decimal);
  CHECK_FALSE(lib->segment("004010", "ZZZ"));
  CHECK_FALSE(lib->segment("003060", "BSN"));
}

TEST_CASE("a 005010 dictionary inherits its base and replaces entries by id", "[schema]") {
  auto lib = library();
  // 396 replaced: segments inherited from 004010 pick up the 005010 element.
  CHECK(lib->segment("004010", "BSN")->elements[1].element.max_length == 30);
  CHECK(lib->segment("005010", "BSN")->elements[1].element.max_length == 40);
  CHECK(lib->segment("004010", "TD5")->elements[0].max_repeat == 1);
  CHECK(lib->segment("005010", "TD5")->elements[0].max_repeat == 3);
  CHECK(lib->segment("005010", "ST"));
}

TEST_CASE("structures keep loops, unbounded maximums and per-version entries", "[schema]") {
  auto lib = library();
  const TransactionSetSchema* s4 = lib->find("856", "004010");
  const TransactionSetSchema* s5 = lib->find("856", "005010");
  REQUIRE(s4);
  REQUIRE(s5);
  CHECK(s4->name == "Ship Notice/Manifest");
  CHECK(s4->functional_id == "SH");
  CHECK(s4->dictionary->version == "004010");
  REQUIRE(s4->structure.size() == 4);  // ST BSN loop-TD5 SE: the @005010 SLN is left out
  REQUIRE(s5->structure.size() == 5);
  CHECK(s5->structure[3].tag == "SLN");
  CHECK(s5->structure[3].max_use == 2);
  const StructureNode& loop = s4->structure[2];
  CHECK(loop.is_loop);
  CHECK(loop.tag == "TD5");
  CHECK(loop.usage == Usage::Mandatory);
  CHECK(loop.max_use == 0);  // >1: unbounded
  REQUIRE(loop.children.size() == 2);
  CHECK(loop.children[0].segment == s4->dictionary->segment("TD5"));
  CHECK(loop.children[1].is_loop);
  CHECK(loop.children[1].max_use == 5);
  // Each version's structure points into its own dictionary.
  CHECK(s5->structure[2].children[0].segment->elements[0].max_repeat == 3);
  CHECK(lib->all().size() == 2);
}

TEST_CASE("find matches GS08 by its six-digit version prefix", "[schema]") {
  auto lib = library();
  CHECK(lib->find("856", "004010VICS") == lib->find("856", "004010"));
  CHECK(lib->find("856", "005010X231A1") == lib->find("856", "005010"));
  CHECK(lib->find("856", "005010")->version == "005010");
  CHECK_FALSE(lib->find("856", "003060"));
  CHECK_FALSE(lib->find("856", "00401"));
  CHECK_FALSE(lib->find("850", "004010"));
}

TEST_CASE("loader errors name the file and line", "[schema]") {
  SECTION("unknown key in an element (line 6)") {
    auto text = replaced(kDictionary, "min: 2, max: 2, codes:", "min: 2, max: 2, size: 2, codes:");
    CHECK(load_error({{"d.yaml", text}}).rfind("d.yaml:6: unknown key 'size' in element 353", 0) == 0);
  }
  SECTION("unknown top-level key in a structure (line 2)") {
    auto text = replaced(kStructureOk, "name:", "title:");
    CHECK(load_error({{"d.yaml", kDictionary}, {"856.yaml", text}}).rfind("856.yaml:2: unknown key 'title'", 0) == 0);
  }
  SECTION("unknown element in a segment (line 22)") {
    auto text = replaced(kDictionary, R"(["396", M], ["373", X])", R"(["396", M], ["9999", X])");
    CHECK(load_error({{"d.yaml", text}}) ==
          "d.yaml:22: segment BSN: unknown data element or composite '9999' in dictionary 004010");
  }
  SECTION("unknown element in a composite (line 16)") {
    auto text = replaced(kDictionary, R"(["1018", O]])", R"(["1019", O]])");
    CHECK(load_error({{"d.yaml", text}}) == "d.yaml:16: composite C001 component: unknown data element '1019' in dictionary 004010");
  }
  SECTION("unknown composite in a segment (line 25)") {
    auto text = replaced(kDictionary, R"(["C001", O])", R"(["C002", O])");
    CHECK(load_error({{"d.yaml", text}}) ==
          "d.yaml:25: segment SLN: unknown data element or composite 'C002' in dictionary 004010");
  }
  SECTION("unknown segment in a structure (line 12), per version") {
    auto text = replaced(kStructureOk, "  - SLN O 2 @005010", "  - PID O 2 @005010");
    CHECK(load_error({{"d.yaml", kDictionary}, {"d5.yaml", kDictionary5010}, {"856.yaml", text}}) ==
          "856.yaml:12: unknown segment 'PID' (not in dictionary 005010)");
  }
  SECTION("a loop must start with its trigger segment (line 8)") {
    CHECK(load_error({{"d.yaml", kDictionary}, {"d5.yaml", kDictionary5010}, {"856.yaml", kStructure}})
              .rfind("856.yaml:8: loop HL must start with its trigger segment HL", 0) == 0);
  }
  SECTION("bad usage, maximum and version filter") {
    CHECK(load_error({{"d.yaml", kDictionary}, {"d5.yaml", kDictionary5010}, {"856.yaml", replaced(kStructureOk, "BSN M 1", "BSN Q 1")}}) ==
          "856.yaml:7: usage 'Q' must be M or O");
    CHECK(load_error({{"d.yaml", kDictionary}, {"d5.yaml", kDictionary5010}, {"856.yaml", replaced(kStructureOk, "BSN M 1", "BSN M 0")}}) ==
          "856.yaml:7: maximum '0' of BSN must be a number of 1 or more, or >1");
    CHECK(load_error({{"d.yaml", kDictionary}, {"d5.yaml", kDictionary5010}, {"856.yaml", replaced(kStructureOk, "@005010", "@006010")}}) ==
          "856.yaml:12: '@006010' is not one of the versions this file lists");
  }
  SECTION("bad type, syntax note and base") {
    CHECK(load_error({{"d.yaml", replaced(kDictionary, "type: N0", "type: X9")}}) ==
          "d.yaml:5: element 96 type 'X9' is not one of ID, AN, N, N0..N9, R, DT, TM");
    CHECK(load_error({{"d.yaml", replaced(kDictionary, "[C0304]", "[C0305]")}}) ==
          "d.yaml:23: syntax note C0305 of BSN names position 05 but BSN has 4 elements");
    CHECK(load_error({{"d5.yaml", kDictionary5010}}) == "d5.yaml:2: base dictionary 004010 is not loaded");
  }
  SECTION("a structure version without its dictionary (line 4)") {
    CHECK(load_error({{"d.yaml", kDictionary}, {"856.yaml", kStructureOk}}) == "856.yaml:4: no dictionary for version 005010");
  }
  SECTION("YAML syntax errors keep their line (line 3)") {
    CHECK(load_error({{"bad.yaml", "version: \"004010\"\nelements:\n  \"143\": {name: [unclosed\n"}}).rfind("bad.yaml:", 0) == 0);
  }
}

TEST_CASE("tighten marks partner rules and leaves the base alone", "[schema][tighten]") {
  auto lib = library();
  const TransactionSetSchema& base = *lib->find("856", "005010");
  Tightening t;
  t.source = "partners/acme.yaml:31";
  t.mandatory_segments = {"SLN", "TD5/SLN"};
  t.mandatory_elements = {"BSN04", "BSN01"};
  t.codes = {{"TD501", {"M", "A"}}};
  auto tightened = tighten(base, t);
  // "SLN": every use; the loop's trigger stands for the loop SLN inside TD5.
  const auto& loop_sln = tightened->structure[2].children[1];
  CHECK(loop_sln.implementation_mandatory);
  CHECK(tightened->structure[3].implementation_mandatory);  // the top-level SLN of 005010
  // BSN04 was optional: marked; BSN01 already mandatory: unchanged.
  const SegmentDef* bsn = tightened->structure[1].segment;
  CHECK(bsn->elements[3].implementation_mandatory);
  CHECK_FALSE(bsn->elements[0].implementation_mandatory);
  const SegmentDef* td5 = tightened->structure[2].children[0].segment;
  CHECK(td5->elements[0].element.implementation_codes == std::vector<std::string>{"A", "M"});
  CHECK(td5->elements[0].element.codes == std::vector<std::string>{"A", "H", "M", "U"});
  // The base schema and dictionary are unchanged.
  CHECK_FALSE(base.structure[2].children[1].implementation_mandatory);
  CHECK_FALSE(base.structure[1].segment->elements[3].implementation_mandatory);
  CHECK(base.structure[2].children[0].segment->elements[0].element.implementation_codes.empty());
  CHECK(tightened->structure[0].segment == base.structure[0].segment);  // unchanged segments are shared

  // A tightened schema can be tightened again and outlives the library.
  Tightening more;
  more.source = "partners/acme.yaml:40";
  more.mandatory_elements = {"SLN02"};
  auto twice = tighten(*tightened, more);
  lib.reset();
  tightened.reset();
  CHECK(twice->structure[1].segment->elements[3].implementation_mandatory);
  CHECK(twice->structure[3].segment->elements[1].implementation_mandatory);
}

TEST_CASE("tighten errors name the partner file and line", "[schema][tighten]") {
  auto lib = library();
  const TransactionSetSchema& base = *lib->find("856", "004010");
  auto error = [&](Tightening t) -> std::string {
    t.source = "partners/acme.yaml:31";
    try {
      tighten(base, t);
    } catch (const SchemaError& e) {
      CHECK(e.file == "partners/acme.yaml");
      CHECK(e.line == 31);
      return e.what();
    }
    return "no error";
  };
  Tightening t;
  t.mandatory_segments = {"N1/TD5"};
  CHECK(error(t) == "partners/acme.yaml:31: transaction set 856 (004010): mandatory segment 'N1/TD5' is not a segment use of this transaction set");
  t = {};
  t.mandatory_segments = {"PID"};
  CHECK(error(t).find("mandatory segment 'PID' is not a segment use") != std::string::npos);
  t = {};
  t.mandatory_elements = {"BSN09"};
  CHECK(error(t) == "partners/acme.yaml:31: transaction set 856 (004010): mandatory element 'BSN09': BSN has 4 elements");
  t = {};
  t.mandatory_elements = {"ZZZ01"};
  CHECK(error(t).find("segment ZZZ is not used in this transaction set") != std::string::npos);
  t = {};
  t.mandatory_elements = {"BSN"};
  CHECK(error(t).find("'BSN' is not a segment tag and 2-digit position") != std::string::npos);
  t = {};
  t.codes = {{"TD501", {"M", "Z"}}};
  CHECK(error(t) == "partners/acme.yaml:31: transaction set 856 (004010): code 'Z' of TD501 is not in the standard's code list for element 91");
  t = {};
  t.codes = {{"SLN02", {"EA"}}};
  CHECK(error(t).find("SLN02 is composite C001") != std::string::npos);
}

TEST_CASE("a partner code list may narrow an element without a standard list", "[schema][tighten]") {
  auto lib = library();
  Tightening t;
  t.source = "acme.yaml";
  t.codes = {{"BSN02", {"X2", "X1", "X1"}}};
  auto tightened = tighten(*lib->find("856", "004010"), t);
  CHECK(tightened->structure[1].segment->elements[1].element.implementation_codes == std::vector<std::string>{"X1", "X2"});
}

TEST_CASE("the built-in schemas load and cover every set in both versions they list", "[schema][builtin]") {
  const SchemaLibrary& lib = SchemaLibrary::builtin();
  for (const char* id : {"856", "850", "855", "810", "940", "945", "214", "830", "862", "997"}) {
    INFO(id);
    CHECK(lib.find(id, "004010"));
  }
  CHECK(lib.find("999", "005010X231A1"));
  CHECK(lib.find("856", "004010VICS") == lib.find("856", "004010"));
  for (const auto* schema : lib.all()) {
    INFO(schema->id << " " << schema->version);
    CHECK(schema->dictionary);
    CHECK(schema->structure.front().tag == (schema->standard == Standard::Edifact ? "UNH" : "ST"));
  }
}
