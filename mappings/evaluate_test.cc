// Each language feature on small sets built for the purpose, and each evaluation error
// with its mapping line, transaction set and segment position.
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"

using namespace edihub::mapping;
using edihub::mapping::testing::make_set;
using edihub::mapping::testing::test_tables;
using nlohmann::json;

namespace {

// Lines 1-3; the fields given start on line 4.
const std::string kHead =
    "source: {format: x12, transaction_set: \"856\", versions: [\"004010\", \"005010\"]}\ntarget: t\nfields:\n";

Result evaluate(const std::string& fields, std::string_view body, const CodeTables& tables = test_tables()) {
  auto mapping = Mapping::load(kHead + fields, "m.yaml");
  auto read = make_set(body);
  return mapping->evaluate(read.set, read.context(), tables);
}

json run(const std::string& fields, std::string_view body) { return evaluate(fields, body).transaction; }

// The MappingError `fields` give on `body`.
void check_error(const std::string& fields, std::string_view body, const std::string& what, int line,
                 std::uint32_t position, const CodeTables& tables = test_tables()) {
  try {
    evaluate(fields, body, tables);
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK(std::string(e.what()) == what);
    CHECK(e.file == "m.yaml");
    CHECK(e.line == line);
    CHECK(e.transaction_set == "856 control 0001");
    CHECK(e.segment_position == position);
  }
}

// S-O-P-I and S-O-I orders side by side: ST=1 BSN=2 DTM=3 HL(S)=4 ...
const std::string kShipment =
    "BSN*00*ASN1*20240318*1430*0001~DTM*011*20240317~"
    "HL*1**S~TD1*CTN*3****G*12.5*KG~TD5**2*UPSN*U~REF*BM*BOL1~REF*CN*PRO1~REF*CN*PRO2~"
    "N1*SF*ACME*92*V1~N3*1 MAIN ST~N4*AKRON*OH*44301~N1*ST*PLANT*92*1000~N4*TOLEDO*OH~"
    "HL*2*1*O~PRF*PO1**~REF*IV*INV1~"
    "HL*3*2*P~MAN*GM*SSCC1~MAN*CP*TRK1~"
    "HL*4*3*I~LIN*1*BP*B1*VN*V1*UK*G1~SN1*1*10*EA~REF*LS*LOT1~REF*LS*LOT2~"
    "HL*5*3*I~LIN*2*VP*V2*UP*U2~SN1*2*2.5*CA~"
    "HL*6*1*O~PRF*PO2***20240301~"
    "HL*7*6*I~LIN*3*BP*B3~SN1*3*1*EA~CTT*7~";

}  // namespace

TEST_CASE("evaluate: elements, components, repetitions", "[mappings][evaluate]") {
  json out =
      run("  whole: REF02\n  component: REF02-2\n  rep: REF03^2\n  rep_comp: REF03^3-1\n  raw: REF03\n"
          "  none: REF02-9\n",
          "REF*ZZ*A:B:C*X^Y^Z:1~");
  CHECK(out == json{{"whole", "A:B:C"}, {"component", "B"}, {"rep", "Y"}, {"rep_comp", "Z"}, {"raw", "X^Y^Z:1"}});
}

TEST_CASE("evaluate: the first segment with a value, qualifier filters", "[mappings][evaluate]") {
  json out =
      run("  bol: REF02 where REF01=BM\n  first_cn: REF02 where REF01=CN\n  weight: TD107\n"
          "  either: REF02 where REF01=XX|CN\n  both: MAN02 where MAN01=GM and MAN02=SSCC1\n  absent: REF02 where "
          "REF01=ZZ\n",
          kShipment);
  CHECK(out == json{{"bol", "BOL1"}, {"first_cn", "PRO1"}, {"weight", "12.5"}, {"either", "PRO1"}, {"both", "SSCC1"}});
  // An element left empty in the first match is looked for in the next one.
  CHECK(run("  po: PRF02\n", "PRF*A~PRF*B*R2~") == json{{"po", "R2"}});
  // Values are trimmed; only spaces is no value.
  CHECK(run("  a: TD101\n  b: TD102\n", "TD1* BIN52 *   ~") == json{{"a", "BIN52"}});
}

TEST_CASE("evaluate: value after a qualifier in LIN pairs", "[mappings][evaluate]") {
  json out = run("  buyer: LIN after BP\n  vendor: LIN after VP|VN\n  gtin: LIN after UK|EN\n  line: LIN01\n",
                 "LIN*00030*BP*000 260 056 524*VN*abc123*EC*02~");
  CHECK(out == json{{"buyer", "000 260 056 524"}, {"vendor", "abc123"}, {"line", "00030"}});
  // LIN01 is never a qualifier, and a value equal to a qualifier is not one either.
  CHECK(run("  x: LIN after BP\n", "LIN*BP*VP*BP*BP*X~") == json{{"x", "X"}});
  CHECK(run("  po: PO1 after BP\n", "PO1*1*5*EA*2.5**BP*B9~") == json{{"po", "B9"}});
}

TEST_CASE("evaluate: N1 loops with their N3/N4", "[mappings][evaluate]") {
  const std::string fields =
      "  ship_from:\n    in: N1 where N101=SF\n    fields: {name: N102, street: N301, city: N401}\n"
      "  ship_to:\n    in: N1 where N101=ST\n    fields: {name: N102, street: N301, city: N401}\n"
      "  buyer:\n    in: N1 where N101=BY\n    fields: {name: N102}\n";
  json out = run(fields, kShipment);
  CHECK(out["ship_from"] == json{{"name", "ACME"}, {"street", "1 MAIN ST"}, {"city", "AKRON"}});
  // The loop stops at the next N1: ST has no N3 of its own.
  CHECK(out["ship_to"] == json{{"name", "PLANT"}, {"city", "TOLEDO"}});
  CHECK_FALSE(out.contains("buyer"));
}

TEST_CASE("evaluate: PO1 and IT1 line loops run to the next line or the summary", "[mappings][evaluate]") {
  // 855: an AMT inside a PO1 loop belongs to the line; the AMT after CTT is the summary's.
  const std::string po1 = "  lines:\n    each: PO1\n    fields: {n: PO101, amount: AMT02, acks: {all: [ACK01]}}\n";
  CHECK(run(po1, "BAK*00*AC*P1*20240318~PO1*1*5*EA~ACK*IA*3*EA~ACK*IB*2*EA~AMT*1*12.5~PO1*2*1*EA~ACK*IR~CTT*2~AMT*TT*20~") ==
        json{{"lines", {{{"n", "1"}, {"amount", "12.5"}, {"acks", {"IA", "IB"}}}, {{"n", "2"}, {"acks", {"IR"}}}}}});
  // 810: the summary starts at TDS, or at an ISS sent before it; SAC and REF of a line stay with it.
  const std::string it1 = "  lines:\n    each: IT1\n    fields: {n: IT101, charge: SAC05, po: REF02 where REF01=PO}\n";
  CHECK(run(it1, "BIG*20240405*I1~IT1*1*1*EA*5~SAC*A*C310***100~IT1*2*1*EA*5~REF*PO*P2~TDS*1100~SAC*C*D240***50~") ==
        json{{"lines", {{{"n", "1"}, {"charge", "100"}}, {{"n", "2"}, {"po", "P2"}}}}});
  CHECK(run(it1, "BIG*20240405*I1~IT1*1*1*EA*5~ISS*1*EA~TDS*500~SAC*C*D240***50~") ==
        json{{"lines", {{{"n", "1"}}}}});
}

TEST_CASE("evaluate: orders and items through any pack levels", "[mappings][evaluate]") {
  const std::string fields =
      "  orders:\n    each: order\n    fields:\n      po: PRF01\n      po_date: {from: PRF04, as: date}\n"
      "      items:\n        each: item\n        fields:\n          line: LIN01\n          qty: {from: SN102, as: "
      "decimal}\n"
      "          uom: {from: SN103, table: uom}\n          sscc: MAN02 where MAN01=GM in pack\n"
      "          bol: REF02 where REF01=BM in set\n          invoice: REF02 where REF01=IV in order\n";
  json out = run(fields, kShipment);
  json expected = R"({"orders": [
    {"po": "PO1", "items": [
      {"line": "1", "qty": 10, "uom": "EA", "sscc": "SSCC1", "bol": "BOL1", "invoice": "INV1"},
      {"line": "2", "qty": 2.5, "uom": "CS", "sscc": "SSCC1", "bol": "BOL1", "invoice": "INV1"}]},
    {"po": "PO2", "po_date": "2024-03-01", "items": [
      {"line": "3", "qty": 1, "uom": "EA", "bol": "BOL1"}]}]})"_json;
  CHECK(out == expected);
}

TEST_CASE("evaluate: S-O-T-P-I reaches the pack and the tare above each item", "[mappings][evaluate]") {
  json out =
      run("  items:\n    each: item\n    fields:\n      carton: MAN02 where MAN01=GM in pack\n"
          "      pallet: MAN02 where MAN01=GM in tare\n      po: PRF01 in order\n",
          "HL*1**S~HL*2*1*O~PRF*PO1~HL*3*2*T~MAN*GM*PAL1~HL*4*3*P~MAN*GM*CTN1~HL*5*4*I~SN1**1*EA~"
          "HL*6*3*P~MAN*GM*CTN2~HL*7*6*I~SN1**1*EA~");
  CHECK(out == R"({"items": [{"carton": "CTN1", "pallet": "PAL1", "po": "PO1"},
                             {"carton": "CTN2", "pallet": "PAL1", "po": "PO1"}]})"_json);
}

TEST_CASE("evaluate: S-O-I-P finds the packs below the item", "[mappings][evaluate]") {
  json out =
      run("  items:\n    each: item\n    fields:\n"
          "      sscc: {first: [MAN02 where MAN01=GM in pack, MAN02 where MAN01=GM in pack below]}\n"
          "      all_sscc: {all: MAN02 where MAN01=GM in pack below}\n",
          "HL*1**S~HL*2*1*O~HL*3*2*I~HL*4*3*P~MAN*GM*A~HL*5*3*P~MAN*GM*B~HL*6*2*I~HL*7*6*P~MAN*GM*C~HL*8*2*I~");
  CHECK(out == R"({"items": [{"sscc": "A", "all_sscc": ["A", "B"]}, {"sscc": "C", "all_sscc": ["C"]},
                             {"all_sscc": []}]})"_json);
}

TEST_CASE("evaluate: S-I without orders groups items by their own PRF", "[mappings][evaluate]") {
  const std::string fields =
      "  orders:\n    each: order\n    otherwise: {each: item, group_by: PRF01}\n    fields:\n"
      "      po: PRF01\n      items:\n        each: item\n        fields: {part: LIN after BP}\n";
  json out = run(fields, "HL*1**S~HL*2*1*I~LIN**BP*A~PRF*PO1~HL*3*1*I~LIN**BP*B~PRF*PO2~HL*4*1*I~LIN**BP*C~PRF*PO1~");
  CHECK(out == R"({"orders": [{"po": "PO1", "items": [{"part": "A"}, {"part": "C"}]},
                              {"po": "PO2", "items": [{"part": "B"}]}]})"_json);
  // With an order level, `otherwise` is not used.
  out = run(fields, "HL*1**S~HL*2*1*O~PRF*PO9~HL*3*2*I~LIN**BP*A~PRF*PO1~");
  CHECK(out == R"({"orders": [{"po": "PO9", "items": [{"part": "A"}]}]})"_json);
}

TEST_CASE("evaluate: flat HL with blank HL02 attaches items to the order above", "[mappings][evaluate]") {
  json out =
      run("  orders:\n    each: order\n    fields:\n      po: PRF01\n      items: {each: item, fields: {q: SN102}}\n",
          "HL*1**S~HL*2**O~PRF*A~HL*3**I~SN1**1~HL*4**I~SN1**2~HL*5**O~PRF*B~HL*6**I~SN1**3~");
  CHECK(out ==
        R"({"orders": [{"po": "A", "items": [{"q": "1"}, {"q": "2"}]}, {"po": "B", "items": [{"q": "3"}]}]})"_json);
}

TEST_CASE("evaluate: each over segments, all values, nested objects", "[mappings][evaluate]") {
  json out =
      run("  refs:\n    each: REF where REF01=CN|BM\n    fields: {type: REF01, number: REF02}\n"
          "  tracking: {all: [REF02 where REF01=CN, MAN02 where MAN01=CP]}\n"
          "  none: {all: REF02 where REF01=ZZ}\n"
          "  weight:\n    fields:\n      value: {from: TD107, as: decimal}\n      unit: TD108\n"
          "  empty:\n    fields: {x: REF02 where REF01=ZZ}\n",
          kShipment);
  CHECK(out["refs"] == R"([{"type": "BM", "number": "BOL1"}, {"type": "CN", "number": "PRO1"},
                           {"type": "CN", "number": "PRO2"}])"_json);
  CHECK(out["tracking"] == json{"PRO1", "PRO2", "TRK1"});
  CHECK(out["none"] == json::array());
  CHECK(out["weight"] == json{{"value", 12.5}, {"unit", "KG"}});
  CHECK_FALSE(out.contains("empty"));  // an object with no values is left out
}

TEST_CASE("evaluate: first alternatives, datetime, constants, defaults", "[mappings][evaluate]") {
  const std::string fields =
      "  shipped:\n    first:\n      - {in: DTM where DTM01=011, from: [DTM02, DTM03], as: datetime}\n"
      "      - {from: [BSN03, BSN04], as: datetime}\n"
      "  delivery:\n    first:\n      - {in: DTM where DTM01=017, from: [DTM02, DTM03], as: datetime}\n"
      "      - {from: [BSN03, BSN04], as: datetime}\n"
      "  kind: {value: ship_notice}\n  count: {value: 3, as: integer}\n"
      "  mode: {from: TD504, default: unknown}\n  in_shipment: TD503 in shipment\n";
  json out = run(fields, kShipment);
  CHECK(out == json{{"shipped", "2024-03-17"},
                    {"delivery", "2024-03-18T14:30:00"},
                    {"kind", "ship_notice"},
                    {"count", 3},
                    {"mode", "U"},
                    {"in_shipment", "UPSN"}});
  CHECK(run("  mode: {from: TD504, default: unknown}\n", "BSN*00*1~")["mode"] == "unknown");
}

TEST_CASE("evaluate: code tables from the partner, the mapping, keep and default", "[mappings][evaluate]") {
  CHECK(run("  mode: {from: TD504, table: transport_mode}\n", "TD5**2*X*U~") == json{{"mode", "parcel"}});
  CHECK(run("  mode: {from: TD504, table: transport_mode, on_missing: keep}\n", "TD5**2*X*Q~") == json{{"mode", "Q"}});
  CHECK(run("  mode: {from: TD504, table: transport_mode, default: other}\n", "TD5**2*X*Q~") ==
        json{{"mode", "other"}});
  const std::string own = "tables:\n  purpose: {\"00\": original, \"01\": cancellation}\n";
  auto mapping = Mapping::load(kHead + "  purpose: {from: BSN01, table: purpose}\n" + own, "m.yaml");
  auto read = make_set("BSN*01*X~");
  CHECK(mapping->evaluate(read.set, read.context(), {}).transaction == json{{"purpose", "cancellation"}});
  CHECK(mapping->evaluate(read.set, read.context(), {{"purpose", {{"01", "storno"}}}}).transaction ==
        json{{"purpose", "storno"}});
  CHECK(mapping->code_tables_used().empty());
}

TEST_CASE("evaluate: envelope values from ISA and GS", "[mappings][evaluate]") {
  CHECK(run("  sender: ISA06\n  version: GS08\n  group: GS06\n", "BSN*00*1~") ==
        json{{"sender", "SENDER"}, {"version", "004010"}, {"group", "1"}});
}

TEST_CASE("evaluate: business keys from output fields, many values, no duplicates", "[mappings][evaluate]") {
  const std::string fields =
      "  shipment_id: BSN02\n  tracking: {all: [REF02 where REF01=CN, REF02 where REF01=CN]}\n"
      "  orders:\n    each: order\n    fields:\n      po: PRF01\n      items: {each: item, fields: {qty: {from: SN102, "
      "as: decimal}}}\n"
      "keys:\n  shipment_id: shipment_id\n  tracking_number: tracking\n  po_number: orders.po\n  qty: "
      "orders.items.qty\n";
  Result r = evaluate(fields, kShipment);
  using Keys = std::vector<std::pair<std::string, std::string>>;
  CHECK(r.keys == Keys{{"shipment_id", "ASN1"},
                       {"tracking_number", "PRO1"},
                       {"tracking_number", "PRO2"},
                       {"po_number", "PO1"},
                       {"po_number", "PO2"},
                       {"qty", "10"},
                       {"qty", "2.5"},
                       {"qty", "1"}});
}

TEST_CASE("evaluate errors: required values name the file, line, set and segment", "[mappings][evaluate][errors]") {
  // BSN is segment 2; its BSN02 is empty.
  check_error("  purpose: BSN01\n  shipment_id: {from: BSN02, required: true}\n", "BSN*00**20240318~",
              "m.yaml:5: field shipment_id is required but BSN02 is empty (856 control 0001, segment 2 BSN)", 5, 2);
  // No segment at all: the set is named, no position.
  check_error("  bol: {from: REF02 where REF01=BM, required: true}\n", "BSN*00*1~",
              "m.yaml:4: field bol is required but REF02 where REF01=BM is missing (856 control 0001)", 4, 0);
  // Inside an item: the item's HL is blamed (segment 7), the path names the element.
  check_error(
      "  orders:\n    each: order\n    fields:\n      items:\n        each: item\n        fields:\n"
      "          qty: {from: SN102, required: true}\n",
      "BSN*00*1~HL*1**S~HL*2*1*O~HL*3*2*I~SN1**5*EA~HL*4*2*I~LIN**BP*X~",
      "m.yaml:10: field orders[0].items[1].qty is required but SN102 is missing (856 control 0001, segment 7 HL)", 10,
      7);
  check_error("  s:\n    first: [DTM02 where DTM01=011, BSN03]\n    required: true\n", "BSN*00*1~",
              "m.yaml:4: field s is required but none of DTM02 where DTM01=011; BSN03 has a value "
              "(856 control 0001, segment 2 BSN)",
              4, 2);
  check_error("  to:\n    in: N1 where N101=ST\n    required: true\n    fields: {name: N102}\n", "BSN*00*1~",
              "m.yaml:4: field to is required but no N1 where N101=ST was found (856 control 0001)", 4, 0);
  check_error("  o:\n    each: order\n    required: true\n    fields: {po: PRF01}\n", "BSN*00*1~HL*1**S~",
              "m.yaml:4: field o is required but no order was found (856 control 0001)", 4, 0);
}

TEST_CASE("evaluate errors: values that do not convert, codes not in a table", "[mappings][evaluate][errors]") {
  check_error("  qty: {from: SN102, as: decimal}\n", "BSN*00*1~SN1**1O*EA~",
              "m.yaml:4: field qty: SN102 '1O' is not a decimal number (856 control 0001, segment 3 SN1)", 4, 3);
  check_error(
      "  at:\n    in: DTM where DTM01=011\n    from: [DTM02, DTM03]\n    as: datetime\n", "DTM*011*20240230*1200~",
      "m.yaml:4: field at: DTM02 '20240230' is not a valid calendar date (856 control 0001, segment 2 DTM)", 4, 2);
  check_error("  at: {from: [BSN03, BSN04], as: datetime}\n", "BSN*00*1*20240229*2561~",
              "m.yaml:4: field at: BSN04 '2561' is not a valid time of day (856 control 0001, segment 2 BSN)", 4, 2);
  check_error("  uom: {from: SN103, table: uom}\n", "BSN*00*1~SN1**1*ZZ~",
              "m.yaml:4: field uom: code 'ZZ' (SN103) is not in code table uom (856 control 0001, segment 3 SN1)", 4,
              3);
  check_error("  uom: {from: SN103, table: uom}\n", "BSN*00*1~SN1**1*EA~",
              "m.yaml:4: field uom: code table uom is not in the partner profile (856 control 0001, segment 3 SN1)", 4,
              3, {});
}

TEST_CASE("evaluate errors: the set must be one the mapping accepts", "[mappings][evaluate][errors]") {
  auto mapping = Mapping::load(kHead + "  a: BSN02\n", "m.yaml");
  auto read = make_set("BSN*00*1~", "003060");
  CHECK_THROWS_WITH(mapping->evaluate(read.set, read.context(), {}),
                    "m.yaml:1: GS08 003060 is not one of the versions the mapping accepts (004010, 005010) "
                    "(856 control 0001, segment 1 ST)");
  read = make_set("BSN*00*1~", "004010VICS");
  CHECK_NOTHROW(mapping->evaluate(read.set, read.context(), {}));
  read = make_set("BIG*20240101*1~", "004010", "810");
  CHECK_THROWS_WITH(
      mapping->evaluate(read.set, read.context(), {}),
      "m.yaml:1: the mapping is for 856 but this transaction set is 810 (810 control 0001, segment 1 ST)");
}

TEST_CASE("evaluate errors: a broken HL hierarchy", "[mappings][evaluate][errors]") {
  check_error("  a: BSN02\n", "BSN*00*1~HL*1**S~HL*2*9*O~",
              "m.yaml: HL02 9 names no earlier HL01 (856 control 0001, segment 4 HL)", 0, 4);
}
