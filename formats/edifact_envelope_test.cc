#include "formats/edifact_envelope.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "formats/edifact.h"
#include "tests/test_support.h"

using edihub::edifact::EnvelopeChecker;
using edihub::testing::data_dir;
using edihub::testing::read_file;
namespace x12 = edihub::x12;
using x12::EnvelopeLevel;

namespace {

std::string sample(const std::string& name) { return read_file(data_dir() / "edifact" / name); }

// Every callback, in order, with what it was given.
class Log : public x12::EnvelopeListener {
 public:
  void on_interchange_start(const x12::InterchangeHeader& h) override {
    interchanges.push_back(h);
    calls.push_back("interchange " + h.control_number);
  }
  void on_group_start(const x12::InterchangeHeader&, const x12::GroupHeader& g) override {
    groups.push_back(g);
    calls.push_back("group " + g.functional_id + " " + g.control_number + (g.implicit ? " implicit" : ""));
  }
  void on_transaction_set(const x12::InterchangeHeader&, const x12::GroupHeader&, const x12::TransactionSet& m) override {
    messages.push_back(m);
    calls.push_back("message " + m.id + " " + m.control_number + " " + std::to_string(m.segments.size()));
  }
  void on_group_end(const x12::InterchangeHeader&, const x12::GroupHeader& g) override {
    calls.push_back("end group " + g.control_number + " " + g.declared_sets);
  }
  void on_interchange_end(const x12::InterchangeHeader& h) override { calls.push_back("end interchange " + h.control_number); }
  std::vector<std::string> calls;
  std::vector<x12::InterchangeHeader> interchanges;
  std::vector<x12::GroupHeader> groups;
  std::vector<x12::TransactionSet> messages;
};

x12::CheckedInput check(std::string_view bytes, x12::EnvelopeListener* listener = nullptr) {
  return x12::check_envelope(bytes, listener);
}

// One issue as "level code segment element: message".
std::string line(const x12::EnvelopeIssue& i) {
  const char* level = i.level == EnvelopeLevel::Interchange ? "interchange"
                      : i.level == EnvelopeLevel::Group     ? "group"
                                                            : "message";
  return std::string(level) + " " + i.code + " @" + std::to_string(i.segment) + " " + i.element + ": " + i.message;
}

std::vector<std::string> lines(std::string_view bytes) {
  std::vector<std::string> out;
  for (const auto& issue : check(bytes).issues) out.push_back(line(issue));
  return out;
}

const std::string kUnb = "UNB+UNOC:3+SENDER:14+RECEIVER:ZZ+240101:1200+REF1'";

}  // namespace

TEST_CASE("edifact envelope fills the headers of an interchange of messages", "[edifact][envelope]") {
  Log log;
  const auto result = check(
      "UNA:+.? 'UNB+UNOC:3+SENDER:14+RECEIVER:ZZ+240101:1200+REF1++APP++1++1'"
      "UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'UNT+3+M1'"
      "UNH+M2+ORDERS:D:96A:UN:EAN008'BGM+220+PO2+9'DTM+137:20240101:102'UNT+4+M2'"
      "UNZ+2+REF1'",
      &log);
  CHECK(result.issues.empty());
  CHECK(result.counts.interchanges == 1);
  CHECK(result.counts.groups == 1);  // the implicit group
  CHECK(result.counts.transaction_sets == 2);
  CHECK(result.counts.segments == 10);
  CHECK(log.calls == std::vector<std::string>{"interchange REF1", "group ORDERS  implicit", "message ORDERS M1 3",
                                              "message ORDERS M2 4", "end group  2", "end interchange REF1"});
  const x12::InterchangeHeader& h = log.interchanges.at(0);
  CHECK(h.standard == x12::Standard::Edifact);
  CHECK(h.syntax_identifier == "UNOC");
  CHECK(h.version == "3");
  CHECK(h.sender_id == "SENDER");
  CHECK(h.sender_qualifier == "14");
  CHECK(h.receiver_id == "RECEIVER");
  CHECK(h.receiver_qualifier == "ZZ");
  CHECK(h.date == "240101");
  CHECK(h.time == "1200");
  CHECK(h.control_number == "REF1");
  CHECK(h.ack_requested);
  CHECK(h.usage == "T");
  CHECK(h.segment_number == 2);
  CHECK(h.byte_offset == 9);
  CHECK(h.isa.size() == 11);
  CHECK(h.isa[0] == "UNOC\x1F" "3");
  CHECK(h.delimiters == x12::Delimiters{'+', ':', 0, "'", '?', '.'});
  const x12::GroupHeader& g = log.groups.at(0);
  CHECK(g.implicit);
  CHECK(g.control_number.empty());
  CHECK(g.functional_id == "ORDERS");
  CHECK(g.version == "D96A");
  const x12::TransactionSet& m = log.messages.at(1);
  CHECK(m.id == "ORDERS");
  CHECK(m.control_number == "M2");
  CHECK(m.message_version == "D96A");
  CHECK(m.convention == "EAN008");
  CHECK(m.first_segment == 6);
  CHECK(m.segments.size() == 4);
  CHECK(m.segments[0].position == 1);
  CHECK(m.segments[3].tag == "UNT");
  CHECK(m.segments[3].position == 4);
  CHECK(m.delimiters == edihub::edifact::unescaped_delimiters());
}

TEST_CASE("edifact envelope reads UNG groups and syntax 4 delimiters", "[edifact][envelope]") {
  Log log;
  const auto result = check(
      "UNB+UNOC:4+S+R+20240101:1200+9'"
      "UNG+INVOIC+GS:14+GR:14+20240101:1200+G1+UN+D:01B'UNH+1+INVOIC:D:01B:UN'UNT+2+1'UNE+1+G1'"
      "UNG+INVOIC+GS:14+GR:14+20240101:1200+G2+UN+D:01B'UNH+2+INVOIC:D:01B:UN'UNT+2+2'UNE+1+G2'"
      "UNZ+2+9'",
      &log);
  CHECK(result.issues.empty());
  CHECK(result.counts.groups == 2);
  CHECK(log.calls == std::vector<std::string>{"interchange 9", "group INVOIC G1", "message INVOIC 1 2", "end group G1 1",
                                              "group INVOIC G2", "message INVOIC 2 2", "end group G2 1",
                                              "end interchange 9"});
  CHECK(log.interchanges.at(0).delimiters == x12::Delimiters{'+', ':', '*', "'", '?', '.'});
  const x12::GroupHeader& g = log.groups.at(0);
  CHECK_FALSE(g.implicit);
  CHECK(g.sender == "GS");
  CHECK(g.receiver == "GR");
  CHECK(g.date == "20240101");
  CHECK(g.time == "1200");
  CHECK(g.agency == "UN");
  CHECK(g.version == "D01B");
  CHECK(log.interchanges.at(0).usage == "P");
  CHECK_FALSE(log.interchanges.at(0).ack_requested);
}

TEST_CASE("edifact envelope checks counts and references in the trailers", "[edifact][envelope]") {
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+4+1'UNZ+1+REF1'") ==
        std::vector<std::string>{"message 4 @4 UNT01: declares 4 but found 3 segments from UNH through UNT"});
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+2'UNZ+1+REF1'") ==
        std::vector<std::string>{"message 3 @3 UNT02: control number 2 does not match UNH0062 1"});
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+2+REF2'") ==
        std::vector<std::string>{"interchange 021 @4 UNZ01: declares 2 but found 1 message(s)",
                                 "interchange 001 @4 UNZ02: control number REF2 does not match UNB0020 REF1"});
  CHECK(lines(kUnb + "UNG+ORDERS+S+R+240101:1200+7+UN+D:96A'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+2+8'UNZ+2+REF1'") ==
        std::vector<std::string>{"group 5 @5 UNE01: declares 2 but found 1 message(s)",
                                 "group 4 @5 UNE02: control number 8 does not match UNG0048 7",
                                 "interchange 021 @6 UNZ01: declares 2 but found 1 group(s)"});
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+0REF1'") ==
        std::vector<std::string>{"interchange 001 @4 UNZ02: control number 0REF1 does not match UNB0020 REF1"});
}

TEST_CASE("edifact envelope reports missing trailers", "[edifact][envelope]") {
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'BGM+220'UNZ+1+REF1'") ==
        std::vector<std::string>{
            "message 2 @4 : UNT missing: message \"1\" (UNH at segment 2) is still open at UNZ at segment 4"});
  CHECK(lines(kUnb + "UNG+ORDERS+S+R+240101:1200+7+UN+D:96A'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+REF1'") ==
        std::vector<std::string>{
            "group 3 @5 : UNE missing: group \"7\" (UNG at segment 2) is still open at UNZ at segment 5"});
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'") ==
        std::vector<std::string>{"interchange 023 @3 : UNZ missing: interchange \"REF1\" (UNB at segment 1) is still "
                                 "open at the end of the input"});
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'" + kUnb + "UNZ+0+REF1'") ==
        std::vector<std::string>{
            "message 2 @3 : UNT missing: message \"1\" (UNH at segment 2) is still open at the next UNB at segment 3",
            "interchange 023 @3 : UNZ missing: interchange \"REF1\" (UNB at segment 1) is still open at the next UNB "
            "at segment 3"});
}

TEST_CASE("edifact envelope reports segments outside their envelope and mixed groups", "[edifact][envelope]") {
  CHECK(lines(kUnb + "UNZ+0+REF1'UNH+1+ORDERS:D:96A:UN'UNT+2+1'") ==
        std::vector<std::string>{"interchange 022 @3 : UNH outside any interchange (no open UNB)"});
  CHECK(lines(kUnb + "BGM+220'DTM+137'UNZ+0+REF1'") ==
        std::vector<std::string>{"interchange 022 @2 : BGM segment outside any message (no open UNH) (segments after "
                                 "it up to the next service segment are not reported)"});
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNG+ORDERS+S+R+240101:1200+7+UN+D:96A'UNH+2+ORDERS:D:96A:UN'"
                     "UNT+2+2'UNE+1+7'UNZ+1+REF1'") ==
        std::vector<std::string>{"interchange 022 @4 : UNG in an interchange whose first messages stand directly in "
                                 "it: an interchange holds either groups or messages"});
  CHECK(lines(kUnb + "UNG+ORDERS+S+R+240101:1200+7+UN+D:96A'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+1+7'"
                     "UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNZ+1+REF1'") ==
        std::vector<std::string>{"interchange 022 @6 : UNH outside any group in an interchange that uses UNG groups: an "
                                 "interchange holds either groups or messages"});
  CHECK(lines(kUnb + "UNE+0+1'UNT+2+1'UNZ+0+REF1'") ==
        std::vector<std::string>{"interchange 022 @2 : UNE without a preceding UNG",
                                 "interchange 022 @3 : UNT without a preceding UNH"});
}

TEST_CASE("edifact envelope reports duplicate message and group references", "[edifact][envelope]") {
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+2+REF1'") ==
        std::vector<std::string>{"message 23 @4 UNH0062: message reference \"1\" is already used in this interchange"});
  CHECK(lines(kUnb + "UNG+ORDERS+S+R+240101:1200+7+UN+D:96A'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+1+7'"
                     "UNG+ORDERS+S+R+240101:1200+7+UN+D:96A'UNH+2+ORDERS:D:96A:UN'UNT+2+2'UNE+1+7'UNZ+2+REF1'") ==
        std::vector<std::string>{
            "group 19 @6 UNG0048: group reference \"7\" is already used by an earlier group of this interchange"});
  // A new interchange starts over.
  CHECK(lines(kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+REF1'" + kUnb + "UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+REF1'")
            .empty());
}

TEST_CASE("edifact envelope checks the UNB's mandatory elements, syntax identifier and version", "[edifact][envelope]") {
  CHECK(lines("UNB+UNOC+++240101'UNZ+0+'") ==
        std::vector<std::string>{"interchange 017 @1 UNB0002: syntax version number (S001/0002) is missing",
                                 "interchange 006 @1 UNB0004: interchange sender identification (S002/0004) is missing",
                                 "interchange 008 @1 UNB0010: interchange recipient identification (S003/0010) is "
                                 "missing",
                                 "interchange 015 @1 UNB0019: time of preparation (S004/0019) is missing",
                                 "interchange 018 @1 UNB0020: interchange control reference (0020) is missing"});
  CHECK(lines("UNB+UNOZ:5+S+R+240101:1200+1'UNZ+0+1'") ==
        std::vector<std::string>{
            "interchange 016 @1 UNB0001: syntax identifier \"UNOZ\" is not one edihub reads (UNOA to UNOK, UNOW, UNOY)",
            "interchange 017 @1 UNB0002: syntax version number \"5\" is not 1, 2, 3 or 4"});
}

TEST_CASE("edifact envelope finds no issue in the clean public samples", "[edifact][envelope][samples]") {
  // Segments counted by hand, one a line (UNA included); each file one interchange of one message.
  struct Expected {
    const char* file;
    std::uint64_t segments;
    const char* id;
    const char* version;
    const char* syntax;
  };
  for (const Expected& e : {Expected{"desadv_d96a.edi", 23, "DESADV", "096A", "UNOC"},
                            Expected{"orders_d01b_ean010.edi", 602, "ORDERS", "D01B", "UNOC"},
                            Expected{"invoic_d97a.edi", 26, "INVOIC", "D97A", "UNOA"},
                            Expected{"invoic_d97b_una.edi", 27, "INVOIC", "D97B", "UNOA"}}) {
    INFO(e.file);
    Log log;
    const auto result = check(sample(e.file), &log);
    for (const auto& issue : result.issues) UNSCOPED_INFO(line(issue));
    CHECK(result.issues.empty());
    CHECK(result.counts.segments == e.segments);
    CHECK(result.counts.interchanges == 1);
    CHECK(result.counts.transaction_sets == 1);
    REQUIRE(log.messages.size() == 1);
    CHECK(log.messages[0].id == e.id);
    CHECK(log.messages[0].message_version == e.version);
    CHECK(log.interchanges.at(0).syntax_identifier == e.syntax);
  }
  Log orders;
  check(sample("orders_d01b_ean010.edi"), &orders);
  CHECK(orders.messages.at(0).control_number == "2019265563");
  CHECK(orders.messages.at(0).convention == "EAN010");
  CHECK(orders.messages.at(0).segments.size() == 599);
  CHECK(orders.interchanges.at(0).control_number == "896");
}

TEST_CASE("edifact envelope reads a UNA with other separators in a public sample", "[edifact][envelope][samples]") {
  Log log;
  CHECK(check(sample("invoic_d97b_una.edi"), &log).issues.empty());
  CHECK(log.interchanges.at(0).delimiters == x12::Delimiters{'*', '=', 0, "~", '?', '.'});
  CHECK(log.interchanges.at(0).sender_id == "005435656");
  CHECK(log.interchanges.at(0).receiver_id == "006415160");  // "006?415160": a released '4'
  CHECK(log.messages.at(0).control_number == "00000000000117");
}

TEST_CASE("edifact envelope finds the faults of two public samples", "[edifact][envelope][samples]") {
  Log grouped;
  const auto orders = check(sample("orders_ung_d96b.edi"), &grouped);
  REQUIRE(orders.issues.size() == 1);
  CHECK(line(orders.issues[0]) == "message 4 @20 UNT01: declares 21 but found 18 segments from UNH through UNT");
  CHECK(orders.issues[0].set_control == "1");
  CHECK(orders.issues[0].group_control == "1");
  CHECK(orders.issues[0].interchange_control == "2722166169492");
  CHECK(orders.counts.groups == 1);
  CHECK(grouped.groups.at(0).functional_id == "ORDERS");
  CHECK(grouped.groups.at(0).version == "D96A");
  CHECK(grouped.messages.at(0).message_version == "D96B");
  CHECK(grouped.messages.at(0).convention == "EAN008B");

  // The German Wikipedia example closes with its application reference (UNB 0026), not its control reference.
  CHECK(lines(sample("orders_d96a_wikipedia_de.edi")) ==
        std::vector<std::string>{"interchange 001 @12 UNZ02: control number 1234567 does not match UNB0020 1"});
}
