// The standard inbound mappings of carriers' and customers' documents (mappings/standard/):
// 214 -> shipment_status, 830 -> planning_schedule, 862 -> shipping_schedule, 850 ->
// sales_order, on public samples (tests/data/corpus) and hand-made ones covering every
// qualifier the mappings read (tests/data/mappings/*_handmade_*), with the partner's code
// tables empty so the mapping's own tables are what is tested. Every expected value was read
// off the sample by hand. Every output is then validated against its docs/*.schema.json
// (node + ajv).
#include <catch2/catch.hpp>

#include "formats/schema.h"
#include "formats/validation.h"
#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using nlohmann::json;

namespace {

const char* const k214 = "mappings/standard/x12-214-shipment-status.yaml";
const char* const k830 = "mappings/standard/x12-830-planning-schedule.yaml";
const char* const k862 = "mappings/standard/x12-862-shipping-schedule.yaml";
const char* const k850 = "mappings/standard/x12-850-sales-order.yaml";

using testing::map_file;

json map_one(const char* mapping_file, const std::string& file) {
  auto results = map_file(mapping_file, file);
  REQUIRE(results.size() == 1);
  return results.front().transaction;
}

using Keys = std::vector<std::pair<std::string, std::string>>;

json party(const std::string& name, const std::string& qualifier, const std::string& id) {
  return {{"name", name}, {"id_qualifier", qualifier}, {"id", id}};
}

const json kToledo = {{"name", "Acme Toledo DC"}, {"id_qualifier", "92"}, {"id", "1000"},
                      {"address", {{"street", "4400 Industrial Pkwy"}, {"city", "Toledo"}, {"state", "OH"},
                                   {"postal_code", "43612"}, {"country", "US"}}}};

}  // namespace

TEST_CASE("214: a public 004010 status message with two LX events and a U+2026 terminator", "[mappings][214]") {
  auto results = map_file(k214, "corpus/x12/214_staedi_unicode_ellipsis_terminator.edi");
  REQUIRE(results.size() == 1);
  const json& t = results[0].transaction;
  // B10*0542550913*7727019*XXXX, L11*900169*PO, N1 SH/CN/BT with N3/N4.
  CHECK(t["pro_number"] == "0542550913");
  CHECK(t["shipment_id"] == "7727019");
  CHECK(t["carrier"] == json{{"scac", "XXXX"}});
  CHECK_FALSE(t.contains("bill_of_lading"));
  CHECK(t["po_numbers"] == json{"900169"});
  CHECK(t["shipper"] == json{{"name", "HEATCO INC"},
                             {"address", {{"street", "50 HEATCO CT NW"}, {"city", "CARTERSVILLE"}, {"state", "GA"},
                                          {"postal_code", "30120"}}}});
  CHECK(t["consignee"]["name"] == "ADDISON HVAC LLC");
  CHECK(t["bill_to"]["address"]["city"] == "MANLIUS");
  // LX*1 AT7*AG*NS***20200911*1159*ET MS2*XXXX*902577*CV; LX*2 AT7*AF*NS***20200910*1135*ET.
  const json equipment = {{"scac", "XXXX"}, {"number", "902577"}, {"type", "CV"}};
  CHECK(t["events"] == json{{{"status_code", "AG"}, {"status", "estimated_delivery"}, {"reason_code", "NS"},
                             {"at", "2020-09-11T11:59:00"}, {"time_code", "ET"}, {"equipment", equipment}},
                            {{"status_code", "AF"}, {"status", "picked_up"}, {"reason_code", "NS"},
                             {"at", "2020-09-10T11:35:00"}, {"time_code", "ET"}, {"equipment", equipment}}});
  CHECK(results[0].keys ==
        Keys{{"shipment_id", "7727019"}, {"tracking_number", "0542550913"}, {"po_number", "900169"}});
}

TEST_CASE("214: a public file of 19 status messages, zero-padded counts and blank-padded B10", "[mappings][214]") {
  auto results = map_file(k214, "corpus/x12/214_omniparser_canadapost_19_st.edi");
  REQUIRE(results.size() == 19);
  const json& first = results[0].transaction;
  CHECK(first["pro_number"] == "4343638097845589");  // trailing blanks trimmed
  CHECK(first["carrier"]["scac"] == "CPCC");
  CHECK(first["po_numbers"] == json::array());      // L11 97 and 86 only
  CHECK(first["shipper"] == json{{"name", "00602679321"}});
  CHECK(first["consignee"] == json{{"name", "The Rock"},
                                   {"address", {{"street", "264040 DONUT-TOWN 473"}, {"city", "HAMMER"}, {"state", "AB"},
                                                {"postal_code", "T0C1Z0"}, {"country", "CA"}}}});
  // AT7*XB*NS***20191103*1534* (no time code), MS1*WRENCH*ON*CA
  CHECK(first["events"] == json{{{"status_code", "XB"}, {"status", "acknowledged"}, {"reason_code", "NS"},
                                 {"at", "2019-11-03T15:34:00"},
                                 {"location", {{"city", "WRENCH"}, {"state", "ON"}, {"country", "CA"}}}}});
  // AT7*AH*AG: attempted, consignee related; AT7*CA*BT: cancelled; AT7*D1*NS ... MT: delivered.
  CHECK(results[1].transaction["events"][0]["status"] == "delivery_attempted");
  CHECK(results[1].transaction["events"][0]["reason_code"] == "AG");
  CHECK(results[2].transaction["events"][0]["status"] == "cancelled");
  CHECK(results[3].transaction["events"][0]["status"] == "delivered");
  CHECK(results[3].transaction["events"][0]["time_code"] == "MT");
}

TEST_CASE("214: hand-made 004010 pickup, delay, appointment and an unknown status, and a 005010 delivery", "[mappings][214]") {
  SECTION("004010: L11 BM and PO in the heading, AT7 status, reason and appointment codes, MS1, MS2") {
    const json t = map_one(k214, "mappings/214_handmade_004010_pickup_delay_appointment.edi");
    CHECK(t["shipment_id"] == "SH-1");
    CHECK(t["pro_number"] == "PRO-778812");
    CHECK(t["bill_of_lading"] == "BOL-5520913");
    CHECK(t["po_numbers"] == json{"PO100", "PO101"});
    CHECK(t["shipper"] == json{{"name", "Northwind Supply"}, {"id_qualifier", "92"}, {"id", "V10077"},
                               {"address", {{"street", "18 Harbor Rd"}, {"city", "Erie"}, {"state", "PA"},
                                            {"postal_code", "16501"}, {"country", "US"}}}});
    CHECK(t["consignee"] == kToledo);
    const json trailer = {{"scac", "ABCD"}, {"number", "TRL-42"}, {"type", "TL"}};
    CHECK(t["events"] ==
          json{{{"status_code", "AF"}, {"status", "picked_up"}, {"reason_code", "NS"}, {"at", "2026-12-04T08:00:00"},
                {"time_code", "LT"}, {"location", {{"city", "ERIE"}, {"state", "PA"}, {"country", "US"}}},
                {"equipment", trailer}},
               {{"status_code", "SD"}, {"status", "delayed"}, {"reason_code", "AI"}, {"at", "2026-12-05T14:30:00"},
                {"time_code", "LT"}, {"location", {{"city", "CLEVELAND"}, {"state", "OH"}, {"country", "US"}}},
                {"equipment", trailer}},
               // an appointment without a shipment status: no status at all, not "other"
               {{"appointment_status_code", "AA"}, {"appointment_reason_code", "AO"}, {"at", "2026-12-07T10:00:00"},
                {"time_code", "LT"}},
               {{"status_code", "QQ"}, {"status", "other"}, {"reason_code", "NS"}, {"at", "2026-12-05T15:00:00"},
                {"time_code", "LT"}}});
  }
  SECTION("005010: the BOL in B1005/B1006, L11 and N1 inside the LX loop") {
    const json t = map_one(k214, "mappings/214_handmade_005010_delivered.edi");
    CHECK_FALSE(t.contains("pro_number"));  // B10 names the shipment by B1006 instead (E0105)
    CHECK(t["bill_of_lading"] == "BOL-5520913");
    CHECK(t["po_numbers"] == json{"PO100"});
    CHECK(t["consignee"] == json{{"name", "Acme Toledo DC"}, {"id_qualifier", "92"}, {"id", "1000"},
                                 {"address", {{"city", "Toledo"}, {"state", "OH"}, {"postal_code", "43612"},
                                              {"country", "US"}}}});
    CHECK(t["events"] == json{{{"status_code", "D1"}, {"status", "delivered"}, {"reason_code", "NS"},
                               {"at", "2026-12-06T09:15:00"}, {"time_code", "LT"},
                               {"location", {{"city", "TOLEDO"}, {"state", "OH"}, {"country", "US"}}}}});
  }
}

TEST_CASE("830: a public minimal 005010 forecast", "[mappings][830]") {
  // BFR*00*REL1**DL*A*20200101*20200101, LIN*1*BP*ABC, FST*100*C*D*20200201 (no UIT, no BFR08).
  auto results = map_file(k830, "mappings/830_x12types_005010_minimal.edi");
  REQUIRE(results.size() == 1);
  CHECK(results[0].transaction ==
        json{{"schedule_number", "REL1"},
             {"purpose", "original"},
             {"schedule_type", "delivery_based"},
             {"quantity_type", "discrete"},
             {"horizon_start", "2020-01-01"},
             {"horizon_end", "2020-01-01"},
             {"items", {{{"line_number", "1"}, {"buyer_part", "ABC"}, {"authorizations", json::array()},
                         {"shipments", json::array()},
                         {"forecasts", {{{"quantity", 100}, {"commitment", "firm"}, {"timing", "discrete"},
                                         {"date", "2020-02-01"}}}}}}}});
  CHECK(results[0].keys == Keys{{"schedule_number", "REL1"}});
}

TEST_CASE("830: every forecast, timing, authorization and shipped-quantity qualifier (004010)", "[mappings][830]") {
  const json t = map_one(k830, "mappings/830_handmade_004010_every_qualifier.edi");
  CHECK(t["schedule_number"] == "FC-2026-49");
  CHECK(t["release"] == "R7");
  CHECK(t["purpose"] == "original");
  CHECK(t["schedule_type"] == "delivery_based");
  CHECK(t["quantity_type"] == "discrete");
  CHECK(t["horizon_start"] == "2026-12-07");
  CHECK(t["horizon_end"] == "2027-05-31");
  CHECK(t["issued"] == "2026-12-05");
  CHECK(t["po_number"] == "4500099001");
  CHECK(t["issuer"] == party("Dayton Assembly", "92", "PLANT04"));
  CHECK(t["supplier"] == party("Acme Components", "92", "V2001"));
  CHECK(t["ship_to"] == json{{"name", "Dayton Dock 4"}, {"id_qualifier", "92"}, {"id", "DOCK04"},
                             {"address", {{"street", "1 Assembly Way"}, {"city", "Dayton"}, {"state", "OH"},
                                          {"postal_code", "45402"}, {"country", "US"}}}});
  REQUIRE(t["items"].size() == 2);
  const json& a = t["items"][0];
  CHECK(a["line_number"] == "1");
  CHECK(a["buyer_part"] == "B-7001");
  CHECK(a["vendor_part"] == "AC-7001");
  CHECK(a["engineering_change"] == "REV-C");
  CHECK(a["po_number"] == "4500099002");
  CHECK(a["unit"] == "EA");
  CHECK(a["ship_to"] == party("Dayton Dock 7", "92", "DOCK07"));  // the item's own N1*ST
  CHECK(a["authorizations"] ==
        json{{{"type", "finished_goods"}, {"through", "2026-12-31"}, {"quantity", 1500}, {"cumulative_start", "2026-01-01"}},
             {{"type", "material"}, {"through", "2027-01-31"}, {"quantity", 2100}, {"cumulative_start", "2026-01-01"}},
             {{"type", "prior_cumulative_required"}, {"quantity", 300}, {"cumulative_start", "2026-01-01"}}});
  CHECK(a["forecasts"] ==
        json{{{"quantity", 100}, {"commitment", "firm"}, {"timing", "discrete"}, {"date", "2026-12-08"},
              {"reference_qualifier", "DO"}, {"reference", "DO-1"}},
             {{"quantity", 200}, {"commitment", "immediate"}, {"timing", "discrete"}, {"date", "2026-12-09"}},
             {{"quantity", 400}, {"commitment", "planning"}, {"timing", "weekly"}, {"date", "2026-12-14"}},
             {{"quantity", 1600}, {"commitment", "planning"}, {"timing", "monthly"}, {"date", "2027-01-01"}},
             {{"quantity", 900}, {"commitment", "planning"}, {"timing", "quarterly"}, {"date", "2027-04-01"}},
             {{"quantity", 500}, {"commitment", "planning"}, {"timing", "four_weekly"}, {"date", "2027-01-04"}},
             {{"quantity", 50}, {"commitment", "pilot"}, {"timing", "flexible_interval"}, {"date", "2027-02-01"},
              {"end_date", "2027-02-15"}},
             {{"quantity", 10}, {"commitment", "mutually_defined"}, {"timing", "mutually_defined"}, {"date", "2027-03-01"}}});
  CHECK(a["shipments"] ==
        json{{{"kind", "last_shipment"}, {"quantity", 120}, {"date_qualifier", "011"}, {"date", "2026-12-04"}},
             {{"kind", "cumulative"}, {"quantity", 4820}, {"date_qualifier", "011"}, {"date", "2026-01-01"},
              {"end_date", "2026-12-04"}}});
  // REF*PO instead of a LIN pair; CA through the default uom table; no item ship-to.
  CHECK(t["items"][1] == json{{"line_number", "2"},
                              {"buyer_part", "B-7002"},
                              {"po_number", "4500099003"},
                              {"unit", "CS"},
                              {"authorizations", json::array()},
                              {"shipments", json::array()},
                              {"forecasts", {{{"quantity", 30}, {"commitment", "firm"}, {"timing", "discrete"},
                                              {"date", "2026-12-10"}}}}});
}

TEST_CASE("862: a public 004010 shipping schedule with delivery orders and cumulative shipments", "[mappings][862]") {
  // BSS*05*12345*20230414*DL*20231014*20231203****ORDER1*A; LIN with no LIN01, BP/EC/DR.
  const json t = map_one(k862, "mappings/862_edifactrails_fst_shp_cum.edi");
  CHECK(t["schedule_number"] == "12345");
  CHECK(t["purpose"] == "replace");
  CHECK(t["issued"] == "2023-04-14");
  CHECK(t["schedule_type"] == "delivery_based");
  CHECK(t["horizon_start"] == "2023-10-14");
  CHECK(t["horizon_end"] == "2023-12-03");
  CHECK(t["po_number"] == "ORDER1");
  CHECK(t["quantity_type"] == "discrete");
  CHECK(t["issuer"] == json{{"name", "SEEBURGER AG"}, {"id_qualifier", "ZZ"}, {"id", "00000085"},
                            {"address", {{"street", "EDISONSTRASSE 1"}, {"city", "BRETTEN"}, {"postal_code", "75015"},
                                         {"country", "DE"}}}});
  CHECK(t["supplier"]["id"] == "11222333");
  CHECK(t["items"] ==
        json{{{"buyer_part", "MATERIAL1"},
              {"engineering_change", "ENGINEERING1"},
              {"unit", "EA"},
              {"forecasts", {{{"quantity", 13}, {"commitment", "firm"}, {"timing", "discrete"}, {"date", "2023-10-29"},
                              {"reference_qualifier", "DO"}, {"reference", "12345-1"}},
                             {{"quantity", 77}, {"commitment", "firm"}, {"timing", "discrete"}, {"date", "2023-11-19"},
                              {"reference_qualifier", "DO"}, {"reference", "12345-2"}},
                             {{"quantity", 68}, {"commitment", "firm"}, {"timing", "discrete"}, {"date", "2023-12-03"},
                              {"reference_qualifier", "DO"}, {"reference", "12345-3"}}}},
              {"shipments", {{{"kind", "last_shipment"}, {"quantity", 927}, {"date_qualifier", "011"}, {"date", "2023-10-14"}},
                             {{"kind", "cumulative"}, {"quantity", 8557}, {"date_qualifier", "011"}, {"date", "2023-10-14"},
                              {"end_date", "2023-12-03"}}}}}});
}

TEST_CASE("862: hand-made 005010 call-off by the hour, cumulative quantities", "[mappings][862]") {
  const json t = map_one(k862, "mappings/862_handmade_005010_times_and_cums.edi");
  CHECK(t["schedule_number"] == "SS-2026-1205");
  CHECK(t["release"] == "R12");
  CHECK(t["contract_number"] == "C-77");
  CHECK(t["po_number"] == "4500099001");
  CHECK(t["schedule_type"] == "shipment_based");
  CHECK(t["quantity_type"] == "cumulative");
  CHECK(t["ship_to"] == party("Dayton Dock 4", "92", "DOCK04"));
  REQUIRE(t["items"].size() == 2);
  CHECK(t["items"][0] ==
        json{{"line_number", "10"},
             {"buyer_part", "B-7001"},
             {"vendor_part", "AC-7001"},
             {"unit", "PCE"},
             {"forecasts", {{{"quantity", 40}, {"commitment", "firm"}, {"timing", "discrete"}, {"date", "2026-12-07"},
                             {"time", "09:30:00"}, {"reference_qualifier", "DO"}, {"reference", "DO-7"}},
                            {{"quantity", 60}, {"commitment", "firm"}, {"timing", "discrete"}, {"date", "2026-12-08"}}}},
             {"shipments", {{{"kind", "last_shipment"}, {"quantity", 40}, {"date_qualifier", "050"}, {"date", "2026-12-04"}},
                            {{"kind", "cumulative"}, {"quantity", 5240}, {"date_qualifier", "050"}, {"date", "2026-01-01"},
                             {"end_date", "2026-12-04"}}}}});
  CHECK(t["items"][1]["engineering_change"] == "REV-B");
  CHECK(t["items"][1]["unit"] == "LB");
  CHECK(t["items"][1]["forecasts"] ==
        json{{{"quantity", 12.5}, {"commitment", "planning"}, {"timing", "weekly"}, {"date", "2026-12-14"}}});
}

TEST_CASE("850 in: a public VICS order becomes a sales order", "[mappings][850]") {
  auto results = map_file(k850, "corpus/x12/850_nodex12_vics_isa_password.edi");
  REQUIRE(results.size() == 1);
  const json& t = results[0].transaction;
  CHECK(t["po_number"] == "08292233294");
  CHECK_FALSE(t.contains("release"));  // BEG04 empty
  CHECK(t["order_date"] == "2010-11-27");
  CHECK(t["purpose"] == "original");
  CHECK(t["order_type"] == "SA");
  CHECK(t["department"] == "038");
  CHECK(t["requested_delivery_date"] == "2010-12-14");
  CHECK(t["carrier"] == json{{"scac", "P3"}, {"routing", "SEE XYZ RETAIL ROUTING GUIDE"}});  // TD5*A*92*P3**...
  CHECK(t["terms"] == json{{"type_code", "14"}, {"basis_date_code", "3"}, {"discount_percent", 2}, {"discount_days", 45},
                           {"net_days", 46}});
  CHECK(t["ship_to"] == json{{"name", "XYZ RETAIL"}, {"id_qualifier", "9"}, {"id", "0003947268292"},
                             {"address", {{"street", "31875 SOLON RD"}, {"city", "SOLON"}, {"state", "OH"},
                                          {"postal_code", "44139"}}}});
  REQUIRE(t["lines"].size() == 6);
  // PO1*1*120*EA*9.25*TE*CB*065322-117*PR*RO*VN*AB3542: CB (buyer's catalog) and PR are not mapped.
  CHECK(t["lines"][0] == json{{"line_number", "1"}, {"quantity", 120}, {"unit", "EA"}, {"unit_price", 9.25},
                              {"price_basis", "TE"}, {"vendor_part", "AB3542"}, {"description", "SMALL WIDGET"}});
  CHECK(t["lines"][5]["quantity"] == 696);
  CHECK(t["line_count"] == 6);
  CHECK(results[0].keys == Keys{{"po_number", "08292233294"}});
}

TEST_CASE("850 in: hand-made 005010 order with every reference, date and product qualifier read", "[mappings][850]") {
  const json t = map_one(k850, "mappings/850_handmade_005010_customer_order.edi");
  CHECK(t["po_number"] == "CUST-PO-88");
  CHECK(t["release"] == "R2");
  CHECK(t["order_date"] == "2026-12-01");
  CHECK(t["currency"] == "USD");
  CHECK(t["department"] == "042");
  CHECK(t["vendor_number"] == "ACME-01");
  CHECK(t["requested_delivery_date"] == "2026-12-15");  // the heading's DTM*002, not line 1's
  CHECK(t["requested_ship_date"] == "2026-12-10");
  CHECK(t["cancel_after"] == "2026-12-20");
  CHECK(t["carrier"] == json{{"scac", "ABCD"}, {"routing", "ABCD GROUND"}});
  CHECK(t["terms"] == json{{"type_code", "01"}, {"basis_date_code", "3"}, {"discount_percent", 2}, {"discount_days", 10},
                           {"net_days", 30}, {"description", "2% 10 NET 30"}});
  CHECK(t["buyer"] == party("Bolt Retail", "92", "BR-1"));
  CHECK(t["ship_to"] == json{{"name", "Bolt Retail DC 3"}, {"id_qualifier", "92"}, {"id", "BR-DC3"},
                             {"address", {{"street", "77 Commerce Dr"}, {"street2", "Suite 5"}, {"city", "Columbus"},
                                          {"state", "OH"}, {"postal_code", "43215"}, {"country", "US"}}}});
  CHECK(t["bill_to"] == party("Bolt Retail AP", "92", "BR-AP"));
  CHECK(t["vendor"] == party("Acme Components", "92", "ACME-01"));
  CHECK(t["lines"] == json{{{"line_number", "1"}, {"quantity", 24}, {"unit", "EA"}, {"unit_price", 12.5},
                            {"price_basis", "PE"}, {"buyer_part", "BR-1001"}, {"vendor_part", "AC-7001"},
                            {"upc", "012345678905"}, {"description", "Hex bolt M8 x 40"},
                            {"requested_delivery_date", "2026-12-18"}},
                           // IN and VN pairs, EN GTIN; CA -> CS through the default uom table
                           {{"line_number", "2"}, {"quantity", 3}, {"unit", "CS"}, {"unit_price", 48},
                            {"buyer_part", "BR-1002"}, {"vendor_part", "AC-7002"}, {"gtin", "10012345000017"}},
                           // BX is in no table: kept as sent; SK and UK
                           {{"line_number", "3"}, {"quantity", 10}, {"unit", "BX"}, {"unit_price", 4.2},
                            {"sku", "SKU-3"}, {"gtin", "00012345000024"}, {"requested_ship_date", "2026-12-11"}}});
  CHECK(t["line_count"] == 3);
}

TEST_CASE("214, 830, 862, 850 in: every mapped sample validates against its ERP schema", "[mappings][schema]") {
  const std::vector<std::tuple<const char*, const char*, std::vector<std::string>, std::size_t>> runs = {
      {k214, "shipment_status.schema.json",
       {"corpus/x12/214_staedi_unicode_ellipsis_terminator.edi", "corpus/x12/214_omniparser_canadapost_19_st.edi",
        "mappings/214_handmade_004010_pickup_delay_appointment.edi", "mappings/214_handmade_005010_delivered.edi"},
       22},
      {k830, "planning_schedule.schema.json",
       {"mappings/830_x12types_005010_minimal.edi", "mappings/830_handmade_004010_every_qualifier.edi"}, 2},
      {k862, "shipping_schedule.schema.json",
       {"mappings/862_edifactrails_fst_shp_cum.edi", "mappings/862_handmade_005010_times_and_cums.edi"}, 2},
      {k850, "sales_order.schema.json",
       {"corpus/x12/850_nodex12_vics_isa_password.edi", "corpus/x12/850_nodex12_masked_newline_terminator.edi",
        "corpus/x12/850_ediengine_sln_composite.edi", "corpus/x12/850_oopfactory_pipe_terminator_tilde_component.edi",
        "mappings/850_handmade_005010_customer_order.edi"},
       5},
  };
  for (const auto& [mapping, schema, files, count] : runs) {
    std::vector<json> documents;
    for (const auto& file : files)
      for (const auto& r : map_file(mapping, file)) documents.push_back(r.transaction);
    REQUIRE(documents.size() == count);
    edihub::testing::TempDir dir;
    auto run = testing::validate_documents(schema, documents, dir);
    INFO(schema << ": " << run.out << run.err);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find(std::to_string(count) + " valid, 0 invalid") != std::string::npos);
  }
}

TEST_CASE("214, 830, 862, 850 in: the hand-made samples and the public 862 pass the hub's own validator",
          "[mappings][schema]") {
  const auto& schemas = edihub::x12::SchemaLibrary::builtin();
  for (const char* file : {"mappings/214_handmade_004010_pickup_delay_appointment.edi", "mappings/214_handmade_005010_delivered.edi",
                           "mappings/830_handmade_004010_every_qualifier.edi", "mappings/862_edifactrails_fst_shp_cum.edi",
                           "mappings/862_handmade_005010_times_and_cums.edi", "mappings/850_handmade_005010_customer_order.edi"}) {
    for (const auto& read : testing::read_sets(read_file(data_dir() / file))) {
      INFO(file);
      const auto* schema = schemas.find(read.set.id, read.group.version);
      REQUIRE(schema);
      const auto result = edihub::x12::validate_set(read.set, *schema);
      CHECK(result.segments.empty());
      CHECK(result.ack_code == "A");
    }
  }
}
