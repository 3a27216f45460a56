#include "formats/ack.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "formats/ack_reader.h"
#include "formats/parsed_file.h"
#include "tests/test_support.h"

using namespace edihub::x12;
namespace fs = std::filesystem;

namespace {

// The partner's interchange as the validator would report it: PARTNER sends us (EDIHUB)
// one 4010 ship-notice group, with '>' as component separator so tests see that C030
// positions use the target's.
InterchangeResult partner_interchange() {
  InterchangeResult r;
  r.header.delimiters = {'*', '>', 0, "~"};
  r.header.sender_qualifier = "ZZ";
  r.header.sender_id = "PARTNER";
  r.header.receiver_qualifier = "ZZ";
  r.header.receiver_id = "EDIHUB";
  r.header.date = "240115";
  r.header.time = "0930";
  r.header.version = "00401";
  r.header.control_number = "000000123";
  r.header.usage = "T";
  return r;
}

GroupResult ship_notice_group(std::string version = "004010") {
  GroupResult g;
  g.header.functional_id = "SH";
  g.header.sender = "PARTNERAPP";
  g.header.receiver = "EDIHUBAPP";
  g.header.control_number = "77";
  g.header.version = std::move(version);
  return g;
}

SetResult accepted_set(std::string control, std::string convention = "") {
  SetResult s;
  s.id = "856";
  s.control_number = std::move(control);
  s.convention = std::move(convention);
  s.validated = true;
  return s;
}

// 856 0002 rejected: N104 has a code value not in the list.
SetResult bad_n1_set() {
  SetResult s = accepted_set("0002");
  s.ack_code = "R";
  s.codes = {"5"};
  SegmentError n1{"N1", 6, 14, "N1", "8", "", {}, "N1 has element errors"};
  n1.elements.push_back({4, 0, 0, "67", "7", "", "ZZZ", "N104 'ZZZ' is not an allowed code"});
  s.segments.push_back(n1);
  return s;
}

// One good and one bad set: AK9 P, 2 included, 2 received, 1 accepted.
GroupResult partial_group(std::string version = "004010") {
  GroupResult g = ship_notice_group(std::move(version));
  g.sets = {accepted_set("0001"), bad_n1_set()};
  g.ack_code = "P";
  g.sets_included = g.sets_received = 2;
  g.sets_accepted = 1;
  return g;
}

GroupResult accepted_group() {
  GroupResult g = ship_notice_group();
  g.sets = {accepted_set("0001")};
  g.sets_included = g.sets_received = g.sets_accepted = 1;
  return g;
}

AckEnvelope envelope_for(const InterchangeResult& partner) {
  AckEnvelope e;
  e.delimiters = partner.header.delimiters;
  e.suffix = "\n";
  e.date = "20240116";
  e.time = "1015";
  e.usage = partner.header.usage;
  e.version = "00401";
  e.interchange_control = 501;
  e.group_control = 601;
  e.first_set_control = 701;
  return e;
}

// Segments as "TAG*E1*E2" lines, to compare bodies at a glance.
std::vector<std::string> lines(const std::vector<Segment>& segments) {
  std::vector<std::string> out;
  for (const Segment& s : segments) {
    std::string line = s.tag;
    for (const std::string& e : s.elements) (line += '*') += e;
    out.push_back(line);
  }
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("997 for an accepted group: whole interchange, sender and receiver swapped", "[ack]") {
  InterchangeResult partner = partner_interchange();
  partner.groups = {accepted_group()};
  const AckRequest request{AckKind::Functional997, false, true};
  CHECK(ack_set_count(partner, request) == 1);
  const std::string bytes = build_ack(partner, request, envelope_for(partner));
  CHECK(bytes ==
        "ISA*00*          *00*          *ZZ*EDIHUB         *ZZ*PARTNER        *240116*1015*U*00401*000000501*0*T*>~\n"
        "GS*FA*EDIHUBAPP*PARTNERAPP*20240116*1015*601*X*004010~\n"
        "ST*997*0701~\n"
        "AK1*SH*77~\n"
        "AK9*A*1*1*1~\n"
        "SE*4*0701~\n"
        "GE*1*601~\n"
        "IEA*1*000000501~\n");
  const ParsedFile parsed = parse_bytes(bytes);
  CHECK(parsed.issues.empty());
}

TEST_CASE("997 for one good and one bad set: AK9 P 2/2/1, AK2 only for the bad set", "[ack]") {
  const Delimiters target{'*', '>', 0, "~"};
  CHECK(lines(functional_ack_body(AckKind::Functional997, partial_group(), target)) ==
        Lines{"AK1*SH*77", "AK2*856*0002", "AK3*N1*6*N1*8", "AK4*4*67*7*ZZZ", "AK5*R*5", "AK9*P*2*2*1"});
}

TEST_CASE("997 for a 5010 group carries AK103/AK203 and GS08 005010", "[ack]") {
  InterchangeResult partner = partner_interchange();
  GroupResult group = partial_group("005010");
  group.sets[1].convention = "005010";
  partner.groups = {group};
  const Delimiters target{'*', '>', 0, "~"};
  CHECK(lines(functional_ack_body(AckKind::Functional997, group, target)) ==
        Lines{"AK1*SH*77*005010", "AK2*856*0002*005010", "AK3*N1*6*N1*8", "AK4*4*67*7*ZZZ", "AK5*R*5",
              "AK9*P*2*2*1"});
  const std::string bytes = build_ack(partner, {AckKind::Functional997, false, true}, envelope_for(partner));
  CHECK_THAT(bytes, Catch::Contains("GS*FA*EDIHUBAPP*PARTNERAPP*20240116*1015*601*X*005010~"));
}

TEST_CASE("997/999: element error in a composite and in a repetition use the target component separator",
          "[ack]") {
  GroupResult group = ship_notice_group("005010");
  SetResult set = accepted_set("0001", "005010");
  set.ack_code = "R";
  set.codes = {"5"};
  SegmentError td5{"TD5", 9, 20, "", "8", "", {}, ""};
  td5.elements.push_back({3, 2, 0, "1234", "7", "I6", "XX", ""});   // code value not used by the guide
  td5.elements.push_back({5, 1, 2, "", "4", "", "A", ""});          // second repetition, first component
  td5.elements.push_back({7, 0, 3, "355", "5", "", "", ""});        // third repetition, no composite
  set.segments.push_back(td5);
  group.sets = {set};
  group.ack_code = "R";
  group.sets_included = group.sets_received = 1;
  const Delimiters target{'*', '>', '^', "~"};
  CHECK(lines(functional_ack_body(AckKind::Implementation999, group, target)) ==
        Lines{"AK1*SH*77*005010", "AK2*856*0001*005010", "IK3*TD5*9**8", "IK4*3>2*1234*I6*XX", "IK4*5>1>2**4*A",
              "IK4*7>>3*355*5", "IK5*R*5", "AK9*R*1*1*0"});
  // The 997 says the base code where the 999 says the implementation code.
  CHECK(lines(functional_ack_body(AckKind::Functional997, group, target))[3] == "AK4*3>2*1234*7*XX");
}

TEST_CASE("997/999: mandatory segment missing", "[ack]") {
  GroupResult group = ship_notice_group();
  SetResult set = accepted_set("0001");
  set.ack_code = "R";
  set.codes = {"5"};
  set.segments.push_back({"BSN", 2, 0, "", "3", "", {}, "BSN is mandatory"});
  group.sets = {set};
  group.ack_code = "R";
  group.sets_included = group.sets_received = 1;
  const Delimiters target{'*', ':', 0, "~"};
  CHECK(lines(functional_ack_body(AckKind::Functional997, group, target)) ==
        Lines{"AK1*SH*77", "AK2*856*0001", "AK3*BSN*2**3", "AK5*R*5", "AK9*R*1*1*0"});
}

TEST_CASE("997/999: codes beyond the X12 maxima are cut, I-codes only in the 999", "[ack]") {
  GroupResult group = ship_notice_group();
  SetResult set = accepted_set("0001");
  set.ack_code = "R";
  set.codes = {"I5", "2", "3", "4", "5", "7", "23"};
  SegmentError ref{"REF", 3, 5, "", "8", "", {}, ""};
  for (std::uint32_t i = 0; i < 120; ++i) ref.elements.push_back({2, 0, 0, "127", "4", "", "", ""});
  set.segments.push_back(ref);
  set.segments.push_back({"PRF", 4, 6, "", "", "I4", {}, "not used by the guide"});  // 999-only finding
  group.sets = {set};
  group.ack_code = "R";
  group.codes = {"1", "2", "3", "4", "5", "6"};
  group.sets_included = group.sets_received = 1;
  const Delimiters target{'*', ':', '^', "~"};

  const Lines ack997 = lines(functional_ack_body(AckKind::Functional997, group, target));
  CHECK(std::count(ack997.begin(), ack997.end(), "AK4*2*127*4") == 99);
  CHECK(std::find(ack997.begin(), ack997.end(), "AK3*PRF*4**I4") == ack997.end());
  CHECK(ack997[ack997.size() - 2] == "AK5*R*2*3*4*5*7");
  CHECK(ack997.back() == "AK9*R*1*1*0*1*2*3*4*5");

  const Lines ack999 = lines(functional_ack_body(AckKind::Implementation999, group, target));
  CHECK(std::count(ack999.begin(), ack999.end(), "IK4*2*127*4") == 99);
  CHECK(std::find(ack999.begin(), ack999.end(), "IK3*PRF*4**I4") != ack999.end());
  CHECK(ack999[ack999.size() - 2] == "IK5*R*I5*2*3*4*5");
}

TEST_CASE("997/999: bad values lose target delimiters and control characters, 99 bytes at most", "[ack]") {
  GroupResult group = ship_notice_group();
  SetResult set = accepted_set("0001");
  set.ack_code = "R";
  SegmentError n1{"N1", 6, 14, "N1", "8", "", {}, ""};
  n1.elements.push_back({2, 0, 0, "93", "6", "", "A*B>C^D~E\r\nF", ""});
  n1.elements.push_back({3, 0, 0, "66", "5", "", std::string(98, 'x') + "\xc3\xa9" + "y", ""});  // é across byte 99
  n1.elements.push_back({4, 0, 0, "67", "7", "", "~~", ""});
  set.segments.push_back(n1);
  group.sets = {set};
  const Delimiters target{'*', '>', '^', "~"};
  const Lines body = lines(functional_ack_body(AckKind::Implementation999, group, target));
  CHECK(body[3] == "IK4*2*93*6*ABCDEF");
  CHECK(body[4] == "IK4*3*66*5*" + std::string(98, 'x'));
  CHECK(body[5] == "IK4*4*67*7");  // nothing left: IK404 omitted
}

TEST_CASE("999: an AK2 loop for every set, ST03 and GS08 005010X231A1", "[ack]") {
  InterchangeResult partner = partner_interchange();
  partner.header.version = "00501";
  partner.header.delimiters = {'*', ':', '^', "~"};
  GroupResult group = partial_group("005010");
  group.sets[0].convention = group.sets[1].convention = "005010";
  partner.groups = {group};
  AckEnvelope envelope = envelope_for(partner);
  envelope.version = "00501";
  envelope.suffix = "";
  const std::string bytes = build_ack(partner, {AckKind::Implementation999, false, true}, envelope);
  CHECK(bytes ==
        "ISA*00*          *00*          *ZZ*EDIHUB         *ZZ*PARTNER        *240116*1015*^*00501*000000501*0*T*:~"
        "GS*FA*EDIHUBAPP*PARTNERAPP*20240116*1015*601*X*005010X231A1~"
        "ST*999*0701*005010X231A1~"
        "AK1*SH*77*005010~"
        "AK2*856*0001*005010~IK5*A~"
        "AK2*856*0002*005010~IK3*N1*6*N1*8~IK4*4*67*7*ZZZ~IK5*R*5~"
        "AK9*P*2*2*1~"
        "SE*10*0701~GE*1*601~IEA*1*000000501~");
  CHECK(parse_bytes(bytes).issues.empty());
}

TEST_CASE("TA1: accepted interchange with its acks, rejected interchange alone", "[ack]") {
  InterchangeResult partner = partner_interchange();
  partner.groups = {accepted_group()};
  const std::string accepted = build_ack(partner, {AckKind::Functional997, true, true}, envelope_for(partner));
  CHECK_THAT(accepted.substr(107), Catch::StartsWith("TA1*000000123*240115*0930*A*000~\n"
                                                     "GS*FA*EDIHUBAPP*PARTNERAPP*20240116*1015*601*X*004010~\n"));
  ParsedFile parsed = parse_bytes(accepted);
  CHECK(parsed.issues.empty());
  REQUIRE(parsed.interchanges.size() == 1);
  REQUIRE(parsed.interchanges[0].interchange_segments.size() == 1);
  CHECK(parsed.interchanges[0].groups.size() == 1);

  // Rejected (ISA06 not known): the TA1 goes out even unasked, the groups are not acknowledged.
  partner.ack_code = "R";
  partner.note_code = "006";
  partner.header.control_number = "123";  // short ISA13: TA101 is still 9 digits
  const AckRequest request{AckKind::Functional997, false, true};
  CHECK(ack_set_count(partner, request) == 0);
  const std::string rejected = build_ack(partner, request, envelope_for(partner));
  CHECK(rejected.substr(107) == "TA1*000000123*240115*0930*R*006~\nIEA*0*000000501~\n");
  parsed = parse_bytes(rejected);
  CHECK(parsed.issues.empty());
  CHECK(parsed.interchanges.at(0).groups.empty());

  const Segment ta1 = ta1_segment(partner, {'*', ':', 0, "~"});
  CHECK(lines({ta1}) == Lines{"TA1*000000123*240115*0930*R*006"});
}

TEST_CASE("ack interchange: one 997 per group with consecutive ST02, FA groups not acknowledged", "[ack]") {
  InterchangeResult partner = partner_interchange();
  GroupResult second = accepted_group();
  second.header.functional_id = "IN";
  second.header.control_number = "78";
  second.sets[0].id = "810";
  GroupResult their_ack = accepted_group();
  their_ack.header.functional_id = "FA";
  their_ack.header.control_number = "79";
  partner.groups = {partial_group(), their_ack, second};
  const AckRequest request{AckKind::Functional997, false, true};
  REQUIRE(ack_set_count(partner, request) == 2);
  const ParsedFile parsed = parse_bytes(build_ack(partner, request, envelope_for(partner)));
  CHECK(parsed.issues.empty());
  const auto& sets = parsed.interchanges.at(0).groups.at(0).sets;
  REQUIRE(sets.size() == 2);
  CHECK(sets[0].control_number == "0701");
  CHECK(sets[1].control_number == "0702");
  CHECK(read_functional_ack(sets[0]).group_control == "77");
  CHECK(read_functional_ack(sets[1]).group_control == "78");

  // Nothing to say: no TA1 wanted and no group to acknowledge.
  partner.groups = {their_ack};
  CHECK(build_ack(partner, request, envelope_for(partner)).empty());
  CHECK(build_ack(partner, {AckKind::Functional997, false, false}, envelope_for(partner)).empty());
}

TEST_CASE("ack delimiters follow our ISA12", "[ack]") {
  const Delimiters partner4010{'*', ':', 0, "~"};
  CHECK(ack_delimiters(partner4010, "00401") == partner4010);
  CHECK(ack_delimiters(partner4010, "00501").repetition == '^');
  CHECK(ack_delimiters({'*', '^', 0, "~"}, "00501").repetition == '!');
  CHECK(ack_delimiters({'*', ':', '^', "~"}, "00401").repetition == 0);
  CHECK(ack_delimiters({'*', ':', '!', "~"}, "00501").repetition == '!');
}

TEST_CASE("ack round trip: what we build reads back with the same codes", "[ack]") {
  InterchangeResult partner = partner_interchange();
  GroupResult group = partial_group("005010");
  SegmentError& n1 = group.sets[1].segments[0];
  n1.elements.push_back({5, 2, 0, "98", "", "I6", "Q", ""});
  group.sets[1].segments.push_back({"BSN", 2, 0, "", "3", "", {}, ""});
  partner.groups = {group};
  AckEnvelope envelope = envelope_for(partner);

  for (AckKind kind : {AckKind::Functional997, AckKind::Implementation999}) {
    envelope.version = kind == AckKind::Implementation999 ? "00501" : "00401";
    const ParsedFile parsed = parse_bytes(build_ack(partner, {kind, false, true}, envelope));
    REQUIRE(parsed.issues.empty());
    const FunctionalAck ack = read_functional_ack(parsed.interchanges.at(0).groups.at(0).sets.at(0));
    CHECK(ack.kind == kind);
    CHECK(ack.functional_id == "SH");
    CHECK(ack.group_control == "77");
    CHECK(ack.version == "005010");
    CHECK(ack.ack_code == "P");
    CHECK(ack.sets_included == 2);
    CHECK(ack.sets_received == 2);
    CHECK(ack.sets_accepted == 1);
    const bool is999 = kind == AckKind::Implementation999;
    REQUIRE(ack.sets.size() == (is999 ? 2u : 1u));
    const SetAck& bad = ack.sets.back();
    CHECK(bad.id == "856");
    CHECK(bad.control_number == "0002");
    CHECK(bad.ack_code == "R");
    CHECK(bad.codes == std::vector<std::string>{"5"});
    REQUIRE(bad.segments.size() == 2);
    CHECK(bad.segments[0].tag == "N1");
    CHECK(bad.segments[0].position == 6);
    CHECK(bad.segments[0].loop_id == "N1");
    CHECK(bad.segments[0].code == "8");
    // The 997 cannot say I6, so its element error is not sent at all.
    REQUIRE(bad.segments[0].elements.size() == (is999 ? 2u : 1u));
    const ElementError& n104 = bad.segments[0].elements[0];
    CHECK(n104.position == 4);
    CHECK(n104.reference == "67");
    CHECK(n104.code == "7");
    CHECK(n104.bad_value == "ZZZ");
    if (is999) {
      const ElementError& n105 = bad.segments[0].elements[1];
      CHECK(n105.position == 5);
      CHECK(n105.component == 2);
      CHECK(n105.implementation_code == "I6");
      CHECK(n105.code.empty());
    }
    CHECK(bad.segments[1].tag == "BSN");
    CHECK(bad.segments[1].code == "3");
    CHECK(describe(ack) == std::string("AK9 P: 1 of 2 accepted; 0002 R (5): N1 at 6 code 8 [N104 code 7 'ZZZ'") +
                               (is999 ? "; N105-2 code I6 'Q'" : "") + "], BSN at 2 code 3");
  }
}

// node-x12 (npm, pinned in tests/peers/package-lock.json) is an X12 parser written
// independently of ours: if it reads our acks as we meant them, partners' tools likely will.
TEST_CASE("node-x12 reads our 997 and 999", "[ack][interop]") {
  const fs::path peers = edihub::testing::source_dir() / "tests" / "peers";
  if (!fs::exists(peers / "node_modules" / "node-x12" / "package.json")) {
    const auto install = edihub::testing::run_program(
        {"npm", "ci", "--prefix", peers.string(), "--no-audit", "--no-fund", "--prefer-offline"}, 180);
    INFO("npm ci in tests/peers: exit " << install.exit_code << "\n" << install.out << install.err);
    if (install.exit_code != 0) {
      FAIL("cannot install node-x12 (npm registry unreachable and not in the npm cache?): run `npm ci` in "
           "tests/peers once online");
    }
  }

  InterchangeResult partner = partner_interchange();
  partner.groups = {partial_group()};
  edihub::testing::TempDir dir;
  edihub::testing::write_file(dir / "ack997.edi",
                              build_ack(partner, {AckKind::Functional997, false, true}, envelope_for(partner)));
  partner.header.delimiters = {'*', ':', '^', "~"};
  AckEnvelope envelope = envelope_for(partner);
  envelope.version = "00501";
  envelope.interchange_control = 502;
  envelope.first_set_control = 702;
  edihub::testing::write_file(dir / "ack999.edi", build_ack(partner, {AckKind::Implementation999, false, true}, envelope));

  const auto run = edihub::testing::run_program(
      {"env", "NODE_PATH=" + (peers / "node_modules").string(), "node",
       (edihub::testing::source_dir() / "tests" / "node_x12_read_ack.js").string(), (dir / "ack997.edi").string(),
       (dir / "ack999.edi").string()},
      60);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out ==
        "ISA EDIHUB PARTNER 501\n"
        "GS FA EDIHUBAPP PARTNERAPP 601 004010\n"
        "ST 997 0701\n"
        "AK1*SH*77\n"
        "AK2*856*0002\n"
        "AK3*N1*6*N1*8\n"
        "AK4*4*67*7*ZZZ\n"
        "AK5*R*5\n"
        "AK9*P*2*2*1\n"
        "SE 8\n"
        "GE 1\n"
        "IEA 1\n"
        "ISA EDIHUB PARTNER 502\n"
        "GS FA EDIHUBAPP PARTNERAPP 601 005010X231A1\n"
        "ST 999 0702 005010X231A1\n"
        "AK1*SH*77*004010\n"
        "AK2*856*0001\n"
        "IK5*A\n"
        "AK2*856*0002\n"
        "IK3*N1*6*N1*8\n"
        "IK4*4*67*7*ZZZ\n"
        "IK5*R*5\n"
        "AK9*P*2*2*1\n"
        "SE 10\n"
        "GE 1\n"
        "IEA 1\n");
}

TEST_CASE("partner envelope values the answer cannot copy get safe fallbacks", "[ack]") {
  InterchangeResult partner = partner_interchange();
  partner.header.receiver_id = "EDI>HUB";  // ISA08 holding the component separator
  partner.header.version = "00 01";
  partner.header.usage = "X";
  partner.header.date = "2401";            // not YYMMDD
  partner.header.control_number = "ABC";   // not a number
  partner.ack_code = "R";
  partner.note_code = "008";
  AckEnvelope envelope = envelope_for(partner);
  envelope.version = partner.header.version;
  const std::string ack = build_ack(partner, {AckKind::Functional997, true, true}, envelope);
  CHECK(ack == "ISA*00*          *00*          *ZZ*EDIHUB         *ZZ*PARTNER        *240116*1015*U*00401*000000501*0*P*>~\n"
               "TA1*000000000*240116*0930*R*008~\nIEA*0*000000501~\n");
  const auto parsed = parse_bytes(ack);
  CHECK(parsed.issues.empty());
  CHECK(read_ta1(parsed.interchanges.at(0).interchange_segments.at(0)).deviations.empty());

  // A GS02 that is no 2..15-character ID: our GS03 is the partner's ISA06.
  InterchangeResult long_gs02 = partner_interchange();
  long_gs02.groups = {accepted_group()};
  long_gs02.groups[0].header.sender = "PARTNER-APPLICATION-ID";
  long_gs02.groups[0].ack_code = "R";
  const std::string fa = build_ack(long_gs02, {AckKind::Functional997, false, true}, envelope_for(long_gs02));
  CHECK_THAT(fa, Catch::Contains("GS*FA*EDIHUBAPP*PARTNER*20240116*1015*601*X*004010~"));
}

namespace {

ValidationReport validate_builtin(std::string_view bytes) {
  return validate(bytes, [](const InterchangeHeader&, const GroupHeader& g, const TransactionSet& set) {
    return SchemaLibrary::builtin().find(set.id, g.version);
  });
}

// Every problem the hub's own checks find in an acknowledgment it built, one per line.
std::string problems_of(const std::string& ack) {
  std::string out;
  const ParsedFile parsed = parse_bytes(ack);
  for (const auto& issue : parsed.issues) out += "envelope: " + issue.message + "\n";
  const ValidationReport report = validate_builtin(ack);
  for (const auto& interchange : report.interchanges) {
    if (interchange.note_code != "000") out += "TA1 note " + interchange.note_code + ": " + interchange.note + "\n";
    for (const auto& group : interchange.groups) {
      if (group.ack_code != "A") out += "AK9 " + group.ack_code + ": " + group.note + "\n";
      for (const auto& set : group.sets) {
        // Our 997 repeats the group's version (e.g. 004060); the hub has schemas for 4010 and 5010 only.
        if (!set.validated && set.note.find("no schema for 997 version") == std::string::npos) out += set.id + " " + set.control_number + ": " + set.note + "\n";
        for (const auto& segment : set.segments) out += set.id + " " + segment.tag + ": " + segment.message + "\n";
      }
    }
    for (const auto& segment : parsed.interchanges.front().interchange_segments)
      for (const auto& deviation : read_ta1(segment).deviations) out += "TA1: " + deviation + "\n";
  }
  return out;
}

}  // namespace

// What the hub answers must pass the hub's own checks, whatever the partner sent: every
// acknowledgment built for the corpus (valid and invalid) and the poison files, as a TA1
// with a 997 and with a 999, is read back without an envelope issue, a validation error or
// a TA1 deviation.
TEST_CASE("every acknowledgment built for the corpus and poison files passes the hub's own checks", "[ack][corpus]") {
  std::vector<fs::path> files;
  for (const char* dir : {"corpus/x12", "corpus/invalid", "poison"})
    for (const auto& entry : fs::directory_iterator(edihub::testing::data_dir() / dir))
      if (entry.path().extension() == ".edi" || entry.path().extension() == ".x12" || entry.path().extension() == ".txt")
        files.push_back(entry.path());
  REQUIRE(files.size() > 40);
  std::size_t acks = 0;
  for (const auto& path : files) {
    ValidationReport report;
    try {
      report = validate_builtin(edihub::testing::read_file(path));
    } catch (const UnusableInput&) {
      continue;  // answered by nothing: an exception in the hub
    }
    for (const auto& interchange : report.interchanges) {
      for (AckKind kind : {AckKind::Functional997, AckKind::Implementation999}) {
        AckEnvelope envelope;
        envelope.date = "20261207";
        envelope.time = "0130";
        envelope.usage = interchange.header.usage;
        envelope.version = kind == AckKind::Implementation999 ? "00501" : ack_version(interchange.header.version);
        envelope.delimiters = ack_delimiters(interchange.header.delimiters, envelope.version);
        envelope.interchange_control = 42;
        envelope.group_control = 43;
        envelope.first_set_control = 1001;
        const std::string ack = build_ack(interchange, {kind, true, true}, envelope);
        if (ack.empty()) continue;
        ++acks;
        INFO(path.filename().string() << " ISA13 " << interchange.header.control_number << "\n" << ack);
        CHECK(problems_of(ack) == "");
      }
    }
  }
  CHECK(acks > 80);
}
