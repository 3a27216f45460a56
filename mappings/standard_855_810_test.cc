// The standard 855 and 810 mappings (mappings/standard/) on public samples (tests/data/corpus,
// tests/data/mappings/855_stupidedi_*, 855_oopfactory_*) and hand-made 004010/005010 ones
// (tests/data/mappings/*_handmade_*), with the partner's code tables empty so the mapping's
// own defaults are what is tested. Every expected value was read off the sample by hand;
// totals were added up from the lines. Every output is then validated against
// docs/order_acknowledgment.schema.json and docs/supplier_invoice.schema.json (node + ajv).
#include <catch2/catch.hpp>

#include "mappings/mapping.h"
#include "tests/support/mapping_sets.h"
#include "tests/test_support.h"

using namespace edihub::mapping;
using edihub::testing::read_file;
using edihub::testing::source_dir;
using nlohmann::json;

namespace {

const char* const k855 = "mappings/standard/x12-855-order-acknowledgment.yaml";
const char* const k810 = "mappings/standard/x12-810-supplier-invoice.yaml";

std::shared_ptr<const Mapping> standard(const char* file) {
  return Mapping::load(read_file(source_dir() / file), file);
}

using testing::map_file;

Result map_one(const char* mapping_file, const std::string& file) { return testing::map_one_sample(mapping_file, file); }

using Keys = std::vector<std::pair<std::string, std::string>>;

const json kToledo = {{"name", "Acme Toledo DC"}, {"id_qualifier", "92"}, {"id", "1000"},
                      {"address", {{"street", "4400 Industrial Pkwy"}, {"city", "Toledo"}, {"state", "OH"},
                                   {"postal_code", "43612"}, {"country", "US"}}}};

const std::vector<std::string> k855Samples = {
    "mappings/855_stupidedi_bak08_bak09_isa16_brace.edi", "mappings/855_oopfactory_adobe_cur_n1_loops.edi",
    "mappings/855_handmade_004010_quantity_changed_and_rejected.edi",
    "mappings/855_handmade_005010_split_line_and_price_change.edi"};
const std::vector<std::string> k810Samples = {
    "corpus/x12/810_staedi_two_invoices.edi", "corpus/x12/810_oopfactory_walmart_newline_terminator.edi",
    "corpus/x12/810_oopfactory_negative_amounts_ta1_requested.edi", "corpus/x12/810_stupidedi_pipe_element_separator.edi",
    "corpus/x12/810_stupidedi_aerospace_x348_gs01_sc.edi", "corpus/x12/810_x12types_minimal_5010.edi",
    "mappings/810_handmade_005010_consolidated_two_pos.edi"};

}  // namespace

TEST_CASE("855: a public 004010 acknowledgment with BAK08/BAK09 and a zero-padded line", "[mappings][855]") {
  // BAK*00*AT*1D711419*20170502****338093*20170425*CJ, N1*SU loop, PO1*0001*72*EA*47.34*UM*BP*C000900237, no ACK.
  auto r = map_one(k855, "mappings/855_stupidedi_bak08_bak09_isa16_brace.edi");
  CHECK(r.transaction == json{{"po_number", "1D711419"},
                              {"purpose", "original"},
                              {"acknowledgment_type", "accepted"},
                              {"acknowledgment_code", "AT"},
                              {"po_date", "2017-05-02"},
                              {"seller_order_number", "338093"},
                              {"acknowledgment_date", "2017-04-25"},
                              {"vendor", {{"name", "SHRADER CANADA"}, {"id_qualifier", "92"}, {"id", "SHRAA"},
                                          {"address", {{"street", "830 PROGRESS CT"}, {"city", "OAKVILLE"}, {"state", "ON"}}}}},
                              {"lines", {{{"line_number", "0001"}, {"quantity", 72}, {"unit", "EA"}, {"unit_price", 47.34},
                                          {"price_basis", "UM"}, {"buyer_part", "C000900237"}, {"acks", json::array()}}}}});
  CHECK(r.keys == Keys{{"po_number", "1D711419"}});
}

TEST_CASE("855: a public 004010 acknowledgment with CUR, many N1 loops and AMT after CTT", "[mappings][855]") {
  // BAK*00*AD*0132710645*20090612; N1 BY/BT/PR/CA/II come before N1*SE (the vendor) and N1*ST;
  // PO1*000010*1*EA*369*CA*MG*00065008880AD01A00*BP*T05249 (MG, a manufacturer's part, is not mapped).
  auto r = map_one(k855, "mappings/855_oopfactory_adobe_cur_n1_loops.edi");
  CHECK(r.transaction == json{{"po_number", "0132710645"},
                              {"purpose", "original"},
                              {"acknowledgment_type", "acknowledge_with_detail_no_change"},
                              {"acknowledgment_code", "AD"},
                              {"po_date", "2009-06-12"},
                              {"currency", "USD"},
                              {"ship_to", {{"name", "SHIP TO PARTY"}, {"id_qualifier", "ZZ"}, {"id", "0055555555"},
                                           {"address", {{"street", "5555 161TH AVE"}, {"city", "SEATTLE"}, {"state", "WA"},
                                                        {"postal_code", "98134"}, {"country", "US"}}}}},
                              {"vendor", {{"name", "ADOBE SYSTEMS INCORPORATED"}, {"id_qualifier", "91"}, {"id", "ADUS"},
                                          {"address", {{"street", "345 Park Avenue"}, {"city", "SAN JOSE"}, {"state", "CA"},
                                                       {"postal_code", "95110"}, {"country", "US"}}}}},
                              {"lines", {{{"line_number", "000010"}, {"quantity", 1}, {"unit", "EA"}, {"unit_price", 369},
                                          {"price_basis", "CA"}, {"buyer_part", "T05249"},
                                          {"description", "APRO,9.0,WIN,AOO,UE,1PK,N/A"}, {"acks", json::array()}}}}});
}

TEST_CASE("855: ACK IQ changes a quantity and ACK IR rejects a line (004010)", "[mappings][855]") {
  // The acknowledgment of tests/data/erp/purchase_order_standard.json: line 1 accepted, line 2
  // cut from 2.5 to 2 LB, line 3 rejected; ACK05 is the current schedule ship date (068).
  auto r = map_one(k855, "mappings/855_handmade_004010_quantity_changed_and_rejected.edi");
  const json& t = r.transaction;
  CHECK(t["po_number"] == "4500012345");
  CHECK(t["acknowledgment_type"] == "acknowledge_with_detail_and_change");
  CHECK(t["acknowledgment_code"] == "AC");
  CHECK(t["po_date"] == "2024-03-18");
  CHECK(t["seller_order_number"] == "SO-88120");
  CHECK(t["acknowledgment_date"] == "2024-03-19");
  CHECK(t["currency"] == "USD");
  CHECK(t["ship_to"] == kToledo);
  CHECK(t["vendor"] == json{{"name", "Northwind Supply"}, {"id_qualifier", "92"}, {"id", "V10077"}});
  REQUIRE(t["lines"].size() == 3);
  CHECK(t["lines"][0] == json{{"line_number", "1"}, {"quantity", 24}, {"unit", "EA"}, {"unit_price", 12.5},
                              {"price_basis", "PE"}, {"buyer_part", "B-1001"}, {"vendor_part", "NW-55-A"},
                              {"upc", "012345678905"}, {"description", "Hex bolt M8 x 40, zinc"},
                              {"acks", {{{"status", "accepted"}, {"status_code", "IA"}, {"quantity", 24}, {"unit", "EA"},
                                         {"date_qualifier", "068"}, {"date", "2024-03-25"}}}}});
  CHECK(t["lines"][1] == json{{"line_number", "2"}, {"quantity", 2.5}, {"unit", "LB"}, {"unit_price", 7.12},
                              {"price_basis", "PE"}, {"buyer_part", "B-2002"}, {"description", "Copper wire 12 AWG"},
                              {"acks", {{{"status", "accepted_quantity_changed"}, {"status_code", "IQ"}, {"quantity", 2},
                                         {"unit", "LB"}, {"date_qualifier", "068"}, {"date", "2024-03-25"}}}}});
  // CA goes through the default uom table to CS; the rejection carries no date.
  CHECK(t["lines"][2] == json{{"line_number", "3"}, {"quantity", 6}, {"unit", "CS"}, {"unit_price", 48},
                              {"price_basis", "PE"}, {"buyer_part", "B-3003"}, {"vendor_part", "NW-900"},
                              {"acks", {{{"status", "rejected"}, {"status_code", "IR"}, {"quantity", 6}, {"unit", "CS"}}}}});
  CHECK(r.keys == Keys{{"po_number", "4500012345"}});
}

TEST_CASE("855: two ACKs on one line and a price change (005010)", "[mappings][855]") {
  // Line 10: 60 of 100 accepted for 2024-04-10, the other 40 backordered to 2024-05-01;
  // line 20 accepted at a new price (ACK IP, PO104 51.75).
  auto r = map_one(k855, "mappings/855_handmade_005010_split_line_and_price_change.edi");
  const json& t = r.transaction;
  CHECK(t["po_number"] == "4500012346");
  CHECK(t["release"] == "2");
  CHECK(t["po_date"] == "2024-04-01");
  CHECK(t["seller_order_number"] == "SO-88175");
  CHECK(t["acknowledgment_date"] == "2024-04-02");
  CHECK_FALSE(t.contains("currency"));
  CHECK(t["ship_to"] == json{{"name", "Acme Dayton Plant"}, {"id_qualifier", "92"}, {"id", "2000"},
                             {"address", {{"city", "Dayton"}, {"state", "OH"}, {"postal_code", "45402"}, {"country", "US"}}}});
  CHECK(t["vendor"]["id"] == "V10077");  // N1*SU
  REQUIRE(t["lines"].size() == 2);
  CHECK(t["lines"][0]["line_number"] == "10");
  CHECK(t["lines"][0]["quantity"] == 100);
  CHECK(t["lines"][0]["unit_price"] == 0.35);
  CHECK(t["lines"][0]["upc"] == "036000291452");
  CHECK(t["lines"][0]["acks"] ==
        json{{{"status", "accepted"}, {"status_code", "IA"}, {"quantity", 60}, {"unit", "EA"}, {"date_qualifier", "068"},
              {"date", "2024-04-10"}},
             {{"status", "backordered"}, {"status_code", "IB"}, {"quantity", 40}, {"unit", "EA"}, {"date_qualifier", "068"},
              {"date", "2024-05-01"}}});
  CHECK(t["lines"][1] == json{{"line_number", "20"}, {"quantity", 12}, {"unit", "CS"}, {"unit_price", 51.75},
                              {"price_basis", "PE"}, {"buyer_part", "B-3003"}, {"vendor_part", "NW-900"},
                              {"gtin", "10012345000017"},
                              {"acks", {{{"status", "accepted_price_changed"}, {"status_code", "IP"}, {"quantity", 12},
                                         {"unit", "CS"}, {"date_qualifier", "068"}, {"date", "2024-04-10"}}}}});
}

TEST_CASE("855: a line status outside the X12 code list is refused with its position", "[mappings][855]") {
  auto read = testing::make_set("BAK*00*AC*PO-1*20240318~PO1*1*5*EA*2~ACK*XX*5*EA~", "004010", "855");
  try {
    standard(k855)->evaluate(read.set, read.context(), CodeTables{});
    FAIL("expected a MappingError");
  } catch (const MappingError& e) {
    std::string what = e.what();
    CHECK_THAT(what, Catch::Contains(k855) && Catch::Contains("ACK01") && Catch::Contains("'XX'") &&
                         Catch::Contains("line_status"));
  }
}

TEST_CASE("810: public 004010 invoices", "[mappings][810]") {
  SECTION("two invoices in one group: N1 ST/BT/RE, ITD, UA codes only, TDS") {
    auto results = map_file(k810, "corpus/x12/810_staedi_two_invoices.edi");
    REQUIRE(results.size() == 2);
    const json& t = results[0].transaction;
    CHECK(t["invoice_number"] == "00001");
    CHECK(t["invoice_date"] == "1997-12-11");
    CHECK(t["po_number"] == "A99999-01");
    CHECK_FALSE(t.contains("vendor"));  // only N1 ST, BT and RE
    CHECK(t["ship_to"] == json{{"name", "BUYSNACKS PORT"}, {"id_qualifier", "9"}, {"id", "1223334445"},
                               {"address", {{"street", "1000 N. SAMPLE HIGHWAY"}, {"city", "ATHENS"}, {"state", "GA"},
                                            {"postal_code", "30603"}}}});
    CHECK(t["bill_to"]["name"] == "BUYSNACKS");
    CHECK(t["remit_to"] == json{{"name", "FOODSELLER"}, {"id_qualifier", "9"}, {"id", "12345QQQQ"},
                                {"address", {{"street", "P.O. BOX 222222"}, {"city", "DALLAS"}, {"state", "TX"},
                                             {"postal_code", "723224444"}}}});
    // ITD*01*3*1.000**15**16*****1/15 NET 30
    CHECK(t["terms"] == json{{"type_code", "01"}, {"basis_date_code", "3"}, {"discount_percent", 1}, {"discount_days", 15},
                             {"net_days", 16}, {"description", "1/15 NET 30"}});
    // TDS*255438: 2554.38 = (16 + 13 + 32 + 51 + 9 + 85 + 1) x 12.34 = 207 x 12.34 (ISS*207).
    CHECK(t["total_amount"] == 2554.38);
    REQUIRE(t["lines"].size() == 7);
    // IT1**16*CA*12.34**UA*002840022222: no IT101, a UA case code (not mapped), CA -> CS.
    CHECK(t["lines"][0] == json{{"quantity", 16}, {"unit", "CS"}, {"unit_price", 12.34}, {"description", "CRUNCHY CHIPS LSS"}});
    CHECK(t["lines"][6]["quantity"] == 1);
    CHECK(results[0].keys == Keys{{"invoice_number", "00001"}, {"po_number", "A99999-01"}});
    CHECK(results[1].transaction["po_number"] == "A99999-04");
    CHECK(results[1].transaction["lines"].size() == 2);
  }
  SECTION("retailer invoice: IN/UP/UK item ids, SAC allowance, ISS before TDS, BOL in CAD") {
    const json t = map_one(k810, "corpus/x12/810_oopfactory_walmart_newline_terminator.edi").transaction;
    CHECK(t["invoice_number"] == "6463367");
    CHECK(t["invoice_date"] == "2005-02-05");
    CHECK(t["po_date"] == "2005-02-02");
    CHECK(t["po_number"] == "3376103367");
    CHECK(t["vendor"] == json{{"name", "SUPPLIER NAME"}});  // N1*SU
    CHECK(t["ship_to"] == json{{"name", "WAL-MART 100"}, {"id_qualifier", "UL"}, {"id", "0078742000992"},
                               {"address", {{"street", "406 SOUTH WALTON BLVD"}, {"city", "BENTONVILLE"}, {"state", "AR"},
                                            {"postal_code", "72712"}}}});
    CHECK(t["terms"] == json{{"type_code", "05"}, {"basis_date_code", "15"}, {"net_days", 45}});  // ITD*05*15*****45
    CHECK(t["bill_of_lading"] == "123456789");  // CAD*T***RDWT*ROADWAY**BM*123456789
    // TDS*387530: 3875.30 = 1080 x 3.61 = 3898.80 less the SAC allowance of 23.50 (SAC05 2350).
    CHECK(t["total_amount"] == 3875.3);
    CHECK(t["lines"] == json{{{"quantity", 1080}, {"unit", "EA"}, {"unit_price", 3.61}, {"buyer_part", "001719653"},
                              {"upc", "022108955228"}, {"gtin", "00221089552284"}, {"description", "ITEM DESCRIPTION"}}});
  }
  SECTION("utility invoice: BIG07, negative unit prices, PID*X descriptions, ITD net due date") {
    const json t = map_one(k810, "corpus/x12/810_oopfactory_negative_amounts_ta1_requested.edi").transaction;
    CHECK(t["invoice_number"] == "10429");
    CHECK(t["invoice_type"] == "FB");  // BIG*19981231*10429*****FB
    CHECK_FALSE(t.contains("po_number"));
    CHECK(t["terms"] == json{{"type_code", "03"}, {"net_due_date", "1999-01-07"}});  // ITD*03*****19990107
    CHECK(t["bill_to"]["address"]["city"] == "Palo Alto");
    CHECK(t["remit_to"]["name"] == "Bank of America- (Mkt and GMC)");
    // TDS*21351663 = 213516.63, the sum of the 16 one-each lines (19406.14 + 1764.26 + ... + 1977.32).
    CHECK(t["total_amount"] == 213516.63);
    REQUIRE(t["lines"].size() == 16);
    CHECK(t["lines"][4] == json{{"line_number", "5"}, {"quantity", 1}, {"unit", "EA"}, {"unit_price", -497.1},
                                {"description", "Hour-Ahead Non-Spinning Reserve due ISO"}});
    CHECK(t["lines"][10]["unit_price"] == -457863.84);
  }
  SECTION("pipe separators, no IT103, EN codes") {
    const json t = map_one(k810, "corpus/x12/810_stupidedi_pipe_element_separator.edi").transaction;
    CHECK(t["invoice_number"] == "00237058");
    CHECK(t["po_number"] == "0691-0014403");
    CHECK(t["ship_to"]["address"] == json{{"street", "123 address_1"}, {"street2", "address_2"}, {"city", "SAVANNAH"},
                                          {"state", "GA"}, {"postal_code", "314014245"}});
    CHECK(t["terms"] == json{{"basis_date_code", "3"}, {"net_days", 30}});
    CHECK(t["total_amount"] == 285.66);  // TDS|28566 = 4 x 70 + 1 x 5.66
    CHECK(t["lines"] == json{{{"quantity", 4}, {"unit_price", 70}, {"gtin", "9781501331978"},
                              {"description", "Retail Buying From Basics to Fashion"}},
                             {{"quantity", 1}, {"unit_price", 5.66}, {"gtin", "9780316154680"},
                              {"description", "When You Are Engulfed in Flames"}}});
  }
  SECTION("aerospace 004010X348: release and BIG07 CI") {
    const json t = map_one(k810, "corpus/x12/810_stupidedi_aerospace_x348_gs01_sc.edi").transaction;
    CHECK(t["invoice_number"] == "39876980601170600");
    CHECK(t["po_number"] == "767124");
    CHECK(t["release"] == "6543214666601234");
    CHECK(t["invoice_type"] == "CI");
    CHECK(t["total_amount"] == 170.6);  // TDS*17060, one line of 1 x 170.6
    CHECK(t["lines"] == json{{{"line_number", "1"}, {"quantity", 1}, {"unit", "EA"}, {"unit_price", 170.6}}});
  }
}

TEST_CASE("810: 005010 invoices, a consolidated one naming a PO per line", "[mappings][810]") {
  SECTION("public minimal 5010 invoice") {
    auto r = map_one(k810, "corpus/x12/810_x12types_minimal_5010.edi");
    // IT1*1*10*EA*5**VN*ABC and TDS*130: the sample's total (1.30) does not add up to its line; it is mapped as sent.
    CHECK(r.transaction == json{{"invoice_number", "INV123"},
                                {"invoice_date", "2020-01-01"},
                                {"ship_to", {{"name", "BUYER"}}},
                                {"total_amount", 1.3},
                                {"lines", {{{"line_number", "1"}, {"quantity", 10}, {"unit", "EA"}, {"unit_price", 5},
                                            {"vendor_part", "ABC"}}}}});
    CHECK(r.keys == Keys{{"invoice_number", "INV123"}});
  }
  SECTION("hand-made consolidated invoice") {
    auto r = map_one(k810, "mappings/810_handmade_005010_consolidated_two_pos.edi");
    const json& t = r.transaction;
    CHECK(t["invoice_number"] == "INV-20240405-07");
    CHECK(t["invoice_date"] == "2024-04-05");
    CHECK(t["po_date"] == "2024-03-18");
    CHECK(t["po_number"] == "4500012345");
    CHECK(t["invoice_type"] == "DI");
    CHECK(t["currency"] == "USD");
    CHECK(t["shipment_id"] == "SH-77120");
    CHECK(t["bill_of_lading"] == "BOL-5520913");
    CHECK(t["vendor"] == json{{"name", "Northwind Supply"}, {"id_qualifier", "92"}, {"id", "V10077"},
                              {"address", {{"street", "18 Harbor Rd"}, {"city", "Erie"}, {"state", "PA"},
                                           {"postal_code", "16501"}, {"country", "US"}}}});
    CHECK(t["ship_to"] == kToledo);
    CHECK(t["bill_to"]["address"] == json{{"street", "1 Commerce Sq"}, {"street2", "Floor 9"}, {"city", "Cleveland"},
                                          {"state", "OH"}, {"postal_code", "44114"}, {"country", "US"}});
    CHECK(t["terms"] == json{{"type_code", "01"}, {"basis_date_code", "3"}, {"discount_percent", 2}, {"discount_days", 10},
                             {"net_days", 30}, {"description", "2% 10 NET 30"}});
    // TDS*33524 = 335.24 = 24 x 12.50 + 2 x 7.12 + 60 x 0.35 = 300 + 14.24 + 21
    CHECK(t["total_amount"] == 335.24);
    REQUIRE(t["lines"].size() == 3);
    CHECK(t["lines"][0] == json{{"line_number", "1"}, {"quantity", 24}, {"unit", "EA"}, {"unit_price", 12.5},
                                {"price_basis", "PE"}, {"buyer_part", "B-1001"}, {"vendor_part", "NW-55-A"},
                                {"upc", "012345678905"}, {"description", "Hex bolt M8 x 40, zinc"}});
    CHECK_FALSE(t["lines"][1].contains("po_number"));
    CHECK(t["lines"][2] == json{{"line_number", "10"}, {"quantity", 60}, {"unit", "EA"}, {"unit_price", 0.35},
                                {"price_basis", "PE"}, {"buyer_part", "B-4004"}, {"upc", "036000291452"},
                                {"po_number", "4500012346"}});
    CHECK(r.keys == Keys{{"invoice_number", "INV-20240405-07"}, {"po_number", "4500012345"}});
  }
}

TEST_CASE("855 and 810: every mapped sample validates against its ERP schema", "[mappings][schema]") {
  edihub::testing::TempDir dir;
  std::vector<json> acks, invoices;
  for (const auto& file : k855Samples)
    for (const auto& r : map_file(k855, file)) acks.push_back(r.transaction);
  for (const auto& file : k810Samples)
    for (const auto& r : map_file(k810, file)) invoices.push_back(r.transaction);
  REQUIRE(acks.size() == 4);
  REQUIRE(invoices.size() == 8);
  auto ack_run = testing::validate_documents("order_acknowledgment.schema.json", acks, dir);
  INFO(ack_run.out << ack_run.err);
  CHECK(ack_run.exit_code == 0);
  CHECK(ack_run.out.find("4 valid, 0 invalid") != std::string::npos);
  edihub::testing::TempDir invoice_dir;
  auto invoice_run = testing::validate_documents("supplier_invoice.schema.json", invoices, invoice_dir);
  INFO(invoice_run.out << invoice_run.err);
  CHECK(invoice_run.exit_code == 0);
  CHECK(invoice_run.out.find("8 valid, 0 invalid") != std::string::npos);
}

TEST_CASE("855 and 810: the schemas reject what the ERP cannot take", "[mappings][schema]") {
  json ack = map_one(k855, "mappings/855_handmade_004010_quantity_changed_and_rejected.edi").transaction;
  json no_po = ack, bad_status = ack, no_acks = ack, extra = ack;
  no_po.erase("po_number");
  bad_status["lines"][1]["acks"][0]["status"] = "IQ";  // the raw code belongs in status_code
  no_acks["lines"][0].erase("acks");
  extra["lines"][0]["ordered_quantity"] = 24;
  edihub::testing::TempDir dir;
  auto run = testing::validate_documents("order_acknowledgment.schema.json", {ack, no_po, bad_status, no_acks, extra}, dir);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("1 valid, 4 invalid") != std::string::npos);

  json invoice = map_one(k810, "mappings/810_handmade_005010_consolidated_two_pos.edi").transaction;
  json no_number = invoice, text_total = invoice, bad_date = invoice;
  no_number.erase("invoice_number");
  text_total["total_amount"] = "335.24";
  bad_date["invoice_date"] = "04/05/2024";
  edihub::testing::TempDir invoice_dir;
  auto invoice_run = testing::validate_documents("supplier_invoice.schema.json", {invoice, no_number, text_total, bad_date}, invoice_dir);
  INFO(invoice_run.out << invoice_run.err);
  CHECK(invoice_run.exit_code == 1);
  CHECK(invoice_run.out.find("1 valid, 3 invalid") != std::string::npos);
}
