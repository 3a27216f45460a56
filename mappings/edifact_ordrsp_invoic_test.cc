// The standard ORDRSP and INVOIC mappings (mappings/standard/edifact-*) on hand-made D96A
// messages that carry every qualifier the mappings read (tests/data/mappings/*_handmade_*)
// and on public INVOIC samples (tests/data/edifact/MANIFEST.md), read by the EDIFACT
// reader, with no partner code tables. Every expected value was read off the files by
// hand. The outputs are validated against docs/order_acknowledgment.schema.json and
// docs/supplier_invoice.schema.json (node + ajv), the schemas the X12 855 and 810 feed.
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using nlohmann::json;

namespace {

const char* const kOrdrsp = "mappings/standard/edifact-ordrsp-order-acknowledgment.yaml";
const char* const kInvoic = "mappings/standard/edifact-invoic-supplier-invoice.yaml";

json map_one(const char* mapping, const std::string& file) {
  auto results = testing::map_file(mapping, file);
  REQUIRE(results.size() == 1);
  return results.front().transaction;
}

}  // namespace

TEST_CASE("ORDRSP: a response accepting, changing and rejecting lines", "[mappings][edifact][ordrsp]") {
  json d = map_one(kOrdrsp, "mappings/ordrsp_handmade_d96a_changed_and_rejected.edi");
  const json party_address = {{"street", "Havenweg 12"}, {"city", "Rotterdam"}, {"postal_code", "3011 AA"}, {"country", "NL"}};
  CHECK(d["po_number"] == "PO-4500077");
  CHECK(d["purpose"] == "original");  // BGM03 30: accepted with amendment
  CHECK(d["acknowledgment_type"] == "acknowledge_with_detail_and_change");
  CHECK(d["acknowledgment_code"] == "AC");
  CHECK(d["po_date"] == "2026-11-10");
  CHECK(d["seller_order_number"] == "SO-99812");
  CHECK(d["acknowledgment_date"] == "2026-11-15");
  CHECK(d["currency"] == "EUR");
  CHECK(d["ship_to"] == json{{"name", "Harbor Lane DC Rotterdam"}, {"id_qualifier", "UL"}, {"id", "8711234000018"},
                             {"address", party_address}});
  CHECK(d["vendor"]["address"]["city"] == "Koeln");
  REQUIRE(d["lines"].size() == 3);
  CHECK(d["lines"][0] == json{{"line_number", "1"},
                              {"quantity", 10},
                              {"unit", "PCE"},
                              {"unit_price", 42.5},
                              {"buyer_part", "A-77"},
                              {"vendor_part", "BT-100"},
                              {"gtin", "4012345000016"},
                              {"description", "Torque wrench 3/8 in+ case"},  // "in?+ case": released
                              {"acks", json::array({{{"status", "accepted"},
                                                     {"status_code", "IA"},
                                                     {"quantity", 10},
                                                     {"unit", "PCE"},
                                                     {"date_qualifier", "2"},
                                                     {"date", "2026-11-20"}}})}});
  // LIN+2+3: 24 ordered, 12 to be delivered.
  CHECK(d["lines"][1]["quantity"] == 24);
  CHECK(d["lines"][1]["acks"] == json::array({{{"status", "accepted_with_changes"},
                                               {"status_code", "IC"},
                                               {"quantity", 12},
                                               {"unit", "PCE"},
                                               {"date_qualifier", "2"},
                                               {"date", "2026-11-27"}}}));
  CHECK(d["lines"][2]["acks"] ==
        json::array({{{"status", "rejected"}, {"status_code", "IR"}, {"quantity", 0}, {"unit", "PCE"}}}));
}

TEST_CASE("INVOIC: a hand-made invoice with terms, four parties and line orders", "[mappings][edifact][invoic]") {
  json d = map_one(kInvoic, "mappings/invoic_handmade_d96a_terms_and_parties.edi");
  CHECK(d["invoice_number"] == "INV-2026-0412");
  CHECK(d["invoice_date"] == "2026-12-01");
  CHECK(d["invoice_type"] == "380");
  CHECK(d["po_number"] == "PO-4500077");
  CHECK(d["po_date"] == "2026-11-10");
  CHECK(d["shipment_id"] == "DES-2026-311");
  CHECK(d["currency"] == "EUR");
  CHECK(d["bill_to"]["name"] == "Harbor Lane BV");
  CHECK(d["remit_to"] == json{{"name", "Bergmann Tools Finance"}, {"id_qualifier", "UL"}, {"id", "5412345000099"}});
  CHECK(d["ship_to"]["id"] == "8711234000018");
  CHECK(d["vendor"]["id"] == "5412345000013");
  CHECK(d["terms"] == json{{"type_code", "1"}, {"basis_date_code", "5"}, {"discount_percent", 2},
                           {"net_due_date", "2026-12-31"}, {"net_days", 30}});
  CHECK(d["total_amount"] == 788.68);  // 425 + 226.80 + 21% VAT 136.88
  REQUIRE(d["lines"].size() == 2);
  CHECK(d["lines"][0] == json{{"line_number", "1"}, {"quantity", 10}, {"unit", "PCE"}, {"unit_price", 42.5},
                              {"vendor_part", "BT-100"}, {"gtin", "4012345000016"}, {"description", "Torque wrench"}});
  // Net price AAA wins over the gross AAB sent first; the line's own order.
  CHECK(d["lines"][1]["unit_price"] == 18.9);
  CHECK(d["lines"][1]["buyer_part"] == "A-88");
  CHECK(d["lines"][1]["po_number"] == "PO-4500091");
}

TEST_CASE("INVOIC: public D97B invoice with UNA separators =*.?^~ (StAEDI)", "[mappings][edifact][invoic]") {
  json d = map_one(kInvoic, "edifact/invoic_d97b_una.edi");
  CHECK(d == json{{"invoice_number", "342459"},
                  {"invoice_date", "2006-05-15"},
                  {"po_number", "521052"},
                  {"invoice_type", "380"},
                  {"currency", "USD"},
                  {"vendor", {{"name", "GENERAL WIDGET COMPANY"}, {"id_qualifier", "1"}, {"id", "005435656"}}},
                  {"total_amount", 2137.58},
                  {"lines", json::array({{{"line_number", "1"}, {"quantity", 1020}, {"unit", "EA"}, {"unit_price", 1.179},
                                          {"buyer_part", "157870"}, {"description", "WIDGET"}},
                                         {{"line_number", "2"}, {"quantity", 20}, {"unit", "EA"}, {"unit_price", 20.5},
                                          {"buyer_part", "157871"}, {"description", "DIFFERENT WIDGET"}}})}});
}

TEST_CASE("INVOIC: a public invoice whose DTM says 102 but holds a time is an error at that DTM",
          "[mappings][edifact][invoic]") {
  // pydifact invoice1.edi: DTM+137:199910060000:102 (segment 3 of the message).
  CHECK_THROWS_WITH(map_one(kInvoic, "edifact/invoic_d97a.edi"),
                    Catch::Contains("'199910060000' is not a date") && Catch::Contains("segment 3 DTM"));
}

TEST_CASE("ORDRSP and INVOIC outputs are valid ERP documents", "[mappings][edifact][schema]") {
  edihub::testing::TempDir dir, invoice_dir;
  auto acks = testing::validate_documents(
      "order_acknowledgment.schema.json", {map_one(kOrdrsp, "mappings/ordrsp_handmade_d96a_changed_and_rejected.edi")}, dir);
  INFO(acks.out << acks.err);
  CHECK(acks.out.find("1 valid, 0 invalid") != std::string::npos);
  auto invoices = testing::validate_documents("supplier_invoice.schema.json",
                                              {map_one(kInvoic, "mappings/invoic_handmade_d96a_terms_and_parties.edi"),
                                               map_one(kInvoic, "edifact/invoic_d97b_una.edi")},
                                              invoice_dir);
  INFO(invoices.out << invoices.err);
  CHECK(invoices.out.find("2 valid, 0 invalid") != std::string::npos);
}
