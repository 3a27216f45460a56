// The outbound direction (ERP JSON -> X12 body): the demo 850 and 810 mappings on the
// example ERP documents in tests/data/erp (expected segments worked out by hand from the
// JSON), a round trip through the inbound API, each language feature, and each loading and
// evaluation error with its mapping line and JSON path.
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "mappings/outbound.h"
#include "tests/support/mapping_sets.h"
#include "tests/support/outbound_mapping_checks.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::mapping::testing::test_tables;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using nlohmann::json;
using Catch::Matchers::Contains;

using edihub::mapping::testing::check_load_error;
using edihub::mapping::testing::check_mapping_error;
using edihub::mapping::testing::erp;

namespace {

const edihub::x12::Delimiters kStar{'*', ':', '^', "~"};

// Segments as "TAG*E1*E2", '*' standing for the element separator whatever it is.
std::vector<std::string> lines(const OutboundMapping::Output& out) {
  std::vector<std::string> v;
  for (const auto& s : out.segments) {
    std::string line = s.tag;
    for (const auto& e : s.elements) line += "*" + e;
    v.push_back(line);
  }
  return v;
}

std::shared_ptr<const OutboundMapping> demo(const std::string& name) {
  return OutboundMapping::load_file((source_dir() / "examples/demo/mappings" / name).string());
}

// Lines 1-3; the entries given start on line 4.
const std::string kHead =
    "source: {format: erp, transaction: t}\n"
    "target: {format: x12, transaction_set: \"850\", versions: [\"004010\"]}\n"
    "segments:\n";

OutboundMapping::Output evaluate(const std::string& entries, const json& doc, const CodeTables& tables = test_tables(),
                                 const edihub::x12::Delimiters& target = kStar) {
  return OutboundMapping::load(kHead + entries, "m.yaml")->evaluate(doc, tables, target);
}

std::vector<std::string> run(const std::string& entries, const json& doc) { return lines(evaluate(entries, doc)); }

// Loading kHead + `entries` as m.yaml must fail with `what` at `line`.
void entry(const std::string& entries, const std::string& what, int line) {
  check_load_error(kHead + entries, "m.yaml:" + std::to_string(line) + ": " + what, line);
}

void check_error(const std::string& entries, const json& doc, const std::string& what, int line,
                 const CodeTables& tables = test_tables(), const edihub::x12::Delimiters& target = kStar) {
  check_mapping_error([&] { evaluate(entries, doc, tables, target); }, what, line);
}

}  // namespace

TEST_CASE("outbound: the 850 of the standard purchase order", "[mappings][outbound]") {
  auto m = demo("x12-850-purchase-order-outbound.yaml");
  CHECK(m->source_type() == "purchase_order");
  CHECK(m->transaction_set() == "850");
  CHECK(m->functional_id() == "PO");
  CHECK(m->versions() == std::vector<std::string>{"004010", "005010"});
  CHECK(m->code_tables_used() == std::vector<std::string>{"transport_mode", "uom"});

  auto out = m->evaluate(erp("purchase_order_standard.json"), test_tables(), kStar);
  // uom CS -> CA and transport_mode parcel -> U come from the partner tables read backwards;
  // 12.5 and "48.00" are written as R without trailing zeros; CTT02 = 24 + 2.5 + 6.
  CHECK(lines(out) == std::vector<std::string>{
                          "BEG*00*SA*4500012345**20240318",
                          "CUR*BY*USD",
                          "REF*DP*D042",
                          "REF*VR*V10077",
                          "PER*BD*Dana Whitfield*TE*419-555-0134*EM*dana.whitfield@acme-retail.example",
                          "FOB*PP*DE",
                          "ITD*01*3*2**10**30*****2% 10 NET 30",
                          "DTM*002*20240329",
                          "DTM*010*20240325",
                          "TD5**2*UPSN*U*UPS GROUND",
                          "N1*ST*Acme Toledo DC*92*1000",
                          "N3*4400 Industrial Pkwy",
                          "N4*Toledo*OH*43612*US",
                          "N1*BT*Acme Retail Accounts Payable*92*HQ",
                          "N3*1 Commerce Sq*Floor 9",
                          "N4*Cleveland*OH*44114*US",
                          "N1*VN*Northwind Supply*92*V10077",
                          "PO1*1*24*EA*12.5*PE*BP*B-1001*VP*NW-55-A*UP*012345678905",
                          "PID*F****Hex bolt M8 x 40, zinc",
                          "PO1*2*2.5*LB*7.12*PE*BP*B-2002",
                          "PID*F****Copper wire 12 AWG",
                          "PO1*3*6*CA*48*PE*BP*B-3003*VP*NW-900",
                          "CTT*3*32.5",
                          "AMT*TT*605.8",
                      });
  CHECK(out.segments.front().position == 2);  // ST is 1
  CHECK(out.segments.back().position == 25);
  CHECK(out.keys == std::vector<std::pair<std::string, std::string>>{{"po_number", "4500012345"}});
}

TEST_CASE("outbound: the 850 of a replacement release", "[mappings][outbound]") {
  auto out = demo("x12-850-purchase-order-outbound.yaml")->evaluate(erp("purchase_order_release.json"), test_tables(), kStar);
  // No currency (null), buyer, fob, terms, carrier, bill_to or total: those segments are
  // left out. Line 10 has no vendor part: its VP pair is empty, the UP pair still in place.
  // The description is cut at 80 characters and the space before the cut dropped.
  CHECK(lines(out) == std::vector<std::string>{
                          "BEG*05*RL*4500012399*2*20240402",
                          "REF*DP*D007",
                          "REF*VR*V20001",
                          "DTM*002*20240415",
                          "N1*ST*Acme Columbus Store 12*92*0012",
                          "N4*Columbus*OH*43215",
                          "N1*VN*Pacific Components*92*V20001",
                          "PO1*10*100*PC*0.35*PE*BP*B-4004***UP*036000291452",
                          "PO1*20*12*EA*19.99*CT*BP*B-5005*VP*PC-77",
                          "PID*F****Stainless steel butt hinge, 3.5 in, satin finish, pack of 2 pairs, for interior",
                          "CTT*2*112",
                      });
}

TEST_CASE("outbound: the 810 of an invoice and of a credit memo", "[mappings][outbound]") {
  auto m = demo("x12-810-invoice-outbound.yaml");
  CHECK(m->source_type() == "invoice");
  CHECK(m->functional_id() == "IN");
  CHECK(m->code_tables_used() == std::vector<std::string>{"uom"});

  auto out = m->evaluate(erp("invoice_standard.json"), test_tables(), kStar);
  // TDS01 603.75 and SAC05 15.75 with two implied decimals; ITD03 "2.00" as R is 2.
  CHECK(lines(out) == std::vector<std::string>{
                          "BIG*20240402*INV-88001*20240318*4500012345",
                          "CUR*SE*USD",
                          "REF*IA*V10077",
                          "REF*BM*BOL-558812",
                          "N1*RE*Northwind Supply Lockbox*92*NW-REMIT",
                          "N3*PO Box 9001",
                          "N4*Chicago*IL*60680*US",
                          "N1*BT*Acme Retail Accounts Payable*92*HQ",
                          "N1*ST*Acme Toledo DC*92*1000",
                          "N3*4400 Industrial Pkwy",
                          "N4*Toledo*OH*43612*US",
                          "ITD*01*3*2**10**30*****2% 10 NET 30",
                          "DTM*011*20240327",
                          "IT1*1*24*EA*12.5*PE*BP*B-1001*VP*NW-55-A",
                          "PID*F****Hex bolt M8 x 40, zinc",
                          "IT1*3*6*CA*48*PE*BP*B-3003*VP*NW-900",
                          "TDS*60375",
                          "SAC*C*D240***1575**********Freight",
                          "CTT*2*30",
                      });
  CHECK(out.keys == std::vector<std::pair<std::string, std::string>>{{"invoice_number", "INV-88001"},
                                                                      {"po_number", "4500012345"}});

  out = m->evaluate(erp("invoice_credit_memo.json"), test_tables(), kStar);
  // BIG03 and BIG06 empty, BIG07 CR; IT1 with only a UPC: both leading pairs are empty.
  CHECK(lines(out) == std::vector<std::string>{
                          "BIG*20240410*CM-1002**4500012399*2**CR",
                          "REF*IA*V20001",
                          "N1*RE*Pacific Components*92*PC-REMIT",
                          "N4*Oakland*CA*94607",
                          "IT1*10*10*PC*3.5*PE*****UP*036000291452",
                          "TDS*3000",
                          "SAC*A*C310***500**********Discount",
                          "CTT*1*10",
                      });
}

TEST_CASE("outbound: the example ERP documents match their JSON schemas", "[mappings][outbound]") {
  auto po = edihub::testing::validate_json_files(source_dir() / "docs/purchase_order.schema.json",
                                                 {data_dir() / "erp/purchase_order_standard.json",
                                                  data_dir() / "erp/purchase_order_release.json"});
  CHECK(po.exit_code == 0);
  CHECK(po.out == "2 valid, 0 invalid\n");
  auto invoice = edihub::testing::validate_json_files(source_dir() / "docs/invoice.schema.json",
                                                      {data_dir() / "erp/invoice_standard.json",
                                                       data_dir() / "erp/invoice_credit_memo.json"});
  CHECK(invoice.exit_code == 0);
  CHECK(invoice.out == "2 valid, 0 invalid\n");
}

TEST_CASE("outbound: the 850 maps back to the same order with the inbound API", "[mappings][outbound]") {
  json po = erp("purchase_order_standard.json");
  auto out = demo("x12-850-purchase-order-outbound.yaml")->evaluate(po, test_tables(), kStar);

  edihub::x12::TransactionSet set;
  set.id = "850";
  set.control_number = "0001";
  set.delimiters = kStar;
  set.segments.push_back({"ST", {"850", "0001"}, 0, 1});
  set.segments.insert(set.segments.end(), out.segments.begin(), out.segments.end());
  set.segments.push_back({"SE", {std::to_string(set.segments.size() + 1), "0001"}, 0,
                          static_cast<std::uint32_t>(set.segments.size() + 1)});

  auto inbound = Mapping::load(
      "source: {format: x12, transaction_set: \"850\", versions: [\"004010\"]}\n"
      "target: purchase_order\n"
      "fields:\n"
      "  po_number: {from: BEG03, required: true}\n"
      "  lines:\n"
      "    each: PO1\n"
      "    fields:\n"
      "      line_number: {from: PO101, as: integer}\n"
      "      quantity: {from: PO102, as: decimal}\n"
      "      buyer_part: PO1 after BP\n",
      "back.yaml");
  json back = inbound->evaluate(set, Context{}, test_tables()).transaction;

  CHECK(back["po_number"] == po["po_number"]);
  REQUIRE(back["lines"].size() == po["lines"].size());
  for (std::size_t i = 0; i < po["lines"].size(); ++i) {
    const json& line = po["lines"][i];
    CHECK(back["lines"][i]["line_number"] == line["line_number"]);
    CHECK(back["lines"][i]["buyer_part"] == line["buyer_part"]);
    CHECK(back["lines"][i]["quantity"] == line["quantity"]);
  }
}

TEST_CASE("outbound: literals, composites, qualifier pairs and empty elements", "[mappings][outbound]") {
  json doc = {{"a", "A"}, {"b", "B"}, {"none", ""}, {"space", "  x  "}};
  CHECK(run("  - REF: [ZZ, {from: a}, \"\", {from: missing}]\n", doc) == std::vector<std::string>{"REF*ZZ*A"});
  // Composite: components joined with the target component separator, trailing empties dropped.
  CHECK(run("  - SLN: [\"1\", [[{from: a}, X, {from: missing}]], [[{from: missing}]], {from: b}]\n", doc) ==
        std::vector<std::string>{"SLN*1*A:X**B"});
  // Only literals: written; literal qualifiers but no value: left out.
  CHECK(run("  - LS: [\"1\"]\n  - REF: [DP, {from: none}]\n  - REF: [DP, {from: space}]\n", doc) ==
        std::vector<std::string>{"LS*1", "REF*DP*x"});
  // A qualifier is written with its value only; null counts as absent.
  CHECK(run("  - PO1: [\"1\", {qualifier: BP, from: missing}, {qualifier: VP, from: a}]\n", doc) ==
        std::vector<std::string>{"PO1*1***VP*A"});
  CHECK(run("  - PO1: [\"1\", {qualifier: BP, from: b}, {qualifier: VP, from: n}]\n", json{{"b", "B"}, {"n", nullptr}}) ==
        std::vector<std::string>{"PO1*1*BP*B"});
  // Other delimiters: elements are the same, composites use the target component separator.
  auto out = evaluate("  - SLN: [[[{from: a}, {from: b}]]]\n", doc, test_tables(), {'|', '>', 0, "\n"});
  CHECK(out.segments.front().elements == std::vector<std::string>{"A>B"});
}

TEST_CASE("outbound: each, in, when and root paths", "[mappings][outbound]") {
  json doc = {{"po", "P1"},
              {"kind", "drop"},
              {"flag", false},
              {"count", 0},
              {"party", {{"name", "N"}, {"address", {{"city", "C"}}}}},
              {"lines",
               {{{"n", 1}, {"subs", {{{"s", "a"}}, {{"s", "b"}}}}}, {{"n", 2}, {"subs", json::array()}}, {{"n", 3}}}}};
  const std::string entries =
      "  - in: party\n"
      "    segments:\n"
      "      - N1: [ST, {from: name}]\n"
      "      - N4: [{from: address.city}, {from: /po}]\n"
      "  - in: nobody\n"
      "    segments: [{N1: [BT, X]}]\n"
      "  - each: lines\n"
      "    segments:\n"
      "      - PO1: [{from: n}, {from: /po}]\n"
      "      - each: subs\n"
      "        segments: [{SLN: [{from: s}]}]\n"
      "      - {MSG: [last], when: {path: n, equals: [\"3\", \"4\"]}}\n"
      "  - {REF: [DS], when: {path: kind, equals: drop}}\n"
      "  - {REF: [XX], when: {path: kind, equals: other}}\n"
      "  - {REF: [FL], when: flag}\n"
      "  - {REF: [CN], when: count}\n"
      "  - {REF: [NO], when: nothing}\n"
      "  - {REF: [SU], when: \"lines[].subs[].s\"}\n"
      "  - when: party.name\n"
      "    segments: [{NTE: [party]}]\n";
  // false and absent fail `when: path`; 0 is a value.
  CHECK(run(entries, doc) == std::vector<std::string>{"N1*ST*N", "N4*C*P1", "PO1*1*P1", "SLN*a", "SLN*b", "PO1*2*P1",
                                                      "PO1*3*P1", "MSG*last", "REF*DS", "REF*CN", "REF*SU", "NTE*party"});
}

TEST_CASE("outbound: count and sum", "[mappings][outbound]") {
  json doc = {{"lines", {{{"q", 0.1}, {"upc", "1"}}, {{"q", "0.2"}}, {{"q", 10}, {"upc", ""}}}}, {"empty", json::array()}};
  // Sums are exact: 0.1 + 0.2 + 10 is 10.3, not 10.300000000000001.
  CHECK(run("  - CTT: [{count: lines}, {sum: \"lines[].q\"}]\n", doc) == std::vector<std::string>{"CTT*3*10.3"});
  // Values that are there: lines[2].upc is empty. A list path counts the list's elements.
  CHECK(run("  - CTT: [{count: \"lines[].upc\"}, {count: empty}, {count: missing}, {sum: \"lines[].upc\"}]\n", doc) ==
        std::vector<std::string>{"CTT*1*0*0*1"});
  CHECK(run("  - TDS: [{sum: \"lines[].q\", implied: 2}]\n", doc) == std::vector<std::string>{"TDS*1030"});
  CHECK(run("  - AMT: [X, {sum: \"empty[].q\"}]\n", doc) == std::vector<std::string>{"AMT*X*0"});
  check_error("  - CTT: [{sum: \"lines[].q\", integer: true}]\n", doc,
              "m.yaml:4: CTT01: the sum of lines[].q '10.3' is not a whole number (t to 850, segment 2 CTT)", 4);
  check_error("  - CTT: [{sum: \"lines[].upc\"}]\n", json{{"lines", {{{"upc", "12A"}}}}},
              "m.yaml:4: CTT01: lines[0].upc '12A' is not a decimal number (t to 850, segment 2 CTT)", 4);
}

TEST_CASE("outbound: dates, times, decimals, implied decimals, integers, lengths", "[mappings][outbound]") {
  json doc = {{"d", "2024-03-18"},  {"dt", "2009-09-21T08:01:30+02:00"}, {"t", "14:30"},   {"r", 3875.3},
              {"neg", "-0.50"},     {"small", 0.05},                      {"big", 1e20},  {"int", "0012"},
              {"name", "Müller GmbH"}, {"zero", "-0.00"}};
  CHECK(run("  - DTM: [{from: d, date: CCYYMMDD}, {from: d, date: YYMMDD}, {from: dt, date: CCYYMMDD}, "
            "{from: dt, time: HHMMSS}, {from: t, time: HHMM}, {from: dt, time: HHMM}]\n",
            doc) == std::vector<std::string>{"DTM*20240318*240318*20090921*080130*1430*0801"});
  CHECK(run("  - AMT: [{from: r, decimal: 2}, {from: r, implied: 2}, {from: neg, decimal: 2}, {from: neg, implied: 2}, "
            "{from: small, implied: 2}, {from: small, implied: 4}, {from: zero, implied: 2}]\n",
            doc) == std::vector<std::string>{"AMT*3875.3*387530*-0.5*-50*5*500*0"});
  CHECK(run("  - QTY: [{from: big}, {from: big, integer: true}, {from: int, integer: true}, {from: int}]\n", doc) ==
        std::vector<std::string>{"QTY*100000000000000000000*100000000000000000000*12*0012"});
  // max counts characters of text (not UTF-8 bytes) and digits of numbers.
  CHECK(run("  - N1: [{from: name, max: 6, truncate: true}, {from: name, max: 11}, {from: neg, decimal: 2, max: 2}]\n", doc) ==
        std::vector<std::string>{"N1*Müller*Müller GmbH*-0.5"});
}

TEST_CASE("outbound: code tables are read backwards, partner first", "[mappings][outbound]") {
  const std::string head = kHead.substr(0, kHead.find("segments:")) +
                           "tables:\n  purpose: {\"00\": original, \"05\": replace}\n  uom: {EA: each}\nsegments:\n";
  auto m = OutboundMapping::load(
      head + "  - BEG: [{from: p, table: purpose}, {from: u, table: uom}, {from: x, table: purpose, default: \"00\"}, "
             "{from: x, table: purpose, on_missing: keep}]\n",
      "m.yaml");
  CHECK(m->code_tables_used().empty());  // uom is the mapping's own (a partner's may replace it)
  json doc = {{"p", "replace"}, {"u", "CS"}, {"x", "other"}};
  // The partner's uom (CA -> CS) replaces the mapping's.
  CHECK(lines(m->evaluate(doc, test_tables(), kStar)) == std::vector<std::string>{"BEG*05*CA*00*other"});
  doc["u"] = "each";
  CHECK(lines(m->evaluate(doc, {}, kStar)) == std::vector<std::string>{"BEG*05*EA*00*other"});
  // Booleans are looked up as true/false.
  auto yn = OutboundMapping::load(
      kHead.substr(0, kHead.find("segments:")) + "tables: {yes_no: {\"Y\": \"true\", \"N\": \"false\"}}\nsegments:\n" +
          "  - YNQ: [{from: a, table: yes_no}, {from: b, table: yes_no}]\n",
      "m.yaml");
  CHECK(lines(yn->evaluate(json{{"a", true}, {"b", false}}, {}, kStar)) == std::vector<std::string>{"YNQ*Y*N"});
}

TEST_CASE("outbound: evaluation errors name the mapping line and the JSON path", "[mappings][outbound]") {
  const std::string beg = "  - BEG: [\"00\", {from: po, required: true}]\n";
  check_error(beg, json::object(), "m.yaml:4: BEG02 is required but po is missing (t to 850, segment 2 BEG)", 4);
  check_error(beg, json{{"po", " "}}, "m.yaml:4: BEG02 is required but po is empty (t to 850, segment 2 BEG)", 4);
  check_error(beg, json{{"po", nullptr}}, "m.yaml:4: BEG02 is required but po is missing (t to 850, segment 2 BEG)", 4);

  // Values on lines of their own; the position counts the segments written before.
  const std::string po1 =
      "  - BEG: [\"00\"]\n"
      "  - each: lines\n"
      "    segments:\n"
      "      - PO1:\n"
      "          - {from: n}\n"
      "          - {from: q, decimal: 2, required: true}\n"
      "          - {from: u, table: uom}\n";
  json ok = {{"n", 1}, {"q", 1}, {"u", "EA"}};
  check_error(po1, json{{"lines", {ok, {{"n", 2}, {"u", "EA"}}}}},
              "m.yaml:9: PO102 is required but lines[1].q is missing (t to 850, segment 4 PO1)", 9);
  auto line_with = [&](const char* key, json value) {
    json line = ok;
    line[key] = std::move(value);
    return json{{"lines", {line}}};
  };
  check_error(po1, line_with("q", "1O"),
              "m.yaml:9: PO102: lines[0].q '1O' is not a decimal number (t to 850, segment 3 PO1)", 9);
  check_error(po1, line_with("q", 1.234),
              "m.yaml:9: PO102: lines[0].q '1.234' has more than 2 decimal places (t to 850, segment 3 PO1)", 9);
  check_error(po1, line_with("q", true),
              "m.yaml:9: PO102: lines[0].q is a boolean, not a number (t to 850, segment 3 PO1)", 9);
  check_error(po1, line_with("n", {{"a", 1}}),
              "m.yaml:8: PO101: lines[0].n is an object, not a value (t to 850, segment 3 PO1)", 8);
  check_error(po1, line_with("u", "XX"),
              "m.yaml:10: PO103: lines[0].u 'XX' has no code in code table uom (t to 850, segment 3 PO1)", 10);
  check_error(po1, line_with("u", "EA"),
              "m.yaml:10: PO103: lines[0].u needs code table uom, which is not in the partner profile "
              "(t to 850, segment 3 PO1)",
              10, CodeTables{});
  check_error(po1, line_with("u", "EA"),
              "m.yaml:10: PO103: lines[0].u 'EA' is the ERP value of several codes in code table uom (EA, EACH); "
              "outbound needs one (t to 850, segment 3 PO1)",
              10, CodeTables{{"uom", {{"EA", "EA"}, {"EACH", "EA"}}}});
  check_error(po1, json{{"lines", "x"}}, "m.yaml:5: each: lines is a text, not a list (t to 850)", 5);

  const std::string dtm = "  - DTM: [\"002\", {from: d, date: CCYYMMDD}, {from: t, time: HHMM}, {from: y, date: YYMMDD}]\n";
  check_error(dtm, json{{"d", "2024-02-30"}},
              "m.yaml:4: DTM02: d '2024-02-30' is not a valid calendar date (t to 850, segment 2 DTM)", 4);
  check_error(dtm, json{{"d", "03/18/2024"}},
              "m.yaml:4: DTM02: d '03/18/2024' is not a date (YYYY-MM-DD) (t to 850, segment 2 DTM)", 4);
  check_error(dtm, json{{"d", 20240318}}, "m.yaml:4: DTM02: d is a number, not a text (t to 850, segment 2 DTM)", 4);
  check_error(dtm, json{{"t", "25:00"}},
              "m.yaml:4: DTM03: t '25:00' is not a valid time of day (t to 850, segment 2 DTM)", 4);
  check_error(dtm, json{{"t", "1430"}}, "m.yaml:4: DTM03: t '1430' is not a time (HH:MM or HH:MM:SS) (t to 850, segment 2 DTM)",
              4);
  check_error(dtm, json{{"y", "2060-01-01"}},
              "m.yaml:4: DTM04: y '2060-01-01' is outside 1950-2049, the years YYMMDD can carry (t to 850, segment 2 DTM)", 4);

  check_error("  - REF: [PO, {from: po, max: 5}]\n", json{{"po", "123456"}},
              "m.yaml:4: REF02: po '123456' is longer than max 5 (t to 850, segment 2 REF)", 4);
  check_error("  - QTY: [\"01\", {from: q, decimal: 2, max: 3}]\n", json{{"q", "1234.5"}},
              "m.yaml:4: QTY02: q '1234.5' is longer than max 3 digits (t to 850, segment 2 QTY)", 4);
  check_error("  - N1: [ST, {from: party.name}]\n", json{{"party", "x"}},
              "m.yaml:4: party is a text, not an object with name (t to 850, segment 2 N1)", 4);
  check_error("  - in: party\n    segments: [{N1: [ST]}]\n", json{{"party", "x"}},
              "m.yaml:4: in: party is a text, not an object (t to 850)", 4);
  check_error("  - N1: [ST, {from: /lines}]\n", json{{"lines", json::array()}},
              "m.yaml:4: N102: lines is a list, not a value (t to 850, segment 2 N1)", 4);
  check_error("  - N1: [ST]\n", json::array(), "m.yaml: the ERP transaction is a list, not a JSON object (t to 850)", 0);
  check_error("  - N1: [ST]\nkeys: {k: party}\n", json{{"party", json::object()}},
              "m.yaml:5: key k: party is an object, not a value (t to 850)", 5);
}

TEST_CASE("outbound: data holding a target delimiter is refused", "[mappings][outbound]") {
  const std::string n1 = "  - N1: [ST, {from: name}, [[{from: a}, {from: b}]], {from: c, default: \"d~e\"}]\n";
  auto with = [](json name, json b = "y", json c = "z") { return json{{"name", name}, {"a", "x"}, {"b", b}, {"c", c}}; };
  CHECK(run(n1, with("A B")) == std::vector<std::string>{"N1*ST*A B*x:y*z"});
  check_error(n1, with("A*B"), "m.yaml:4: N102: name 'A*B' contains the element separator '*' (t to 850, segment 2 N1)", 4);
  check_error(n1, with("A:B"), "m.yaml:4: N102: name 'A:B' contains the component separator ':' (t to 850, segment 2 N1)", 4);
  check_error(n1, with("A^B"), "m.yaml:4: N102: name 'A^B' contains the repetition separator '^' (t to 850, segment 2 N1)", 4);
  check_error(n1, with("A~B"), "m.yaml:4: N102: name 'A~B' contains the segment terminator '~' (t to 850, segment 2 N1)", 4);
  check_error(n1, with("A\nB"), "m.yaml:4: N102: name 'A\nB' contains a line break (t to 850, segment 2 N1)", 4);
  check_error(n1, with("A", "x:y"), "m.yaml:4: N103-2: b 'x:y' contains the component separator ':' (t to 850, segment 2 N1)",
              4);
  check_error(n1, with("A", "y", nullptr),
              "m.yaml:4: N104: default 'd~e' contains the segment terminator '~' (t to 850, segment 2 N1)", 4);
  check_error("  - N1: [\"S*T\"]\n", json::object(),
              "m.yaml:4: N101: literal 'S*T' contains the element separator '*' (t to 850, segment 2 N1)", 4);
  // Without a repetition separator (ISA12 before 00402) '^' is data.
  CHECK(evaluate(n1, with("A^B"), test_tables(), {'*', ':', 0, "~"}).segments.front().elements.at(1) == "A^B");
  // Tilde Parts writes '~' between elements and '*' after segments.
  const edihub::x12::Delimiters tilde{'~', '`', 0, "*"};
  CHECK(evaluate(n1, with("A:B"), test_tables(), tilde).segments.front().elements.at(1) == "A:B");
  check_error(n1, with("A*B"), "m.yaml:4: N102: name 'A*B' contains the segment terminator '*' (t to 850, segment 2 N1)", 4,
              test_tables(), tilde);
  check_error(n1, with("A~B"), "m.yaml:4: N102: name 'A~B' contains the element separator '~' (t to 850, segment 2 N1)", 4,
              test_tables(), tilde);
  check_error(n1, with("A\r\nB"), "m.yaml:4: N102: name 'A\r\nB' contains the segment terminator '\\r\\n' (t to 850, segment 2 N1)",
              4, test_tables(), {'*', ':', 0, "\r\n"});
}

TEST_CASE("outbound: mapping file errors name the line", "[mappings][outbound]") {
  const std::string target = "target: {format: x12, transaction_set: \"850\", versions: [\"004010\"]}\n";
  check_load_error(kHead + "  - BEG: [\"00\"]\ntabels: {}\n",
                   "m.yaml:5: unknown key 'tabels' in the mapping file (expected source, target, tables, segments, document, keys)", 5);
  check_load_error("source: {format: erp, transaction: t}\n" + target, "m.yaml:1: missing 'segments'", 1);
  check_load_error("source: {format: x12, transaction: t}\n" + target + "segments: [{BEG: [\"00\"]}]\n",
                   "m.yaml:1: source format of an outbound mapping must be erp (ERP transactions in JSON)", 1);
  check_load_error("source: {format: erp, transaction: t}\ntarget: {format: x12, transaction_set: \"85\", versions: [\"004010\"]}\nsegments: [{BEG: [\"00\"]}]\n",
                   "m.yaml:2: transaction_set must be three digits such as \"850\"", 2);
  check_load_error("source: {format: erp, transaction: t}\ntarget: {format: x12, transaction_set: \"850\", versions: [\"4010\"]}\nsegments: [{BEG: [\"00\"]}]\n",
                   "m.yaml:2: version '4010' is not a GS08 version such as 004010 or 005010", 2);
  check_load_error("source: {format: erp, transaction: t}\ntarget: {format: x12, transaction_set: \"123\", versions: [\"004010\"]}\nsegments: [{BEG: [\"00\"]}]\n",
                   "m.yaml:2: target needs functional_id (GS01): no default is known for transaction set 123", 2);
  auto own = OutboundMapping::load(
      "source: {format: erp, transaction: t}\n"
      "target: {format: x12, transaction_set: \"123\", versions: [\"005010\", \"004010\"], functional_id: ZZ}\n"
      "segments: [{BEG: [\"00\"]}]\n",
      "m.yaml");
  CHECK(own->functional_id() == "ZZ");
  CHECK(own->versions().front() == "005010");

  const std::string not_a_tag = "is not a segment tag (two or three uppercase letters and digits, a letter first)";
  entry("  - BEGX: [a]\n", "'BEGX' " + not_a_tag, 4);
  entry("  - 1A: [a]\n", "'1A' " + not_a_tag, 4);
  entry("  - beg: [a]\n",
        "unknown key 'beg' in a segment entry (expected a segment tag and when; or segments with each, in, when)", 4);
  entry("  - {BEG: [a], CUR: [b]}\n", "a segment entry holds one segment, not BEG and CUR (make two entries)", 4);
  entry("  - SE: [\"1\"]\n", "SE is written by the envelope; segments lists the body between ST and SE", 4);
  entry("  - BEG: []\n", "BEG needs a list of elements: literal codes, {from: ...} values, [[composite]]", 4);
  entry("  - BEG: [\"00\"]\n  - REF: [DP, {frm: d}]\n",
        "unknown key 'frm' in an element of REF (expected from, count, sum, value, concat, qualifier, required, default, "
        "table, on_missing, date, time, decimal, implied, integer, as, max, truncate, separator, split, calc, round, segment_count)",
        5);
  entry("  - REF:\n      - DP\n      - {from: d, date: MMDDYY}\n", "date must be CCYYMMDD or YYMMDD", 6);
  entry("  - REF: [DP, {from: d, time: HH}]\n", "time must be HHMM or HHMMSS", 4);
  entry("  - REF: [DP, {from: d, decimal: 12}]\n", "decimal (most places after the point) must be a whole number from 0 to 9",
        4);
  entry("  - REF: [DP, {from: d, implied: 0}]\n", "implied (decimal places) must be a whole number from 1 to 9", 4);
  entry("  - REF: [DP, {from: d, decimal: 2, integer: true}]\n",
        "an element of REF takes one of date, time, decimal, implied, integer", 4);
  entry("  - REF: [DP, {from: d, table: uom, integer: true}]\n",
        "table gives X12 codes as they are; it takes no date, time, decimal, implied or integer", 4);
  entry("  - REF: [DP, {from: d, truncate: true}]\n",
        "truncate applies to a text element with max (numbers, dates and codes are never cut)", 4);
  entry("  - REF: [DP, {from: d, required: true, default: x}]\n", "required and default exclude each other", 4);
  entry("  - REF: [DP, {from: d, on_missing: keep}]\n", "on_missing applies to an element with a table", 4);
  entry("  - REF: [DP, {count: l, table: uom}]\n",
        "key 'table' does not apply to a count element (it takes count, qualifier, max)", 4);
  entry("  - REF: [DP, {from: d, sum: e}]\n", "an element of REF needs exactly one of from, count, sum, value, concat, segment_count", 4);
  entry("  - REF: [DP, {from: \"l[0].x\"}]\n",
        "bad JSON path 'l[0].x': 'l[0]' is not a name or name[] (letters, digits, _ and -)", 4);
  entry("  - REF: [DP, {from: \"a..b\"}]\n", "bad JSON path 'a..b': '' is not a name or name[] (letters, digits, _ and -)",
        4);
  entry("  - REF: [DP, {from: \"l[].x\"}]\n",
        "bad JSON path 'l[].x': from takes a path without [] ([] collects values for count, sum, when and keys)", 4);
  entry("  - REF: [DP, [[{qualifier: X, from: d}]]]\n", "qualifier applies to a simple X12 element (not in a composite, a concat part, a calc operand or XML)", 4);
  entry("  - REF: [DP, [a, b]]\n",
        "a composite is written [[component, component, ...]] (a list holding its list of components)", 4);
  entry("  - REF: [DP, [[a, [b]]]]\n", "a component cannot be a list (composites do not nest)", 4);
  entry("  - each: lines\n", "each needs segments (the block it repeats, enters or numbers)", 4);
  entry("  - {each: a, in: b, segments: [{N1: [X]}]}\n", "a block takes each or in, not both", 4);
  entry("  - {segments: [{N1: [X]}]}\n", "a block needs each, in, when or hl", 4);
  entry("  - {each: a, segments: [{N1: [X]}], wen: x}\n", "unknown key 'wen' in a block (expected segments, each, in, when, hl)",
        4);
  entry("  - {REF: [X], when: {path: a}}\n",
        "when is a path, {path: ..., equals: ...}, {not: when}, {all: [when, ...]} or {any: [when, ...]}", 4);
  entry("  - each: a\n    segments:\n      - N1: [X]\n      - XXXX: [Y]\n", "'XXXX' " + not_a_tag, 7);
  check_load_error(kHead.substr(0, kHead.find("segments:")) +
                       "tables:\n"
                       "  uom:\n"
                       "    EA: each\n"
                       "    EACH: each\n"
                       "segments: [{BEG: [\"00\"]}]\n",
                   "m.yaml:6: table uom: 'each' is the ERP value of both EA and EACH; outbound needs one code per value", 6);
  check_load_error(kHead + "  - BEG: [\"00\"]\nkeys: {po: \"a[0]\"}\n",
                   "m.yaml:5: bad JSON path 'a[0]': 'a[0]' is not a name or name[] (letters, digits, _ and -)", 5);
  try {
    OutboundMapping::load(kHead + "  - BEG: [\"00\"\n", "m.yaml");
    FAIL("no MappingFileError");
  } catch (const MappingFileError& e) {
    CHECK(e.line == 5);  // YAML syntax, from yaml-cpp
    CHECK_THAT(e.what(), Catch::Matchers::StartsWith("m.yaml:5: "));
  }
  CHECK_THROWS_AS(OutboundMapping::load_file("/nonexistent/o.yaml"), MappingFileError);
}

TEST_CASE("outbound: concat, split, calc and round", "[mappings][outbound][values]") {
  json doc = {{"first", "Dana"}, {"last", "Whitfield"}, {"none", ""},   {"codes", "A, B ,C"}, {"q", 12},
              {"pack", 4},       {"zero", 0},           {"a", 0.1},     {"b", 0.2},           {"txt", "abc"},
              {"price", "2.675"}, {"neg", -2.5},        {"lines", {{{"q", 1.5}}, {{"q", 2}}}}};
  // Absent parts are skipped with their separator; literals are parts too.
  CHECK(run("  - NTE: [{concat: [{from: first}, {from: none}, {from: missing}, {from: last}], separator: \" \"}, "
            "{concat: [PO, {from: q}], separator: \"-\"}, {concat: [{from: none}, {from: missing}]}, X]\n",
            doc) == std::vector<std::string>{"NTE*Dana Whitfield*PO-12**X"});
  CHECK(run("  - REF: [{from: codes, split: {separator: \",\", part: 2}}, {from: codes, split: {separator: \",\", part: 4}}, "
            "{from: codes, split: {separator: \";\", part: 1}}]\n",
            doc) == std::vector<std::string>{"REF*B**A, B ,C"});
  // 12 * 12 / 4 + 1 - 0.5; operands are numbers or values.
  CHECK(run("  - QTY: [{from: q, calc: [{multiply: 12}, {divide: {from: pack}}, {add: 1}, {subtract: 0.5}]}]\n", doc) ==
        std::vector<std::string>{"QTY*36.5"});
  // Exact decimals: 0.1 + 0.2 is 0.3; half away from zero (2.675 is 2.67499... as a double).
  CHECK(run("  - AMT: [{from: a, calc: [{add: {from: b}}]}, {from: a, calc: [{add: {from: b}}], round: 1}, "
            "{from: price, round: 2}, {from: neg, round: 0}, {from: q, calc: [{divide: 7}], round: 2}, "
            "{from: q, calc: [{divide: 3}], round: 4, decimal: 4}]\n",
            doc) == std::vector<std::string>{"AMT*0.3*0.3*2.68*-3*1.71*4"});
  CHECK(run("  - CTT: [{sum: \"lines[].q\", calc: [{multiply: 2}]}, {from: q, calc: [{divide: 8}], round: 0, integer: true}]\n",
            doc) == std::vector<std::string>{"CTT*7*2"});
  // Without round, a quotient that does not end is more places than R takes.
  check_error("  - QTY: [{from: q, calc: [{divide: 7}], decimal: 4}]\n", doc,
              "m.yaml:4: QTY01: q '1.714285714285714286' has more than 4 decimal places (t to 850, segment 2 QTY)", 4);
  check_error("  - QTY: [{from: q, calc: [{divide: {from: zero}}]}]\n", doc,
              "m.yaml:4: QTY01: q '12' is divided by zero (zero) (t to 850, segment 2 QTY)", 4);
  check_error("  - QTY: [{from: q, calc: [{multiply: 2}, {divide: {from: txt}}]}]\n", doc,
              "m.yaml:4: QTY01: txt 'abc' is not a decimal number (t to 850, segment 2 QTY)", 4);
  check_error("  - QTY: [{from: txt, calc: [{multiply: 2}]}]\n", doc,
              "m.yaml:4: QTY01: txt 'abc' is not a decimal number (t to 850, segment 2 QTY)", 4);
  check_error("  - QTY:\n      - from: q\n        calc:\n          - divide: {from: nothing}\n", doc,
              "m.yaml:7: QTY01: calc needs nothing, which is missing (t to 850, segment 2 QTY)", 7);
  check_error("  - each: lines\n    segments: [{QTY: [{from: q, calc: [{divide: {from: /zero}}]}]}]\n", doc,
              "m.yaml:5: QTY01: lines[0].q '1.5' is divided by zero (zero) (t to 850, segment 2 QTY)", 5);

  entry("  - QTY: [{from: q, calc: [{divide: 0}]}]\n", "divide by zero", 4);
  entry("  - QTY: [{from: q, calc: [{multiply: x}]}]\n",
        "the operand of multiply must be a number such as 12 or 0.5, or a value such as {from: pack_size}", 4);
  entry("  - QTY: [{from: q, calc: [{power: 2}]}]\n",
        "unknown key 'power' in a calc step (expected add, subtract, multiply, divide)", 4);
  entry("  - QTY: [{from: q, calc: [{add: 1, subtract: 2}]}]\n",
        "a calc step is one of add, subtract, multiply, divide with its operand", 4);
  entry("  - QTY: [{from: q, calc: [{divide: {from: p, implied: 2}}]}]\n",
        "the operand of divide is read as a number: it takes no implied", 4);
  entry("  - QTY: [{from: q, round: 12}]\n", "round (decimal places) must be a whole number from 0 to 9", 4);
  entry("  - QTY: [{from: q, table: uom, round: 2}]\n", "calc and round take numbers; they do not go with table", 4);
  entry("  - REF: [{from: q, split: {separator: \",\"}}]\n", "split needs separator and part (from 1)", 4);
  entry("  - REF: [{concat: [{from: a}]}]\n", "concat needs a list of at least two values", 4);
  entry("  - REF: [{count: a, round: 2}]\n", "key 'round' does not apply to a count element (it takes count, qualifier, max)", 4);
  entry("  - REF: [{from: d, as: date}]\n",
        "key 'as' applies to XML targets (X12 values take date, time, decimal, implied or integer)", 4);
}

TEST_CASE("outbound: when with not, all and any", "[mappings][outbound][values]") {
  json doc = {{"a", "x"}, {"b", ""}, {"k", "drop"}};
  CHECK(run("  - {REF: [N1], when: {not: b}}\n"
            "  - {REF: [N2], when: {all: [a, {path: k, equals: drop}]}}\n"
            "  - {REF: [N3], when: {all: [a, b]}}\n"
            "  - {REF: [N4], when: {any: [b, {not: a}]}}\n"
            "  - {REF: [N5], when: {any: [b, a]}}\n"
            "  - {REF: [N6], when: {not: {any: [b, {path: k, equals: [ship, hold]}]}}}\n",
            doc) == std::vector<std::string>{"REF*N1", "REF*N2", "REF*N5", "REF*N6"});
  check_load_error(kHead + "  - {REF: [X], when: {all: []}}\n", "m.yaml:4: all needs a list of conditions", 4);
  check_load_error(kHead + "  - {REF: [X], when: {not: a, path: b}}\n",
                   "m.yaml:4: when is a path, {path: ..., equals: ...}, {not: when}, {all: [when, ...]} or {any: [when, ...]}",
                   4);
}

TEST_CASE("outbound: on_missing error, keep or default", "[mappings][outbound][values]") {
  const std::string head = kHead.substr(0, kHead.find("segments:")) + "tables: {purpose: {\"00\": original}}\nsegments:\n";
  auto m = OutboundMapping::load(head +
                                     "  - BEG: [{from: p, table: purpose, default: \"00\", on_missing: default}, "
                                     "{from: p, table: purpose, on_missing: keep}]\n"
                                     "  - REF: [{from: p, table: purpose, default: \"00\", on_missing: error}]\n",
                                 "m.yaml");
  // A value without a code: default, kept, or an error even with a default (which is for no value).
  CHECK(lines(m->evaluate(json::object(), {}, kStar)) == std::vector<std::string>{"BEG*00", "REF*00"});
  CHECK(lines(m->evaluate(json{{"p", "original"}}, {}, kStar)) == std::vector<std::string>{"BEG*00*00", "REF*00"});
  try {
    m->evaluate(json{{"p", "other"}}, {}, kStar);
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK(std::string(e.what()) == "m.yaml:6: REF01: p 'other' has no code in code table purpose (t to 850, segment 3 REF)");
  }
  check_load_error(head + "  - BEG: [{from: p, table: purpose, on_missing: default}]\n",
                   "m.yaml:5: on_missing: default needs default: (the code written)", 5);
  check_load_error(head + "  - BEG: [{from: p, table: purpose, on_missing: drop}]\n",
                   "m.yaml:5: on_missing must be error, keep or default", 5);
}

TEST_CASE("outbound: HL levels are numbered in document order with their parents and child flags", "[mappings][outbound][hl]") {
  // Order P1 packed in two cartons (S-O-P-I), P2 with a loose item (S-O-I), P3 with nothing.
  const json doc = {{"id", "A1"},
                    {"cartons", 3},
                    {"orders",
                     {{{"po", "P1"},
                       {"packs", {{{"sscc", "S1"}, {"items", {{{"part", "a"}}, {{"part", "b"}}}}},
                                  {{"sscc", "S2"}, {"items", {{{"part", "c"}}}}}}}},
                      {{"po", "P2"}, {"items", {{{"part", "d"}}}}},
                      {{"po", "P3"}}}}};
  const std::string entries =
      "  - BSN: [{from: id}]\n"
      "  - hl: {level: S, child: true}\n"
      "    segments:\n"
      "      - TD1: [CTN, {from: cartons}]\n"
      "      - each: orders\n"
      "        hl: {level: O, child: true}\n"
      "        segments:\n"
      "          - PRF: [{from: po}]\n"
      "          - each: packs\n"
      "            hl: P\n"
      "            segments:\n"
      "              - MAN: [GM, {from: sscc}]\n"
      "              - each: items\n"
      "                hl: {level: I, child: true}\n"
      "                segments: [{LIN: [\"\", BP, {from: part}]}]\n"
      "          - each: items\n"
      "            hl: {level: I, child: true}\n"
      "            segments: [{LIN: [\"\", BP, {from: part}]}]\n"
      "  - CTT: [{segment_count: HL}, {segment_count: LIN}]\n";
  const std::vector<std::string> expected = {
      "BSN*A1",    "HL*1**S*1", "TD1*CTN*3", "HL*2*1*O*1", "PRF*P1",    "HL*3*2*P",   "MAN*GM*S1", "HL*4*3*I*0",
      "LIN**BP*a", "HL*5*3*I*0", "LIN**BP*b", "HL*6*2*P",  "MAN*GM*S2", "HL*7*6*I*0", "LIN**BP*c", "HL*8*1*O*1",
      "PRF*P2",    "HL*9*8*I*0", "LIN**BP*d", "HL*10*1*O*0", "PRF*P3",  "CTT*10*4"};
  auto mapping = OutboundMapping::load(kHead + entries, "m.yaml");
  CHECK(lines(mapping->evaluate(doc, test_tables(), kStar)) == expected);
  // Each document is numbered from 1 again; positions count from ST = 1.
  auto again = mapping->evaluate(doc, test_tables(), kStar);
  CHECK(lines(again) == expected);
  CHECK(again.segments[1].position == 3);

  // A level left out by `when` takes no number; segment_count counts what was written before it.
  // A level without each or in is written once in its context (here only for orders with packs).
  CHECK(run("  - hl: S\n"
            "    segments:\n"
            "      - each: orders\n"
            "        hl: O\n"
            "        segments:\n"
            "          - hl: P\n"
            "            when: packs\n"
            "            segments: [{CTT: [{segment_count: HL}]}]\n"
            "          - PRF: [{from: po}]\n",
            doc) == std::vector<std::string>{"HL*1**S", "HL*2*1*O", "HL*3*2*P", "CTT*3", "PRF*P1", "HL*4*1*O", "PRF*P2",
                                             "HL*5*1*O", "PRF*P3"});
}

TEST_CASE("outbound: HL and segment_count mistakes name the line", "[mappings][outbound][hl]") {
  entry("  - BSN: [A]\n  - each: orders\n    hl: X1Y\n    segments: [{PRF: [A]}]\n",
        "hl level 'X1Y' is not an HL03 code (one or two uppercase letters or digits, such as S, O, P, I)", 6);
  entry("  - hl: o\n    segments: [{PRF: [A]}]\n",
        "hl level 'o' is not an HL03 code (one or two uppercase letters or digits, such as S, O, P, I)", 4);
  entry("  - hl: {level: O, children: true}\n    segments: [{PRF: [A]}]\n",
        "unknown key 'children' in hl (expected level, child)", 4);
  entry("  - hl: {child: true}\n    segments: [{PRF: [A]}]\n", "hl needs level: the HL03 code of the level, such as O", 4);
  entry("  - hl: {level: O, child: maybe}\n    segments: [{PRF: [A]}]\n", "hl child (write HL04) must be true or false", 4);
  entry("  - {hl: O}\n", "hl needs segments (the block it repeats, enters or numbers)", 4);
  entry("  - CTT: [{segment_count: hl}]\n", "segment_count takes a segment tag such as HL or LIN, not 'hl'", 4);
  entry("  - CTT: [{segment_count: HL, decimal: 2}]\n",
        "key 'decimal' does not apply to a segment_count element (it takes segment_count, qualifier, max)", 4);
  entry("  - CTT: [{segment_count: HL, from: n}]\n",
        "an element of CTT needs exactly one of from, count, sum, value, concat, segment_count", 4);
}
