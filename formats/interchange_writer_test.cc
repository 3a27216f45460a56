#include "formats/interchange_writer.h"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "formats/parsed_file.h"

using namespace edihub::x12;

namespace {

InterchangeSettings settings_4010() {
  InterchangeSettings s;
  s.delimiters = {'*', ':', 0, "~"};
  s.suffix = "\n";
  s.sender_qualifier = "ZZ";
  s.sender_id = "EDIHUB";
  s.receiver_qualifier = "01";
  s.receiver_id = "123456789";
  s.date = "240116";
  s.time = "1015";
  s.version = "00401";
  s.control_number = 42;
  s.usage = "T";
  return s;
}

GroupSettings group_sh() {
  GroupSettings g;
  g.functional_id = "SH";
  g.sender = "EDIHUBAPP";
  g.receiver = "PARTNERAPP";
  g.date = "20240116";
  g.time = "1015";
  g.control_number = 7;
  g.version = "004010";
  return g;
}

Segment seg(std::string tag, std::vector<std::string> elements) { return Segment{std::move(tag), std::move(elements)}; }

// The message of the std::invalid_argument `f` throws ("" when it throws none).
template <typename F>
std::string invalid_argument_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("interchange writer: 4010 interchange with counts, padding and suffix", "[ack][interchange_writer]") {
  InterchangeWriter w(settings_4010());
  w.begin_group(group_sh());
  w.transaction_set("856", 7, "", {seg("BSN", {"00", "SHIP1", "20240116", "1015"}), seg("HL", {"1", "", "S"})});
  w.transaction_set("856", 123456, "", {seg("BSN", {"00", "SHIP2", "20240116", "1015"})});
  w.end_group();
  const std::string bytes = w.finish();
  CHECK(bytes ==
        "ISA*00*          *00*          *ZZ*EDIHUB         *01*123456789      *240116*1015*U*00401*000000042*0*T*:~\n"
        "GS*SH*EDIHUBAPP*PARTNERAPP*20240116*1015*7*X*004010~\n"
        "ST*856*0007~\n"
        "BSN*00*SHIP1*20240116*1015~\n"
        "HL*1**S~\n"
        "SE*4*0007~\n"
        "ST*856*123456~\n"
        "BSN*00*SHIP2*20240116*1015~\n"
        "SE*3*123456~\n"
        "GE*2*7~\n"
        "IEA*1*000000042~\n");
  CHECK(bytes.find('\n') == 106);  // the ISA is fixed width, terminator included

  const ParsedFile parsed = parse_bytes(bytes);
  CHECK(parsed.issues.empty());
  REQUIRE(parsed.interchanges.size() == 1);
  CHECK(parsed.interchanges[0].header.control_number == "000000042");
  REQUIRE(parsed.interchanges[0].groups.size() == 1);
  CHECK(parsed.interchanges[0].groups[0].sets.size() == 2);
}

TEST_CASE("interchange writer: 5010 ISA11 repetition separator, TA1 before groups", "[ack][interchange_writer]") {
  InterchangeSettings s = settings_4010();
  s.version = "00501";
  s.delimiters = {'|', '>', '^', "~"};
  s.suffix = "";
  s.ack_requested = true;
  s.usage = "P";
  InterchangeWriter w(s);
  w.interchange_segment(seg("TA1", {"000000123", "240115", "0930", "A", "000"}));
  w.begin_group(group_sh());
  w.transaction_set("856", 1, "005010", {seg("REF", {"ZZ", "A>B^C"})});
  w.end_group();
  CHECK_THROWS_AS(w.interchange_segment(seg("TA1", {"1", "240115", "0930", "A", "000"})), std::logic_error);
  const std::string bytes = w.finish();
  CHECK(bytes ==
        "ISA|00|          |00|          |ZZ|EDIHUB         |01|123456789      |240116|1015|^|00501|000000042|1|P|>~"
        "TA1|000000123|240115|0930|A|000~"
        "GS|SH|EDIHUBAPP|PARTNERAPP|20240116|1015|7|X|004010~"
        "ST|856|0001|005010~REF|ZZ|A>B^C~SE|3|0001~GE|1|7~IEA|1|000000042~");
  const ParsedFile parsed = parse_bytes(bytes);
  CHECK(parsed.issues.empty());
  REQUIRE(parsed.interchanges.size() == 1);
  CHECK(parsed.interchanges[0].header.delimiters.repetition == '^');
  REQUIRE(parsed.interchanges[0].interchange_segments.size() == 1);
  CHECK(parsed.interchanges[0].interchange_segments[0].tag == "TA1");
}

TEST_CASE("interchange writer: TA1-only interchange has IEA01 0", "[ack][interchange_writer]") {
  InterchangeWriter w(settings_4010());
  w.interchange_segment(seg("TA1", {"000000123", "240115", "0930", "R", "006"}));
  const std::string bytes = w.finish();
  CHECK(bytes.substr(107) == "TA1*000000123*240115*0930*R*006~\nIEA*0*000000042~\n");
  CHECK(parse_bytes(bytes).issues.empty());
}

TEST_CASE("interchange writer: values that do not fit name their field", "[ack][interchange_writer]") {
  auto with = [](auto change) {
    return invalid_argument_of([&] {
      InterchangeSettings s = settings_4010();
      change(s);
      InterchangeWriter w(s);
    });
  };
  CHECK_THAT(with([](InterchangeSettings& s) { s.sender_id = "SIXTEEN_CHARS_ID"; }), Catch::StartsWith("ISA06: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.receiver_id = "A*B"; }),
             Catch::StartsWith("ISA08: ") && Catch::Contains("delimiter '*'"));
  CHECK_THAT(with([](InterchangeSettings& s) { s.authorization = "a~b"; }), Catch::StartsWith("ISA02: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.sender_qualifier = "Z"; }), Catch::StartsWith("ISA05: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.date = "2024011"; }), Catch::StartsWith("ISA09: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.time = "10:5"; }), Catch::StartsWith("ISA10: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.control_number = 1'000'000'000; }), Catch::StartsWith("ISA13: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.usage = "X"; }), Catch::StartsWith("ISA15: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.delimiters.repetition = '^'; }), Catch::StartsWith("ISA11: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.version = "00501"; }), Catch::StartsWith("ISA11: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.delimiters.component = '*'; }), Catch::StartsWith("ISA16: "));
  CHECK_THAT(with([](InterchangeSettings& s) { s.delimiters.component = 'A'; }), Catch::StartsWith("ISA16: "));
  CHECK(with([](InterchangeSettings&) {}).empty());

  InterchangeWriter w(settings_4010());
  GroupSettings g = group_sh();
  g.control_number = 1'000'000'000;
  CHECK_THAT(invalid_argument_of([&] { w.begin_group(g); }), Catch::StartsWith("GS06: "));
  g = group_sh();
  g.sender = "APP:1";
  CHECK_THAT(invalid_argument_of([&] { w.begin_group(g); }), Catch::StartsWith("GS02: "));
  g = group_sh();
  g.time = "10155";
  CHECK_THAT(invalid_argument_of([&] { w.begin_group(g); }), Catch::StartsWith("GS05: "));
  w.begin_group(group_sh());
  CHECK_THAT(invalid_argument_of([&] { w.transaction_set("856", 1'000'000'000, "", {}); }), Catch::StartsWith("ST02: "));
  CHECK_THAT(invalid_argument_of([&] { w.transaction_set("856", 1, "", {seg("SE", {"2", "0001"})}); }),
             Catch::Contains("envelope segment SE"));
  // A rejected body leaves nothing behind: the interchange still adds up.
  CHECK_THAT(invalid_argument_of([&] { w.transaction_set("856", 1, "", {seg("REF", {"ZZ", "A*B"})}); }),
             Catch::Contains("REF02"));
  w.transaction_set("856", 2, "", {seg("REF", {"ZZ", "AB"})});
  w.end_group();
  const std::string bytes = w.finish();
  CHECK(bytes.find("A*B") == std::string::npos);
  CHECK(parse_bytes(bytes).issues.empty());
}

TEST_CASE("interchange writer: calls out of envelope order are refused", "[ack][interchange_writer]") {
  InterchangeWriter w(settings_4010());
  CHECK_THROWS_AS(w.transaction_set("856", 1, "", {}), std::logic_error);
  CHECK_THROWS_AS(w.end_group(), std::logic_error);
  w.begin_group(group_sh());
  CHECK_THROWS_AS(w.begin_group(group_sh()), std::logic_error);
  CHECK_THROWS_AS(w.finish(), std::logic_error);
  w.end_group();
  w.finish();
  CHECK_THROWS_AS(w.finish(), std::logic_error);
}
