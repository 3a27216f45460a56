#include "formats/explain.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "formats/schema.h"
#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

std::vector<ExplainedSegment> explain(const std::string& text) {
  std::istringstream in(text);
  std::vector<ExplainedSegment> segments;
  explain_x12(in, [&](const ExplainedSegment& segment) { segments.push_back(segment); });
  return segments;
}

// The segment with file number `number` (checked, so a miscount fails here, not later).
const ExplainedSegment& at(const std::vector<ExplainedSegment>& segments, std::uint64_t number, const std::string& tag) {
  REQUIRE(number >= 1);
  REQUIRE(number <= segments.size());
  const ExplainedSegment& segment = segments[number - 1];
  REQUIRE(segment.number == number);
  REQUIRE(segment.tag == tag);
  return segment;
}

// The first element with `reference` (e.g. "N101").
const ExplainedElement& element(const ExplainedSegment& segment, const std::string& reference) {
  for (const auto& e : segment.elements)
    if (e.reference == reference) return e;
  FAIL("no element " << reference << " in segment " << segment.number << " " << segment.tag);
  throw std::logic_error("unreachable");
}

// The demo's ASN from Northwind (examples/demo/inbox/northwind/ASN_SH-4500012345.edi).
const char* kAsn =
    "ISA*00*          *00*          *12*2125931122     *ZZ*ACMEDEMO       *240325*1400*U*00401*000000101*0*P*>~\n"
    "GS*SH*2125931122*ACMEDEMO*20240325*1400*101*X*004010VICS~\n"
    "ST*856*0001~\n"
    "BSN*00*SH-4500012345*20240325*1400*0001~\n"
    "HL*1**S~\n"
    "TD1*CTN25*3****G*48*LB~\n"
    "TD5*B*2*UPSN*U*UPS GROUND~\n"
    "REF*BM*BOL-77120~\n"
    "DTM*011*20240325~\n"
    "N1*ST*Acme Toledo DC*92*1000~\n"
    "N1*SF*Northwind Supply*92*V10077~\n"
    "HL*2*1*O~\n"
    "PRF*4500012345***20240318~\n"
    "HL*3*2*I~\n"
    "LIN*1*BP*B-1001*VP*NW-55-A~\n"
    "SN1*1*30*EA~\n"
    "HL*4*2*I~\n"
    "LIN*2*BP*B-2002~\n"
    "SN1*2*2.5*LB~\n"
    "HL*5*2*I~\n"
    "LIN*3*BP*B-3003*VP*NW-900~\n"
    "SN1*3*6*CA~\n"
    "CTT*5~\n"
    "SE*22*0001~\n"
    "GE*1*101~\n"
    "IEA*1*000000101~\n";

}  // namespace

TEST_CASE("explain: an 856's envelope, names, HL levels, loops and code meanings") {
  const auto segments = explain(kAsn);
  REQUIRE(segments.size() == 26);

  const auto& isa = at(segments, 1, "ISA");
  CHECK(isa.name == "Interchange Control Header");
  CHECK(isa.loop == "interchange envelope");
  CHECK(isa.position == 0);
  REQUIRE(isa.elements.size() == 16);
  CHECK(element(isa, "ISA05").number == "I05");
  CHECK(element(isa, "ISA05").meaning == "Phone (Telephone Companies)");
  CHECK(element(isa, "ISA06").value == "2125931122     ");  // padding kept
  CHECK(element(isa, "ISA06").name == "Interchange Sender ID");
  CHECK(element(isa, "ISA07").meaning == "Mutually Defined");
  CHECK(element(isa, "ISA11").name == "Interchange Control Standards Identifier");
  CHECK(element(isa, "ISA14").meaning == "No Interchange Acknowledgment Requested");
  CHECK(element(isa, "ISA15").meaning == "Production Data");
  CHECK(element(isa, "ISA16").name == "Component Element Separator");
  CHECK(element(isa, "ISA16").components.empty());  // ">" is the separator itself

  const auto& gs = at(segments, 2, "GS");
  CHECK(gs.loop == "functional group envelope");
  CHECK(element(gs, "GS01").meaning == "Ship Notice/Manifest (856)");
  CHECK(element(gs, "GS08").name == "Version / Release / Industry Identifier Code");

  const auto& st = at(segments, 3, "ST");
  CHECK(st.position == 1);
  CHECK(st.set_id == "856");
  CHECK(st.loop == "transaction set envelope");
  CHECK(element(st, "ST01").meaning == "Ship Notice/Manifest");

  const auto& bsn = at(segments, 4, "BSN");
  CHECK(bsn.name == "Beginning Segment for Ship Notice");
  CHECK(bsn.position == 2);
  CHECK(bsn.loop.empty());
  CHECK(element(bsn, "BSN01").meaning == "Original");
  CHECK(element(bsn, "BSN02").number == "396");
  CHECK(element(bsn, "BSN02").name == "Shipment Identification");
  CHECK(element(bsn, "BSN02").value == "SH-4500012345");
  CHECK(element(bsn, "BSN02").meaning.empty());
  CHECK(element(bsn, "BSN05").meaning == "Shipment, Order, Packaging, Item");

  const auto& shipment = at(segments, 5, "HL");
  CHECK(shipment.loop == "HL[S]");
  CHECK(element(shipment, "HL03").number == "735");
  CHECK(element(shipment, "HL03").meaning == "Shipment");
  CHECK(shipment.elements.size() == 3);  // HL02 empty, kept for its position

  const auto& td1 = at(segments, 6, "TD1");
  CHECK(td1.loop == "HL[S]");
  CHECK(element(td1, "TD106").meaning == "Gross Weight");
  CHECK(element(td1, "TD108").meaning == "Pound");
  CHECK(element(at(segments, 8, "REF"), "REF01").meaning == "Bill of Lading Number");
  CHECK(element(at(segments, 8, "REF"), "REF01").name == "Reference Identification Qualifier");
  CHECK(element(at(segments, 9, "DTM"), "DTM01").meaning == "Shipped");

  const auto& ship_to = at(segments, 10, "N1");
  CHECK(ship_to.name == "Name");
  CHECK(ship_to.loop == "HL[S] > N1");
  CHECK(element(ship_to, "N101").meaning == "Ship To");
  CHECK(element(ship_to, "N103").meaning == "Assigned by Buyer or Buyer's Agent");
  const auto& ship_from = at(segments, 11, "N1");
  CHECK(ship_from.loop == "HL[S] > N1");  // a new occurrence of the same loop
  CHECK(element(ship_from, "N101").meaning == "Ship From");

  CHECK(at(segments, 12, "HL").loop == "HL[S] > HL[O]");
  CHECK(at(segments, 13, "PRF").loop == "HL[S] > HL[O]");
  CHECK(at(segments, 14, "HL").loop == "HL[S] > HL[O] > HL[I]");
  const auto& lin = at(segments, 15, "LIN");
  CHECK(lin.loop == "HL[S] > HL[O] > HL[I]");
  CHECK(element(lin, "LIN02").meaning == "Buyer's Part Number");
  CHECK(element(lin, "LIN04").meaning == "Vendor's (Seller's) Part Number");
  CHECK(element(at(segments, 16, "SN1"), "SN103").meaning == "Each");
  CHECK(element(at(segments, 19, "SN1"), "SN103").meaning == "Pound");
  CHECK(element(at(segments, 22, "SN1"), "SN103").meaning == "Case");
  CHECK(at(segments, 20, "HL").loop == "HL[S] > HL[O] > HL[I]");  // HL 5 under order 2

  const auto& ctt = at(segments, 23, "CTT");
  CHECK(ctt.loop.empty());  // the summary, after the HL loop
  CHECK(ctt.position == 21);
  const auto& se = at(segments, 24, "SE");
  CHECK(se.position == 22);
  CHECK(se.loop == "transaction set envelope");
  const auto& ge = at(segments, 25, "GE");
  CHECK(ge.position == 0);
  CHECK(ge.set_id.empty());
  const auto& iea = at(segments, 26, "IEA");
  CHECK(iea.name == "Interchange Control Trailer");
  CHECK(element(iea, "IEA02").name == "Interchange Control Number");
  CHECK(iea.raw == "IEA*1*000000101");
}

TEST_CASE("explain: an HL level's path follows HL02, not the order of the loops") {
  // Pack 3 under order 2, item 4 under pack 3, then item 5 straight under order 2.
  const auto segments = explain(
      "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *091225*1943*U*00401*000000091*0*P*>\n"
      "GS*SH*SENDER*RECEIVER*20091225*1943*91*X*004010\nST*856*0001\nBSN*00*9*20090921*0801\n"
      "HL*1**S\nHL*2*1*O\nHL*3*2*P\nMAN*GM*00000715670002152360\nHL*4*3*I\nSN1**12*EA\nHL*5*2*I\n"
      "SE*10*0001\nGE*1*91\nIEA*1*000000091\n");
  REQUIRE(segments.size() == 14);
  CHECK(at(segments, 7, "HL").loop == "HL[S] > HL[O] > HL[P]");
  CHECK(at(segments, 8, "MAN").loop == "HL[S] > HL[O] > HL[P]");
  CHECK(element(at(segments, 7, "HL"), "HL03").meaning == "Pack");
  CHECK(at(segments, 9, "HL").loop == "HL[S] > HL[O] > HL[P] > HL[I]");
  CHECK(at(segments, 11, "HL").loop == "HL[S] > HL[O] > HL[I]");
}

TEST_CASE("explain: 999 repetitions, composites and acknowledgment codes (005010)") {
  const auto segments = explain(read_file(data_dir() / "corpus/x12/999_staedi_partial_ik3_ik4_ctx.edi"));
  REQUIRE(segments.size() == 20);
  const auto& isa = at(segments, 1, "ISA");
  CHECK(element(isa, "ISA11").name == "Repetition Separator");
  CHECK(element(isa, "ISA11").value == "^");
  CHECK(element(isa, "ISA11").repetition == 0);

  const auto& ik3 = at(segments, 8, "IK3");
  CHECK(ik3.loop == "AK2 > IK3");
  CHECK(element(ik3, "IK304").meaning == "Segment has data element errors");
  const auto& ik4 = at(segments, 10, "IK4");
  CHECK(ik4.loop == "AK2 > IK3 > IK4");
  // IK401 is composite C030: position 2 alone still shows as its first component.
  const auto& position = element(ik4, "IK401");
  CHECK(position.composite == "C030");
  CHECK(position.name == "Position in Segment");
  REQUIRE(position.components.size() == 1);
  CHECK(position.components[0].reference == "IK401-01");
  CHECK(position.components[0].value == "2");
  CHECK(element(ik4, "IK403").meaning == "Required data element missing");
  CHECK(element(at(segments, 11, "IK5"), "IK501").meaning == "Rejected");
  CHECK(element(at(segments, 11, "IK5"), "IK502").meaning == "One or more segments in error");

  // CTX*SITUATIONAL TRIGGER^SITUATIONAL TRIGGER:2^SITUATIONAL TRIGGER:3*CLM*43**5:3*1325
  const auto& ctx = at(segments, 14, "CTX");
  CHECK(ctx.loop == "AK2 > IK3");
  std::vector<const ExplainedElement*> contexts;
  for (const auto& e : ctx.elements)
    if (e.reference == "CTX01") contexts.push_back(&e);
  REQUIRE(contexts.size() == 3);
  CHECK(contexts[0]->repetition == 1);
  CHECK(contexts[2]->repetition == 3);
  CHECK(contexts[1]->value == "SITUATIONAL TRIGGER:2");
  CHECK(contexts[1]->composite == "C998");
  REQUIRE(contexts[1]->components.size() == 2);
  CHECK(contexts[1]->components[0].name == "Context Name");
  CHECK(contexts[1]->components[0].value == "SITUATIONAL TRIGGER");
  CHECK(contexts[1]->components[1].reference == "CTX01-02");
  CHECK(contexts[1]->components[1].number == "9998");
  CHECK(contexts[1]->components[1].value == "2");
  CHECK(element(ctx, "CTX02").value == "CLM");
  CHECK(element(ctx, "CTX05").components.size() == 2);
  CHECK(element(at(segments, 17, "AK9"), "AK901").meaning == "Partially Accepted, At Least One Transaction Set Was Rejected");
}

TEST_CASE("explain: an 850's N1 and PO1 loops, an 855's line statuses") {
  const auto po = explain(read_file(data_dir() / "corpus/x12/850_ediengine_sln_composite.edi"));
  REQUIRE(po.size() == 15);
  CHECK(at(po, 4, "BEG").loop.empty());
  CHECK(element(at(po, 4, "BEG"), "BEG02").meaning == "Stand Alone");
  const auto& po1 = at(po, 5, "PO1");
  CHECK(po1.loop == "PO1");
  CHECK(element(po1, "PO103").meaning == "Each");
  CHECK(at(po, 6, "PID").loop == "PO1 > PID");
  const auto& sln = at(po, 7, "SLN");
  CHECK(sln.loop == "PO1 > SLN");
  // SLN05 is composite C001 (unit of measure): PC>11.1>12.2>EA>13.3>14.4, '>' the component separator.
  const auto& unit = element(sln, "SLN05");
  CHECK(unit.composite == "C001");
  REQUIRE(unit.components.size() == 6);
  CHECK(unit.components[0].meaning == "Piece");
  CHECK(unit.components[3].meaning == "Each");
  CHECK(at(po, 8, "PO1").loop == "PO1");
  CHECK(at(po, 11, "CTT").loop == "CTT");

  const auto ack = explain(read_file(data_dir() / "mappings/855_handmade_004010_quantity_changed_and_rejected.edi"));
  CHECK(element(at(ack, 4, "BAK"), "BAK02").meaning == "Acknowledge - With Detail and Change");
  CHECK(at(ack, 6, "N1").loop == "N1");
  CHECK(element(at(ack, 6, "N1"), "N101").meaning == "Ship To");
  CHECK(element(at(ack, 9, "N1"), "N101").meaning == "Selling Party");
  CHECK(at(ack, 12, "ACK").loop == "PO1 > ACK");
  CHECK(element(at(ack, 12, "ACK"), "ACK01").meaning == "Item Accepted");
  CHECK(element(at(ack, 12, "ACK"), "ACK04").meaning == "Current Schedule Ship");
  CHECK(element(at(ack, 15, "ACK"), "ACK01").meaning == "Item Accepted - Quantity Changed");
  CHECK(element(at(ack, 17, "ACK"), "ACK01").meaning == "Item Rejected");
}

TEST_CASE("explain: a set without a structure still gets dictionary names") {
  // 830 has no structure in formats/schemas; REF and DTM are in the 004010 dictionary.
  const auto segments = explain(
      "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*T*:~"
      "GS*PS*SENDER*RECEIVER*20240101*1200*1*X*004010~ST*830*0001~REF*PO*4500012345~DTM*002*20240105~"
      "ZZZ*1~SE*5*0001~GE*1*1~IEA*1*000000001~");
  REQUIRE(segments.size() == 9);
  CHECK(element(at(segments, 1, "ISA"), "ISA15").meaning == "Test Data");
  const auto& ref = at(segments, 4, "REF");
  CHECK(ref.name == "Reference Identification");
  CHECK(ref.loop.empty());
  CHECK(ref.position == 2);
  CHECK(element(ref, "REF01").meaning == "Purchase Order Number");
  CHECK(element(at(segments, 5, "DTM"), "DTM01").meaning == "Delivery Requested");
  const auto& unknown = at(segments, 6, "ZZZ");
  CHECK(unknown.name.empty());
  CHECK(element(unknown, "ZZZ01").name.empty());
  CHECK(element(unknown, "ZZZ01").value == "1");
}

TEST_CASE("explain: a version without a dictionary falls back to 004010") {
  // 003040 (ISA12 00304): no dictionary of its own.
  const auto segments = explain(
      "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00304*000000001*0*P*:~"
      "GS*SH*SENDER*RECEIVER*240101*1200*1*X*003040~ST*856*0001~BSN*00*S1*240101*1200~SE*3*0001~GE*1*1~"
      "IEA*1*000000001~");
  REQUIRE(segments.size() == 7);
  CHECK(at(segments, 1, "ISA").name == "Interchange Control Header");
  CHECK(at(segments, 4, "BSN").name == "Beginning Segment for Ship Notice");
  CHECK(element(at(segments, 4, "BSN"), "BSN01").meaning == "Original");
}

TEST_CASE("explain: input that is not X12 throws with where the reader stopped") {
  std::istringstream in("this is not an interchange at all\n");
  try {
    explain_x12(in, [](const ExplainedSegment&) {});
    FAIL("no error");
  } catch (const UnusableInput& e) {
    CHECK(std::string(e.what()).find("ISA") != std::string::npos);
  }
}

TEST_CASE("explain: code names are data checked against the dictionaries") {
  const auto& library = SchemaLibrary::builtin();
  CHECK(library.code_name("98", "ST") == "Ship To");
  CHECK(library.code_name("98", "XX").empty());
  CHECK(library.code_name("12345", "ST").empty());

  const std::pair<std::string, std::string> dictionary{
      "d.yaml", "version: \"004010\"\nelements:\n  \"353\": {name: Purpose, type: ID, min: 2, max: 2, codes: [\"00\", \"01\"]}\n"
                "  \"98\": {name: Entity, type: ID, min: 2, max: 3}\n"};
  auto loaded = SchemaLibrary::load({dictionary, {"c.yaml", "code_names:\n  \"353\": {\"00\": Original}\n  \"98\": {ST: Ship To}\n"}});
  CHECK(loaded->code_name("353", "00") == "Original");
  CHECK(loaded->code_name("98", "ST") == "Ship To");  // 98 lists no codes: any is allowed
  CHECK_THROWS_WITH(SchemaLibrary::load({dictionary, {"c.yaml", "code_names:\n  \"353\":\n    \"07\": Typo\n"}}),
                    "c.yaml:3: code names of element 353: '07' is not one of the element's codes");
  CHECK_THROWS_WITH(SchemaLibrary::load({dictionary, {"c.yaml", "code_names:\n  \"999\": {A: Accepted}\n"}}),
                    "c.yaml:2: code names of element 999: no dictionary defines element 999");
  CHECK_THROWS_WITH(SchemaLibrary::load({dictionary, {"c.yaml", "code_names: {}\nextra: 1\n"}}),
                    Catch::Contains("unknown key 'extra' in a code names file"));
}

TEST_CASE("explain: an EDIFACT DESADV's envelope, segment groups, names and code meanings") {
  // The demo's DESADV from Rheinwerk (examples/demo/inbox/rheinwerk/DESADV_DES-7790.edi).
  const auto segments = explain(read_file(edihub::testing::source_dir() / "examples/demo/inbox/rheinwerk/DESADV_DES-7790.edi"));
  REQUIRE(segments.size() == 34);
  CHECK(at(segments, 1, "UNA").raw == "UNA:+.? '");
  CHECK(at(segments, 2, "UNB").loop == "interchange envelope");
  const auto& unh = at(segments, 3, "UNH");
  CHECK(unh.loop == "message envelope");
  CHECK(unh.set_id == "DESADV");
  CHECK(unh.position == 1);
  CHECK(unh.raw == "UNH+1+DESADV:D:96A:UN:EAN005'");
  const auto& bgm = at(segments, 4, "BGM");
  CHECK(bgm.position == 2);
  CHECK(bgm.name == "Beginning of message");
  CHECK(element(bgm, "BGM03").value == "9");
  // NAD opens group SG2; CPS SG10; PCI and GIN below the PAC of a CPS; LIN SG15 in its CPS.
  CHECK(at(segments, 10, "NAD").loop == "SG2");
  CHECK(at(segments, 13, "CPS").loop == "SG10");
  CHECK(at(segments, 17, "GIN").loop == "SG10 > SG11 > SG13 > SG14");
  const auto& lin = at(segments, 18, "LIN");
  CHECK(lin.loop == "SG10 > SG15");
  CHECK(lin.position == 16);
  CHECK(at(segments, 33, "UNT").loop == "message envelope");
  CHECK(at(segments, 34, "UNZ").loop == "interchange envelope");
}
