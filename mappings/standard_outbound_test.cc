// The standard outbound mappings (mappings/standard/outbound/) on the example ERP documents
// of tests/data/erp, round trip by round trip: the segments expected were worked out by
// hand from the JSON; each document is enveloped, validated by the hub's validator against
// the built-in schema, read back by node-x12 (an independent parser), and mapped back by
// the standard inbound mapping of the same set where there is one, giving the same values.
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "mappings/outbound.h"
#include "tests/support/outbound_mapping_checks.h"
#include "tests/support/outbound_round_trip.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using namespace edihub::mapping::testing;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using nlohmann::json;

namespace {

std::shared_ptr<const OutboundMapping> outbound(const std::string& name) {
  return OutboundMapping::load_file((source_dir() / "mappings/standard/outbound" / name).string());
}

std::shared_ptr<const Mapping> inbound(const std::string& name) {
  return Mapping::load_file((source_dir() / "mappings/standard" / name).string());
}

// Builds the set, checks the hub's validation and node-x12's reading; returns the set as read.
ReadSet round_trip(const OutboundMapping& mapping, const json& doc, const std::string& version,
                   const std::vector<std::string>& expected) {
  auto out = mapping.evaluate(doc, test_tables(), {'*', ':', '^', "~"});
  CHECK(segment_lines(out.segments) == expected);
  const std::string interchange = enveloped(mapping, out, version);
  CHECK(validation_errors(interchange) == "");
  edihub::testing::TempDir dir;
  edihub::testing::write_file(dir / "out.edi", interchange);
  const json read = node_x12_read(dir / "out.edi");
  CHECK(node_x12_lines(read) == expected);
  CHECK(read["groups"][0]["gs"][0] == mapping.functional_id());
  CHECK(read["groups"][0]["sets"][0]["st"][0] == mapping.transaction_set());
  CHECK(read["groups"][0]["sets"][0]["se01"] == expected.size() + 2);
  auto sets = read_sets(interchange);
  REQUIRE(sets.size() == 1);
  return sets.front();
}

const json kToledo = {{"name", "Acme Toledo DC"}, {"id_qualifier", "92"}, {"id", "1000"},
                      {"address", {{"street", "4400 Industrial Pkwy"}, {"city", "Toledo"}, {"state", "OH"},
                                   {"postal_code", "43612"}, {"country", "US"}}}};

}  // namespace

TEST_CASE("outbound 856: the example ERP shipments match docs/outbound_shipment.schema.json", "[mappings][outbound][856]") {
  auto run = edihub::testing::validate_json_files(source_dir() / "docs/outbound_shipment.schema.json",
                                                  {data_dir() / "erp/outbound_shipment_standard.json",
                                                   data_dir() / "erp/outbound_shipment_loose.json"});
  CHECK(run.out == "2 valid, 0 invalid\n");
}

TEST_CASE("outbound 856: S-O-P-I and S-O-I levels numbered, validated, read by node-x12 and mapped back",
          "[mappings][outbound][856][interop]") {
  // PO 4500012345 packed in two cartons (S-O-P-I), PO 4500012399 with a loose item (S-O-I).
  const json shipment = erp("outbound_shipment_standard.json");
  const std::vector<std::string> expected = {
      "BSN*00*ASN0325*20240325*1430*0001",  // 0001: some order has packs
      "HL*1**S*1",
      "TD1*CTN25*2****G*38.5*LB",
      "TD5**2*UPSN*U*UPS GROUND",  // parcel -> U through the partner's transport_mode
      "REF*BM*BOL778812",
      "REF*CN*1Z999AA10123456784",
      "DTM*011*20240325*1430",
      "DTM*017*20240327",
      "N1*SF*Northwind Supply Dayton*92*V10077",
      "N3*77 Foundry Rd",
      "N4*Dayton*OH*45402*US",
      "N1*ST*Acme Toledo DC*92*1000",
      "N3*4400 Industrial Pkwy",
      "N4*Toledo*OH*43612*US",
      "HL*2*1*O*1",
      "PRF*4500012345***20240318",
      "HL*3*2*P*1",
      "MAN*GM*000123450000000017",
      "HL*4*3*I*0",
      "LIN*1*BP*B-1001*VP*NW-55-A*UP*012345678905",
      "SN1**24*EA",
      "PID*F****Hex bolt M8 x 40, zinc",
      "HL*5*3*I*0",
      "LIN*2*BP*B-2002*******LT*L2403-7",  // no VP, UP, UK: their pairs stay empty before LT
      "SN1**2.5*LB",
      "HL*6*2*P*1",
      "MAN*GM*000123450000000024",
      "HL*7*6*I*0",
      "LIN*3*BP*B-3003*VP*NW-900",
      "SN1**6*CA",  // CS -> CA backwards through the partner's uom table
      "HL*8*1*O*1",
      "PRF*4500012399*2",
      "HL*9*8*I*0",
      "LIN*1*BP*B-4004",
      "SN1**100*EA",
      "CTT*9"};  // nine HL segments
  auto mapping = outbound("x12-856-outbound-shipment.yaml");
  CHECK(mapping->evaluate(shipment, test_tables(), {'*', ':', '^', "~"}).keys ==
        std::vector<std::pair<std::string, std::string>>{
            {"bol", "BOL778812"}, {"po_number", "4500012345"}, {"po_number", "4500012399"}, {"shipment_id", "ASN0325"}});
  for (const std::string version : {"004010", "005010"}) {
    INFO(version);
    ReadSet read = round_trip(*mapping, shipment, version, expected);

    // The standard inbound 856 mapping reads it back: the same shipment, items flattened
    // under their orders with the SSCC of their carton.
    json back = inbound("x12-856-inbound-delivery.yaml")->evaluate(read.set, read.context(), test_tables()).transaction;
    const json item_defaults = {{"lots", json::array()}, {"serial_numbers", json::array()}};
    auto item = [&](json fields) {
      json i = item_defaults;
      i.update(fields);
      return i;
    };
    CHECK(back == json{{"shipment_id", "ASN0325"},
                       {"purpose", "original"},
                       {"shipped_at", "2024-03-25T14:30:00"},
                       {"expected_delivery", "2024-03-27"},
                       {"carrier", {{"scac", "UPSN"}, {"mode", "parcel"}, {"routing", "UPS GROUND"}}},
                       {"bill_of_lading", "BOL778812"},
                       {"tracking_numbers", {"1Z999AA10123456784"}},
                       {"ship_from", shipment["ship_from"]},
                       {"ship_to", kToledo},
                       {"gross_weight", {{"value", 38.5}, {"unit", "LB"}}},
                       {"lading_quantity", 2},
                       {"packaging_code", "CTN25"},
                       {"orders",
                        {{{"po_number", "4500012345"},
                          {"po_date", "2024-03-18"},
                          {"items",
                           {item({{"line_number", "1"}, {"buyer_part", "B-1001"}, {"vendor_part", "NW-55-A"},
                                  {"upc", "012345678905"}, {"description", "Hex bolt M8 x 40, zinc"}, {"quantity", 24},
                                  {"uom", "EA"}, {"sscc", "000123450000000017"}}),
                            item({{"line_number", "2"}, {"buyer_part", "B-2002"}, {"lots", {"L2403-7"}}, {"quantity", 2.5},
                                  {"uom", "LB"}, {"sscc", "000123450000000017"}}),
                            item({{"line_number", "3"}, {"buyer_part", "B-3003"}, {"vendor_part", "NW-900"}, {"quantity", 6},
                                  {"uom", "CS"}, {"sscc", "000123450000000024"}})}}},
                         {{"po_number", "4500012399"},
                          {"release", "2"},
                          {"items", {item({{"line_number", "1"}, {"buyer_part", "B-4004"}, {"quantity", 100}, {"uom", "EA"}})}}}}}});
    auto errors = edihub::testing::TempDir();
    edihub::testing::write_file(errors / "back.json", back.dump());
    CHECK(edihub::testing::validate_json_files(source_dir() / "docs/inbound_delivery.schema.json", {errors / "back.json"})
              .exit_code == 0);
  }
}

TEST_CASE("outbound 856: a shipment without packs is S-O-I (BSN05 0004)", "[mappings][outbound][856][interop]") {
  // No weight, BOL or dates but the ship date: those segments are left out; HL04 of the
  // item is 0, of the order 1.
  round_trip(*outbound("x12-856-outbound-shipment.yaml"), erp("outbound_shipment_loose.json"), "004010",
             {"BSN*00*ASN0326*20240326*0805*0004", "HL*1**S*1", "TD5**2*ODFL*M", "DTM*011*20240326*0805",
              "N1*ST*Acme Toledo DC*92*1000", "HL*2*1*O*1", "PRF*4500012345", "HL*3*2*I*0", "LIN*3*BP*B-3003",
              "SN1**4*CA", "CTT*3"});
}

TEST_CASE("outbound 856: what the ERP must give is named with its JSON path", "[mappings][outbound][856]") {
  auto mapping = outbound("x12-856-outbound-shipment.yaml");
  json shipment = erp("outbound_shipment_loose.json");
  shipment["orders"][0]["items"][0].erase("quantity");
  try {
    mapping->evaluate(shipment, test_tables(), {'*', ':', '^', "~"});
    FAIL("no MappingError");
  } catch (const MappingError& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("SN102 is required but orders[0].items[0].quantity is missing "
                                                   "(outbound_shipment to 856, segment 11 SN1)"));
  }
}

TEST_CASE("outbound 855: an order acknowledgment goes out and the inbound 855 mapping reads it back unchanged",
          "[mappings][outbound][855][interop]") {
  // Line 1 accepted, line 2 cut from 2.5 to 2 LB, line 3 rejected; ACK05 the scheduled ship date.
  const json ack = erp("order_acknowledgment_standard.json");
  auto schema = edihub::testing::validate_json_files(source_dir() / "docs/order_acknowledgment.schema.json",
                                                     {data_dir() / "erp/order_acknowledgment_standard.json"});
  CHECK(schema.out == "1 valid, 0 invalid\n");
  auto mapping = outbound("x12-855-order-acknowledgment.yaml");
  for (const std::string version : {"004010", "005010"}) {
    INFO(version);
    ReadSet read = round_trip(*mapping, ack, version,
                              {"BAK*00*AC*4500012345*20240318****SO-88120*20240319",
                               "CUR*SE*USD",
                               "N1*ST*Acme Toledo DC*92*1000",
                               "N3*4400 Industrial Pkwy",
                               "N4*Toledo*OH*43612*US",
                               "N1*SU*Northwind Supply*92*V10077",
                               "PO1*1*24*EA*12.5*PE*BP*B-1001*VP*NW-55-A*UP*012345678905",
                               "PID*F****Hex bolt M8 x 40, zinc",
                               "ACK*IA*24*EA*068*20240325",
                               "PO1*2*2.5*LB*7.12*PE*BP*B-2002",
                               "ACK*IQ*2*LB*068*20240325",
                               "PO1*3*6*CA*48*PE*BP*B-3003*VP*NW-900",  // CS -> CA through uom
                               "ACK*IR*6*CA",
                               "CTT*3"});
    CHECK(inbound("x12-855-order-acknowledgment.yaml")->evaluate(read.set, read.context(), test_tables()).transaction == ack);
  }
}

TEST_CASE("outbound 860: a purchase order change goes out with a POC loop per changed line",
          "[mappings][outbound][860][interop]") {
  // Line 2 raised to 5 LB, line 3 deleted, line 4 added with its delivery date.
  auto schema = edihub::testing::validate_json_files(source_dir() / "docs/purchase_order_change.schema.json",
                                                     {data_dir() / "erp/purchase_order_change_standard.json"});
  CHECK(schema.out == "1 valid, 0 invalid\n");
  auto mapping = outbound("x12-860-purchase-order-change.yaml");
  CHECK(mapping->functional_id() == "PC");
  for (const std::string version : {"004010", "005010"}) {
    INFO(version);
    round_trip(*mapping, erp("purchase_order_change_standard.json"), version,
               {"BCH*04*SA*4500012345**1*20240318****20240320",  // BCH05 sequence 1, BCH10 the change date
                "N1*ST*Acme Toledo DC*92*1000",
                "POC*2*QI*5*5*LB*7.12**BP*B-2002",
                "POC*3*DI*0**CA***BP*B-3003",  // CS -> CA through uom; nothing left to receive
                "POC*4*AI*10**EA*3.4**BP*B-5005*VP*NW-77",
                "PID*F****Washer M8",
                "DTM*002*20240329",
                "CTT*3"});
  }
}
