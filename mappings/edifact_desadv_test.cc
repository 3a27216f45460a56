// The standard DESADV mapping (mappings/standard/edifact-desadv-inbound-delivery.yaml) on
// the twin shipments of tests/data/pairs: asn-100N.desadv.edi (EANCOM D96A) describes the
// shipment asn-100N.856.edi describes, so both must map to the same inbound_delivery. Key
// values were read off the files by hand; the output is validated against
// docs/inbound_delivery.schema.json (node + ajv). Files are read by the EDIFACT reader, as
// the pipeline reads them. Also a public DESADV (tests/data/edifact/desadv_d96a.edi).
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::testing::data_dir;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using nlohmann::json;

namespace {

const char* const kDesadv = "mappings/standard/edifact-desadv-inbound-delivery.yaml";
const char* const k856 = "mappings/standard/x12-856-inbound-delivery.yaml";

Result map_desadv(const std::string& file) {
  auto results = testing::map_file(kDesadv, file);
  REQUIRE(results.size() == 1);
  return results.front();
}

json map_856(const std::string& file) {
  auto results = testing::map_file(k856, file);
  REQUIRE(results.size() == 1);
  return results.front().transaction;
}

}  // namespace

TEST_CASE("DESADV: asn-1001 maps to the inbound delivery its 856 twin gives", "[mappings][edifact][desadv]") {
  Result r = map_desadv("pairs/asn-1001.desadv.edi");
  const json& d = r.transaction;
  // By hand: BGM+351+ASN1001+9, DTM+11 202611201430, two cartons (GIN+BJ) of one PO.
  CHECK(d["shipment_id"] == "ASN1001");
  CHECK(d["purpose"] == "original");
  CHECK(d["shipped_at"] == "2026-11-20T14:30:00");
  CHECK(d["expected_delivery"] == "2026-11-23T09:00:00");
  CHECK(d["carrier"] == json{{"scac", "HLFX"}, {"mode", "truck"}});
  CHECK(d["bill_of_lading"] == "HLFX7730451");
  CHECK(d["ship_from"]["id_qualifier"] == "UL");
  CHECK(d["ship_from"]["id"] == "0614141000012");
  CHECK(d["ship_to"]["address"]["city"] == "Columbus");
  REQUIRE(d["orders"].size() == 1);
  CHECK(d["orders"][0]["po_number"] == "4500012345");
  CHECK(d["orders"][0]["po_date"] == "2026-11-10");
  REQUIRE(d["orders"][0]["items"].size() == 2);
  CHECK(d["orders"][0]["items"][1] == json{{"line_number", "2"},
                                           {"vendor_part", "CR-PAD-XL"},
                                           {"gtin", "00614141100026"},
                                           {"description", "Self-inflating sleeping pad, XL"},
                                           {"lots", json::array()},
                                           {"serial_numbers", json::array()},
                                           {"quantity", 10},
                                           {"uom", "EA"},
                                           {"sscc", "006141410000000029"}});
  CHECK(d["orders"][0]["items"][0]["sscc"] == "006141410000000012");
  CHECK(r.keys == std::vector<std::pair<std::string, std::string>>{
                      {"shipment_id", "ASN1001"}, {"po_number", "4500012345"}, {"bol", "HLFX7730451"}});
  CHECK(d == map_856("pairs/asn-1001.856.edi"));
}

TEST_CASE("DESADV: asn-1002's lines group into its two orders as the 856's order levels do",
          "[mappings][edifact][desadv]") {
  Result r = map_desadv("pairs/asn-1002.desadv.edi");
  const json& d = r.transaction;
  // By hand: LIN 1 and 2 carry RFF+ON:4500012400 (lines 1, 2), LIN 3 RFF+ON:4500012415:1.
  REQUIRE(d["orders"].size() == 2);
  CHECK(d["orders"][0]["po_number"] == "4500012400");
  CHECK(d["orders"][0]["po_date"] == "2026-11-12");
  REQUIRE(d["orders"][0]["items"].size() == 2);
  CHECK(d["orders"][0]["items"][1]["quantity"] == 2);
  CHECK(d["orders"][0]["items"][1]["uom"] == "CS");
  CHECK(d["orders"][1]["po_number"] == "4500012415");
  REQUIRE(d["orders"][1]["items"].size() == 1);
  CHECK(d["orders"][1]["items"][0]["line_number"] == "1");
  CHECK(d["orders"][1]["items"][0]["vendor_part"] == "CR-LANT-LED");
  CHECK_FALSE(d["orders"][1]["items"][0].contains("sscc"));
  CHECK(d == map_856("pairs/asn-1002.856.edi"));
}

TEST_CASE("DESADV: the twins' deliveries are valid inbound_delivery documents", "[mappings][edifact][desadv][schema]") {
  std::vector<json> documents{map_desadv("pairs/asn-1001.desadv.edi").transaction,
                              map_desadv("pairs/asn-1002.desadv.edi").transaction};
  edihub::testing::TempDir dir;
  auto run = testing::validate_documents("inbound_delivery.schema.json", documents, dir);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("2 valid, 0 invalid") != std::string::npos);
}

TEST_CASE("DESADV: a public D96A despatch advice, its odd codes given by partner tables", "[mappings][edifact][desadv]") {
  // php-edifact's D96ADESADV.edi: UNH S009 "DESADV:0:96A" (version "0" where D is meant),
  // BGM03 700101 (no UN 1225 code), CPS with a text id, LIN+001 without item number, PIA+5
  // with an untyped ISBN, each line's own RFF+ON: two orders.
  auto read = testing::read_sets(read_file(data_dir() / "edifact/desadv_d96a.edi"));
  REQUIRE(read.size() == 1);
  auto set = read[0].set;
  CHECK(set.message_version == "096A");
  auto mapping = Mapping::load(read_file(source_dir() / kDesadv), kDesadv);
  Context context = read[0].context();
  CHECK_THROWS_WITH(mapping->evaluate(set, context, {}), Catch::Contains("UNH version 096A is not one of"));
  set.message_version = "D96A";
  CHECK_THROWS_WITH(mapping->evaluate(set, context, {}), Catch::Contains("700101"));
  json d = mapping->evaluate(set, context, CodeTables{{"purpose", {{"700101", "original"}}}}).transaction;
  CHECK(d["shipment_id"] == "Y02197250");
  CHECK(d["purpose"] == "original");
  CHECK(d["shipped_at"] == "2016-07-26");
  CHECK(d["supplier"] == json{{"id", "1694901"}});
  REQUIRE(d["orders"].size() == 2);
  CHECK(d["orders"][0]["po_number"] == "6877871");
  CHECK(d["orders"][1]["po_number"] == "6905456");
  CHECK(d["orders"][1]["items"] == json::array({{{"line_number", "002"},
                                                 {"description", "ROADS TO SATA A 2"},
                                                 {"lots", json::array()},
                                                 {"serial_numbers", json::array()},
                                                 {"quantity", 1},
                                                 {"uom", "EA"}}}));
}
