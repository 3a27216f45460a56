// EDIFACT through the validator and parse_bytes: the envelope checks folded into the
// same results as X12's, without the ISA/GS/ST-specific ones.
#include <catch2/catch.hpp>

#include <string>

#include "formats/parsed_file.h"
#include "formats/validation.h"
#include "tests/test_support.h"

using edihub::testing::data_dir;
using edihub::testing::read_file;
namespace x12 = edihub::x12;

namespace {

std::string sample(const std::string& name) { return read_file(data_dir() / "edifact" / name); }

x12::ValidationReport validate(std::string_view bytes) {
  return x12::validate(bytes, [](const auto&, const auto&, const auto&) { return nullptr; });
}

const std::string kUnb = "UNB+UNOC:3+SENDER:14+RECEIVER:14+240101:1200+REF1'";

}  // namespace

TEST_CASE("edifact validation accepts a clean public sample, envelope checks only", "[edifact][validation]") {
  const auto report = validate(sample("desadv_d96a.edi"));
  CHECK(report.unplaced.empty());
  REQUIRE(report.interchanges.size() == 1);
  const auto& interchange = report.interchanges[0];
  CHECK(interchange.note_code == "000");
  CHECK(interchange.header.syntax_identifier == "UNOC");
  REQUIRE(interchange.groups.size() == 1);
  const auto& group = interchange.groups[0];
  CHECK(group.header.implicit);
  CHECK(group.ack_code == "A");
  CHECK(group.sets_received == 1);
  CHECK(group.sets_included == 1);  // UNZ01
  REQUIRE(group.sets.size() == 1);
  CHECK(group.sets[0].ack_code == "A");
  CHECK(group.sets[0].control_number == "142");  // three characters: fine for EDIFACT (X12 wants 4..9)
  CHECK(group.sets[0].note == "no schema for DESADV version 096A: envelope checks only");
  CHECK(report.valid());
}

TEST_CASE("edifact validation folds envelope issues into the message, group and interchange", "[edifact][validation]") {
  SECTION("a miscounted UNT rejects its message in the implicit group") {
    const auto report = validate(kUnb + "UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+4+1'UNZ+1+REF1'");
    CHECK(report.unplaced.empty());
    const auto& group = report.interchanges.at(0).groups.at(0);
    const auto& set = group.sets.at(0);
    CHECK(set.ack_code == "R");
    CHECK(set.codes == std::vector<std::string>{"4"});
    CHECK(set.note ==
          "no schema for ORDERS version D96A: envelope checks only; segment 4 UNT01: declares 4 but found 3 segments "
          "from UNH through UNT");
    CHECK(group.ack_code == "R");
    CHECK_FALSE(report.valid());
  }
  SECTION("an unknown syntax identifier rejects the interchange (TA1 016)") {
    const auto report = validate("UNB+UNOZ:3+S+R+240101:1200+1'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+1'");
    const auto& interchange = report.interchanges.at(0);
    CHECK(interchange.ack_code == "R");
    CHECK(interchange.note_code == "016");
    CHECK(interchange.note ==
          "segment 1 UNB0001: syntax identifier \"UNOZ\" is not one edihub reads (UNOA to UNOK, UNOW, UNOY)");
  }
  SECTION("a date of preparation that is not YYMMDD in syntax 3 (TA1 014)") {
    const auto report = validate("UNB+UNOC:3+S+R+20240101:1200+1'UNZ+0+1'");
    const auto& interchange = report.interchanges.at(0);
    CHECK(interchange.note_code == "014");
    CHECK(interchange.note == "UNB0017 '20240101' is not a valid date YYMMDD");
  }
  SECTION("syntax 4 dates have the century, and a time of 2460 is no time (TA1 015)") {
    const auto report = validate("UNB+UNOC:4+S+R+20240101:2460+1'UNZ+0+1'");
    const auto& interchange = report.interchanges.at(0);
    CHECK(interchange.note_code == "015");
    CHECK(interchange.note == "UNB0019 '2460' is not a valid time HHMM");
  }
  SECTION("a message reference longer than 14 characters cannot be acknowledged") {
    const auto report = validate(kUnb + "UNH+123456789012345+ORDERS:D:96A:UN'UNT+2+123456789012345'UNZ+1+REF1'");
    const auto& set = report.interchanges.at(0).groups.at(0).sets.at(0);
    CHECK(set.ack_code == "R");
    CHECK(set.note.ends_with("UNH0062 '123456789012345' is not a message reference of 1..14 characters"));
  }
}

TEST_CASE("edifact validation reads a UNG group and several interchanges", "[edifact][validation]") {
  const auto report = validate(sample("orders_ung_d96b.edi") + "\n" + sample("invoic_d97b_una.edi"));
  REQUIRE(report.interchanges.size() == 2);
  const auto& first = report.interchanges[0];
  CHECK(first.note_code == "000");
  CHECK_FALSE(first.groups.at(0).header.implicit);
  CHECK(first.groups.at(0).header.control_number == "1");
  CHECK(first.groups.at(0).sets.at(0).codes == std::vector<std::string>{"4"});  // UNT01 21 for 18 segments
  const auto& second = report.interchanges[1];
  CHECK(second.note_code == "000");
  CHECK(second.header.delimiters.element == '*');
  CHECK(second.groups.at(0).sets.at(0).ack_code == "A");
}

TEST_CASE("parse_bytes reads EDIFACT", "[edifact][validation]") {
  const x12::ParsedFile parsed = x12::parse_bytes(sample("orders_d01b_ean010.edi"));
  CHECK(parsed.issues.empty());
  CHECK(parsed.counts.segments == 602);
  REQUIRE(parsed.interchanges.size() == 1);
  REQUIRE(parsed.interchanges[0].groups.size() == 1);
  const auto& group = parsed.interchanges[0].groups[0];
  CHECK(group.header.declared_sets == "1");
  REQUIRE(group.sets.size() == 1);
  CHECK(group.sets[0].segments.size() == 599);
  CHECK(group.set_first_segments == std::vector<std::uint64_t>{3});
}
