// The built-in UN/EDIFACT schemas (formats/schemas/edifact-*.yaml) load, are found by
// message type and UNH version, and validate hand-built messages: valid ones without
// errors, and each kind of fault with the X12 code the CONTRL builder translates.
// Structures were checked by hand against the UNTDID tables (D96A DESADV, CONTRL syntax 3)
// and the EANCOM 1997 DESADV guide (SG1 RFF max 10, SG10 CPS max 9999); positions were
// counted by hand from UNH = 1.
#include <catch2/catch.hpp>

#include "formats/edifact.h"
#include "formats/edifact_envelope.h"
#include "formats/edifact_reader.h"
#include "formats/parsed_file.h"
#include "formats/schema.h"
#include "formats/validation.h"
#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::edifact::kComponent;
using edihub::edifact::kRepetition;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

const StructureNode* group(const std::vector<StructureNode>& nodes, std::string_view id) {
  for (const auto& node : nodes) {
    if (node.group == id) return &node;
    if (node.is_loop)
      if (const auto* found = group(node.children, id)) return found;
  }
  return nullptr;
}

// "DTM+137:20020401:102" in the unescaped model: '+' between elements, ':' -> kComponent,
// '*' -> kRepetition (the test's own shorthand, not EDIFACT parsing).
Segment segment(std::string_view text) {
  Segment s;
  const auto plus = text.find('+');
  s.tag = std::string(text.substr(0, plus));
  if (plus == std::string_view::npos) return s;
  std::string value;
  for (char c : text.substr(plus + 1)) {
    if (c == '+') {
      s.elements.push_back(value);
      value.clear();
    } else {
      value += c == ':' ? kComponent : c == '*' ? kRepetition : c;
    }
  }
  s.elements.push_back(value);
  return s;
}

TransactionSet message(const std::string& type, const std::string& version, const std::vector<std::string>& body) {
  TransactionSet set;
  set.id = type;
  set.control_number = "1";
  set.message_version = version;
  set.delimiters = Delimiters{'+', kComponent, kRepetition, "'", 0, 0};
  set.segments.push_back(segment("UNH+1+" + type + ":" + version.substr(0, 1) + ":" + version.substr(1) + ":UN"));
  for (const auto& text : body) set.segments.push_back(segment(text));
  set.segments.push_back(segment("UNT+" + std::to_string(body.size() + 2) + "+1"));
  for (std::size_t i = 0; i < set.segments.size(); ++i) {
    set.segments[i].position = static_cast<std::uint32_t>(i + 1);
    set.segments[i].number = i + 2;  // after the UNB
  }
  return set;
}

const std::vector<std::string> kDesadv = {
    "BGM+351+DES587441+9",       "DTM+137:20020401:102", "DTM+11:200204011300:203", "RFF+ON:ORD1234",
    "NAD+BY+5412345000013::9",   "NAD+SU+4012345500004::9", "CPS+1",              "PAC+1++PK",
    "LIN+1++5412345678908:EN",   "QTY+12:100",           "CNT+2:1"};

SetResult validate_desadv(std::vector<std::string> body, const TransactionSetSchema* schema = nullptr) {
  if (!schema) schema = SchemaLibrary::builtin().find("DESADV", "D96A");
  REQUIRE(schema);
  return validate_set(message("DESADV", "D96A", body), *schema);
}

// The only segment error, or its only element error (copies: results are temporaries).
SegmentError only_error(const SetResult& result) {
  INFO((result.segments.empty() ? std::string("no errors") : result.segments[0].message));
  REQUIRE(result.segments.size() == 1);
  return result.segments[0];
}

ElementError only_element_error(const SetResult& result) {
  const auto error = only_error(result);
  REQUIRE(error.code == "8");
  REQUIRE(error.elements.size() == 1);
  return error.elements[0];
}

}  // namespace

TEST_CASE("every EDIFACT message schema loads and is found by type and UNH version", "[schema][edifact]") {
  const SchemaLibrary& lib = SchemaLibrary::builtin();
  for (const char* type : {"DESADV", "ORDERS", "ORDRSP", "INVOIC"})
    for (const char* version : {"D96A", "D01B"}) {
      INFO(type << " " << version);
      const auto* schema = lib.find(type, version);
      REQUIRE(schema);
      CHECK(schema->standard == Standard::Edifact);
      CHECK(schema->functional_id == type);
      CHECK(schema->structure.front().tag == "UNH");
      CHECK(schema->structure.back().tag == "UNT");
      CHECK(schema->dictionary->standard == Standard::Edifact);
    }
  for (const char* version : {"D3", "41", "42"}) {
    const auto* contrl = lib.find("CONTRL", version);
    REQUIRE(contrl);
    CHECK(contrl->structure[1].tag == "UCI");
  }
  CHECK(lib.find("DESADV", "D96B") == nullptr);
  CHECK(lib.find("856", "D96A") == nullptr);
  // X12 lookups are untouched: six-digit prefix, nothing shorter.
  CHECK(lib.find("856", "004010VICS") == lib.find("856", "004010"));
  CHECK(lib.find("856", "00401") == nullptr);
  CHECK(lib.find("DESADV", "004010") == nullptr);
}

TEST_CASE("DESADV D96A groups, usage and maximums as the UNTDID table prints them", "[schema][edifact]") {
  const auto* schema = SchemaLibrary::builtin().find("DESADV", "D96A");
  REQUIRE(schema);
  const auto& top = schema->structure;
  REQUIRE(top.size() >= 4);
  CHECK(top[1].tag == "BGM");
  CHECK(top[1].usage == Usage::Mandatory);
  CHECK(top[2].tag == "DTM");
  CHECK(top[2].max_use == 10);
  const auto* sg1 = group(top, "SG1");
  REQUIRE(sg1);
  CHECK(sg1->tag == "RFF");
  CHECK(sg1->loop_id() == "SG1");
  CHECK(sg1->usage == Usage::Optional);
  CHECK(sg1->max_use == 10);
  const auto* sg10 = group(top, "SG10");
  REQUIRE(sg10);
  CHECK(sg10->tag == "CPS");
  CHECK(sg10->max_use == 9999);
  const auto* sg15 = group(sg10->children, "SG15");
  REQUIRE(sg15);
  CHECK(sg15->tag == "LIN");
  // The dictionary: BGM's C002 and DTM's C507 with their components and formats.
  const SegmentDef* dtm = schema->dictionary->segment("DTM");
  REQUIRE(dtm);
  REQUIRE(dtm->elements.size() == 1);
  CHECK(dtm->elements[0].composite == "C507");
  CHECK(dtm->elements[0].usage == Usage::Mandatory);
  const auto& c507 = dtm->elements[0].components;
  REQUIRE(c507.size() == 3);
  CHECK(c507[0].first == Usage::Mandatory);
  CHECK(c507[0].second.reference == "2005");
  CHECK(c507[1].second.reference == "2380");
  CHECK(c507[1].second.type == ElementType::EdifactAN);
  CHECK(c507[1].second.max_length == 35);
  CHECK(c507[2].second.reference == "2379");
  CHECK(std::binary_search(c507[2].second.codes.begin(), c507[2].second.codes.end(), "102"));
  const SegmentDef* qty = schema->dictionary->segment("QTY");
  REQUIRE(qty);
  CHECK(qty->elements[0].components[1].second.type == ElementType::EdifactN);
  CHECK(qty->elements[0].components[1].second.max_length == 15);
  CHECK(qty->elements[0].components[2].second.codes.empty());  // 6411 units: not restricted
}

TEST_CASE("CONTRL syntax 3 has the ISO 9735 groups", "[schema][edifact]") {
  const auto* schema = SchemaLibrary::builtin().find("CONTRL", "D3");
  REQUIRE(schema);
  const auto* sg1 = group(schema->structure, "SG1");
  REQUIRE(sg1);
  CHECK(sg1->tag == "UCM");
  const auto* sg2 = group(sg1->children, "SG2");
  REQUIRE(sg2);
  CHECK(sg2->tag == "UCS");
  CHECK(sg2->max_use == 999);
  REQUIRE(sg2->children.size() == 2);
  CHECK(sg2->children[1].tag == "UCD");
  CHECK(sg2->children[1].max_use == 99);
  const auto* sg3 = group(schema->structure, "SG3");
  REQUIRE(sg3);
  CHECK(sg3->tag == "UCF");
}

TEST_CASE("a hand-built DESADV D96A validates without errors", "[validation][edifact]") {
  const auto result = validate_desadv(kDesadv);
  CHECK(result.segments.empty());
  CHECK(result.ack_code == "A");
  // Both decimal marks, a sign, and lengths that do not count them (n..15: 15 digits).
  auto body = kDesadv;
  body[9] = "QTY+12:-12345678901234,5";
  CHECK(validate_desadv(body).segments.empty());
  body[9] = "QTY+12:10.5";
  CHECK(validate_desadv(body).segments.empty());
}

TEST_CASE("hand-built INVOIC and ORDRSP (D96A, EANCOM style) and a CONTRL validate without errors", "[validation][edifact]") {
  const SchemaLibrary& lib = SchemaLibrary::builtin();
  auto errors = [&](const std::string& type, const std::string& version, const std::vector<std::string>& body) {
    const auto* schema = lib.find(type, version);
    REQUIRE(schema);
    const auto result = validate_set(message(type, version, body), *schema);
    std::vector<std::string> messages;
    for (const auto& e : result.segments) messages.push_back(e.message + (e.elements.empty() ? "" : ": " + e.elements[0].message));
    return messages;
  };
  // The line in SG25 (LIN, QTY, its amount SG26 MOA, price SG28 PRI, tax SG33 TAX), the
  // summary after UNS: SG48 MOA (mandatory), SG50 TAX with its MOA.
  CHECK(errors("INVOIC", "D96A",
               {"BGM+380+INV123+9", "DTM+137:20020401:102", "DTM+35:20020330:102", "RFF+ON:ORD1234",
                "NAD+SU+4012345500004::9", "RFF+VA:DE123456789", "NAD+BY+5412345000013::9", "CUX+2:EUR:4",
                "LIN+1++5412345678908:EN", "QTY+47:10", "MOA+203:100.00", "PRI+AAA:10.00", "TAX+7+VAT+++:::19+S",
                "UNS+S", "CNT+2:1", "MOA+86:119.00", "TAX+7+VAT+++:::19+S", "MOA+124:19.00"})
            .empty());
  // Without the summary MOA: SG48 (mandatory) is missing, named by its group.
  const auto* invoic = lib.find("INVOIC", "D96A");
  const auto missing = validate_set(message("INVOIC", "D96A", {"BGM+380+INV123+9", "DTM+137:20020401:102", "UNS+S"}), *invoic);
  REQUIRE(missing.segments.size() == 1);
  CHECK(missing.segments[0].tag == "MOA");
  CHECK(missing.segments[0].loop_id == "SG48");
  CHECK(missing.segments[0].position == 5);  // UNT showed it missing
  CHECK(errors("ORDRSP", "D96A",
               {"BGM+231+RSP1+29+AP", "DTM+137:20020401:102", "RFF+ON:ORD1234", "NAD+BY+5412345000013::9",
                "NAD+SU+4012345500004::9", "LIN+1+5+5412345678908:EN", "QTY+21:100", "DTM+2:20020405:102", "UNS+S",
                "CNT+2:1"})
            .empty());
  CHECK(errors("ORDERS", "D01B",
               {"BGM+220+PO1+9", "DTM+137:20020401:102", "NAD+BY+5412345000013::9", "LIN+1++5412345678908:SRV",
                "QTY+21:10", "UNS+S"})
            .empty());
  // A CONTRL rejecting a DESADV: segment 7 lacks a mandatory element (13), its element 2
  // component 1 holds an invalid value (12).
  CHECK(errors("CONTRL", "D3",
               {"UCI+0001+5412345000013:14+4012345500004:14+4", "UCM+142+DESADV:D:96A:UN+4", "UCS+7+13", "UCD+12+2:1"})
            .empty());
  CHECK(errors("CONTRL", "41",
               {"UCI+0001+5412345000013:14+4012345500004:14+4", "UCM+142+DESADV:D:96A:UN+4", "UCS+7+13", "UCD+12+2:1"})
            .empty());
}

TEST_CASE("EDIFACT structure errors: missing, unknown, foreign, misplaced, too many", "[validation][edifact]") {
  SECTION("a missing mandatory BGM (3) at the segment that showed it") {
    auto body = kDesadv;
    body.erase(body.begin());
    const auto& error = only_error(validate_desadv(body));
    CHECK(error.code == "3");
    CHECK(error.tag == "BGM");
    CHECK(error.position == 2);  // DTM, now second, showed it missing
  }
  SECTION("a tag no D96A segment has (1)") {
    auto body = kDesadv;
    body.insert(body.begin() + 1, "ZZZ+1");
    const auto& error = only_error(validate_desadv(body));
    CHECK(error.code == "1");
    CHECK(error.position == 3);
  }
  SECTION("a D96A segment DESADV does not use (6)") {
    auto body = kDesadv;
    body.insert(body.begin() + 1, "TAX+7+VAT");
    CHECK(only_error(validate_desadv(body)).code == "6");
  }
  SECTION("a segment used earlier in the message (7)") {
    auto body = kDesadv;
    body.insert(body.begin() + 6, "ALI+DE");  // after the NADs (SG2)
    const auto& error = only_error(validate_desadv(body));
    CHECK(error.code == "7");
    CHECK(error.position == 8);
    CHECK(error.loop_id == "SG2");
  }
  SECTION("an 11th DTM where 10 are allowed (5)") {
    auto body = kDesadv;
    body.insert(body.begin() + 1, 9, "DTM+2:20020402:102");  // 2 + 9 = 11 at the top
    const auto& error = only_error(validate_desadv(body));
    CHECK(error.code == "5");
    CHECK(error.tag == "DTM");
    CHECK(error.position == 13);  // UNH, BGM, 11 DTMs: the 11th is at 13
  }
  SECTION("an 11th SG1 where 10 are allowed (4), named by its group") {
    auto body = kDesadv;
    body.insert(body.begin() + 3, 10, "RFF+AAK:DN1");
    const auto& error = only_error(validate_desadv(body));
    CHECK(error.code == "4");
    CHECK(error.tag == "RFF");
    CHECK(error.position == 15);  // UNH BGM DTM DTM, RFFs at 5..15
    CHECK(error.message.find("group SG1") != std::string::npos);
  }
}

TEST_CASE("EDIFACT element errors carry the X12 codes and EDIFACT names", "[validation][edifact]") {
  auto with = [](std::size_t index, const std::string& text) {
    auto body = kDesadv;
    body[index] = text;
    return validate_desadv(body);
  };
  SECTION("a mandatory simple element missing (1)") {
    const auto& e = only_element_error(with(4, "NAD++5412345000013::9"));
    CHECK(e.code == "1");
    CHECK(e.position == 1);
    CHECK(e.reference == "3035");
  }
  SECTION("a mandatory component missing (1)") {
    const auto& e = only_element_error(with(3, "RFF+:ORD1234"));
    CHECK(e.code == "1");
    CHECK(e.component == 1);
    CHECK(e.reference == "1153");
  }
  SECTION("too many elements (3)") {
    const auto& e = only_element_error(with(6, "CPS+1++1+X"));  // CPS has 3
    CHECK(e.code == "3");
    CHECK(e.position == 4);
  }
  SECTION("too long (5) for an..35") {
    const auto& e = only_element_error(with(0, "BGM+351+" + std::string(36, 'D') + "+9"));
    CHECK(e.code == "5");
    CHECK(e.position == 2);
    CHECK(e.message.find("an..35") != std::string::npos);
  }
  SECTION("n..15: sixteen digits are too long, a letter is an invalid character (6)") {
    CHECK(only_element_error(with(9, "QTY+12:1234567890123456")).code == "5");
    const auto& e = only_element_error(with(9, "QTY+12:1O0"));
    CHECK(e.code == "6");
    CHECK(e.component == 2);
    CHECK(e.message == "QTY01-2 (6060 Quantity): '1O0' is not a n..15 number (digits, optional leading minus and one decimal mark . or ,)");
    CHECK(only_element_error(with(9, "QTY+12:1.2,3")).code == "6");
  }
  SECTION("a code outside the element's list (7)") {
    const auto& e = only_element_error(with(0, "BGM+XYZ+DES587441+9"));
    CHECK(e.code == "7");
    CHECK(e.position == 1);
    CHECK(e.component == 1);
    CHECK(e.reference == "1001");
  }
  SECTION("a date too short for its format (4), an impossible date (8), an impossible time (9)") {
    const auto& short_date = only_element_error(with(1, "DTM+137:2026112:102"));
    CHECK(short_date.code == "4");
    CHECK(short_date.component == 2);
    CHECK(short_date.message ==
          "DTM01-2 (2380 Date/time/period): '2026112' is too short: date/time/period of format 102 (CCYYMMDD) needs 8 characters");
    CHECK(only_element_error(with(1, "DTM+137:20261332:102")).code == "8");
    CHECK(only_element_error(with(1, "DTM+137:20250229:102")).code == "8");
    CHECK(with(1, "DTM+137:20240229:102").segments.empty());
    CHECK(only_element_error(with(2, "DTM+11:200204012500:203")).code == "8");
    CHECK(only_element_error(with(2, "DTM+2:2561:401")).code == "9");
    CHECK(with(2, "DTM+2:20020401-20020430:718").segments.empty());
    CHECK(only_element_error(with(2, "DTM+2:20020401-20020431:718")).code == "8");
  }
  SECTION("too many components (13)") {
    const auto& e = only_element_error(with(1, "DTM+137:20020401:102:X"));
    CHECK(e.code == "13");
    CHECK(e.component == 4);
  }
  SECTION("a repeated element that does not repeat (12)") {
    CHECK(only_element_error(with(0, "BGM+351+DES1*DES2+9")).code == "12");
  }
}

TEST_CASE("an EANCOM guide tightens DESADV: SG2 mandatory, BGM01-1 only 351, DTM qualifiers", "[schema][tighten][edifact]") {
  const auto* base = SchemaLibrary::builtin().find("DESADV", "D96A");
  REQUIRE(base);
  Tightening eancom;
  eancom.source = "partners/eancom.yaml:12";
  eancom.mandatory_segments = {"SG2/NAD", "SG10"};
  eancom.mandatory_elements = {"BGM02"};
  eancom.codes = {{"BGM01-1", {"351"}}, {"DTM01-1", {"137", "11", "17"}}};
  const auto schema = tighten(*base, eancom);

  CHECK(validate_desadv(kDesadv, schema.get()).segments.empty());
  SECTION("no NAD: SG2 missing, a partner rule (I7)") {
    auto body = kDesadv;
    body.erase(body.begin() + 4, body.begin() + 6);
    const auto& error = only_error(validate_desadv(body, schema.get()));
    CHECK(error.code == "3");
    CHECK(error.implementation_code == "I7");
    CHECK(error.tag == "NAD");
    CHECK(error.loop_id == "SG2");
  }
  SECTION("a standard document code the guide does not use (7, I6)") {
    auto body = kDesadv;
    body[0] = "BGM+345+DES587441+9";
    const auto& e = only_element_error(validate_desadv(body, schema.get()));
    CHECK(e.code == "7");
    CHECK(e.implementation_code == "I6");
    CHECK(e.component == 1);
    body[0] = "BGM+351++9";
    const auto& missing = only_element_error(validate_desadv(body, schema.get()));
    CHECK(missing.code == "1");
    CHECK(missing.implementation_code == "I9");
    CHECK(missing.position == 2);
  }
  SECTION("a DTM qualifier outside the guide's list") {
    auto body = kDesadv;
    body[1] = "DTM+2:20020401:102";
    CHECK(only_element_error(validate_desadv(body, schema.get())).implementation_code == "I6");
  }
  SECTION("rules naming what the message lacks are errors at the profile's line") {
    Tightening bad;
    bad.source = "partners/eancom.yaml:20";
    bad.codes = {{"BGM01-1", {"999"}}};
    CHECK_THROWS_WITH(tighten(*base, bad), Catch::Contains("partners/eancom.yaml:20") && Catch::Contains("999"));
    bad.codes = {{"BGM01", {"351"}}};
    CHECK_THROWS_WITH(tighten(*base, bad), Catch::Contains("BGM01-1"));
    bad.codes = {{"BGM01-9", {"351"}}};
    CHECK_THROWS_WITH(tighten(*base, bad), Catch::Contains("4 components"));
    bad.codes.clear();
    bad.mandatory_segments = {"SG99"};
    CHECK_THROWS_WITH(tighten(*base, bad), Catch::Contains("SG99"));
  }
}

TEST_CASE("the EDIFACT loader: formats, usage C, groups and version names", "[schema][edifact]") {
  const std::string dictionary = R"(standard: edifact
version: "D96A"
elements:
  "3035": {name: Party function code qualifier, type: an..3, codes: [BY, SU]}
  "3207": {name: Country, type: a3}
  "6060": {name: Quantity, type: n..15}
segments:
  UNH: {name: Message header, elements: [["3035", M]]}
  UNT: {name: Message trailer, elements: [["6060", M], ["6060", C]]}
  NAD: {name: Name and address, elements: [["3035", M], ["3207", C]]}
)";
  const std::string structure = R"(message: TEST
versions: ["D96A"]
structure:
  - UNH M 1
  - group SG1 C 2:
      - NAD M 1
  - UNT M 1
)";
  const auto lib = SchemaLibrary::load({{"d.yaml", dictionary}, {"s.yaml", structure}});
  const auto* schema = lib->find("TEST", "D96A");
  REQUIRE(schema);
  const auto& country = schema->dictionary->segment("NAD")->elements[1].element;
  CHECK(country.type == ElementType::EdifactA);
  CHECK(country.min_length == 3);
  CHECK(country.max_length == 3);
  // a3: a digit is an invalid character (6), two letters too short (4).
  auto check = [&](const std::string& nad) {
    TransactionSet set = message("TEST", "D96A", {nad});
    set.segments.front() = segment("UNH+BY");
    return validate_set(set, *schema);
  };
  CHECK(check("NAD+BY+DEU").segments.empty());
  CHECK(only_element_error(check("NAD+BY+DE1")).code == "6");
  CHECK(only_element_error(check("NAD+BY+DE")).code == "4");

  auto fails = [&](const std::string& file_text, const std::string& expected) {
    CHECK_THROWS_WITH(SchemaLibrary::load({{"d.yaml", dictionary}, {"bad.yaml", file_text}}),
                      Catch::Contains("bad.yaml:") && Catch::Contains(expected));
  };
  fails("message: TEST\nversions: [\"D96A\"]\nstructure:\n  - UNH M 1\n  - NAD O 1\n  - UNT M 1\n", "must be M or C");
  fails("message: TEST\nversions: [\"D96A\"]\nstructure:\n  - UNH M 1\n  - group SG1 C 2:\n      - NAD C 1\n  - UNT M 1\n",
        "mandatory trigger");
  fails("message: TEST\nversions: [\"D96A\"]\nstructure:\n  - UNH M 1\n  - loop NAD C 2:\n      - NAD M 1\n  - UNT M 1\n",
        "group ID USAGE MAX");
  fails("message: TEST\nversions: [\"004010\"]\nstructure:\n  - UNH M 1\n  - UNT M 1\n", "no EDIFACT dictionary");
  fails("standard: edifact\nversion: \"D01B\"\nelements:\n  \"1\": {name: x, type: an35x}\n", "not an EDIFACT format");
  fails("standard: edifact\nversion: \"D01B\"\nelements:\n  \"1\": {name: x, type: an..3, max: 3}\n", "lengths are in its type");
}

TEST_CASE("EDIFACT code names are kept apart from X12's", "[schema][edifact]") {
  const SchemaLibrary& lib = SchemaLibrary::builtin();
  CHECK(lib.code_name("1001", "351", Standard::Edifact) == "Despatch advice");
  CHECK(lib.code_name("3035", "SU", Standard::Edifact) == "Supplier");
  CHECK(lib.code_name("1153", "ON", Standard::Edifact) == "Order number (purchase)");
  CHECK(lib.code_name("2005", "137", Standard::Edifact) == "Document/message date/time");
  CHECK(lib.code_name("7143", "SRV", Standard::Edifact) == "EAN.UCC Global Trade Item Number");
  // X12 98 "SU" is Supplier/Manufacturer; the X12 table has no 3035.
  CHECK(lib.code_name("3035", "SU").empty());
  CHECK(lib.code_name("98", "ST", Standard::Edifact).empty());
  CHECK(lib.code_name("98", "ST") == "Ship To");
}

namespace {

// The messages of a public sample file, read and envelope-checked as the hub does.
std::vector<TransactionSet> sample_messages(const char* name) {
  ParsedFile parsed;
  Collector collector(parsed);
  edihub::edifact::EnvelopeChecker checker(&collector);
  edihub::edifact::Reader reader(checker);
  reader.feed(read_file(data_dir() / "edifact" / name));
  reader.finish();
  checker.finish();
  std::vector<TransactionSet> messages;
  for (auto& interchange : parsed.interchanges)
    for (auto& group : interchange.groups)
      for (auto& set : group.sets) messages.push_back(std::move(set));
  return messages;
}

}  // namespace

TEST_CASE("public D96A and D01B samples validate with the errors found by hand", "[validation][edifact][corpus]") {
  const SchemaLibrary& lib = SchemaLibrary::builtin();
  SECTION("ORDERS D96A, the German Wikipedia example: no errors") {
    const auto messages = sample_messages("orders_d96a_wikipedia_de.edi");
    REQUIRE(messages.size() == 1);
    const auto* schema = lib.find(messages[0].id, messages[0].message_version);
    REQUIRE(schema);
    const auto result = validate_set(messages[0], *schema);
    CHECK(result.segments.empty());
    CHECK(result.ack_code == "A");
  }
  SECTION("ORDERS D01B EAN010: the QTY units GBND, PACK, SCHA are longer than 6411's an..3") {
    const auto messages = sample_messages("orders_d01b_ean010.edi");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].message_version == "D01B");
    const auto* schema = lib.find("ORDERS", "D01B");
    REQUIRE(schema);
    const auto result = validate_set(messages[0], *schema);
    // 146 QTYs (counted by hand: 96 GBND, 26 PACK, 1 SCHA; 4 BTL, 3 EIM, 16 STK fit):
    // 123 errors, 100 kept (the per-message cap), 23 counted.
    REQUIRE(result.segments.size() == 100);
    CHECK(result.errors_cut == 23);
    CHECK(result.ack_code == "R");
    for (const auto& error : result.segments) {
      INFO(error.message);
      CHECK(error.tag == "QTY");
      CHECK(error.loop_id == "SG28");  // D01B ORDERS: the LIN group
      REQUIRE(error.elements.size() == 1);
      CHECK(error.elements[0].component == 3);
      CHECK(error.elements[0].reference == "6411");
      CHECK(error.elements[0].code == "5");
      CHECK((error.elements[0].bad_value == "GBND" || error.elements[0].bad_value == "PACK" || error.elements[0].bad_value == "SCHA"));
    }
    // UNH BGM DTM DTM RFF NAD CTA COM COM NAD NAD RFF LIN PIA IMD QTY: the first QTY is 16.
    CHECK(result.segments[0].position == 16);
  }
  SECTION("DESADV 96A (UNH version '0', so validated against D96A by hand): BGM03 is not a 1225 code") {
    const auto messages = sample_messages("desadv_d96a.edi");
    REQUIRE(messages.size() == 1);
    CHECK(lib.find("DESADV", messages[0].message_version) == nullptr);
    const auto result = validate_set(messages[0], *lib.find("DESADV", "D96A"));
    const auto error = only_element_error(result);
    CHECK(error.position == 3);
    CHECK(error.reference == "1225");
    CHECK(error.code == "7");
    CHECK(error.bad_value == "700101");
  }
}
