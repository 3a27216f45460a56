#include "formats/contrl.h"

#include <catch2/catch.hpp>

#include "formats/edifact.h"
#include "formats/parsed_file.h"
#include "tests/test_support.h"

using namespace edihub;
using edifact::kComponent;
using Catch::Matchers::Contains;

namespace {

// The validation report of a partner's EDIFACT interchange: DESADVs from SUPPLIER to BUYER.
x12::InterchangeResult interchange(const std::string& syntax) {
  x12::InterchangeResult r;
  auto& h = r.header;
  h.standard = x12::Standard::Edifact;
  h.syntax_identifier = "UNOC";
  h.version = syntax;
  h.delimiters = edifact::default_delimiters(syntax == "4" ? 4 : 3);
  h.sender_id = "SUPPLIER";
  h.sender_qualifier = "14";
  h.receiver_id = "BUYER";
  h.receiver_qualifier = "ZZ";
  h.control_number = "REF1";
  h.usage = "P";
  return r;
}

x12::GroupResult implicit_group() {
  x12::GroupResult g;
  g.header.implicit = true;
  g.header.functional_id = "DESADV";
  g.header.version = "D96A";
  return g;
}

x12::SetResult message(const std::string& reference) {
  x12::SetResult s;
  s.id = "DESADV";
  s.control_number = reference;
  s.convention = "EAN005";
  return s;
}

// A message with a segment error and an element error: DTM (position 3) has an invalid
// code in its first composite's second component (AK403 7), NAD is missing at 5 (AK304 3).
x12::SetResult rejected_message(const std::string& reference) {
  x12::SetResult s = message(reference);
  s.ack_code = "R";
  s.codes = {"5"};
  x12::SegmentError dtm;
  dtm.tag = "DTM";
  dtm.position = 3;
  dtm.code = "8";
  x12::ElementError e;
  e.position = 1;
  e.component = 2;
  e.code = "7";
  dtm.elements.push_back(e);
  x12::SegmentError nad;
  nad.tag = "NAD";
  nad.position = 5;
  nad.code = "3";
  s.segments = {dtm, nad};
  return s;
}

// The body as EDIFACT text with the default delimiters, one segment a line.
std::string text(const std::vector<x12::Segment>& body) {
  std::string out;
  for (const auto& s : body) out += edifact::render(s, edifact::default_delimiters(3)) + "\n";
  return out;
}

edifact::ContrlEnvelope envelope() {
  edifact::ContrlEnvelope e;
  e.date = "20261207";
  e.time = "2322";
  e.interchange_reference = "9";
  e.message_reference = "1";
  return e;
}

// The CONTRL message (UNH..UNT) of an interchange, as our EDIFACT reader gives it; a
// message alone is put in an interchange first. Segment positions count UNH as 1.
x12::TransactionSet contrl_message(const std::string& text) {
  const std::string interchange =
      text.starts_with("UNH") ? "UNB+UNOC:3+A+B+261207:2322+1'" + text + "UNZ+1+1'" : text;
  auto parsed = x12::parse_bytes(interchange);
  REQUIRE(parsed.interchanges.size() == 1);
  REQUIRE(parsed.interchanges[0].groups.size() == 1);
  REQUIRE(parsed.interchanges[0].groups[0].sets.size() == 1);
  return parsed.interchanges[0].groups[0].sets[0];
}

}  // namespace

TEST_CASE("CONTRL out: an accepted interchange is acknowledged with a UCM per message (syntax 3)", "[contrl]") {
  auto r = interchange("3");
  auto g = implicit_group();
  g.sets = {message("M1"), message("M2")};
  r.groups = {g};
  CHECK(edifact::build_contrl(r, envelope()) ==
        "UNB+UNOC:3+BUYER:ZZ+SUPPLIER:14+261207:2322+9'"
        "UNH+1+CONTRL:D:3:UN'"
        "UCI+REF1+SUPPLIER:14+BUYER:ZZ+7'"
        "UCM+M1+DESADV:D:96A:UN:EAN005+7'"
        "UCM+M2+DESADV:D:96A:UN:EAN005+7'"
        "UNT+5+1'"
        "UNZ+1+9'");
}

TEST_CASE("CONTRL out: a message with a segment and an element error: UCM 4, UCS and UCD with EDIFACT codes (syntax 4)",
          "[contrl]") {
  auto r = interchange("4");
  auto g = implicit_group();
  g.ack_code = "P";
  g.sets = {message("M1"), rejected_message("M2")};
  r.groups = {g};
  // AK5 5 (segments in error) has no 0085 of its own; AK304 8 neither (the UCDs say it);
  // AK403 7 (invalid code value) is 12 (invalid value); AK304 3 (mandatory segment
  // missing) is 13 (missing).
  CHECK(edifact::build_contrl(r, envelope()) ==
        "UNB+UNOC:4+BUYER:ZZ+SUPPLIER:14+20261207:2322+9'"
        "UNH+1+CONTRL:4:1:UN'"
        "UCI+REF1+SUPPLIER:14+BUYER:ZZ+7'"
        "UCM+M1+DESADV:D:96A:UN:EAN005+7'"
        "UCM+M2+DESADV:D:96A:UN:EAN005+4'"
        "UCS+3'"
        "UCD+12+1:2'"
        "UCS+5+13'"
        "UNT+8+1'"
        "UNZ+1+9'");
}

TEST_CASE("CONTRL out: a rejected interchange (UNZ count) gets the UCI alone, naming UNZ 0036", "[contrl]") {
  auto r = interchange("3");
  r.ack_code = "R";
  r.note_code = "021";  // the count of the interchange's contents does not match
  auto g = implicit_group();
  g.sets = {message("M1")};
  r.groups = {g};
  // 29: control count does not match number of instances received; 0013 UNZ, S011 1.
  CHECK(text(edifact::contrl_body(r)) == "UCI+REF1+SUPPLIER:14+BUYER:ZZ+4+29+UNZ+1'\n");
}

TEST_CASE("CONTRL out: a message's UNT count is said at UCM with 0013 UNT", "[contrl]") {
  auto r = interchange("3");
  auto g = implicit_group();
  auto bad = message("M9");
  bad.ack_code = "R";
  bad.codes = {"4"};  // AK5 4: number of included segments does not match actual count
  g.sets = {bad};
  r.groups = {g};
  CHECK(text(edifact::contrl_body(r)) ==
        "UCI+REF1+SUPPLIER:14+BUYER:ZZ+7'\n"
        "UCM+M9+DESADV:D:96A:UN:EAN005+4+29+UNT+1'\n");
}

TEST_CASE("CONTRL out: a UNG group gets its UCF, and a CONTRL is never acknowledged", "[contrl]") {
  auto r = interchange("3");
  x12::GroupResult g;
  g.header.functional_id = "DESADV";
  g.header.sender = "APP1";
  g.header.receiver = "APP2";
  g.header.control_number = "G7";
  g.header.version = "D96A";
  g.header.agency = "UN";
  auto contrl = message("C1");
  contrl.id = "CONTRL";
  g.sets = {message("M1"), contrl};
  r.groups = {g};
  CHECK(text(edifact::contrl_body(r)) ==
        "UCI+REF1+SUPPLIER:14+BUYER:ZZ+7'\n"
        "UCF+G7+APP1+APP2+7'\n"
        "UCM+M1+DESADV:D:96A:UN:EAN005+7'\n");

  auto only_contrls = interchange("3");
  auto implicit = implicit_group();
  implicit.sets = {contrl};
  only_contrls.groups = {implicit};
  CHECK(edifact::build_contrl(only_contrls, envelope()).empty());
}

TEST_CASE("CONTRL in: our own CONTRL reads back", "[contrl]") {
  auto r = interchange("4");
  auto g = implicit_group();
  g.sets = {message("M1"), rejected_message("M2")};
  r.groups = {g};
  const auto ack = edifact::read_contrl(contrl_message(edifact::build_contrl(r, envelope())));
  CHECK(ack.control_number == "1");
  CHECK(ack.interchange_reference == "REF1");
  CHECK(ack.sender_id == "SUPPLIER");
  CHECK(ack.recipient_id == "BUYER");
  CHECK(ack.action == "7");
  REQUIRE(ack.messages.size() == 2);
  CHECK(ack.messages[0].reference == "M1");
  CHECK(ack.messages[0].type == "DESADV");
  CHECK(ack.messages[0].version == "D96A");
  CHECK_FALSE(ack.messages[0].rejected());
  const auto& m2 = ack.messages[1];
  CHECK(m2.rejected());
  REQUIRE(m2.segments.size() == 2);
  CHECK(m2.segments[0].position == 3);
  CHECK(m2.segments[0].code.empty());
  REQUIRE(m2.segments[0].elements.size() == 1);
  CHECK(m2.segments[0].elements[0].position == 1);
  CHECK(m2.segments[0].elements[0].component == 2);
  CHECK(m2.segments[0].elements[0].code == "12");
  CHECK(m2.segments[1].position == 5);
  CHECK(m2.segments[1].code == "13");
  CHECK(edifact::describe(ack) == "UCI REF1 7: 1 of 2 message(s) rejected; M2 DESADV 4 (UCS 3 [1:2 code 12]) (UCS 5 code 13)");
}

TEST_CASE("CONTRL in: a public EANCOM CONTRL (receipt, one message acknowledged)", "[contrl]") {
  const auto text = testing::read_file(testing::data_dir() / "edifact" / "contrl_phase4_eancom_d96a_received.edi");
  const auto ack = edifact::read_contrl(contrl_message(text));
  CHECK(ack.control_number == "186453437");
  CHECK(ack.interchange_reference == "F6GVY");
  CHECK(ack.sender_id == "7658032710006");
  CHECK(ack.recipient_id == "9930711378111");
  CHECK(ack.received_only());
  REQUIRE(ack.messages.size() == 1);
  CHECK(ack.messages[0].reference == "3HHL0");
  CHECK(ack.messages[0].type == "ORDERS");
  CHECK(ack.messages[0].version == "D96A");
  CHECK(ack.messages[0].action == "7");
  CHECK(edifact::message_action(ack, "3HHL0") == "7");
  CHECK(edifact::message_action(ack, "OTHER") == "8");  // not listed: the interchange was received
}

TEST_CASE("CONTRL in: unlisted messages follow the UCI and UCF", "[contrl]") {
  const auto ack = edifact::read_contrl(
      contrl_message("UNH+1+CONTRL:D:3:UN'UCI+77+A+B+7'UCF+G1+A+B+4+29+UNE+1'UCF+G2+A+B+7'UCM+5+ORDERS:D:96A:UN+4+29+UNT'"
                     "UNT+6+1'"));
  REQUIRE(ack.groups.size() == 2);
  CHECK(ack.groups[0].rejected());
  CHECK(ack.groups[0].service_segment == "UNE");
  CHECK(ack.messages[0].group_reference == "G2");
  CHECK(ack.messages[0].service_segment == "UNT");
  CHECK(edifact::message_action(ack, "1", "G1") == "4");
  CHECK(edifact::message_action(ack, "1", "G2") == "7");
  CHECK(edifact::message_action(ack, "5", "G2") == "4");
  CHECK(edifact::describe(ack) == "UCI 77 7: 1 of 1 message(s) rejected; UCF G1 4 code 29 in UNE; 5 ORDERS 4 code 29 in UNT");
}

TEST_CASE("CONTRL in: a broken CONTRL throws MalformedAck naming the position", "[contrl]") {
  CHECK_THROWS_WITH(edifact::read_contrl(contrl_message("UNH+1+CONTRL:D:3:UN'UCM+1+ORDERS:D:96A:UN+7'UNT+3+1'")),
                    Contains("CONTRL segment 2 (UCM): expected UCI first"));
  CHECK_THROWS_WITH(edifact::read_contrl(contrl_message("UNH+1+CONTRL:D:3:UN'UCI+1+A+B+7'UCM+1+ORDERS:D:96A:UN+4'UCD+12+2'"
                                                        "UNT+5+1'")),
                    Contains("CONTRL segment 4 (UCD): UCD outside a UCS loop"));
  CHECK_THROWS_WITH(edifact::read_contrl(contrl_message("UNH+1+CONTRL:D:3:UN'UCI+1+A+B'UNT+3+1'")),
                    Contains("CONTRL segment 2 (UCI): 0083 action (element 4) is missing"));
  CHECK_THROWS_WITH(edifact::read_contrl(contrl_message("UNH+1+CONTRL:D:3:UN'UNT+2+1'")), Contains("no UCI"));
  CHECK_THROWS_WITH(edifact::read_contrl(contrl_message("UNH+1+CONTRL:D:3:UN'UCI+1+A+B+7'UCM+1+ORDERS:D:96A:UN+4'UCS+4'"
                                                        "UCD+12+x'UNT+6+1'")),
                    Contains("CONTRL segment 5 (UCD): S011/0098 'x' is not a position"));
  CHECK_THROWS_AS(edifact::read_contrl(contrl_message("UNH+1+DESADV:D:96A:UN'UNT+2+1'")), x12::MalformedAck);
}

TEST_CASE("CONTRL out: a public ORDERS whose UNT miscounts, validated, gets UCF 7 and UCM 4 29 UNT", "[contrl]") {
  // orders_ung_d96b.edi (MANIFEST): UNG 1 holds ORDERS 1 (D96B EAN008B) whose UNT says 21
  // segments for 18; envelope checks only (no schema resolver).
  const auto bytes = testing::read_file(testing::data_dir() / "edifact" / "orders_ung_d96b.edi");
  const auto report = x12::validate(bytes, [](const auto&, const auto&, const auto&) { return nullptr; });
  REQUIRE(report.interchanges.size() == 1);
  const auto body = edifact::contrl_body(report.interchanges[0]);
  std::string text;
  for (const auto& s : body) text += edifact::render(s, edifact::default_delimiters(3)) + "\n";
  CHECK(text ==
        "UCI+2722166169492+5400110000009:14+5013546107732:14+7'\n"
        "UCF+1+5400110000009+5013546107732+7'\n"
        "UCM+1+ORDERS:D:96B:UN:EAN008B+4+29+UNT+1'\n");
}
