// Conditions, concatenation and splitting, arithmetic, code tables with a default, and
// cross-document lookups, each on small sets built for the purpose and on the corpus;
// load errors with file:line, evaluation errors with the segment position.
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using Catch::Matchers::Contains;
using edihub::mapping::testing::make_set;
using edihub::mapping::testing::test_tables;
using nlohmann::json;

namespace {

// Lines 1-3; the fields given start on line 4.
const std::string kHead =
    "source: {format: x12, transaction_set: \"856\", versions: [\"004010\", \"005010\"]}\ntarget: t\nfields:\n";

json run(const std::string& fields, std::string_view body, const Lookup* lookup = nullptr) {
  auto mapping = Mapping::load(kHead + fields, "m.yaml");
  auto read = make_set(body);
  Context context = read.context();
  context.lookup = lookup;
  return mapping->evaluate(read.set, context, test_tables()).transaction;
}

void check_error(const std::string& fields, std::string_view body, const std::string& what) {
  try {
    run(fields, body);
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK(std::string(e.what()) == what);
  }
}

void check_load_error(const std::string& fields, int line, const std::string& message) {
  try {
    Mapping::load(kHead + fields, "m.yaml");
    FAIL("the mapping loaded");
  } catch (const MappingFileError& e) {
    INFO(e.what());
    CHECK(e.line == line);
    CHECK_THAT(e.what(), Contains("m.yaml:" + std::to_string(line) + ": " ) && Contains(message));
  }
}

}  // namespace

TEST_CASE("features: when conditions select fields and alternatives", "[mappings][features]") {
  const std::string body = "BSN*00*ASN1*20240318~HL*1**S~HL*2*1*O~PRF*PO1~";
  json out = run(
      "  equals: {from: BSN02, when: {from: BSN01, equals: [\"00\", \"05\"]}}\n"
      "  equals_no: {from: BSN02, when: {from: BSN01, equals: \"05\"}}\n"
      "  not: {from: BSN02, when: {from: BSN01, not: [\"00\"]}}\n"
      "  not_absent: {from: BSN02, when: {from: BSN09, not: [\"00\"]}}\n"
      "  present: {from: BSN02, when: {from: BSN03}}\n"
      "  absent: {from: BSN02, required: true, when: {from: REF02 where REF01=ZZ}}\n"
      "  all: {from: BSN02, when: {all: [{from: BSN01, equals: \"00\"}, {from: BSN03}]}}\n"
      "  all_no: {from: BSN02, when: {all: [{from: BSN01, equals: \"00\"}, {from: BSN09}]}}\n"
      "  any: {from: BSN02, when: {any: [{from: BSN01, equals: \"01\"}, {from: BSN03}]}}\n"
      "  alt: {first: [{from: BSN03, when: {from: BSN01, equals: \"01\"}}, BSN02]}\n"
      "  constant: {value: fixed, when: {from: BSN01, equals: \"00\"}}\n"
      "  orders: {each: order, when: {from: BSN01, equals: \"01\"}, fields: {po: PRF01}}\n"
      "  party: {fields: {po: PRF01 in order}, when: {from: BSN01}}\n",
      body);
  CHECK(out == json{{"equals", "ASN1"}, {"not_absent", "ASN1"}, {"present", "ASN1"}, {"all", "ASN1"},
                    {"any", "ASN1"},    {"alt", "ASN1"},        {"constant", "fixed"}, {"orders", json::array()},
                    {"party", {{"po", "PO1"}}}});
}

TEST_CASE("features: when mistakes are load errors with their line", "[mappings][features]") {
  check_load_error("  a: {from: BSN02, when: {from: BSN01, equals: \"1\", not: \"2\"}}\n", 4, "equals or not");
  check_load_error("  a: BSN01\n  b:\n    from: BSN02\n    when: {equals: \"1\"}\n", 7, "when needs 'from'");
  check_load_error("  a:\n    from: BSN02\n    when: {from: BSN2}\n", 6, "bad path 'BSN2'");
  check_load_error("  a:\n    from: BSN02\n    when: {all: []}\n", 6, "all and any take a list");
  check_load_error("  a:\n    from: BSN02\n    when: {form: BSN01}\n", 6, "unknown key 'form' in when");
}

TEST_CASE("features: concat skips absent parts, split takes parts", "[mappings][features]") {
  json out = run(
      "  street: {concat: [N301, N302], separator: \" \"}\n"
      "  one_part: {in: N3 where N301=X, concat: [N301, N302, N303], separator: \", \"}\n"
      "  label: {concat: [N102, {value: \" #\"}, N104]}\n"
      "  nothing: {concat: [N109, N110], separator: \" \"}\n"
      "  kind: {from: PRF01, split: {separator: \"/\", part: 1}}\n"
      "  order: {from: PRF01, split: {separator: \"/\", part: -1}}\n"
      "  third: {from: PRF01, split: {separator: \"/\", part: 3}}\n"
      "  parts: {all: [REF02 where REF01=ZZ], split: \"/\"}\n",
      "N1*ST*PLANT*92*1000~N3*1 MAIN ST*DOCK 4~N3*X~PRF*SO/VINCE1~REF*ZZ*A/ B//C~");
  CHECK(out == json{{"street", "1 MAIN ST DOCK 4"}, {"one_part", "X"},     {"label", "PLANT #1000"},
                    {"kind", "SO"},                 {"order", "VINCE1"}, {"parts", {"A", "B", "C"}}});
}

TEST_CASE("features: split on the corpus VICS 856 PRF*SO/VINCE1", "[mappings][features]") {
  auto sets = testing::read_sets(edihub::testing::read_file(edihub::testing::data_dir() /
                                                            "corpus/x12/856_oopfactory_vics_s_o_p_i.edi"));
  REQUIRE(sets.size() == 1);
  auto mapping = Mapping::load(
      "source: {format: x12, transaction_set: \"856\", versions: [\"004010\"]}\ntarget: t\nfields:\n"
      "  orders:\n    each: order\n    fields:\n"
      "      order_type: {from: PRF01, split: {separator: \"/\", part: 1}}\n"
      "      po_number: {from: PRF01, split: {separator: \"/\", part: 2}, required: true}\n",
      "m.yaml");
  json out = mapping->evaluate(sets[0].set, sets[0].context(), test_tables()).transaction;
  CHECK(out == json{{"orders", {{{"order_type", "SO"}, {"po_number", "VINCE1"}}}}});
}

TEST_CASE("features: concat and split mistakes are load errors", "[mappings][features]") {
  check_load_error("  a: {concat: []}\n", 4, "concat is a list");
  check_load_error("  a:\n    concat: [N301, {text: x}]\n", 5, "unknown key 'text'");
  check_load_error("  a: {from: N301, separator: \" \"}\n", 4, "separator goes with concat");
  check_load_error("  a:\n    from: PRF01\n    split: {separator: \"/\", part: 0}\n", 6, "counts from 1");
  check_load_error("  a:\n    from: PRF01\n    split: {separator: \"/\"}\n", 6, "split needs separator and part");
  check_load_error("  a:\n    all: [PRF01]\n    split: {separator: \"/\", part: 1}\n", 6,
                   "split on an 'all' field is the separator");
  check_load_error("  a:\n    first: [PRF01]\n    split: {separator: \"/\", part: 1}\n", 6,
                   "split goes on an alternative of first");
}

TEST_CASE("features: arithmetic in the order written, exact and rounded", "[mappings][features]") {
  json out = run(
      "  dozens: {from: SN102, as: decimal, multiply: 12}\n"
      "  kilos: {from: MEA03, calc: [{multiply: 12}, {divide: 2.2046}], round: 3}\n"
      "  per_pack: {from: SN102, as: decimal, calc: [{divide: {from: PO401}}], round: 2}\n"
      "  sum: {from: REF02 where REF01=A, as: decimal, add: 0.2, round: 2}\n"
      "  sum_raw: {from: REF02 where REF01=A, as: decimal, add: 0.2}\n"
      "  less: {from: SN102, as: decimal, subtract: 3, multiply: 2}\n"
      "  half_up: {from: REF02 where REF01=H, as: decimal, round: 0}\n"
      "  half_down: {from: REF02 where REF01=N, as: decimal, round: 0}\n"
      "  implied: {from: REF02 where REF01=I, as: N2, multiply: 2}\n"
      "  firsts: {first: [SN109, SN102], as: decimal, multiply: 10}\n",
      "SN1*1*2.5*EA~MEA*PD*G*10~PO4*6~REF*A*0.1~REF*H*2.5~REF*N*-2.5~REF*I*1250~");
  CHECK(out["dozens"] == json(30));
  CHECK(out["dozens"].is_number_integer());
  CHECK(out["kilos"] == json(54.432));
  CHECK(out["per_pack"] == json(0.42));
  CHECK(out["sum"] == json(0.3));
  CHECK(out["sum_raw"] == json(0.3));
  CHECK(out["less"] == json(-1));
  CHECK(out["half_up"] == json(3));
  CHECK(out["half_down"] == json(-3));
  CHECK(out["implied"] == json(25));
  CHECK(out["firsts"] == json(25));
}

TEST_CASE("features: arithmetic errors name the value and the segment", "[mappings][features]") {
  check_error("  q: {from: SN102, divide: {from: SN105}}\n", "SN1*1*2.5*EA*1*0~",
              "m.yaml:4: field q: calc on SN102 '2.5': division by zero (856 control 0001, segment 2 SN1)");
  check_error("  q: {from: SN102, multiply: {from: SN103}}\n", "SN1*1*2.5*EA~",
              "m.yaml:4: field q: calc on SN102 '2.5': 'EA' is not a decimal number (856 control 0001, segment 2 SN1)");
  check_error("  q: {from: SN102, multiply: {from: SN105}}\n", "SN1*1*2.5*EA~",
              "m.yaml:4: field q: SN105 (an operand of calc) has no value (856 control 0001, segment 2 SN1)");
  check_error("  q: {from: SN102, add: 1}\n", "SN1*1*X*EA~",
              "m.yaml:4: field q: SN102 'X' is not a decimal number (856 control 0001, segment 2 SN1)");
  check_load_error("  q: {from: SN102, multiply: dozen}\n", 4, "multiply 'dozen' is not a decimal number");
  check_load_error("  q:\n    from: SN102\n    round: -1\n", 6, "round is a number of decimal places");
  check_load_error("  q: {from: DTM02, as: date, add: 1}\n", 4, "calc and round work on numbers");
  check_load_error("  q:\n    from: SN102\n    calc: [{multiply: 2, add: 1}]\n", 6, "each calc step is one of");
}

TEST_CASE("features: on_missing default uses the field's default", "[mappings][features]") {
  json out = run(
      "  uom: {from: SN103, table: uom, on_missing: default, default: EA}\n"
      "  known: {from: SN106, table: uom, on_missing: default, default: EA}\n"
      "  kept: {from: SN103, table: uom, on_missing: keep}\n",
      "SN1*1*2*ZZ**1*CA~");
  CHECK(out == json{{"uom", "EA"}, {"known", "CS"}, {"kept", "ZZ"}});
  check_error("  uom: {from: SN103, table: uom, on_missing: error}\n", "SN1*1*2*ZZ~",
              "m.yaml:4: field uom: code 'ZZ' (SN103) is not in code table uom (856 control 0001, segment 2 SN1)");
  check_load_error("  uom: {from: SN103, table: uom, on_missing: default}\n", 4, "on_missing: default needs a default");
  check_load_error("  uom:\n    first: [{from: SN103, table: uom, on_missing: default}]\n", 4,
                   "on_missing: default needs a default");
  // A partner table still overrides the mapping's own table of that name.
  auto mapping = Mapping::load(
      "source: {format: x12, transaction_set: \"856\", versions: [\"004010\"]}\ntarget: t\n"
      "tables: {uom: {ZZ: mapping}}\nfields:\n  uom: {from: SN103, table: uom, on_missing: default, default: EA}\n",
      "m.yaml");
  auto read = make_set("SN1*1*2*ZZ~");
  CHECK(mapping->evaluate(read.set, read.context(), {})
            .transaction == json{{"uom", "mapping"}});
  CHECK(mapping->evaluate(read.set, read.context(), {{"uom", {{"ZZ", "partner"}}}})
            .transaction == json{{"uom", "partner"}});
}

TEST_CASE("features: lookups fill a value from another archived document", "[mappings][features]") {
  std::vector<std::string> asked;
  Lookup lookup = [&](const std::string& target, const std::string& key,
                      const std::string& value) -> std::optional<json> {
    asked.push_back(target + "/" + key + "/" + value);
    if (target == "purchase_order" && key == "po_number" && value == "PO1")
      return json{{"order_date", "2024-03-01"}, {"buyer", {{"code", "B7"}}}, {"lines", 3}};
    return std::nullopt;
  };
  const std::string fields =
      "  orders:\n    each: order\n    fields:\n"
      "      po_date: {first: [{from: PRF04, as: date}, {lookup: {target: purchase_order, key: po_number, value: "
      "PRF01, take: order_date}, as: date}]}\n"
      "      buyer: {lookup: {target: purchase_order, key: po_number, value: {from: PRF01}, take: buyer.code}, "
      "table: uom, on_missing: keep}\n"
      "      lines: {lookup: {target: purchase_order, key: po_number, value: PRF01, take: lines}, as: integer}\n"
      "      missing: {lookup: {target: purchase_order, key: po_number, value: PRF01, take: nothing.here}, "
      "default: none}\n";
  const std::string body = "HL*1**S~HL*2*1*O~PRF*PO1~HL*3*1*O~PRF*PO2***20240210~HL*4*1*O~PRF*PO3~";
  json out = run(fields, body, &lookup);
  CHECK(out["orders"] == json::array({{{"po_date", "2024-03-01"}, {"buyer", "B7"}, {"lines", 3}, {"missing", "none"}},
                                      {{"po_date", "2024-02-10"}, {"missing", "none"}},
                                      {{"missing", "none"}}}));
  CHECK(std::count(asked.begin(), asked.end(), "purchase_order/po_number/PO1") == 4);
  CHECK(std::count(asked.begin(), asked.end(), "purchase_order/po_number/PO2") == 3);  // PRF04 was there

  // No lookup function: like a missing value, so `default` and `required` apply.
  CHECK(run(fields, body)["orders"][0] == json{{"missing", "none"}});
  check_error("  d: {lookup: {target: purchase_order, key: po_number, value: PRF01, take: order_date}, required: true}\n",
              "PRF*PO9~",
              "m.yaml:4: field d is required but lookup purchase_order by po_number (PRF01) is missing "
              "(856 control 0001)");
  check_load_error("  d: {lookup: {target: purchase_order, key: po_number, value: PRF01}}\n", 4, "lookup needs 'take'");
  check_load_error("  d: {lookup: {target: purchase_order, key: po_number, value: PRF1, take: d}}\n", 4, "bad path");
}
