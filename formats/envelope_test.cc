#include "formats/envelope.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "tests/test_support.h"

using namespace edihub::x12;
using edihub::testing::data_dir;
using edihub::testing::read_file;

namespace {

std::string corpus(const std::string& name) { return read_file(data_dir() / "corpus" / name); }

// (level, code, segment, element) of every issue, for exact comparison.
using Found = std::tuple<EnvelopeLevel, std::string, std::uint64_t, std::string>;
std::vector<Found> found(const std::vector<EnvelopeIssue>& issues) {
  std::vector<Found> out;
  for (const auto& i : issues) out.emplace_back(i.level, i.code, i.segment, i.element);
  return out;
}

constexpr auto kInterchange = EnvelopeLevel::Interchange;
constexpr auto kGroup = EnvelopeLevel::Group;
constexpr auto kSet = EnvelopeLevel::TransactionSet;

const std::string kIsa =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240318*1430*^*00501*000000001*0*P*>~";
const std::string kGs = "GS*SH*SENDER*RECEIVER*20240318*1430*1*X*005010~";

}  // namespace

TEST_CASE("every valid corpus interchange passes the envelope checks", "[envelope]") {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "corpus" / "x12")) {
    INFO(entry.path().filename().string());
    const auto checked = check_envelope(read_file(entry.path()));
    CHECK(found(checked.issues).empty());
    CHECK(checked.counts.interchanges >= 1);
    CHECK(checked.counts.transaction_sets >= 1);
    ++files;
  }
  CHECK(files == 35);  // 33 from the shared corpus, 2 warehouse reports (issue 17)
}

TEST_CASE("envelope counts interchanges, groups, sets and segments", "[envelope]") {
  auto counts = check_envelope(corpus("x12/810_850_staedi_two_groups.edi")).counts;
  CHECK(counts.interchanges == 1);
  CHECK(counts.groups == 2);
  CHECK(counts.transaction_sets == 3);
  CHECK(counts.segments == 77);
  counts = check_envelope(corpus("x12/997_staedi_three_interchanges.edi")).counts;
  CHECK(counts.interchanges == 3);
  CHECK(counts.groups == 3);
  counts = check_envelope(corpus("x12/214_omniparser_canadapost_19_st.edi")).counts;
  CHECK(counts.transaction_sets == 19);
  counts = check_envelope(corpus("x12/999_pyx12_two_groups_four_st.edi")).counts;
  CHECK(counts.groups == 2);
  CHECK(counts.transaction_sets == 4);
}

// One test per invalid corpus file; segment numbers were counted in the files by hand.

TEST_CASE("invalid/856_stupidedi_mixed_terminators: SE01 counts segments the '$' terminator does not see",
          "[envelope][corpus]") {
  const auto checked = check_envelope(corpus("invalid/856_stupidedi_mixed_terminators.edi"));
  REQUIRE(found(checked.issues) == std::vector<Found>{{kSet, "4", 24, "SE01"}});
  CHECK(checked.issues[0].message == "declares 25 but found 22 segments from ST through SE");
  CHECK(checked.issues[0].set_control == "0000001");
  CHECK(checked.issues[0].group_control == "000000089");
  CHECK(checked.issues[0].interchange_control == "000000089");
}

TEST_CASE("invalid/940_ediengine_control_number_mismatch: SE02, GE02 and IEA02", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/940_ediengine_control_number_mismatch.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kSet, "3", 7, "SE02"}, {kGroup, "4", 8, "GE02"},
                                              {kInterchange, "001", 9, "IEA02"}});
  CHECK(issues[0].message == "control number 0002 does not match ST02 0001");
  CHECK(issues[1].message == "control number 3315 does not match GS06 3314");
  CHECK(issues[2].message == "control number 000003439 does not match ISA13 000003438");
}

TEST_CASE("invalid/940_ediengine_se01_count_wrong: SE01 12 for 9 segments", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/940_ediengine_se01_count_wrong.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kSet, "4", 11, "SE01"}});
  CHECK(issues[0].message == "declares 12 but found 9 segments from ST through SE");
}

TEST_CASE("invalid/940_ediengine_two_isa_iea02_unpadded: IEA02 equal only as a number", "[envelope][corpus]") {
  const auto checked = check_envelope(corpus("invalid/940_ediengine_two_isa_iea02_unpadded.edi"));
  REQUIRE(found(checked.issues) ==
          std::vector<Found>{{kInterchange, "001", 21, "IEA02"}, {kInterchange, "001", 42, "IEA02"}});
  CHECK(checked.issues[0].message ==
        "control number 3438 equals ISA13 000003438 numerically but is not padded the same way");
  CHECK(checked.issues[1].interchange_control == "000003439");
  CHECK(checked.counts.interchanges == 2);
  CHECK(checked.counts.groups == 4);
  CHECK(checked.counts.transaction_sets == 6);
}

TEST_CASE("invalid/940_ediengine_wrong_ge_iea_counts: GE01, IEA01 and unpadded IEA02", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/940_ediengine_wrong_ge_iea_counts.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kGroup, "5", 8, "GE01"}, {kInterchange, "021", 9, "IEA01"},
                                              {kInterchange, "001", 9, "IEA02"}});
  CHECK(issues[0].message == "declares 2 but found 1 transaction set(s)");
  CHECK(issues[1].message == "declares 2 but found 1 functional group(s)");
}

TEST_CASE("invalid/945_oopfactory_gs_extra_element: the shifted GS06 is a date", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/945_oopfactory_gs_extra_element.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kGroup, "4", 20, "GE02"}});
  CHECK(issues[0].message == "control number 31 does not match GS06 20021104");
}

TEST_CASE("invalid/945_x12types_se01_mismatch: SE01 12 for 16 segments", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/945_x12types_se01_mismatch.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kSet, "4", 18, "SE01"}});
  CHECK(issues[0].message == "declares 12 but found 16 segments from ST through SE");
}

TEST_CASE("invalid/997_staedi_bad_gs_date_ge_control: GE02 is not GS06", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/997_staedi_bad_gs_date_ge_control.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kGroup, "4", 7, "GE02"}});
  CHECK(issues[0].message == "control number <TOO_LONG_AND_NOT_NUMERIC> does not match GS06 000005");
}

TEST_CASE("invalid/999_imsweb_iea_control_mismatch: IEA02 000000001 for ISA13 000000286", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/999_imsweb_iea_control_mismatch.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kInterchange, "001", 10, "IEA02"}});
  CHECK(issues[0].message == "control number 000000001 does not match ISA13 000000286");
}

TEST_CASE("invalid/999_staedi_ik5_out_of_place: SE01 16 for 18 segments", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/999_staedi_ik5_out_of_place.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kSet, "4", 20, "SE01"}});
}

TEST_CASE("invalid/ta1_staedi_accepted_iea01_wrong: IEA01 1 with no group", "[envelope][corpus]") {
  const auto issues = check_envelope(corpus("invalid/ta1_staedi_accepted_iea01_wrong.edi")).issues;
  REQUIRE(found(issues) == std::vector<Found>{{kInterchange, "021", 3, "IEA01"}});
  CHECK(issues[0].message == "declares 1 but found 0 functional group(s)");
}

TEST_CASE("invalid files with an unusable ISA throw", "[envelope][corpus]") {
  for (const char* file :
       {"invalid/850_stupidedi_isa08_16_chars.edi", "invalid/997_stupidedi_isa06_12_chars_newline.edi",
        "invalid/856_stupidedi_isa_not_fixed_width_s_t_i_p.edi", "invalid/nonedi_ediengine_garbage.edi",
        "invalid/210_staedi_wrapped_80_columns.edi"}) {
    INFO(file);
    CHECK_THROWS_AS(check_envelope(corpus(file)), UnusableInput);
  }
}

TEST_CASE("envelope reports a missing SE at the next ST and keeps checking", "[envelope]") {
  const auto checked = check_envelope(kIsa + kGs + "ST*856*0001~BSN*00*1~ST*856*0002~SE*2*0002~GE*2*1~IEA*1*000000001~");
  REQUIRE(found(checked.issues) == std::vector<Found>{{kSet, "2", 5, ""}});
  CHECK(checked.issues[0].message ==
        "SE missing: transaction set 0001 (ST at segment 3) is still open at the next ST at segment 5");
  CHECK(checked.issues[0].set_control == "0001");
}

TEST_CASE("envelope reports a premature end inside a set", "[envelope]") {
  const auto checked = check_envelope(kIsa + kGs + "ST*856*0001~BSN*00*1~");
  CHECK(found(checked.issues) ==
        std::vector<Found>{{kSet, "2", 4, ""}, {kGroup, "3", 4, ""}, {kInterchange, "023", 4, ""}});
  CHECK(checked.issues[2].message ==
        "IEA missing: interchange 000000001 (ISA at segment 1) is still open at the end of the input");
}

TEST_CASE("envelope reports missing GE and IEA when the next envelope starts", "[envelope]") {
  const std::string next_isa = std::string(kIsa).replace(90, 9, "000000002");
  const auto checked =
      check_envelope(kIsa + kGs + "ST*856*0001~SE*2*0001~" + next_isa + "IEA*0*000000002~");
  CHECK(found(checked.issues) == std::vector<Found>{{kGroup, "3", 5, ""}, {kInterchange, "023", 5, ""}});
  CHECK(checked.issues[0].message ==
        "GE missing: functional group 1 (GS at segment 2) is still open at the next ISA at segment 5");
}

TEST_CASE("envelope reports duplicate control numbers", "[envelope]") {
  const auto checked = check_envelope(kIsa + kGs + "ST*856*0001~SE*2*0001~ST*856*0001~SE*2*0001~GE*2*1~" + kGs +
                                      "GE*0*1~IEA*2*000000001~");
  REQUIRE(found(checked.issues) == std::vector<Found>{{kSet, "23", 5, "ST02"}, {kGroup, "19", 8, "GS06"}});
  CHECK(checked.issues[0].message == "transaction set control number 0001 is already used in this group");
  CHECK(checked.issues[1].message == "group control number 1 is already used by an earlier group of this interchange");
}

TEST_CASE("envelope reports structure outside its envelope", "[envelope]") {
  SECTION("ST outside a group") {
    const auto checked = check_envelope(kIsa + "ST*856*0001~SE*2*0001~IEA*0*000000001~");
    CHECK(found(checked.issues) == std::vector<Found>{{kSet, "18", 2, ""}});
  }
  SECTION("a run of segments outside a set is reported once") {
    const auto checked = check_envelope(kIsa + kGs + "BSN*00*1~N1*ST*X~ST*856*0001~SE*2*0001~GE*1*1~IEA*1*000000001~");
    REQUIRE(found(checked.issues) == std::vector<Found>{{kInterchange, "022", 3, ""}});
    CHECK(checked.issues[0].message ==
          "BSN segment outside any transaction set (segments after it up to the next envelope segment are not "
          "reported)");
  }
  SECTION("GS after the interchange ended, and trailers without headers") {
    const auto checked = check_envelope(kIsa + "IEA*0*000000001~" + kGs + "GE*0*1~SE*1*0001~IEA*0*1~");
    CHECK(found(checked.issues) == std::vector<Found>{{kInterchange, "022", 3, ""},
                                                      {kInterchange, "022", 5, ""},
                                                      {kInterchange, "022", 6, ""}});
  }
  SECTION("interchange-level TA1, ISB and ISE are not stray") {
    const auto checked = check_envelope(kIsa + "ISB*1~TA1*000000050*200229*1200*A*000~IEA*0*000000001~");
    CHECK(checked.issues.empty());
  }
}

TEST_CASE("envelope compares counts as numbers, and reports what is not one", "[envelope]") {
  auto checked = check_envelope(kIsa + kGs + "ST*856*0001~SE*0002*0001~GE*001*1~IEA*00001*000000001~");
  CHECK(checked.issues.empty());
  checked = check_envelope(kIsa + kGs + "ST*856*0001~SE*two*0001~GE*1*1~IEA*1*000000001~");
  REQUIRE(found(checked.issues) == std::vector<Found>{{kSet, "4", 4, "SE01"}});
  CHECK(checked.issues[0].message == "'two' is not a number; found 2 segments from ST through SE");
}

TEST_CASE("envelope lists at most 1000 issues and counts the rest", "[envelope]") {
  std::string bytes = kIsa + kGs;
  for (int i = 0; i < 1100; ++i) bytes += "ST*856*" + std::to_string(10000 + i) + "~SE*9*" + std::to_string(10000 + i) + "~";
  bytes += "GE*1100*1~IEA*1*000000001~";
  const auto checked = check_envelope(bytes);
  CHECK(checked.issues.size() == 1000);
  CHECK(checked.counts.issues_suppressed == 100);
}

namespace {

class Collector : public EnvelopeListener {
 public:
  void on_interchange_start(const InterchangeHeader& h) override {
    events.push_back("ISA " + h.control_number);
    interchange = h;
  }
  void on_group_start(const InterchangeHeader&, const GroupHeader& g) override {
    events.push_back("GS " + g.functional_id + " " + g.control_number);
    groups.push_back(g);
  }
  void on_transaction_set(const InterchangeHeader&, const GroupHeader& g, const TransactionSet& set) override {
    events.push_back("ST " + set.id + " " + set.control_number + " in " + g.control_number);
    sets.push_back(set);
  }
  void on_group_end(const InterchangeHeader&, const GroupHeader& g) override { events.push_back("GE " + g.control_number); }
  void on_interchange_end(const InterchangeHeader& h) override { events.push_back("IEA " + h.control_number); }

  std::vector<std::string> events;
  InterchangeHeader interchange;
  std::vector<GroupHeader> groups;
  std::vector<TransactionSet> sets;
};

}  // namespace

TEST_CASE("envelope hands complete sets and headers to the listener", "[envelope][listener]") {
  Collector collector;
  const auto checked = check_envelope(corpus("x12/810_850_staedi_two_groups.edi"), &collector);
  CHECK(checked.issues.empty());
  CHECK(collector.events == std::vector<std::string>{"ISA 000000020", "GS IN 1", "ST 810 000000001 in 1",
                                                     "ST 810 000000002 in 1", "GE 1", "GS PO 165",
                                                     "ST 850 000191240 in 165", "GE 165", "IEA 000000020"});
  const InterchangeHeader& h = collector.interchange;
  REQUIRE(h.isa.size() == 16);
  CHECK(h.isa[5] == "SENDERISA      ");
  CHECK(h.sender_id == "SENDERISA");
  CHECK(h.receiver_id == "RECEIVERISA");
  CHECK(h.sender_qualifier == "ZZ");
  CHECK(h.date == "960807");
  CHECK(h.version == "00401");
  CHECK(h.usage == "T");
  CHECK_FALSE(h.ack_requested);
  CHECK(h.delimiters == Delimiters{'*', '>', 0, "~"});
  CHECK(collector.groups[1].version == "003010");
  CHECK(collector.groups[1].date == "020906");
  CHECK(collector.groups[1].segment_number == 58);

  REQUIRE(collector.sets.size() == 3);
  const TransactionSet& second = collector.sets[1];
  CHECK(second.delimiters == h.delimiters);
  REQUIRE(second.segments.size() == 22);
  CHECK(second.segments.front().tag == "ST");
  CHECK(second.segments.front().number == 35);
  CHECK(second.segments.front().position == 1);
  CHECK(second.segments[1].tag == "BIG");
  CHECK(second.segments[1].element(4) == "A99999-04");
  CHECK(second.segments.back().tag == "SE");
  CHECK(second.segments.back().number == 56);
  CHECK(second.segments.back().position == 22);
}

TEST_CASE("envelope hands an unterminated set to the listener after reporting it", "[envelope][listener]") {
  Collector collector;
  const auto checked = check_envelope(kIsa + kGs + "ST*856*0001*005010X1~BSN*00*1~", &collector);
  CHECK(checked.issues.size() == 3);
  CHECK(collector.events == std::vector<std::string>{"ISA 000000001", "GS SH 1", "ST 856 0001 in 1", "GE 1",
                                                     "IEA 000000001"});
  REQUIRE(collector.sets.size() == 1);
  CHECK(collector.sets[0].convention == "005010X1");
  CHECK(collector.sets[0].segments.size() == 2);
  CHECK(collector.interchange.ack_requested == false);
}

// Invalid files whose defects lie below the envelope (element syntax, code values):
// the envelope passes and the defect is there for the validator to find.

TEST_CASE("invalid/850_ediengine_syntax_note_errors: envelope valid, PO107 missing", "[envelope][corpus]") {
  Collector collector;
  const auto checked = check_envelope(corpus("invalid/850_ediengine_syntax_note_errors.edi"), &collector);
  CHECK(checked.issues.empty());
  CHECK(checked.counts.segments == 37);
  REQUIRE(collector.sets.size() == 1);
  const Segment& po1 = collector.sets[0].segments[12];  // the first PO1, position 13
  CHECK(po1.tag == "PO1");
  CHECK(po1.element(6) == "CB");
  CHECK(po1.element(7) == "");
}

TEST_CASE("invalid/940_ediengine_two_groups_element_errors: envelope valid, N901 empty", "[envelope][corpus]") {
  Collector collector;
  const auto checked = check_envelope(corpus("invalid/940_ediengine_two_groups_element_errors.edi"), &collector);
  CHECK(checked.issues.empty());
  CHECK(checked.counts.groups == 2);
  CHECK(checked.counts.transaction_sets == 3);
  REQUIRE(collector.sets.size() == 3);
  CHECK(collector.sets[1].segments[6].tag == "N9");
  CHECK(collector.sets[1].segments[6].element(1) == "");
  CHECK(collector.sets[2].segments[2].elements.size() == 6);  // W66 with the extra W66-06
}

TEST_CASE("invalid/997_staedi_bad_code_values: envelope valid, AK101 not a code", "[envelope][corpus]") {
  Collector collector;
  const auto checked = check_envelope(corpus("invalid/997_staedi_bad_code_values.edi"), &collector);
  CHECK(checked.issues.empty());
  REQUIRE(collector.sets.size() == 1);
  CHECK(collector.sets[0].segments[1].element(1) == "HC NOT IN CODESET");
}

TEST_CASE("invalid/997_staedi_empty_no_ak1: envelope valid, ST/SE only", "[envelope][corpus]") {
  Collector collector;
  const auto checked = check_envelope(corpus("invalid/997_staedi_empty_no_ak1.edi"), &collector);
  CHECK(checked.issues.empty());
  REQUIRE(collector.sets.size() == 1);
  CHECK(collector.sets[0].segments.size() == 2);
  CHECK(collector.sets[0].convention == "005010X230");
  CHECK(collector.interchange.version == "00401");
  CHECK(collector.groups[0].version == "005010");
}

namespace {

// Interchange-level segments (TA1) as the reader delivered them.
class Ta1Segments : public SegmentHandler {
 public:
  void on_segment(const SegmentView& view) override {
    if (view.tag == "TA1") ta1.push_back(to_owned(view));
    checker.on_segment(view);
  }
  EnvelopeChecker checker;
  std::vector<Segment> ta1;
};

Ta1Segments read_ta1(const std::string& file) {
  Ta1Segments handler;
  Reader reader(handler);
  reader.feed(corpus(file));
  reader.finish();
  handler.checker.finish();
  return handler;
}

}  // namespace

TEST_CASE("invalid/ta1_oopfactory_rejected_gt_elem_newline: envelope valid, TA1 has a sixth element",
          "[envelope][corpus]") {
  const auto read = read_ta1("invalid/ta1_oopfactory_rejected_gt_elem_newline.edi");
  CHECK(read.checker.issues().empty());
  CHECK(read.checker.counts().segments == 3);  // the IEA without terminator counts
  REQUIRE(read.ta1.size() == 1);
  CHECK(read.ta1[0].elements == std::vector<std::string>{"900000001", "100624", "1430", "R", "006", "+"});
}

TEST_CASE("invalid/ta1_oopfactory_two_ta1_bad_formats: envelope valid, TA105 missing", "[envelope][corpus]") {
  const auto read = read_ta1("invalid/ta1_oopfactory_two_ta1_bad_formats.edi");
  CHECK(read.checker.issues().empty());
  CHECK(read.checker.counts().groups == 0);
  REQUIRE(read.ta1.size() == 2);
  CHECK(read.ta1[1].elements == std::vector<std::string>{"0660", "20110922", "0512", "A"});
}

