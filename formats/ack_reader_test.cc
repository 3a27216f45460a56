#include "formats/ack_reader.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "formats/parsed_file.h"
#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

ParsedFile corpus(const std::string& name) { return parse_bytes(read_file(data_dir() / "corpus" / name)); }

const TransactionSet& only_set(const ParsedFile& parsed) {
  REQUIRE(parsed.interchanges.size() == 1);
  REQUIRE(parsed.interchanges[0].groups.size() == 1);
  REQUIRE(parsed.interchanges[0].groups[0].sets.size() == 1);
  return parsed.interchanges[0].groups[0].sets[0];
}

// A 997/999 from "TAG*E1*E2" lines with '*' and ':' as delimiters, ST and SE around.
TransactionSet ack_set(std::string id, const std::vector<std::string>& body) {
  std::string bytes = "ISA*00*          *00*          *ZZ*PARTNER        *ZZ*EDIHUB         *240116*1015*U*00401*"
                      "000000001*0*P*:~GS*FA*P*E*20240116*1015*1*X*004010~ST*" + id + "*0001~";
  for (const std::string& line : body) bytes += line + "~";
  bytes += "SE*" + std::to_string(body.size() + 2) + "*0001~GE*1*1~IEA*1*000000001~";
  const ParsedFile parsed = parse_bytes(bytes);
  return only_set(parsed);
}

std::string malformed(const TransactionSet& set) {
  try {
    read_functional_ack(set);
  } catch (const MalformedAck& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("read 997: rejected set with AK3/AK4 (staedi)", "[ack][ack_reader]") {
  const ParsedFile parsed = corpus("x12/997_staedi_rejected_ak3_ak4.edi");
  const FunctionalAck ack = read_functional_ack(only_set(parsed));
  CHECK(ack.kind == AckKind::Functional997);
  CHECK(ack.control_number == "0001");
  CHECK(ack.functional_id == "HC");
  CHECK(ack.group_control == "000001");
  CHECK(ack.version.empty());
  REQUIRE(ack.sets.size() == 1);
  const SetAck& set = ack.sets[0];
  CHECK(set.id == "837");
  CHECK(set.control_number == "0021");
  CHECK(set.ack_code == "R");
  CHECK_FALSE(set.accepted());
  CHECK(set.codes == std::vector<std::string>{"5"});
  REQUIRE(set.segments.size() == 1);
  CHECK(set.segments[0].tag == "NM1");
  CHECK(set.segments[0].position == 8);
  CHECK(set.segments[0].loop_id.empty());
  CHECK(set.segments[0].code == "8");
  REQUIRE(set.segments[0].elements.size() == 1);
  const ElementError& e = set.segments[0].elements[0];
  CHECK(e.position == 8);
  CHECK(e.component == 0);
  CHECK(e.reference == "66");
  CHECK(e.code == "7");
  CHECK(e.bad_value == "MI");
  CHECK(ack.ack_code == "R");
  CHECK(ack.sets_included == 1);
  CHECK(ack.sets_received == 1);
  CHECK(ack.sets_accepted == 0);
  CHECK(describe(ack) == "AK9 R: 0 of 1 accepted; 0021 R (5): NM1 at 8 code 8 [NM108 code 7 'MI']");
}

TEST_CASE("read 997: accepted 5010 (x12-types) and AK1+AK9 only after ISB/ISE (staedi)", "[ack][ack_reader]") {
  const ParsedFile accepted = corpus("x12/997_x12types_accepted_5010.edi");
  FunctionalAck ack = read_functional_ack(only_set(accepted));
  CHECK(ack.functional_id == "HC");
  CHECK(ack.group_control == "17456");
  REQUIRE(ack.sets.size() == 1);
  CHECK(ack.sets[0].control_number == "0001");
  CHECK(ack.sets[0].accepted());
  CHECK(ack.sets[0].segments.empty());
  CHECK(describe(ack) == "AK9 A: 1 of 1 accepted");

  const ParsedFile no_ak2 = corpus("x12/997_staedi_isb_ise_no_ak2.edi");
  ack = read_functional_ack(only_set(no_ak2));
  CHECK(ack.sets.empty());
  CHECK(ack.ack_code == "A");
  CHECK(ack.sets_accepted == 1);
  // ISB/ISE are interchange segments too, but not TA1s.
  REQUIRE(no_ak2.interchanges[0].interchange_segments.size() == 2);
  CHECK_THROWS_AS(read_ta1(no_ak2.interchanges[0].interchange_segments[0]), MalformedAck);
}

TEST_CASE("read 999: partial with IK3/IK4 and CTX (staedi)", "[ack][ack_reader]") {
  const ParsedFile parsed = corpus("x12/999_staedi_partial_ik3_ik4_ctx.edi");
  const FunctionalAck ack = read_functional_ack(only_set(parsed));
  CHECK(ack.kind == AckKind::Implementation999);
  CHECK(ack.control_number == "2870001");
  CHECK(ack.version == "005010X222");
  REQUIRE(ack.sets.size() == 3);
  CHECK(ack.sets[0].ack_code == "A");
  CHECK(ack.sets[1].ack_code == "R");
  REQUIRE(ack.sets[1].segments.size() == 1);
  const SegmentError& clm = ack.sets[1].segments[0];
  CHECK(clm.tag == "CLM");
  CHECK(clm.position == 22);
  CHECK(clm.code == "8");
  CHECK(clm.message == "CTX CLM01:123456789");
  REQUIRE(clm.elements.size() == 1);
  CHECK(clm.elements[0].position == 2);
  CHECK(clm.elements[0].reference == "782");
  CHECK(clm.elements[0].code == "1");
  REQUIRE(ack.sets[2].segments.size() == 1);
  const SegmentError& ref = ack.sets[2].segments[0];
  CHECK(ref.tag == "REF");
  CHECK(ref.position == 57);
  CHECK(ref.code == "3");
  CHECK_THAT(ref.message, Catch::StartsWith("CTX SITUATIONAL TRIGGER^") && Catch::EndsWith("; CTX CLM01:987654321"));
  CHECK(ack.ack_code == "P");
  CHECK(describe(ack) ==
        "AK9 P: 1 of 3 accepted; 0002 R (5): CLM at 22 code 8 [CLM02 code 1]; 0003 R (5): REF at 57 code 3");
}

TEST_CASE("read 999: two groups of two (pyx12) and a rejected one with '|' components (imsweb)",
          "[ack][ack_reader]") {
  const ParsedFile parsed = corpus("x12/999_pyx12_two_groups_four_st.edi");
  REQUIRE(parsed.interchanges.size() == 1);
  std::vector<std::string> controls;
  for (const ParsedGroup& group : parsed.interchanges[0].groups) {
    for (const TransactionSet& set : group.sets) {
      const FunctionalAck ack = read_functional_ack(set);
      controls.push_back(ack.control_number);
      CHECK(ack.functional_id == "BE");
      CHECK(ack.group_control == "13360001");
      CHECK(ack.version == "005010X220A1");
      REQUIRE(ack.sets.size() == 1);
      CHECK(ack.sets[0].convention == "005010X220A1");
      CHECK(ack.sets[0].ack_code == "A");
      CHECK(ack.ack_code == "A");
    }
  }
  CHECK(controls == std::vector<std::string>{"0001", "0002", "0003", "0004"});

  const ParsedFile rejected = corpus("x12/999_imsweb_rejected_ik3_pipe_component.edi");
  const FunctionalAck ack = read_functional_ack(only_set(rejected));
  CHECK(describe(ack) == "AK9 R: 0 of 1 accepted; 0028 R (5): NM at 17 code 1");
}

TEST_CASE("read TA1: corpus samples, defects tolerated and listed", "[ack][ack_reader]") {
  ParsedFile parsed = corpus("invalid/ta1_staedi_accepted_iea01_wrong.edi");
  REQUIRE(parsed.interchanges.at(0).interchange_segments.size() == 1);
  InterchangeAck ta1 = read_ta1(parsed.interchanges[0].interchange_segments[0]);
  CHECK(ta1.control_number == "000000050");
  CHECK(ta1.control_value == 50);
  CHECK(ta1.date == "200229");
  CHECK(ta1.time == "1200");
  CHECK(ta1.accepted());
  CHECK(ta1.note_code == "000");
  CHECK(ta1.deviations.empty());
  CHECK(describe(ta1) == "TA1 000000050 A 000: no error");

  parsed = corpus("invalid/ta1_oopfactory_rejected_gt_elem_newline.edi");
  REQUIRE(parsed.interchanges.at(0).interchange_segments.size() == 1);
  ta1 = read_ta1(parsed.interchanges[0].interchange_segments[0]);
  CHECK(ta1.control_value == 900000001);
  CHECK_FALSE(ta1.accepted());
  CHECK(ta1.note_code == "006");
  CHECK(describe(ta1) == "TA1 900000001 R 006: invalid interchange sender ID; 6 elements, a TA1 has 5");

  parsed = corpus("invalid/ta1_oopfactory_two_ta1_bad_formats.edi");
  const auto& segments = parsed.interchanges.at(0).interchange_segments;
  REQUIRE(segments.size() == 2);
  ta1 = read_ta1(segments[1]);
  CHECK(ta1.control_value == 660);
  CHECK(ta1.ack_code == "A");
  CHECK(ta1.note_code.empty());
  CHECK(ta1.deviations == std::vector<std::string>{"TA101 '0660' is not 9 digits", "TA102 '20110922' is not YYMMDD",
                                                   "TA105 note code missing"});
  CHECK(describe(ta1) == "TA1 0660 A (no note code); TA101 '0660' is not 9 digits; TA102 '20110922' is not YYMMDD; "
                         "TA105 note code missing");
}

TEST_CASE("read TA1: unmatchable or verdict-less TA1 throws", "[ack][ack_reader]") {
  CHECK_THROWS_WITH(read_ta1(Segment{"TA1", {"ABC", "240116", "1015", "A", "000"}, 3}),
                    "TA1 at file segment 3: TA101 'ABC' is not an interchange control number");
  CHECK_THROWS_WITH(read_ta1(Segment{"TA1", {"000000001", "240116", "1015", "Q", "000"}}),
                    "TA1: TA104 'Q' is not A, E or R");
}

TEST_CASE("read 997/999: malformed acks name the segment and what was expected", "[ack][ack_reader]") {
  CHECK(malformed(ack_set("997", {"AK9*A*1*1*1"})) == "997 0001: segment 2 (file segment 4) AK9: expected AK1 first");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK2*856*0001", "AK5*A"})) ==
        "997 0001: segment 5 (file segment 7) SE: expected AK9 before the end of the set");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK2*856*0001", "AK4*1*1*1", "AK5*R", "AK9*R*1*1*0"})) ==
        "997 0001: segment 4 (file segment 6) AK4: AK4 before any AK3 in its AK2 loop");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK2*856*0001", "AK9*R*1*1*0"})) ==
        "997 0001: segment 4 (file segment 6) AK9: expected AK5 closing the AK2 loop of set 0001");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK2*856*0001", "IK3*N1*6**8", "AK5*R", "AK9*R*1*1*0"})) ==
        "997 0001: segment 4 (file segment 6) IK3: a 997 uses AK3, not IK3");
  CHECK(malformed(ack_set("999", {"AK1*SH*1", "AK3*N1*6**8", "AK9*R*1*1*0"})) ==
        "999 0001: segment 3 (file segment 5) AK3: a 999 uses IK3, not AK3");
  CHECK(malformed(ack_set("999", {"AK1*SH*1", "AK2*856*0001", "CTX*X", "IK5*A", "AK9*A*1*1*1"})) ==
        "999 0001: segment 4 (file segment 6) CTX: CTX before any IK3");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK9*A*one*1*1"})) ==
        "997 0001: segment 3 (file segment 5) AK9: AK902 'one' is not a number");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK2*856*0001", "AK3*N1*6**8", "AK4*x:1*1*1", "AK5*R",
                                  "AK9*R*1*1*0"})) ==
        "997 0001: segment 5 (file segment 7) AK4: AK401 'x:1' is not an element position");
  CHECK(malformed(ack_set("997", {"AK1*SH", "AK9*A*1*1*1"})) ==
        "997 0001: segment 2 (file segment 4) AK1: AK102 is missing");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "AK9*A*1*1*1", "AK2*856*0001"})) ==
        "997 0001: segment 4 (file segment 6) AK2: expected SE after AK9");
  CHECK(malformed(ack_set("997", {"AK1*SH*1", "N1*ST*X", "AK9*A*1*1*1"})) ==
        "997 0001: segment 3 (file segment 5) N1: unexpected segment in a 997");
  CHECK(malformed(ack_set("856", {"BSN*00*1"})) == "ST01 '856' is not a 997 or 999 functional acknowledgment");
  // C030 with an empty component: position and repetition only.
  const FunctionalAck ok = read_functional_ack(
      ack_set("999", {"AK1*SH*1", "AK2*856*0001", "IK3*N1*6**8", "IK4*3::2**I12", "IK5*R*I5", "AK9*R*1*1*0"}));
  const ElementError& e = ok.sets.at(0).segments.at(0).elements.at(0);
  CHECK(e.position == 3);
  CHECK(e.component == 0);
  CHECK(e.repetition == 2);
  CHECK(e.implementation_code == "I12");
  CHECK(ok.sets[0].codes == std::vector<std::string>{"I5"});
}
