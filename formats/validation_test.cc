#include "formats/validation.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

// A small 856 and its dictionaries; every expectation below was worked out by hand from
// these texts and the input (positions count from ST = 1).
const std::string kDictionary = R"(version: "004010"
elements:
  "143": {name: Transaction Set Identifier Code, type: ID, min: 3, max: 3}
  "329": {name: Transaction Set Control Number, type: AN, min: 4, max: 9}
  "96": {name: Number of Included Segments, type: N0, min: 1, max: 10}
  "353": {name: Transaction Set Purpose Code, type: ID, min: 2, max: 2, codes: ["00", "01", "05", "07"]}
  "396": {name: Shipment Identification, type: AN, min: 2, max: 30}
  "373": {name: Date, type: DT, min: 8, max: 8}
  "337": {name: Time, type: TM, min: 4, max: 8}
  "1005": {name: Hierarchical Structure Code, type: ID, min: 4, max: 4, codes: ["0001", "0002", "0004"]}
  "374": {name: Date/Time Qualifier, type: ID, min: 3, max: 3, codes: ["011", "017", "067"]}
  "628": {name: Hierarchical ID Number, type: AN, min: 1, max: 12}
  "734": {name: Hierarchical Parent ID Number, type: AN, min: 1, max: 12}
  "735": {name: Hierarchical Level Code, type: ID, min: 1, max: 2, codes: [S, O, P, I]}
  "350": {name: Assigned Identification, type: AN, min: 1, max: 20}
  "382": {name: Number of Units Shipped, type: R, min: 1, max: 10}
  "355": {name: Unit or Basis for Measurement Code, type: ID, min: 2, max: 2, codes: [EA, CT, LB]}
  "1018": {name: Exponent, type: R, min: 1, max: 15}
  "649": {name: Multiplier, type: R, min: 1, max: 10}
  "133": {name: Routing Sequence Code, type: ID, min: 1, max: 2, codes: [B, O]}
  "66": {name: Identification Code Qualifier, type: ID, min: 1, max: 2, codes: ["2", "92"]}
  "67": {name: Identification Code, type: AN, min: 2, max: 80}
  "91": {name: Transportation Method/Type Code, type: ID, min: 1, max: 2, codes: [A, M, U, H]}
  "98": {name: Entity Identifier Code, type: ID, min: 2, max: 3, codes: [ST, SF, BY]}
  "93": {name: Name, type: AN, min: 1, max: 60}
  "166": {name: Address Information, type: AN, min: 1, max: 55}
  "354": {name: Number of Line Items, type: N0, min: 1, max: 6}
  "347": {name: Hash Total, type: R, min: 1, max: 10}
  "352": {name: Description, type: AN, min: 1, max: 80}
  "610": {name: Monetary Amount, type: N2, min: 1, max: 15}
composites:
  C001:
    name: Composite Unit of Measure
    components: [["355", M], ["1018", O], ["649", O]]
segments:
  ST: {elements: [["143", M], ["329", M]]}
  SE: {elements: [["96", M], ["329", M]]}
  BSN: {elements: [["353", M], ["396", M], ["373", M], ["337", M], ["1005", O]]}
  DTM:
    elements: [["374", M], ["373", X], ["337", X]]
    syntax: [R0203, C0302]
  HL: {elements: [["628", M], ["734", O], ["735", M]]}
  SN1: {elements: [["350", O], ["382", M], ["355", M]]}
  TD5:
    elements: [["133", X], ["66", X], ["67", X], ["91", X]]
    syntax: [P0203, E0104]
  SLN: {elements: [["350", M], ["C001", O]]}
  AMT:
    elements: [["610", O], ["352", X], ["347", X]]
    syntax: [L010203]
  N1:
    elements: [["98", M], ["93", X], ["66", X], ["67", X]]
    syntax: [R0203, P0304]
  N3: {elements: [["166", M], ["166", O]]}
  CTT: {elements: [["354", M], ["347", O]]}
  PID: {elements: [["352", M]]}
  REF:
    elements: [["352", X], ["98", X], ["93", X]]
    syntax: [R0103, P0102]
)";

const std::string kDictionary5010 = R"(version: "005010"
base: "004010"
segments:
  N3: {elements: [["166", M, 3], ["166", O]]}
)";

const std::string kStructure = R"(transaction_set: "856"
name: Ship Notice/Manifest
functional_group: SH
versions: ["004010", "005010"]
structure:
  - ST M 1
  - BSN M 1
  - DTM O 2
  - loop HL M >1:
      - HL M 1
      - SN1 O 1
      - TD5 O 2
      - SLN O 1
      - AMT O 1
      - REF O 1
      - loop N1 O 2:
          - N1 M 1
          - N3 M 2
  - CTT M 1 @004010
  - CTT O 1 @005010
  - SE M 1
)";

const SchemaLibrary& library() {
  static const auto lib = SchemaLibrary::load(
      {{"dictionary-004010.yaml", kDictionary}, {"dictionary-005010.yaml", kDictionary5010}, {"856.yaml", kStructure}});
  return *lib;
}

const std::string kValidBsn = "BSN*00*SHIP1*20240318*1430";

// ISA fields at their fixed offsets, so tests can break one at a time.
struct Isa {
  std::string text = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240318*1430*U*00401*000000001*0*P*>~";
  Isa& at(std::size_t offset, const std::string& value) {
    text.replace(offset, value.size(), value);
    return *this;
  }
  static Isa version5010() { return Isa().at(82, "^").at(84, "00501"); }
};

std::string set_text(const std::vector<std::string>& body, const std::string& control = "0001", const std::string& id = "856") {
  std::string text = "ST*" + id + "*" + control + "~";
  for (const auto& segment : body) text += segment + "~";
  return text + "SE*" + std::to_string(body.size() + 2) + "*" + control + "~";
}

std::string interchange(const std::vector<std::string>& sets, const std::string& version = "004010",
                        const std::string& gs01 = "SH", Isa isa = Isa()) {
  if (version.rfind("005010", 0) == 0 && isa.text[84 + 2] == '4') isa = Isa::version5010();
  std::string text = isa.text + "GS*" + gs01 + "*SENDER*RECEIVER*20240318*1430*1*X*" + version + "~";
  for (const auto& set : sets) text += set;
  return text + "GE*" + std::to_string(sets.size()) + "*1~IEA*1*000000001~";
}

SetResult check(const std::vector<std::string>& body, const std::string& version = "004010",
                const TransactionSetSchema* schema = nullptr) {
  const ParsedFile parsed = parse_bytes(interchange({set_text(body)}, version));
  REQUIRE(parsed.issues.empty());
  REQUIRE(parsed.interchanges.size() == 1);
  REQUIRE(parsed.interchanges[0].groups[0].sets.size() == 1);
  if (!schema) schema = library().find("856", version);
  REQUIRE(schema);
  return validate_set(parsed.interchanges[0].groups[0].sets[0], *schema);
}

// (tag, position, loop id, AK304, implementation code) of every segment error.
using SegmentFound = std::tuple<std::string, std::uint32_t, std::string, std::string, std::string>;
std::vector<SegmentFound> segments(const SetResult& result) {
  std::vector<SegmentFound> found;
  for (const auto& s : result.segments) found.emplace_back(s.tag, s.position, s.loop_id, s.code, s.implementation_code);
  return found;
}

// (position, component, repetition, reference, AK403, implementation code, bad value).
using ElementFound =
    std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::string, std::string, std::string, std::string>;
std::vector<ElementFound> elements(const SetResult& result) {
  std::vector<ElementFound> found;
  for (const auto& s : result.segments) {
    for (const auto& e : s.elements) {
      found.emplace_back(e.position, e.component, e.repetition, e.reference, e.code, e.implementation_code, e.bad_value);
    }
  }
  return found;
}

// The single segment error of a set whose only problem is in one segment's elements.
const SegmentError& only_segment(const SetResult& result) {
  REQUIRE(result.segments.size() == 1);
  CHECK(result.segments[0].code == "8");
  return result.segments[0];
}

}  // namespace

TEST_CASE("a set that follows its structure is accepted", "[validation]") {
  const SetResult result = check({kValidBsn, "HL*1**S", "SN1**12.5*EA", "N1*ST*ACME", "N3*1 MAIN ST", "HL*2*1*O",
                                  "N1*SF*SUPPLIER*92*0042", "N3*A*B", "N3*C", "CTT*2"});
  CHECK(result.segments.empty());
  CHECK(result.ack_code == "A");
  CHECK(result.codes.empty());
  CHECK(result.validated);
  CHECK(result.id == "856");
  CHECK(result.control_number == "0001");
  // 005010 has CTT optional.
  CHECK(check({kValidBsn, "HL*1**S"}, "005010").segments.empty());
}

TEST_CASE("segment errors carry AK304 codes, positions and loop ids", "[validation]") {
  // Positions: ST 1, then the body in order, SE last.
  SECTION("1 unrecognized segment ID") {
    CHECK(segments(check({kValidBsn, "ZZZ*1", "HL*1**S", "CTT*1"})) == std::vector<SegmentFound>{{"ZZZ", 3, "", "1", ""}});
    CHECK(segments(check({kValidBsn, "HL*1**S", "ZZZ*1", "CTT*1"})) == std::vector<SegmentFound>{{"ZZZ", 4, "HL", "1", ""}});
  }
  SECTION("2 unexpected segment: N3 exists only inside loop N1") {
    const SetResult result = check({kValidBsn, "N3*MAIN ST", "HL*1**S", "CTT*1"});
    CHECK(segments(result) == std::vector<SegmentFound>{{"N3", 3, "", "2", ""}});
    CHECK(result.segments[0].message.find("belongs in loop N1") != std::string::npos);
    CHECK(result.segments[0].file_segment == 5);  // ISA GS ST BSN N3
  }
  SECTION("3 mandatory segment missing, at the position where it was expected") {
    CHECK(segments(check({"HL*1**S", "CTT*1"})) == std::vector<SegmentFound>{{"BSN", 2, "", "3", ""}});
    // A mandatory loop: reported by its trigger, with its own id.
    CHECK(segments(check({kValidBsn, "CTT*1"})) == std::vector<SegmentFound>{{"HL", 3, "HL", "3", ""}});
    // At the end of the set: where SE is.
    CHECK(segments(check({kValidBsn, "HL*1**S"})) == std::vector<SegmentFound>{{"CTT", 4, "", "3", ""}});
    // Inside a loop, noticed when the next HL closes loop N1.
    const SetResult result = check({kValidBsn, "HL*1**S", "N1*ST*ACME", "HL*2*1*O", "CTT*1"});
    CHECK(segments(result) == std::vector<SegmentFound>{{"N3", 5, "N1", "3", ""}});
    CHECK(result.segments[0].file_segment == 0);
    CHECK(result.segments[0].message.find("mandatory segment N3 missing") != std::string::npos);
  }
  SECTION("4 loop over its maximum repeats") {
    CHECK(segments(check({kValidBsn, "HL*1**S", "N1*ST*A", "N3*X", "N1*SF*B", "N3*Y", "N1*BY*C", "N3*Z", "CTT*1"})) ==
          std::vector<SegmentFound>{{"N1", 8, "N1", "4", ""}});
  }
  SECTION("5 segment over its maximum use") {
    CHECK(segments(check({kValidBsn, "DTM*011*20240318", "DTM*017*20240319", "DTM*067*20240320", "HL*1**S", "CTT*1"})) ==
          std::vector<SegmentFound>{{"DTM", 5, "", "5", ""}});
    CHECK(segments(check({kValidBsn, kValidBsn, "HL*1**S", "CTT*1"})) == std::vector<SegmentFound>{{"BSN", 3, "", "5", ""}});
  }
  SECTION("6 segment in the dictionary but not in this transaction set") {
    CHECK(segments(check({kValidBsn, "PID*WIDGET", "HL*1**S", "CTT*1"})) == std::vector<SegmentFound>{{"PID", 3, "", "6", ""}});
  }
  SECTION("7 segment not in proper sequence: DTM belongs before the HL loop") {
    CHECK(segments(check({kValidBsn, "HL*1**S", "DTM*011*20240318", "CTT*1"})) ==
          std::vector<SegmentFound>{{"DTM", 4, "HL", "7", ""}});
  }
  SECTION("a rejected set: AK5 R with code 5") {
    const SetResult result = check({kValidBsn, "ZZZ*1", "HL*1**S", "CTT*1"});
    CHECK(result.ack_code == "R");
    CHECK(result.codes == std::vector<std::string>{"5"});
    CHECK_FALSE(result.accepted());
  }
}

TEST_CASE("element errors carry AK403 codes, positions and bad data", "[validation]") {
  auto bsn = [](const std::string& segment) { return check({segment, "HL*1**S", "CTT*1"}); };
  auto in_hl = [](const std::string& segment) { return check({kValidBsn, "HL*1**S", segment, "CTT*1"}); };

  SECTION("1 mandatory element missing") {
    const SetResult result = bsn("BSN*00**20240318*1430");
    const SegmentError& segment = only_segment(result);
    CHECK(segment.tag == "BSN");
    CHECK(segment.position == 2);
    CHECK(elements(result) == std::vector<ElementFound>{{2, 0, 0, "396", "1", "", ""}});
    CHECK(segment.elements[0].message == "BSN02 (396): mandatory element missing");
  }
  SECTION("2 conditional element missing: R, P, C and L notes") {
    CHECK(elements(check({kValidBsn, "HL*1**S", "N1*ST", "N3*X", "CTT*1"})) ==
          std::vector<ElementFound>{{2, 0, 0, "93", "2", "", ""}});  // R0203
    CHECK(elements(check({kValidBsn, "HL*1**S", "N1*ST*ACME*92", "N3*X", "CTT*1"})) ==
          std::vector<ElementFound>{{4, 0, 0, "67", "2", "", ""}});  // P0304
    CHECK(elements(check({kValidBsn, "DTM*011**1430", "HL*1**S", "CTT*1"})) ==
          std::vector<ElementFound>{{2, 0, 0, "373", "2", "", ""}});  // C0302
    CHECK(elements(in_hl("AMT*100")) == std::vector<ElementFound>{{2, 0, 0, "352", "2", "", ""}});  // L010203
    CHECK(in_hl("AMT*100**5").segments.empty());
    // REF01 breaks both R0103 and P0102: one AK4 per element.
    CHECK(elements(in_hl("REF**ST")) == std::vector<ElementFound>{{1, 0, 0, "352", "2", "", ""}});
  }
  SECTION("3 too many data elements") {
    const SetResult result = check({kValidBsn, "HL*1**S*1", "CTT*1"});
    CHECK(elements(result) == std::vector<ElementFound>{{4, 0, 0, "", "3", "", "1"}});
    CHECK(result.segments[0].loop_id == "HL");
    CHECK(check({kValidBsn, "HL*1**S*", "CTT*1"}).segments.empty());  // a trailing separator carries no data
  }
  SECTION("4 too short and 5 too long") {
    CHECK(elements(bsn("BSN*00*S*20240318*1430")) == std::vector<ElementFound>{{2, 0, 0, "396", "4", "", "S"}});
    const std::string long_id(31, 'X');
    CHECK(elements(bsn("BSN*00*" + long_id + "*20240318*1430")) == std::vector<ElementFound>{{2, 0, 0, "396", "5", "", long_id}});
    // Trailing spaces of AN are padding; digits only count for N and R.
    CHECK(bsn("BSN*00*" + std::string(30, 'X') + "   *20240318*1430").segments.empty());
    CHECK(elements(check({kValidBsn, "HL*1**S", "CTT*-1234567"})) == std::vector<ElementFound>{{1, 0, 0, "354", "5", "", "-1234567"}});
    CHECK(check({kValidBsn, "HL*1**S", "CTT*-123456"}).segments.empty());
    CHECK(in_hl("SN1**-12345.67890*EA").segments.empty());  // 10 digits
  }
  SECTION("6 invalid character") {
    CHECK(elements(in_hl("SN1**12A*EA")) == std::vector<ElementFound>{{2, 0, 0, "382", "6", "", "12A"}});
    CHECK(elements(in_hl("SN1**1.2.3*EA")) == std::vector<ElementFound>{{2, 0, 0, "382", "6", "", "1.2.3"}});
    CHECK(elements(check({kValidBsn, "HL*1**S", "CTT*1.5"})) == std::vector<ElementFound>{{1, 0, 0, "354", "6", "", "1.5"}});
    CHECK(elements(bsn("BSN*00*AB\x07" "C*20240318*1430")) == std::vector<ElementFound>{{2, 0, 0, "396", "6", "", "AB\x07" "C"}});
  }
  SECTION("7 invalid code value") {
    const SetResult result = bsn("BSN*99*SHIP1*20240318*1430");
    CHECK(elements(result) == std::vector<ElementFound>{{1, 0, 0, "353", "7", "", "99"}});
    CHECK(result.segments[0].elements[0].message ==
          "BSN01 (353): '99' is not a valid code: expected one of 00, 01, 05, 07");
  }
  SECTION("8 invalid date: a real calendar check") {
    CHECK(elements(bsn("BSN*00*SHIP1*20230229*1430")) == std::vector<ElementFound>{{3, 0, 0, "373", "8", "", "20230229"}});
    CHECK(bsn("BSN*00*SHIP1*20240229*1430").segments.empty());  // 2024 is a leap year
    CHECK(elements(bsn("BSN*00*SHIP1*20241301*1430")) == std::vector<ElementFound>{{3, 0, 0, "373", "8", "", "20241301"}});
    CHECK(elements(bsn("BSN*00*SHIP1*20240431*1430")) == std::vector<ElementFound>{{3, 0, 0, "373", "8", "", "20240431"}});
    CHECK(elements(bsn("BSN*00*SHIP1*240318*1430")) == std::vector<ElementFound>{{3, 0, 0, "373", "8", "", "240318"}});
    CHECK(elements(bsn("BSN*00*SHIP1*2024031A*1430")) == std::vector<ElementFound>{{3, 0, 0, "373", "8", "", "2024031A"}});
  }
  SECTION("9 invalid time") {
    CHECK(elements(bsn("BSN*00*SHIP1*20240318*2460")) == std::vector<ElementFound>{{4, 0, 0, "337", "9", "", "2460"}});
    CHECK(elements(bsn("BSN*00*SHIP1*20240318*1260")) == std::vector<ElementFound>{{4, 0, 0, "337", "9", "", "1260"}});
    CHECK(elements(bsn("BSN*00*SHIP1*20240318*143")) == std::vector<ElementFound>{{4, 0, 0, "337", "9", "", "143"}});
    CHECK(elements(bsn("BSN*00*SHIP1*20240318*143075")) == std::vector<ElementFound>{{4, 0, 0, "337", "9", "", "143075"}});
    CHECK(bsn("BSN*00*SHIP1*20240318*143059").segments.empty());
    CHECK(bsn("BSN*00*SHIP1*20240318*14305999").segments.empty());
  }
  SECTION("10 exclusion condition violated") {
    CHECK(elements(in_hl("TD5*B***M")) == std::vector<ElementFound>{{4, 0, 0, "91", "10", "", "M"}});
  }
  SECTION("composites: components numbered, 13 too many components") {
    CHECK(in_hl("SLN*1*EA>1>2").segments.empty());
    CHECK(elements(in_hl("SLN*1*EA>1>2>3")) == std::vector<ElementFound>{{2, 4, 0, "C001", "13", "", "EA>1>2>3"}});
    CHECK(elements(in_hl("SLN*1*XX>1")) == std::vector<ElementFound>{{2, 1, 0, "355", "7", "", "XX"}});
    CHECK(elements(in_hl("SLN*1*>2")) == std::vector<ElementFound>{{2, 1, 0, "355", "1", "", ""}});
    CHECK(elements(in_hl("SLN*1*EA>X")) == std::vector<ElementFound>{{2, 2, 0, "1018", "6", "", "X"}});
  }
  SECTION("12 too many repetitions (005010), and repetitions numbered") {
    auto n3 = [](const std::string& segment) {
      return check({kValidBsn, "HL*1**S", "N1*ST*ACME", segment}, "005010");
    };
    CHECK(n3("N3*A^B^C").segments.empty());
    CHECK(elements(n3("N3*A^B^C^D")) == std::vector<ElementFound>{{1, 0, 0, "166", "12", "", "A^B^C^D"}});
    CHECK(elements(n3("N3*A*B^C")) == std::vector<ElementFound>{{2, 0, 0, "166", "12", "", "B^C"}});  // N302 does not repeat
    const std::string long_line(56, 'B');
    CHECK(elements(n3("N3*A^^" + long_line)) == std::vector<ElementFound>{{1, 0, 3, "166", "5", "", long_line}});
  }
  SECTION("several errors in one segment, bad data cut at 99 characters") {
    const std::string long_id(150, 'X');
    const SetResult result = bsn("BSN*99*" + long_id + "*20240230");
    CHECK(elements(result) == std::vector<ElementFound>{{1, 0, 0, "353", "7", "", "99"},
                                                       {2, 0, 0, "396", "5", "", std::string(99, 'X')},
                                                       {3, 0, 0, "373", "8", "", "20240230"},
                                                       {4, 0, 0, "337", "1", "", ""}});
    CHECK(result.segments[0].message == "segment BSN has 4 element errors");
  }
}

TEST_CASE("errors from a partner's tightening carry 999 implementation codes", "[validation][tighten]") {
  const TransactionSetSchema& base = *library().find("856", "004010");
  const std::vector<std::string> valid = {kValidBsn, "HL*1**S", "CTT*1"};
  Tightening t;
  t.source = "partners/acme.yaml:12";
  SECTION("mandatory segment inside a loop: 3 / I6") {
    t.mandatory_segments = {"HL/TD5"};
    auto schema = tighten(base, t);
    CHECK(segments(check(valid, "004010", schema.get())) == std::vector<SegmentFound>{{"TD5", 4, "HL", "3", "I6"}});
    CHECK(check(valid).segments.empty());  // the base schema is unchanged
  }
  SECTION("mandatory loop: 3 / I7") {
    t.mandatory_segments = {"N1"};
    auto schema = tighten(base, t);
    CHECK(segments(check(valid, "004010", schema.get())) == std::vector<SegmentFound>{{"N1", 4, "N1", "3", "I7"}});
  }
  SECTION("mandatory element: 1 / I9") {
    t.mandatory_elements = {"BSN05"};
    auto schema = tighten(base, t);
    CHECK(elements(check(valid, "004010", schema.get())) == std::vector<ElementFound>{{5, 0, 0, "1005", "1", "I9", ""}});
    CHECK(check({"BSN*00*SHIP1*20240318*1430*0001", "HL*1**S", "CTT*1"}, "004010", schema.get()).segments.empty());
  }
  SECTION("narrower code list: 7 / I6 for a standard code, plain 7 for a code outside the standard") {
    t.codes = {{"TD504", {"M"}}};
    auto schema = tighten(base, t);
    auto with_td5 = [&](const std::string& td5) { return check({kValidBsn, "HL*1**S", td5, "CTT*1"}, "004010", schema.get()); };
    CHECK(with_td5("TD5****M").segments.empty());
    CHECK(elements(with_td5("TD5****A")) == std::vector<ElementFound>{{4, 0, 0, "91", "7", "I6", "A"}});
    CHECK(elements(with_td5("TD5****X")) == std::vector<ElementFound>{{4, 0, 0, "91", "7", "", "X"}});
  }
}

namespace {

ValidationReport validate_text(const std::string& text) {
  const SchemaResolver resolve = [](const InterchangeHeader&, const GroupHeader& group, const TransactionSet& set) {
    return library().find(set.id, group.version);
  };
  return validate(text, resolve);
}

const std::vector<std::string> kValidBody = {kValidBsn, "HL*1**S", "CTT*1"};
const std::vector<std::string> kBadBody = {kValidBsn, "ZZZ*1", "HL*1**S", "CTT*1"};

}  // namespace

TEST_CASE("validate builds a result per interchange, group and set", "[validation][report]") {
  SECTION("all accepted") {
    const auto report = validate_text(interchange({set_text(kValidBody, "0001"), set_text(kValidBody, "0002")}));
    REQUIRE(report.interchanges.size() == 1);
    const auto& interchange = report.interchanges[0];
    CHECK(interchange.ack_code == "A");
    CHECK(interchange.note_code == "000");
    REQUIRE(interchange.groups.size() == 1);
    const auto& group = interchange.groups[0];
    CHECK(group.ack_code == "A");
    CHECK(group.sets_included == 2);
    CHECK(group.sets_received == 2);
    CHECK(group.sets_accepted == 2);
    REQUIRE(group.sets.size() == 2);
    CHECK(group.sets[1].control_number == "0002");
    CHECK(group.sets[0].first_segment == 3);
    CHECK(group.sets[1].first_segment == 8);
    CHECK(report.valid());
  }
  SECTION("some rejected: P") {
    const auto report = validate_text(interchange({set_text(kValidBody, "0001"), set_text(kBadBody, "0002")}));
    const auto& group = report.interchanges[0].groups[0];
    CHECK(group.ack_code == "P");
    CHECK(group.sets_received == 2);
    CHECK(group.sets_accepted == 1);
    CHECK(group.sets[0].ack_code == "A");
    CHECK(group.sets[1].ack_code == "R");
    CHECK(report.interchanges[0].ack_code == "A");  // set errors do not reject the interchange
    CHECK_FALSE(report.valid());
  }
  SECTION("all rejected: R") {
    const auto report = validate_text(interchange({set_text(kBadBody, "0001")}));
    CHECK(report.interchanges[0].groups[0].ack_code == "R");
    CHECK(report.interchanges[0].groups[0].sets_accepted == 0);
  }
  SECTION("no schema: accepted, not validated, with a note") {
    const auto report = validate_text(interchange({set_text(kBadBody, "0001")}, "003060"));
    const auto& set = report.interchanges[0].groups[0].sets[0];
    CHECK_FALSE(set.validated);
    CHECK(set.ack_code == "A");
    CHECK(set.note == "no schema for 856 version 003060: envelope checks only");
    CHECK(report.interchanges[0].groups[0].ack_code == "A");
  }
  SECTION("a set in a group of another functional identifier: AK502 6") {
    const auto report = validate_text(interchange({set_text(kValidBody, "0001")}, "004010", "PO"));
    const auto& set = report.interchanges[0].groups[0].sets[0];
    CHECK(set.ack_code == "R");
    CHECK(set.codes == std::vector<std::string>{"6"});
    CHECK(set.segments.empty());
    CHECK(report.interchanges[0].groups[0].ack_code == "R");
  }
}

TEST_CASE("validate folds envelope issues into their level", "[validation][report]") {
  SECTION("SE01 wrong: set code 4") {
    std::string text = interchange({set_text(kValidBody, "0001")});
    text.replace(text.find("SE*5*"), 5, "SE*9*");
    const auto report = validate_text(text);
    const auto& set = report.interchanges[0].groups[0].sets[0];
    CHECK(set.ack_code == "R");
    CHECK(set.codes == std::vector<std::string>{"4"});
    CHECK(report.interchanges[0].groups[0].ack_code == "R");
    CHECK(report.interchanges[0].groups[0].codes.empty());
  }
  SECTION("duplicate ST02: code 23 on the second set only") {
    const auto report = validate_text(interchange({set_text(kValidBody, "0001"), set_text(kValidBody, "0001")}));
    const auto& group = report.interchanges[0].groups[0];
    CHECK(group.sets[0].codes.empty());
    CHECK(group.sets[1].codes == std::vector<std::string>{"23"});
    CHECK(group.ack_code == "P");
  }
  SECTION("GE01 wrong: group code 5, AK902 as sent") {
    std::string text = interchange({set_text(kValidBody, "0001")});
    text.replace(text.find("GE*1*"), 5, "GE*3*");
    const auto report = validate_text(text);
    const auto& group = report.interchanges[0].groups[0];
    CHECK(group.codes == std::vector<std::string>{"5"});
    CHECK(group.ack_code == "R");
    CHECK(group.sets_included == 3);
    CHECK(group.sets_received == 1);
    CHECK(group.sets_accepted == 0);  // the group is rejected: the hub delivers none of its sets
  }
  SECTION("IEA02 wrong: TA1 note 001") {
    std::string text = interchange({set_text(kValidBody, "0001")});
    text.replace(text.find("IEA*1*000000001"), 15, "IEA*1*000000002");
    const auto report = validate_text(text);
    CHECK(report.interchanges[0].ack_code == "R");
    CHECK(report.interchanges[0].note_code == "001");
    CHECK_FALSE(report.valid());
  }
}

TEST_CASE("validate checks the ISA fields for the TA1", "[validation][report]") {
  struct Case {
    std::size_t offset;
    std::string value, note;
  };
  // Offsets of the fixed-width ISA (docs/x12-facts.md section 1).
  const std::vector<Case> cases = {
      {32, "QQ", "005"},    {51, "QQ", "007"},     {70, "241301", "014"}, {70, "240230", "014"},
      {77, "2400", "015"},  {77, "1260", "015"},   {84, "00999", "017"},  {84, "00040", "017"},
      {100, "2", "019"},    {102, "X", "020"},
  };
  for (const auto& c : cases) {
    INFO("ISA offset " << c.offset << " = " << c.value);
    const auto report = validate_text(interchange({set_text(kValidBody)}, "004010", "SH", Isa().at(c.offset, c.value)));
    REQUIRE(report.interchanges.size() == 1);
    CHECK(report.interchanges[0].note_code == c.note);
    CHECK(report.interchanges[0].ack_code == "R");
    CHECK(report.interchanges[0].groups[0].ack_code == "A");  // the content itself is fine
  }
  // Accepted values: other qualifiers, 5010 version, test usage, ack requested.
  const auto report = validate_text(
      interchange({set_text(kValidBody)}, "004010", "SH", Isa().at(32, "01").at(51, "30").at(100, "1").at(102, "T")));
  CHECK(report.interchanges[0].note_code == "000");
  CHECK(report.valid());
}

// ---- the built-in schemas over the corpus (tests/data/corpus/MANIFEST.md) ----

namespace {

ValidationReport validate_corpus(const std::string& name) {
  const SchemaResolver resolve = [](const InterchangeHeader&, const GroupHeader& group, const TransactionSet& set) {
    return SchemaLibrary::builtin().find(set.id, group.version);
  };
  return validate(read_file(data_dir() / "corpus" / name), resolve);
}

// (tag, position, loop id, AK304) of every segment error and (position, component,
// repetition, reference, AK403, implementation code, bad value) of every element error.
struct SetErrors {
  std::vector<SegmentFound> segments;
  std::vector<ElementFound> elements;
};
SetErrors errors_of(const SetResult& set) { return {segments(set), elements(set)}; }

}  // namespace

TEST_CASE("valid corpus 856, 850, 810, 997 and 999 files validate without errors", "[validation][corpus]") {
  // Files whose findings are right, each checked by hand against the file:
  const std::map<std::string, std::string> explained = {
      // ISA12 '00040' is not an interchange control version: TA1 note 017, content accepted.
      {"810_oopfactory_walmart_newline_terminator.edi", "ISA12"},
      // GS01 SC (aerospace guides) for an 810/850, whose functional identifier is IN/PO.
      {"810_stupidedi_aerospace_x348_gs01_sc.edi", "GS01"},
      {"850_stupidedi_aerospace_x357_mixed_lines.edi", "GS01"},
      // IT1||4||70: IT102 and IT104 without IT103 break IT1's P020304.
      {"810_stupidedi_pipe_element_separator.edi", "IT1"},
      // N4*LOCCITY*LOCSTATE: N402 (156) is a 2-character state code.
      {"856_oopfactory_pipe_component_flat_hl.edi", "N4"},
      // A stress test: AK302, AK304 and AK404 repeated although they do not repeat.
      {"997_staedi_repeated_ak3_ak4_elements.edi", "repeats"},
  };
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "corpus" / "x12")) {
    const std::string name = entry.path().filename().string();
    const std::string id = name.substr(0, 3);
    if (id != "856" && id != "850" && id != "810" && id != "997" && id != "999") continue;
    ++files;
    INFO(name);
    const ValidationReport report = validate_corpus("x12/" + name);
    CHECK(report.valid() != explained.count(name));
  }
  CHECK(files == 29);

  SECTION("the explained findings") {
    auto walmart = validate_corpus("x12/810_oopfactory_walmart_newline_terminator.edi");
    CHECK(walmart.interchanges[0].note_code == "017");
    CHECK(walmart.interchanges[0].groups[0].ack_code == "A");

    for (const char* name : {"x12/810_stupidedi_aerospace_x348_gs01_sc.edi", "x12/850_stupidedi_aerospace_x357_mixed_lines.edi"}) {
      const auto report = validate_corpus(name);
      const auto& set = report.interchanges[0].groups[0].sets[0];
      CHECK(set.codes == std::vector<std::string>{"6"});
      CHECK(set.segments.empty());
    }

    auto it1 = errors_of(validate_corpus("x12/810_stupidedi_pipe_element_separator.edi").interchanges[0].groups[0].sets[0]);
    CHECK(it1.segments == std::vector<SegmentFound>{{"IT1", 7, "IT1", "8", ""}, {"IT1", 9, "IT1", "8", ""}});
    CHECK(it1.elements == std::vector<ElementFound>{{3, 0, 0, "355", "2", "", ""}, {3, 0, 0, "355", "2", "", ""}});

    auto n4 = errors_of(validate_corpus("x12/856_oopfactory_pipe_component_flat_hl.edi").interchanges[0].groups[0].sets[0]);
    CHECK(n4.segments == std::vector<SegmentFound>{{"N4", 14, "N1", "8", ""}});
    CHECK(n4.elements == std::vector<ElementFound>{{2, 0, 0, "156", "5", "", "LOCSTATE"}});

    auto repeats = errors_of(validate_corpus("x12/997_staedi_repeated_ak3_ak4_elements.edi").interchanges[0].groups[0].sets[0]);
    CHECK(repeats.segments == std::vector<SegmentFound>{{"AK3", 4, "AK3", "8", ""}, {"AK4", 5, "AK3", "8", ""}});
    REQUIRE(repeats.elements.size() == 3);
    CHECK(std::get<0>(repeats.elements[0]) == 2);
    CHECK(std::get<0>(repeats.elements[1]) == 4);
    CHECK(std::get<0>(repeats.elements[2]) == 4);
    for (const auto& e : repeats.elements) CHECK(std::get<4>(e) == "12");
  }
}

TEST_CASE("invalid corpus files give the errors their MANIFEST notes describe", "[validation][corpus]") {
  SECTION("850 syntax notes: PO1 has PO106 without PO107, a PO4 has PO405 without PO406") {
    // ST 1, BEG 2, REF 3-4, ITD 5, DTM 6, PKG 7-8, TD5 9, N1 10, N3 11, N4 12, PO1 13,
    // then PO1/PID/PO4 triples up to the sixth PO4 at 30.
    const auto report = validate_corpus("invalid/850_ediengine_syntax_note_errors.edi");
    const auto& group = report.interchanges[0].groups[0];
    auto found = errors_of(group.sets[0]);
    CHECK(found.segments == std::vector<SegmentFound>{{"PO1", 13, "PO1", "8", ""}, {"PO4", 30, "PO1", "8", ""}});
    CHECK(found.elements == std::vector<ElementFound>{{7, 0, 0, "234", "2", "", ""}, {6, 0, 0, "384", "2", "", ""}});
    CHECK(group.ack_code == "R");
    CHECK(group.sets[0].codes == std::vector<std::string>{"5"});
  }
  SECTION("940 in two groups: N9 without N901, W66-06 with an extra value") {
    const auto report = validate_corpus("invalid/940_ediengine_two_groups_element_errors.edi");
    REQUIRE(report.interchanges[0].groups.size() == 2);
    const auto& first = report.interchanges[0].groups[0];
    CHECK(first.ack_code == "P");
    CHECK(first.sets_received == 2);
    CHECK(first.sets_accepted == 1);
    CHECK(first.sets[0].segments.empty());
    // ST 1, W05 2, W66 3, LX 4, W01 5, N9 6, N9 7.
    auto n9 = errors_of(first.sets[1]);
    CHECK(n9.segments == std::vector<SegmentFound>{{"N9", 7, "W01", "8", ""}});
    CHECK(n9.elements == std::vector<ElementFound>{{1, 0, 0, "128", "1", "", ""}});
    // W66*PP*M***MTEN*43.00: W6606 is pallet type code 433 (ID, 2 characters), so the
    // extra value is too long for it.
    const auto& second = report.interchanges[0].groups[1];
    CHECK(second.ack_code == "R");
    auto w66 = errors_of(second.sets[0]);
    CHECK(w66.segments == std::vector<SegmentFound>{{"W66", 3, "", "8", ""}});
    CHECK(w66.elements == std::vector<ElementFound>{{6, 0, 0, "433", "5", "", "43.00"}});
  }
  SECTION("997 with AK101 outside its codes and a non-numeric AK402") {
    // The dictionary carries no code list for 479 (GS01), so the 17-character AK101 is
    // reported as too long for the 2-character code, which also rules it out as a code.
    const auto report = validate_corpus("invalid/997_staedi_bad_code_values.edi");
    auto found = errors_of(report.interchanges[0].groups[0].sets[0]);
    CHECK(found.segments == std::vector<SegmentFound>{{"AK1", 2, "", "8", ""}, {"AK4", 5, "AK3", "8", ""}});
    CHECK(found.elements == std::vector<ElementFound>{{1, 0, 0, "479", "5", "", "HC NOT IN CODESET"},
                                                      {2, 0, 0, "725", "6", "", "66 NON NUMERIC"}});
    CHECK(report.interchanges[0].ack_code == "A");
  }
}

// ---- character sets, caps, GS and TA1 checks (issue 13) ----

namespace {

ValidationReport validate_with(const std::string& text, const ValidationRules& rules) {
  const SchemaResolver resolve = [](const InterchangeHeader&, const GroupHeader& group, const TransactionSet& set) {
    return library().find(set.id, group.version);
  };
  return validate(text, resolve, [&](const InterchangeHeader&, const GroupHeader&) { return rules; });
}

}  // namespace

TEST_CASE("a value that is not text in the partner's character set is AK4 6 naming the byte", "[validation][charset]") {
  const std::string text = interchange({set_text({kValidBsn, "HL*1**S", "N1*SF*CAF\xC9 M\xDCNCHEN", "N3*A", "CTT*1"})});
  SECTION("UTF-8 (the default): rejected") {
    const auto report = validate_with(text, {});
    const SetResult& set = report.interchanges.at(0).groups.at(0).sets.at(0);
    CHECK(set.ack_code == "R");
    CHECK(segments(set) == std::vector<SegmentFound>{{"N1", 4, "N1", "8", ""}});
    CHECK(elements(set) == std::vector<ElementFound>{{2, 0, 0, "93", "6", "", "CAF\xEF\xBF\xBD M\xEF\xBF\xBDNCHEN"}});
    CHECK(set.segments[0].elements[0].message ==
          "N102 (93): 'CAF\\xC9 M\\xDCNCHEN': byte 0xC9 at offset 3 is not a character of UTF-8 (the default); the "
          "partner profile's `encoding:` can declare the character set it sends (e.g. iso-8859-1, windows-1252)");
  }
  SECTION("ISO-8859-1: valid") {
    const Charset latin1("iso-8859-1");
    CHECK(validate_with(text, {&latin1}).valid());
  }
}

TEST_CASE("errors beyond the caps are counted, not kept, and the set is still rejected", "[validation][caps]") {
  std::vector<std::string> body{kValidBsn, "HL*1**S"};
  for (int i = 0; i < 500; ++i) body.push_back("ZZZ*" + std::to_string(i));
  body.push_back("CTT*1");
  const std::string one_set = set_text(body, "0001");
  SECTION("per set") {
    const auto report = validate_with(interchange({one_set}), {&Charset::utf8(), 10, 1000});
    const SetResult& set = report.interchanges.at(0).groups.at(0).sets.at(0);
    CHECK(set.segments.size() == 10);
    CHECK(set.errors_cut == 490);
    CHECK(report.errors_cut == 490);
    CHECK(set.ack_code == "R");
    CHECK(set.codes == std::vector<std::string>{"5"});
  }
  SECTION("per file: later sets keep none but are rejected all the same") {
    const auto report =
        validate_with(interchange({one_set, set_text(body, "0002")}), {&Charset::utf8(), 100, 150});
    const auto& sets = report.interchanges.at(0).groups.at(0).sets;
    CHECK(sets.at(0).segments.size() == 100);
    CHECK(sets.at(1).segments.size() == 50);
    CHECK(sets.at(1).errors_cut == 450);
    CHECK(sets.at(1).ack_code == "R");
    CHECK(report.interchanges[0].groups[0].ack_code == "R");
  }
  SECTION("element errors: at most 99 per segment") {
    std::string many = "CTT*1";
    for (int i = 0; i < 150; ++i) many += "*X";
    const auto result = check({kValidBsn, "HL*1**S", many});
    REQUIRE(result.segments.size() == 1);
    CHECK(result.segments[0].elements.size() == 99);
    CHECK(result.errors_cut == 51);  // 150 errors: CTT02 'X' is no number (6), CTT03..CTT151 are too many (3)
  }
}

TEST_CASE("GS02/GS03 IDs, GS04 date and GS05 time are checked and reject the group", "[validation][report]") {
  auto group_of = [](const std::string& gs) {
    std::string text = interchange({set_text(kValidBody)});
    const auto from = text.find("GS*"), to = text.find('~', from);
    text.replace(from, to - from, gs);
    return validate_text(text).interchanges.at(0).groups.at(0);
  };
  CHECK(group_of("GS*SH*SENDER*RECEIVER*20240318*1430*1*X*004010").ack_code == "A");
  CHECK(group_of("GS*SH*SENDER*RECEIVER*20240229*235959*1*X*004010").ack_code == "A");  // leap day, HHMMSS
  const auto long_gs02 = group_of("GS*SH*SENDER-ID-TOO-LONG*RECEIVER*20240318*1430*1*X*004010");
  CHECK(long_gs02.ack_code == "R");
  CHECK(long_gs02.codes.empty());  // X12 has no AK905 code for it
  CHECK(long_gs02.note == "segment 2 GS02 'SENDER-ID-TOO-LONG' is 18 characters: expected 2..15");
  CHECK(group_of("GS*SH*SEN>DER*RECEIVER*20240318*1430*1*X*004010").note ==
        "segment 2 GS02 'SEN>DER' contains the delimiter '>'");
  CHECK(group_of("GS*SH*SENDER*RECEIVER*20230229*1430*1*X*004010").note ==
        "segment 2 GS04 '20230229' is not a valid date CCYYMMDD");
  CHECK(group_of("GS*SH*SENDER*RECEIVER*240318*1430*1*X*004010").note ==
        "segment 2 GS04 '240318' is not a valid date CCYYMMDD");
  CHECK(group_of("GS*SH*SENDER*RECEIVER*20240318*2460*1*X*004010").note ==
        "segment 2 GS05 '2460' is not a valid time HHMM, HHMMSS, HHMMSSd or HHMMSSdd");
}

TEST_CASE("ISA06/ISA08 holding a delimiter and malformed TA1s are interchange errors", "[validation][report]") {
  // ISA08 at offset 54, ISA16 '>'.
  auto report = validate_text(interchange({set_text(kValidBody)}, "004010", "SH", Isa().at(54, "REC>IVER")));
  CHECK(report.interchanges[0].note_code == "008");
  CHECK(report.interchanges[0].note == "ISA08 'REC>IVER' contains the delimiter '>'");
  report = validate_text(Isa().text + "TA1*0659*20261127*1015*A~IEA*0*000000001~");
  CHECK(report.interchanges[0].ack_code == "R");
  CHECK(report.interchanges[0].note_code == "024");
  CHECK(report.interchanges[0].note ==
        "segment 2 TA1: TA101 '0659' is not 9 digits; segment 2 TA1: TA102 '20261127' is not YYMMDD; "
        "segment 2 TA1: TA105 note code missing");
  report = validate_text(Isa().text + "TA1*000000659*261127*2460*A*000~IEA*0*000000001~");
  CHECK(report.interchanges[0].note == "segment 2 TA1: TA103 '2460' is not a time HHMM");
  report = validate_text(Isa().text + "TA1*000000659*261127*1015*A*000~IEA*0*000000001~");
  CHECK(report.valid());
}

// Regression: the envelope checker listed 1,000 issues and dropped the rest, so in a flood
// every interchange after the 1,000th issue was accepted (and delivered) however broken.
TEST_CASE("every broken interchange of a flood is rejected past the 1000th envelope issue", "[validation][envelope]") {
  std::string bytes;
  const int interchanges = 1500;
  for (int i = 1; i <= interchanges; ++i) {
    std::string control = std::to_string(i);
    control.insert(0, 9 - control.size(), '0');
    bytes += "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240318*1430*^*00501*" + control +
             "*0*P*>~GS*SH*SENDER*RECEIVER*20240318*1430*" + std::to_string(i) +
             "*X*005010~ST*856*0001~BSN*00*1*20240318*1430~SE*3*0001~GE*1*" + std::to_string(i) +
             "~IEA*2*" + control + "~";  // IEA01 says 2 groups, there is 1
  }
  const auto report = validate(bytes, [](const auto&, const auto&, const auto&) -> const TransactionSetSchema* {
    return nullptr;
  });
  REQUIRE(report.interchanges.size() == interchanges);
  std::size_t accepted_without_note = 0;
  for (const auto& interchange : report.interchanges)
    if (interchange.note_code == "000") ++accepted_without_note;
  CHECK(accepted_without_note == 0);
  CHECK_FALSE(report.valid());
}
