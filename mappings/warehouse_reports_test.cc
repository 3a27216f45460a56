// The standard warehouse-report mappings (mappings/standard/x12-944-*, x12-947-*, x12-846-*)
// on public samples (tests/data/corpus/x12/944_stupidedi_*, 846_x12types_*) and hand-made
// 004010/005010 ones (tests/data/mappings/94x_handmade_*, 846_handmade_*) that use every
// qualifier the mappings read, with the partner's code tables empty so the mappings' own
// tables are what is tested. Every expected value was read off the sample by hand. Every
// output is then validated against docs/warehouse_receipt.schema.json,
// inventory_adjustment.schema.json and inventory_advice.schema.json (node + ajv).
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using nlohmann::json;

namespace {

const char* const k944 = "mappings/standard/x12-944-warehouse-receipt.yaml";
const char* const k947 = "mappings/standard/x12-947-inventory-adjustment.yaml";
const char* const k846 = "mappings/standard/x12-846-inventory-advice.yaml";

using testing::map_one_sample;

using Keys = std::vector<std::pair<std::string, std::string>>;

const json kDallas = {{"name", "ACME 3PL DALLAS"}, {"id_qualifier", "9"}, {"id", "0012345670001"}};
const json kNorthwind = {{"name", "NORTHWIND TRADING"}, {"id_qualifier", "9"}, {"id", "0098765430001"}};

const std::vector<std::pair<const char*, std::string>> kSamples = {
    {k944, "corpus/x12/944_stupidedi_re944_no_lx_w07_lot.edi"},
    {k944, "mappings/944_handmade_004010_lx_damaged_short_over.edi"},
    {k944, "mappings/944_handmade_005010_no_lx_every_condition.edi"},
    {k947, "mappings/947_handmade_004010_hold_damage_count.edi"},
    {k947, "mappings/947_handmade_005010_release_quality_inspection.edi"},
    {k846, "corpus/x12/846_x12types_minimal_5010.edi"},
    {k846, "mappings/846_handmade_004010_two_warehouses_lots.edi"}};

}  // namespace

TEST_CASE("944: the public stupidedi receipt, one W07 without LX, lot in W0708, N9*PO in the loop",
          "[mappings][944]") {
  // W17*F*20260714*WR12345*DO12345, N1*WH, G62*11, W07*100*EA**UK*ITEM123***LOT456, N9*PO*REF789, W14*100.
  auto r = map_one_sample(k944, "corpus/x12/944_stupidedi_re944_no_lx_w07_lot.edi");
  CHECK(r.transaction == json{{"receipt_id", "WR12345"},
                              {"received_date", "2026-07-14"},
                              {"reporting", "full_detail"},
                              {"depositor_order", "DO12345"},
                              {"purchase_order", "REF789"},
                              {"warehouse", {{"name", "ACME WAREHOUSE"}, {"id_qualifier", "9"}, {"id", "1234567890001"}}},
                              {"lines", {{{"quantity_received", 100},
                                          {"unit", "EA"},
                                          {"gtin", "ITEM123"},
                                          {"lot", "LOT456"},
                                          {"purchase_order", "REF789"},
                                          {"exceptions", json::array()}}}},
                              {"total_received", 100}});
  CHECK(r.keys == Keys{{"receipt_id", "WR12345"}, {"depositor_order", "DO12345"}});
}

TEST_CASE("944: hand-made 004010 with LX, damaged, short and over exceptions, lots in W0708 and N9*LT",
          "[mappings][944]") {
  auto r = map_one_sample(k944, "mappings/944_handmade_004010_lx_damaged_short_over.edi");
  CHECK(r.transaction ==
        json{{"receipt_id", "R-7001"},
             {"received_date", "2026-12-01"},
             {"reporting", "full_detail"},
             {"depositor_order", "DO-5521"},
             {"shipment_id", "SH-2026-0042"},
             {"purchase_order", "4500012345"},
             {"bill_of_lading", "BOL-4411"},
             {"warehouse", kDallas},
             {"depositor", kNorthwind},
             {"ship_from", {{"name", "LUMEN PARTS"}, {"id_qualifier", "92"}, {"id", "LUMEN"}}},
             {"lines",
              {{{"quantity_received", 96},
                {"unit", "EA"},
                {"vendor_part", "NW-55-A"},
                {"upc", "012345678905"},
                {"lot", "LOT-A1"},
                {"description", "WIDGET 55 A"},
                {"damaged", 4},
                {"short", 2},
                {"exceptions",
                 {{{"condition", "damaged"}, {"condition_code", "01"}, {"quantity", 4}, {"unit", "EA"},
                   {"lot", "LOT-A1"}, {"damage_reason", "CC"}},
                  {{"condition", "short"}, {"condition_code", "02"}, {"quantity", 2}, {"unit", "EA"}}}}},
               {{"quantity_received", 50},
                {"unit", "CS"},
                {"buyer_part", "B-2002"},
                {"gtin", "10012345000029"},
                {"lot", "LOT-B7"},
                {"purchase_order", "4500012346"},
                {"over", 2},
                {"exceptions", {{{"condition", "over"}, {"condition_code", "03"}, {"quantity", 2}, {"unit", "CS"}}}}}}},
             {"total_received", 146}});
  CHECK(r.keys == Keys{{"receipt_id", "R-7001"}, {"shipment_id", "SH-2026-0042"}, {"depositor_order", "DO-5521"}});
}

TEST_CASE("944: hand-made 005010 exceptions-only receipt without LX, the other conditions and qualifiers",
          "[mappings][944]") {
  auto r = map_one_sample(k944, "mappings/944_handmade_005010_no_lx_every_condition.edi");
  auto exception = [](const char* condition, const char* code, int quantity, const char* unit) {
    return json{{"condition", condition}, {"condition_code", code}, {"quantity", quantity}, {"unit", unit}};
  };
  CHECK(r.transaction ==
        json{{"receipt_id", "R-7002"},
             {"received_date", "2026-12-02"},
             {"reporting", "exceptions_only"},
             {"depositor_order", "DO-5522"},
             {"warehouse", kDallas},
             {"lines",
              {{{"quantity_received", 10},
                {"unit", "EA"},
                {"vendor_part", "VP-1"},
                {"buyer_part", "IN-1"},
                {"sku", "SKU-1"},
                {"lot", "L1"},
                {"exceptions", {exception("quality_problem", "04", 1, "EA"), exception("hold", "09", 1, "EA")}}},
               {{"quantity_received", 5},
                {"unit", "PCE"},
                {"upc", "UI-2"},
                {"gtin", "4006381333931"},
                {"exceptions",
                 {exception("good_condition", "07", 5, "PCE"), exception("incorrect_product", "05", 1, "PCE"),
                  exception("non_standard_container", "06", 1, "PCE"), exception("rejected", "08", 1, "PCE"),
                  exception("material_scrapped", "10", 1, "PCE")}}}}},
             {"total_received", 15}});
}

TEST_CASE("947: hand-made 004010 hold, damage and count, signed quantities, serial numbers and lots",
          "[mappings][947]") {
  auto r = map_one_sample(k947, "mappings/947_handmade_004010_hold_damage_count.edi");
  CHECK(r.transaction == json{{"adjustment_id", "ADJ-1001"},
                              {"depositor_adjustment_id", "DEP-77"},
                              {"adjustment_date", "2026-12-03"},
                              {"warehouse", kDallas},
                              {"depositor", kNorthwind},
                              {"adjustments",
                               {{{"reason", "put_on_hold"},
                                 {"reason_code", "05"},
                                 {"hold", "hold"},
                                 {"quantity", -12},
                                 {"unit", "EA"},
                                 {"vendor_part", "NW-55-A"},
                                 {"upc", "012345678905"},
                                 {"lot", "LOT-A1"},
                                 {"serial_numbers", {"SN-0001", "SN-0002"}}},
                                {{"reason", "damaged_in_facility"},
                                 {"reason_code", "AU"},
                                 {"quantity", -3},
                                 {"unit", "CS"},
                                 {"buyer_part", "B-2002"},
                                 {"lot", "LOT-B7"},
                                 {"serial_numbers", json::array()}},
                                {{"reason", "book_adjustment_increase"},
                                 {"reason_code", "56"},
                                 {"quantity", 7},
                                 {"unit", "PCE"},
                                 {"sku", "SKU-9"},
                                 {"gtin", "10012345000029"},
                                 {"lot", "LOT-C3"},
                                 {"serial_numbers", json::array()},
                                 {"description", "CYCLE COUNT FOUND"}}}}});
  CHECK(r.keys == Keys{{"adjustment_id", "ADJ-1001"}, {"reason_code", "05"}, {"reason_code", "AU"}, {"reason_code", "56"}});
}

TEST_CASE("947: hand-made 005010 release from hold and quality inspection, W1916 and the W1917 pair",
          "[mappings][947]") {
  auto r = map_one_sample(k947, "mappings/947_handmade_005010_release_quality_inspection.edi");
  CHECK(r.transaction == json{{"adjustment_id", "ADJ-1002"},
                              {"depositor_adjustment_id", "DEP-78"},
                              {"adjustment_date", "2026-12-05"},
                              {"warehouse", kDallas},
                              {"adjustments",
                               {{{"reason", "taken_off_hold"},
                                 {"reason_code", "55"},
                                 {"hold", "release"},
                                 {"quantity", 12},
                                 {"unit", "EA"},
                                 {"vendor_part", "NW-55-A"},
                                 {"lot", "LOT-A1"},
                                 {"serial_numbers", json::array()}},
                                {{"reason", "put_in_quality_inspection"},
                                 {"reason_code", "08"},
                                 {"hold", "hold"},
                                 {"quantity", -5},
                                 {"unit", "EA"},
                                 {"vendor_part", "VP-1"},
                                 {"buyer_part", "IN-1"},
                                 {"upc", "UI-2"},
                                 {"lot", "L1"},
                                 {"serial_numbers", json::array()},
                                 {"inventory_transaction_type", "A"}},
                                {{"reason", "removed_from_quality_inspection"},
                                 {"reason_code", "88"},
                                 {"hold", "release"},
                                 {"quantity", 5},
                                 {"unit", "EA"},
                                 {"gtin", "4006381333931"},
                                 {"lot", "L2"},
                                 {"serial_numbers", json::array()}}}}});
}

TEST_CASE("846: the public x12-types 005010 advice, one LIN with QTY*33", "[mappings][846]") {
  auto r = map_one_sample(k846, "corpus/x12/846_x12types_minimal_5010.edi");
  CHECK(r.transaction ==
        json{{"advice_id", "REF1"},
             {"advice_date", "2020-01-01"},
             {"report_type", "seller_inventory_report"},
             {"supplier", {{"name", "SUPPLIER"}, {"id_qualifier", "92"}, {"id", "S1"}}},
             {"items",
              {{{"line_number", "1"},
                {"vendor_part", "ABC123"},
                {"quantities", {{{"kind", "available"}, {"qualifier", "33"}, {"quantity", 100}, {"unit", "EA"}}}},
                {"available", 100}}}}});
  CHECK(r.keys == Keys{{"advice_id", "REF1"}});
}

TEST_CASE("846: hand-made 004010 by warehouse and lot, a code the table does not know kept as sent",
          "[mappings][846]") {
  auto r = map_one_sample(k846, "mappings/846_handmade_004010_two_warehouses_lots.edi");
  auto qty = [](const char* kind, const char* qualifier, int quantity, const char* unit) {
    return json{{"kind", kind}, {"qualifier", qualifier}, {"quantity", quantity}, {"unit", unit}};
  };
  CHECK(r.transaction ==
        json{{"advice_id", "INV-20261206"},
             {"advice_date", "2026-12-06T06:00:00"},
             {"report_type", "inventory_balance"},
             {"warehouse", kDallas},
             {"items",
              {{{"line_number", "1"},
                {"vendor_part", "NW-55-A"},
                {"upc", "012345678905"},
                {"lot", "LOT-A1"},
                {"description", "WIDGET 55 A"},
                {"warehouse", "0012345670001"},
                {"quantities", {qty("on_hand", "17", 80, "EA"), qty("available", "33", 68, "EA"), qty("QH", "QH", 12, "EA")}},
                {"on_hand", 80},
                {"available", 68}},
               {{"line_number", "2"},
                {"buyer_part", "B-2002"},
                {"gtin", "10012345000029"},
                {"lot", "LOT-B7"},
                {"warehouse", "0012345670002"},
                {"quantities", {qty("on_hand", "17", 48, "CS")}},
                {"on_hand", 48}},
               {{"line_number", "3"},
                {"vendor_part", "VP-9"},
                {"buyer_part", "IN-9"},
                {"upc", "UI-9"},
                {"gtin", "4006381333931"},
                {"sku", "SKU-9"},
                {"warehouse", "0012345670001"},
                {"quantities", {qty("available", "33", 5, "PCE")}},
                {"available", 5}}}}});
}

TEST_CASE("944, 947 and 846: every mapped sample validates against its ERP schema", "[mappings][schema]") {
  std::map<std::string, std::vector<json>> by_schema;
  const std::map<std::string, std::string> schema_of = {{k944, "warehouse_receipt.schema.json"},
                                                        {k947, "inventory_adjustment.schema.json"},
                                                        {k846, "inventory_advice.schema.json"}};
  for (const auto& [mapping, file] : kSamples) {
    INFO(file);
    by_schema[schema_of.at(mapping)].push_back(map_one_sample(mapping, file).transaction);
  }
  for (const auto& [schema, documents] : by_schema) {
    INFO(schema);
    edihub::testing::TempDir dir;
    auto run = testing::validate_documents(schema, documents, dir);
    INFO(run.out << run.err);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find(std::to_string(documents.size()) + " valid, 0 invalid") != std::string::npos);
  }
}

TEST_CASE("warehouse_receipt schema rejects what the ERP could not book", "[mappings][schema]") {
  // Each breaks one rule of docs/warehouse_receipt.schema.json: no receipt id, a text
  // quantity, an unknown field.
  const json base = map_one_sample(k944, "mappings/944_handmade_004010_lx_damaged_short_over.edi").transaction;
  json no_id = base, text_quantity = base, extra = base;
  no_id.erase("receipt_id");
  text_quantity["lines"][0]["quantity_received"] = "96";
  extra["received_at"] = "2026-12-01";
  edihub::testing::TempDir dir;
  auto run = testing::validate_documents("warehouse_receipt.schema.json", {base, no_id, text_quantity, extra}, dir);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("1 valid, 3 invalid") != std::string::npos);
}
