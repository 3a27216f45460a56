// The warehouse order flow's standard mappings: our 940 out
// (mappings/standard/outbound/x12-940-warehouse-order.yaml) and the 3PL's 945 back
// (mappings/standard/x12-945-warehouse-shipment.yaml). The 940 of
// tests/data/erp/warehouse_order_standard.json is checked segment by segment (worked out by
// hand from the JSON), enveloped and read back by our reader and validator (004010 and
// 005010) and by node-x12, an independent parser; the 945s are a public sample
// (tests/data/mappings/945_x12types_*) and hand-made 004010/005010 ones covering every
// qualifier the mapping reads, the first answering that very order. Every output is
// validated against docs/warehouse_shipment.schema.json (node + ajv).
#include <catch2/catch.hpp>

#include "formats/interchange_writer.h"
#include "formats/schema.h"
#include "formats/validation.h"
#include "mappings/mapping.h"
#include "mappings/outbound.h"
#include "tests/fixtures/npm_peers.h"
#include "tests/support/mapping_sets.h"
#include "tests/support/outbound_mapping_checks.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::mapping::testing::erp;
using edihub::mapping::testing::read_sets;
using edihub::mapping::testing::test_tables;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using edihub::testing::write_file;
using nlohmann::json;

namespace {

const char* const k940 = "mappings/standard/outbound/x12-940-warehouse-order.yaml";
const char* const k945 = "mappings/standard/x12-945-warehouse-shipment.yaml";

// The 940 body of warehouse_order_standard.json with the test tables (CS -> CA, truck -> M).
const std::vector<std::string> kOrderBody = {
    "W05*N*WO-7781*CUST-PO-5521",
    "N1*DE*Acme Manufacturing*92*ACME",
    "N1*WH*Riverside 3PL Memphis*92*DC-MEM",
    "N1*ST*Lakeside Hardware #118*92*STORE-118",
    "N3*2200 Lakeshore Dr",
    "N4*Chicago*IL*60614*US",
    "G62*04*20261201",
    "G62*10*20261203",
    "NTE*WHI*Pallets max 60 inches high",
    "W66*PP*M***LTL STANDARD*****ODFL",  // W6605 routing, W6610 SCAC
    "LX*1",
    "W01*40*EA*012345678905*VN*HB-M8-40",
    "G69*Hex bolt M8 x 40, zinc, box of 100",
    "N9*LI*1",
    "LX*2",
    "W01*12*CA**VN*CW-12-250*BP*LH-55120",  // "12.00" CS -> 12 CA; no UPC: W0103 empty
    "N9*LI*2",
    "N9*LT*L2611A",
    "LX*3",
    "W01*300*EA**VN*WS-M8",
    "G69*Washer M8",
    "N9*LI*3",
    "W76*352",  // 40 + 12 + 300
};

std::vector<std::string> lines(const std::vector<edihub::x12::Segment>& segments) {
  std::vector<std::string> v;
  for (const auto& s : segments) {
    std::string line = s.tag;
    for (const auto& e : s.elements) line += "*" + e;
    v.push_back(line);
  }
  return v;
}

// The 940 as a partner receives it: our envelope around the mapped body, GS08 `version`.
std::string order_interchange(const std::string& isa_version, const std::string& version) {
  const edihub::x12::Delimiters d{'*', '>', isa_version >= "00402" ? '^' : '\0', "~"};
  auto out = OutboundMapping::load_file((source_dir() / k940).string())
                 ->evaluate(erp("warehouse_order_standard.json"), test_tables(), d);
  edihub::x12::InterchangeSettings isa;
  isa.delimiters = d;
  isa.suffix = "\n";
  isa.sender_qualifier = "ZZ";
  isa.sender_id = "ACMEDEMO";
  isa.receiver_qualifier = "ZZ";
  isa.receiver_id = "RIVERSIDE3PL";
  isa.date = "261201";
  isa.time = "0800";
  isa.version = isa_version;
  isa.control_number = 41;
  edihub::x12::InterchangeWriter writer(isa);
  writer.begin_group({"OW", "ACMEDEMO", "RIVERSIDE3PL", "20261201", "0800", 41, "X", version});
  writer.transaction_set("940", 1, "", out.segments);
  writer.end_group();
  return writer.finish();
}

Result map_945(const std::string& file) {
  auto mapping = Mapping::load(read_file(source_dir() / k945), k945);
  auto sets = read_sets(read_file(data_dir() / file));
  REQUIRE(sets.size() == 1);
  return mapping->evaluate(sets.front().set, sets.front().context(), CodeTables{});
}

// Each document must be valid against docs/`schema`.
void check_schema(const std::string& schema, const std::vector<json>& documents) {
  edihub::testing::TempDir dir;
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    files.push_back(dir / ("document-" + std::to_string(i) + ".json"));
    write_file(files.back(), documents[i].dump());
  }
  auto run = edihub::testing::validate_json_files(source_dir() / "docs" / schema, files);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
}

}  // namespace

TEST_CASE("940: a warehouse order becomes W05, N1 loops, G62, NTE, W66, LX/W01 lines and W76", "[mappings][940]") {
  auto mapping = OutboundMapping::load_file((source_dir() / k940).string());
  auto out = mapping->evaluate(erp("warehouse_order_standard.json"), test_tables(), {'*', '>', 0, "~"});
  CHECK(lines(out.segments) == kOrderBody);
  CHECK(out.keys == std::vector<std::pair<std::string, std::string>>{{"depositor_order_number", "WO-7781"},
                                                                    {"po_number", "CUST-PO-5521"}});
  CHECK(mapping->functional_id() == "OW");

  // A cancellation is W0501 F; a line number that is not a whole number cannot be an LX01.
  auto order = erp("warehouse_order_standard.json");
  order["purpose"] = "cancellation";
  CHECK(lines(mapping->evaluate(order, test_tables(), {'*', '>', 0, "~"}).segments).front() ==
        "W05*F*WO-7781*CUST-PO-5521");
  order["lines"][1]["line_number"] = 2.5;
  CHECK_THROWS_WITH(mapping->evaluate(order, test_tables(), {'*', '>', 0, "~"}),
                    Catch::Matchers::Contains("LX01: lines[1].line_number '2.5'"));
}

TEST_CASE("940: our envelope around it passes our reader and the 940 schema in 004010 and 005010", "[mappings][940]") {
  for (const auto& [isa_version, version] : {std::pair<std::string, std::string>{"00401", "004010"}, {"00501", "005010"}}) {
    INFO(version);
    auto sets = read_sets(order_interchange(isa_version, version));
    REQUIRE(sets.size() == 1);
    const auto* schema = edihub::x12::SchemaLibrary::builtin().find("940", version);
    REQUIRE(schema);
    auto checked = edihub::x12::validate_set(sets.front().set, *schema);
    CHECK(checked.accepted());
    std::vector<edihub::x12::Segment> body(sets.front().set.segments.begin() + 1, sets.front().set.segments.end() - 1);
    CHECK(lines(body) == kOrderBody);
  }
}

TEST_CASE("940: node-x12 reads our warehouse order as we wrote it", "[mappings][940][interop]") {
  const std::string why = edihub::testing::npm_peers_ready();
  if (!why.empty()) FAIL(why);
  edihub::testing::TempDir dir;
  write_file(dir / "940.edi", order_interchange("00501", "005010"));
  const auto run = edihub::testing::run_program(
      {"env", "NODE_PATH=" + (edihub::testing::npm_peers_dir() / "node_modules").string(), "node",
       (source_dir() / "tests/node_x12_read_segments.js").string(), (dir / "940.edi").string()},
      60);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::string expected = "ISA ACMEDEMO RIVERSIDE3PL\nGS OW 005010\nST 940\n";
  for (const auto& line : kOrderBody) expected += line + "\n";
  expected += "SE 25\nGE 1\nIEA 1\n";  // ST + 23 body segments + SE
  CHECK(run.out == expected);
}

TEST_CASE("945: the answer to our 940 maps to what was shipped per order line, SSCCs and serials (004010)",
          "[mappings][945]") {
  auto r = map_945("mappings/945_handmade_004010_short_line_serials_sscc.edi");
  const json& t = r.transaction;
  CHECK(t["depositor_order_number"] == "WO-7781");
  CHECK(t["report_type"] == "final");
  CHECK(t["shipment_id"] == "SH-55012");
  CHECK(t["po_number"] == "CUST-PO-5521");
  CHECK(t["shipped_at"] == "2026-12-03T14:15:00");  // G62*11 with its time, not W0603 alone
  CHECK(t["carrier"] == json{{"mode", "truck"}, {"scac", "ODFL"}, {"routing", "LTL STANDARD"}, {"payment", "prepaid"}});
  CHECK(t["bill_of_lading"] == "BOL-889120");
  CHECK(t["pro_number"] == "PRO-44120931");
  CHECK(t["ship_to"] == json{{"name", "Lakeside Hardware #118"}, {"id_qualifier", "92"}, {"id", "STORE-118"},
                             {"address", {{"street", "2200 Lakeshore Dr"}, {"city", "Chicago"}, {"state", "IL"},
                                          {"postal_code", "60614"}, {"country", "US"}}}});
  CHECK(t["ship_from"] == json{{"name", "Riverside 3PL Memphis"}, {"id_qualifier", "92"}, {"id", "DC-MEM"}});
  CHECK(t["total_units"] == 350);
  CHECK(t["total_weight"] == json{{"value", 420}, {"unit", "LB"}});
  // The order's lines in the order's units: 40 EA, 12 CS (10 shipped), 300 EA.
  CHECK(t["lines"] == json::parse(R"([
    {"line_number": "1", "status": "complete", "quantity_ordered": 40, "quantity_shipped": 40, "quantity_difference": 0,
     "unit": "EA", "upc": "012345678905", "item": "HB-M8-40", "description": "Hex bolt M8 x 40, zinc, box of 100",
     "serial_numbers": ["SN-40001", "SN-40002"], "license_plates": []},
    {"line_number": "2", "status": "partial_no_backorder", "quantity_ordered": 12, "quantity_shipped": 10,
     "quantity_difference": 2, "unit": "CS", "item": "CW-12-250", "lot": "L2611A", "serial_numbers": [],
     "license_plates": []},
    {"line_number": "3", "status": "complete", "quantity_ordered": 300, "quantity_shipped": 300, "quantity_difference": 0,
     "unit": "EA", "item": "WS-M8", "serial_numbers": [], "license_plates": []}])"));
  CHECK(t["packs"] == json::parse(R"([{"number": 1, "sscc": "001061414100000011", "line_numbers": ["1"]},
                                      {"number": 2, "sscc": "001061414100000028", "line_numbers": ["2", "3"]}])"));
  CHECK(r.keys == std::vector<std::pair<std::string, std::string>>{{"depositor_order_number", "WO-7781"},
                                                                  {"shipment_id", "SH-55012"},
                                                                  {"po_number", "CUST-PO-5521"},
                                                                  {"bol", "BOL-889120"},
                                                                  {"tracking_number", "PRO-44120931"}});
}

TEST_CASE("945: partial report, SF party, W0603 date, parcel carrier, SK/UK/BP ids, lot and license plate (005010)",
          "[mappings][945]") {
  auto r = map_945("mappings/945_handmade_005010_partial_backorder_parcel.edi");
  const json& t = r.transaction;
  CHECK(t["report_type"] == "partial");
  CHECK(t["agent_shipment_id"] == "AG-7");
  CHECK(t["shipped_at"] == "2026-12-04");
  CHECK(t["carrier"] == json{{"mode", "parcel"}, {"scac", "UPSN"}, {"routing", "UPS GROUND"}, {"payment", "collect"}});
  CHECK_FALSE(t.contains("bill_of_lading"));
  CHECK(t["pro_number"] == "1Z999AA10123456784");
  CHECK(t["ship_from"]["id"] == "DC-MEM");  // N1*SF
  CHECK(t["total_units"] == 20);
  CHECK_FALSE(t.contains("total_weight"));
  CHECK(t["lines"] == json::parse(R"([
    {"line_number": "1", "status": "partial_backorder", "quantity_ordered": 24, "quantity_shipped": 20,
     "quantity_difference": 4, "unit": "EA", "item": "CW-12-250", "gtin": "10012345678902", "lot": "L2611B",
     "serial_numbers": [], "license_plates": ["LPN-77120"]},
    {"line_number": "2", "status": "cancelled", "quantity_ordered": 5, "quantity_shipped": 0, "quantity_difference": 5,
     "unit": "CS", "item": "HB-M8-40", "buyer_part": "LH-55120", "serial_numbers": [], "license_plates": []}])"));
  CHECK(t["packs"] == json::parse(R"([{"number": 1, "tracking_number": "1Z999AA10123456784", "line_numbers": ["1"]},
                                      {"number": 2, "line_numbers": ["2"]}])"));
}

TEST_CASE("945: a public 005010 sample (x12-types) with a VN item, W1209 lot and a license plate", "[mappings][945]") {
  // W06*F*IF102*20190604*BOL12345**PO9865; W27*M*NPLT*NORTHPOINT TRANSPOR*PP; LX*10,
  // W12*CC*3000*3000*0*EA**VN*123456789*LOT12314, G69, N9*LV*LPN6569; W03*3000*15000*LB.
  auto r = map_945("mappings/945_x12types_if102_se01_corrected.edi");
  CHECK(r.transaction == json::parse(R"({
    "depositor_order_number": "IF102", "report_type": "final", "shipment_id": "BOL12345", "po_number": "PO9865",
    "shipped_at": "2019-06-04",
    "carrier": {"mode": "truck", "scac": "NPLT", "routing": "NORTHPOINT TRANSPOR", "payment": "prepaid"},
    "ship_to": {"name": "CUSTOMER XYZ", "address": {"street": "123 CUSTOMER WAY", "city": "ANYTOWN", "state": "KS",
                                                    "postal_code": "66216-4563"}},
    "ship_from": {"id": "CHI"},
    "total_units": 3000, "total_weight": {"value": 15000, "unit": "LB"},
    "lines": [{"status": "complete", "quantity_ordered": 3000, "quantity_shipped": 3000, "quantity_difference": 0,
               "unit": "EA", "item": "123456789", "lot": "LOT12314", "description": "WIDGETS 100 PER BOX",
               "serial_numbers": [], "license_plates": ["LPN6569"]}],
    "packs": [{"number": 10, "line_numbers": []}]})"));
}

TEST_CASE("945 and 940: the mapped shipments and the example order are valid against their JSON Schemas",
          "[mappings][945][schema]") {
  check_schema("warehouse_shipment.schema.json",
               {map_945("mappings/945_handmade_004010_short_line_serials_sscc.edi").transaction,
                map_945("mappings/945_handmade_005010_partial_backorder_parcel.edi").transaction,
                map_945("mappings/945_x12types_if102_se01_corrected.edi").transaction});
  check_schema("warehouse_order.schema.json", {erp("warehouse_order_standard.json")});
}
