#include "formats/edifact_writer.h"

#include <catch2/catch.hpp>

#include "formats/parsed_file.h"

using namespace edihub;
using edifact::kComponent;
using Catch::Matchers::Contains;

namespace {

edifact::InterchangeSettings settings(int syntax) {
  edifact::InterchangeSettings s;
  s.syntax_version = syntax;
  s.sender_id = "SENDER";
  s.sender_qualifier = "14";
  s.recipient_id = "RECEIVER";
  s.recipient_qualifier = "ZZ";
  s.date = syntax == 3 ? "261207" : "20261207";
  s.time = "2322";
  s.control_reference = edifact::reference(42);
  return s;
}

x12::Segment seg(std::string tag, std::vector<std::string> elements) { return {std::move(tag), std::move(elements)}; }

const edifact::MessageIdentifier kOrders{"ORDERS", "D", "96A", "UN", "EAN008"};

}  // namespace

TEST_CASE("EDIFACT writer: syntax 4 interchange with messages directly inside, defaults without UNA", "[edifact_writer]") {
  auto s = settings(4);
  s.ack_requested = true;
  edifact::InterchangeWriter w(s);
  // '+' in data is released; components are joined by kComponent in the model.
  w.message(kOrders, "1",
            {seg("BGM", {"220", "PO+1"}), seg("DTM", {std::string("137") + kComponent + "20261207" + kComponent + "102"})});
  w.message(kOrders, "2", {seg("BGM", {"220", "PO2"})});
  CHECK(w.finish() ==
        "UNB+UNOC:4+SENDER:14+RECEIVER:ZZ+20261207:2322+42++++1'"
        "UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO?+1'DTM+137:20261207:102'UNT+4+1'"
        "UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220+PO2'UNT+3+2'"
        "UNZ+2+42'");
}

TEST_CASE("EDIFACT writer: syntax 3 groups: UNA when asked, UNE and UNZ count, test indicator", "[edifact_writer]") {
  auto s = settings(3);
  s.syntax_identifier = "UNOA";
  s.always_una = true;
  s.test = true;
  s.suffix = "\n";
  edifact::InterchangeWriter w(s);
  edifact::GroupSettings g;
  g.group_id = "INVOIC";
  g.sender_id = "APP1";
  g.recipient_id = "APP2";
  g.recipient_qualifier = "ZZ";
  g.date = "261207";
  g.time = "2322";
  g.control_reference = "G1";
  g.version = "D";
  g.release = "96A";
  w.begin_group(g);
  const edifact::MessageIdentifier invoic{"INVOIC", "D", "96A", "UN", ""};
  w.message(invoic, "1", {seg("BGM", {"380", "INV1"})});
  w.message(invoic, "2", {});
  w.end_group();
  g.control_reference = "G2";
  w.begin_group(g);
  w.message(invoic, "3", {seg("BGM", {"380", "INV3"})});
  w.end_group();
  CHECK(w.finish() ==
        "UNA:+.? '\n"
        "UNB+UNOA:3+SENDER:14+RECEIVER:ZZ+261207:2322+42++++++1'\n"
        "UNG+INVOIC+APP1+APP2:ZZ+261207:2322+G1+UN+D:96A'\n"
        "UNH+1+INVOIC:D:96A:UN'\nBGM+380+INV1'\nUNT+3+1'\n"
        "UNH+2+INVOIC:D:96A:UN'\nUNT+2+2'\n"
        "UNE+2+G1'\n"
        "UNG+INVOIC+APP1+APP2:ZZ+261207:2322+G2+UN+D:96A'\n"
        "UNH+3+INVOIC:D:96A:UN'\nBGM+380+INV3'\nUNT+3+3'\n"
        "UNE+1+G2'\n"
        "UNZ+2+42'\n");
}

TEST_CASE("EDIFACT writer: other delimiters are announced by a UNA and every service character is released",
          "[edifact_writer]") {
  auto s = settings(4);
  s.delimiters = x12::Delimiters{'|', '^', '~', "!", '#', ','};  // element, component, repetition, segment, release, decimal
  edifact::InterchangeWriter w(s);
  w.message(kOrders, "1", {seg("FTX", {"AAI", "", "", std::string("a|b^c!d#e~f+g:h") + kComponent + "x"})});
  CHECK(w.finish() ==
        "UNA^|,#~!"
        "UNB|UNOC^4|SENDER^14|RECEIVER^ZZ|20261207^2322|42!"
        "UNH|1|ORDERS^D^96A^UN^EAN008!"
        "FTX|AAI|||a#|b#^c#!d##e#~f+g:h^x!"  // the default characters are data here
        "UNT|3|1!UNZ|1|42!");
}

TEST_CASE("EDIFACT writer: bad settings name the data element", "[edifact_writer]") {
  auto expect_rejected = [](edifact::InterchangeSettings s, const std::string& field) {
    CHECK_THROWS_WITH(edifact::InterchangeWriter(s), Contains(field));
  };
  auto s = settings(4);
  s.sender_id = "";
  expect_rejected(s, "UNB S002/0004");
  s = settings(4);
  s.recipient_qualifier = "ZZZZZ";
  expect_rejected(s, "UNB S003/0007");
  s = settings(4);
  s.date = "261207";  // YYMMDD is syntax 3's
  expect_rejected(s, "UNB S004/0017");
  s = settings(3);
  s.time = "23:2";
  expect_rejected(s, "UNB S004/0019");
  s = settings(4);
  s.control_reference = "123456789012345";
  expect_rejected(s, "UNB 0020");
  s = settings(4);
  s.syntax_version = 2;
  expect_rejected(s, "UNB S001/0002");
  s = settings(4);
  s.syntax_identifier = "IATA";
  expect_rejected(s, "UNB S001/0001");
  s = settings(3);
  s.delimiters = edifact::default_delimiters(4);  // a repetition separator in syntax 3
  expect_rejected(s, "UNA5");
  s = settings(4);
  s.delimiters = x12::Delimiters{'+', '+', '*', "'", '?', '.'};
  expect_rejected(s, "must all differ");
  s = settings(4);
  s.sender_id = std::string("A") + kComponent + "B";  // a simple element cannot hold a composite
  expect_rejected(s, "UNB S002/0004");

  edifact::InterchangeWriter w(settings(4));
  CHECK_THROWS_WITH(w.message({"ORDERSX", "D", "96A", "UN", ""}, "1", {}), Contains("UNH S009/0065"));
  CHECK_THROWS_WITH(w.message(kOrders, "", {}), Contains("UNH 0062"));
  CHECK_THROWS_WITH(w.message(kOrders, "1", {seg("UNT", {"2", "1"})}), Contains("service segment UNT"));
}

TEST_CASE("EDIFACT writer: a segment that cannot be written leaves the interchange whole", "[edifact_writer]") {
  auto s = settings(4);
  s.delimiters = x12::Delimiters{'+', ':', '*', "'", 0, '.'};  // no release character
  edifact::InterchangeWriter w(s);
  CHECK_THROWS_WITH(w.message(kOrders, "1", {seg("BGM", {"220"}), seg("FTX", {"a+b"})}), Contains("segment 3 FTX"));
  w.message(kOrders, "2", {seg("BGM", {"220"})});
  CHECK(w.finish() ==
        "UNA:+. *'UNB+UNOC:4+SENDER:14+RECEIVER:ZZ+20261207:2322+42'UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220'UNT+3+2'"
        "UNZ+1+42'");
}

TEST_CASE("EDIFACT writer: calls out of envelope order are logic errors", "[edifact_writer]") {
  edifact::InterchangeWriter direct(settings(4));
  CHECK_THROWS_AS(direct.end_group(), std::logic_error);
  direct.message(kOrders, "1", {});
  edifact::GroupSettings g{"ORDERS", "A", "", "B", "", "20261207", "2322", "1", "UN", "D", "96A", ""};
  CHECK_THROWS_AS(direct.begin_group(g), std::logic_error);  // groups and direct messages do not mix
  direct.finish();
  CHECK_THROWS_AS(direct.message(kOrders, "2", {}), std::logic_error);

  edifact::InterchangeWriter grouped(settings(4));
  grouped.begin_group(g);
  CHECK_THROWS_AS(grouped.finish(), std::logic_error);
  CHECK_THROWS_AS(grouped.begin_group(g), std::logic_error);
  grouped.end_group();
  CHECK_THROWS_AS(grouped.message(kOrders, "2", {}), std::logic_error);  // outside a group, after one
}

TEST_CASE("EDIFACT writer: what it writes reads back to the same values, whatever the delimiters", "[edifact_writer]") {
  const std::string tricky = std::string("a+b:c'd?e*f|g^h#i!j") + kComponent + "second component";
  for (const auto& delimiters : {edifact::default_delimiters(4), x12::Delimiters{'|', '^', '~', "!", '#', ','}}) {
    auto s = settings(4);
    s.delimiters = delimiters;
    edifact::InterchangeWriter w(s);
    w.message(kOrders, "1", {seg("FTX", {"AAI", "", "", tricky}), seg("BGM", {"220", "PO 1"})});
    const auto parsed = x12::parse_bytes(w.finish());
    INFO("element separator " << delimiters.element);
    CHECK(parsed.issues.empty());
    REQUIRE(parsed.interchanges.size() == 1);
    const auto& h = parsed.interchanges[0].header;
    CHECK(h.sender_id == "SENDER");
    CHECK(h.sender_qualifier == "14");
    CHECK(h.receiver_id == "RECEIVER");
    CHECK(h.control_number == "42");
    CHECK(h.version == "4");
    REQUIRE(parsed.interchanges[0].groups.size() == 1);
    const auto& message = parsed.interchanges[0].groups[0].sets.at(0);
    CHECK(message.id == "ORDERS");
    CHECK(message.message_version == "D96A");
    CHECK(message.convention == "EAN008");
    REQUIRE(message.segments.size() == 4);  // UNH FTX BGM UNT
    CHECK(message.segments[1].element(4) == tricky);
    CHECK(message.segments[2].element(2) == "PO 1");
  }
}
