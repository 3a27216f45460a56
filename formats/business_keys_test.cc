// Built-in business keys on real samples (tests/data/corpus, tests/data/pairs); every
// expected value was read off the sample by hand.
#include "formats/business_keys.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "formats/edifact.h"
#include "formats/parsed_file.h"
#include "tests/test_support.h"

using edihub::BusinessKeys;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

std::vector<edihub::x12::TransactionSet> sets_of(const std::string& name) {
  auto parsed = edihub::x12::parse_bytes(read_file(data_dir() / "corpus" / name));
  std::vector<edihub::x12::TransactionSet> sets;
  for (auto& interchange : parsed.interchanges)
    for (auto& group : interchange.groups)
      for (auto& set : group.sets) sets.push_back(std::move(set));
  return sets;
}

BusinessKeys first_set_keys(const std::string& name) {
  auto sets = sets_of(name);
  REQUIRE(!sets.empty());
  return edihub::x12::builtin_business_keys(sets.front());
}

BusinessKeys xml_keys(const std::filesystem::path& file) {
  auto doc = edihub::xml::parse(read_file(data_dir() / file));
  return edihub::xml::builtin_business_keys(*doc);
}

}  // namespace

TEST_CASE("856 keys: BSN02, REF BM and CN, every PRF01, REF IV", "[business_keys]") {
  // BSN*14*829716*..., REF*BM*999999-001, REF*CN*5787970539, PRF*99999817
  CHECK(first_set_keys("x12/856_nodex12_s_o_i_isa11_dash.edi") ==
        BusinessKeys{{"shipment_id", "829716"}, {"bol", "999999-001"}, {"tracking_number", "5787970539"},
                     {"po_number", "99999817"}});
  // Two orders; REF*SE (serial number) and the MAN*GM carton labels are no keys.
  CHECK(first_set_keys("x12/856_ediengine_crossdock_s_o_p_i.edi") ==
        BusinessKeys{{"shipment_id", "000009"}, {"bol", "000001"}, {"tracking_number", "0000000008741"},
                     {"po_number", "POREF00"}, {"invoice_number", "0000021"}, {"po_number", "POREF01"},
                     {"invoice_number", "0000022"}});
  // S-I sample with BSN02 left empty: no shipment_id rather than an empty one.
  auto s_i = first_set_keys("x12/856_oopfactory_s_i_cld_v3060.edi");
  for (const auto& [name, value] : s_i) CHECK(name != "shipment_id");
}

TEST_CASE("850 and 810 keys: BEG03, BIG02 and BIG04", "[business_keys]") {
  // BEG*00*SA*08292233294**20101127*610385385: BEG04 (release) empty.
  CHECK(first_set_keys("x12/850_nodex12_vics_isa_password.edi") == BusinessKeys{{"po_number", "08292233294"}});
  auto invoices = sets_of("x12/810_staedi_two_invoices.edi");
  REQUIRE(invoices.size() == 2);
  // BIG*19971211*00001**A99999-01 and BIG*19971215*00001**A99999-04
  CHECK(edihub::x12::builtin_business_keys(invoices[0]) ==
        BusinessKeys{{"invoice_number", "00001"}, {"po_number", "A99999-01"}});
  CHECK(edihub::x12::builtin_business_keys(invoices[1]) ==
        BusinessKeys{{"invoice_number", "00001"}, {"po_number", "A99999-04"}});
}

TEST_CASE("855 keys: BAK03, BAK05 and BAK08, and the 810 line-level REF*PO of a consolidated invoice", "[business_keys]") {
  auto first_of = [](const std::string& file) {
    auto parsed = edihub::x12::parse_bytes(read_file(data_dir() / file));
    REQUIRE(!parsed.interchanges.empty());
    return edihub::x12::builtin_business_keys(parsed.interchanges.front().groups.front().sets.front());
  };
  // BAK*00*AT*1D711419*20170502****338093*20170425*CJ: BAK05 (release) empty.
  CHECK(first_of("mappings/855_stupidedi_bak08_bak09_isa16_brace.edi") ==
        BusinessKeys{{"po_number", "1D711419"}, {"seller_order_number", "338093"}});
  // BAK*00*AC*4500012346*20240401*2***SO-88175*20240402
  CHECK(first_of("mappings/855_handmade_005010_split_line_and_price_change.edi") ==
        BusinessKeys{{"po_number", "4500012346"}, {"release_number", "2"}, {"seller_order_number", "SO-88175"}});
  // BIG04 4500012345, REF*SI (no key), REF*BM, then the REF*PO of line 10: both POs are found.
  CHECK(first_of("mappings/810_handmade_005010_consolidated_two_pos.edi") ==
        BusinessKeys{{"invoice_number", "INV-20240405-07"}, {"po_number", "4500012345"}, {"bol", "BOL-5520913"},
                     {"po_number", "4500012346"}});
}

TEST_CASE("214, 940 and 945 keys: B10 and L11, W05, W06", "[business_keys]") {
  // B10*0542550913*7727019*XXXX (the carrier's PRO number, the shipment id), L11*900169*PO
  CHECK(first_set_keys("x12/214_staedi_unicode_ellipsis_terminator.edi") ==
        BusinessKeys{{"tracking_number", "0542550913"}, {"shipment_id", "7727019"}, {"po_number", "900169"}});
  // W05*N*538686**001001*538686: depositor order number only; N9 BR/PC are no keys.
  CHECK(first_set_keys("x12/940_ediengine_warehouse_order.edi") == BusinessKeys{{"depositor_order_number", "538686"}});
  // W06*F*IF102*20190604*BOL12345**PO9865 (the set's SE01 is wrong; its keys are still read)
  CHECK(first_set_keys("invalid/945_x12types_se01_mismatch.edi") ==
        BusinessKeys{{"depositor_order_number", "IF102"}, {"shipment_id", "BOL12345"}, {"po_number", "PO9865"}});
}

TEST_CASE("acknowledgments carry no business keys", "[business_keys]") {
  for (const auto& set : sets_of("x12/997_x12types_accepted_5010.edi")) CHECK(edihub::x12::builtin_business_keys(set).empty());
  for (const auto& set : sets_of("x12/999_staedi_partial_ik3_ik4_ctx.edi")) CHECK(edihub::x12::builtin_business_keys(set).empty());
}

TEST_CASE("values are trimmed and each pair is kept once", "[business_keys]") {
  edihub::x12::TransactionSet set;
  set.id = "856";
  set.segments = {{"BSN", {"00", " A1 ", "20260101", "1200"}}, {"PRF", {"PO1"}}, {"PRF", {"PO1"}},
                  {"MAN", {"CP", "1Z999"}}, {"MAN", {"GM", "00012345678901234567"}}, {"REF", {"CN", "  "}}};
  CHECK(edihub::x12::builtin_business_keys(set) ==
        BusinessKeys{{"shipment_id", "A1"}, {"po_number", "PO1"}, {"tracking_number", "1Z999"}});
}

TEST_CASE("XML ship notice keys: cXML, UBL and GS1", "[business_keys]") {
  // shipmentID="S2-123", <ShipmentIdentifier>8202 8261 1194</ShipmentIdentifier> (no domain), orderID="DO1234"
  CHECK(xml_keys("corpus/xml/cxml_ship_notice_request_friendsofcxml.xml") ==
        BusinessKeys{{"shipment_id", "S2-123"}, {"tracking_number", "8202 8261 1194"}, {"po_number", "DO1234"}});
  CHECK(xml_keys("corpus/xml/cxml_order_request_friendsofcxml.xml") == BusinessKeys{{"po_number", "DO1234"}});
  // The three XML forms of the pair ASN1001 carry the same keys as its 856.
  const BusinessKeys asn1001{{"shipment_id", "ASN1001"}, {"po_number", "4500012345"}, {"bol", "HLFX7730451"}};
  auto sorted = [](BusinessKeys keys) {
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  auto x12_pair = edihub::x12::parse_bytes(read_file(data_dir() / "pairs/asn-1001.856.edi"));
  CHECK(edihub::x12::builtin_business_keys(x12_pair.interchanges.at(0).groups.at(0).sets.at(0)) ==
        BusinessKeys{{"shipment_id", "ASN1001"}, {"bol", "HLFX7730451"}, {"po_number", "4500012345"}});
  CHECK(sorted(xml_keys("pairs/asn-1001.cxml.xml")) == sorted(asn1001));
  CHECK(sorted(xml_keys("pairs/asn-1001.ubl.xml")) == sorted(asn1001));
  CHECK(sorted(xml_keys("pairs/asn-1001.gs1.xml")) == sorted(asn1001));
  // OASIS UBL 2.0 example: cbc:ID 565899, the order AEG012345 (document and line level, kept once).
  CHECK(xml_keys("corpus/xml/ubl20_despatch_advice_oasis_example.xml") ==
        BusinessKeys{{"shipment_id", "565899"}, {"po_number", "AEG012345"}});
  // Not a ship notice or order: no keys.
  auto other = edihub::xml::parse("<Catalog><ID>1</ID></Catalog>");
  CHECK(edihub::xml::builtin_business_keys(*other).empty());
}

TEST_CASE("EDIFACT keys: BGM document number by message type, RFF ON, BM, CN, IV and AAK", "[business_keys][edifact]") {
  using edihub::edifact::kComponent;
  auto composite = [](std::string a, std::string b) { return a + kComponent + b; };
  edihub::x12::TransactionSet desadv;
  desadv.id = "DESADV";
  desadv.message_version = "D96A";
  desadv.segments = {{"UNH", {"M1", composite("DESADV", "D") + kComponent + "96A"}},
                     {"BGM", {"351", "DES587441", "9"}},
                     {"RFF", {composite("ON", "4500012345")}},
                     {"RFF", {composite("BM", "HLFX7730451")}},
                     {"RFF", {composite("ZZZ", "ignored")}},
                     {"RFF", {composite("CN", "PRO-778")}},
                     {"RFF", {composite("ON", "4500012345")}}};
  CHECK(edihub::x12::builtin_business_keys(desadv) == BusinessKeys{{"shipment_id", "DES587441"},
                                                                   {"po_number", "4500012345"},
                                                                   {"bol", "HLFX7730451"},
                                                                   {"tracking_number", "PRO-778"}});
  // An INVOIC's BGM is the invoice; an ORDRSP's BGM is the supplier's response, no key of ours.
  edihub::x12::TransactionSet invoic = desadv;
  invoic.id = "INVOIC";
  invoic.segments = {{"BGM", {"380", "INV-1"}}, {"RFF", {composite("AAK", "DES587441")}}, {"RFF", {composite("ON", "PO-9")}}};
  CHECK(edihub::x12::builtin_business_keys(invoic) ==
        BusinessKeys{{"invoice_number", "INV-1"}, {"shipment_id", "DES587441"}, {"po_number", "PO-9"}});
  edihub::x12::TransactionSet ordrsp = invoic;
  ordrsp.id = "ORDRSP";
  ordrsp.segments = {{"BGM", {"231", "RSP-1"}}, {"RFF", {composite("ON", "PO-9")}}};
  CHECK(edihub::x12::builtin_business_keys(ordrsp) == BusinessKeys{{"po_number", "PO-9"}});
  edihub::x12::TransactionSet contrl = ordrsp;
  contrl.id = "CONTRL";
  CHECK(edihub::x12::builtin_business_keys(contrl).empty());
}
