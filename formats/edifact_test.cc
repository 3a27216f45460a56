#include "formats/edifact.h"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace edihub::edifact;
namespace x12 = edihub::x12;

TEST_CASE("edifact delimiters: the unescaped model and the syntax defaults", "[edifact]") {
  const x12::Delimiters& u = unescaped_delimiters();
  CHECK(u.element == '+');
  CHECK(u.component == '\x1F');
  CHECK(u.repetition == '\x1E');
  CHECK(u.segment == "'");
  CHECK(u.release == 0);
  const x12::Delimiters four = default_delimiters();
  CHECK((four.component == ':' && four.element == '+' && four.decimal == '.' && four.release == '?'));
  CHECK(four.repetition == '*');
  CHECK(four.segment == "'");
  CHECK(default_delimiters(3).repetition == 0);
}

TEST_CASE("edifact is told apart from X12 by its first bytes", "[edifact]") {
  CHECK(looks_like_edifact("UNA:+.? 'UNB"));
  CHECK(looks_like_edifact("\xEF\xBB\xBF\r\n UNB+UNOC:3"));
  CHECK(looks_like_edifact("UNA=*.?^~"));
  CHECK_FALSE(looks_like_edifact("ISA*00*"));
  CHECK_FALSE(looks_like_edifact("UNB"));
  CHECK_FALSE(looks_like_edifact("UNBX+"));
  CHECK_FALSE(looks_like_edifact(""));
}

TEST_CASE("edifact values are escaped and segments rendered for a delimiter set", "[edifact]") {
  const x12::Delimiters d = default_delimiters(4);
  CHECK(escape("A+B'C?D:E*F", d) == "A?+B?'C??D?:E?*F");
  CHECK(escape("A\x1F" "B\x1E" "C", d) == "A:B*C");
  x12::Delimiters three = default_delimiters(3);
  CHECK(escape("2*3", three) == "2*3");  // no repetition separator: '*' is data
  CHECK_THROWS_AS(escape("A\x1E" "B", three), std::invalid_argument);
  x12::Delimiters no_release = d;
  no_release.release = 0;
  CHECK_THROWS_AS(escape("A+B", no_release), std::invalid_argument);
  x12::Segment nad;
  nad.tag = "NAD";
  nad.elements = {"BY", "5412345000013\x1F\x1F" "9", "", "A+A K\xC3\xBClte"};
  CHECK(render(nad, d) == "NAD+BY+5412345000013::9++A?+A K\xC3\xBClte'");
}

TEST_CASE("edifact syntax identifiers name their character sets", "[edifact]") {
  CHECK(charset_name("UNOA") == "US-ASCII");
  CHECK(charset_name("UNOB") == "US-ASCII");
  CHECK(charset_name("UNOC") == "ISO-8859-1");
  CHECK(charset_name("UNOD") == "ISO-8859-2");
  CHECK(charset_name("UNOE") == "ISO-8859-5");
  CHECK(charset_name("UNOF") == "ISO-8859-7");
  CHECK(charset_name("UNOG") == "ISO-8859-3");
  CHECK(charset_name("UNOH") == "ISO-8859-4");
  CHECK(charset_name("UNOI") == "ISO-8859-6");
  CHECK(charset_name("UNOJ") == "ISO-8859-8");
  CHECK(charset_name("UNOK") == "ISO-8859-9");
  CHECK(charset_name("UNOW") == "UTF-8");
  CHECK(charset_name("UNOY") == "UTF-8");
  CHECK(charset_name("IATB") == std::nullopt);
  CHECK(charset_name("unoc") == std::nullopt);
}

TEST_CASE("edifact level A and B repertoires", "[edifact]") {
  CHECK(outside_repertoire("ABC 123.,-()/='+:?!\"%&*;<>", "UNOA") == std::nullopt);
  CHECK(outside_repertoire("ABc", "UNOA") == 2u);
  CHECK(outside_repertoire("ABc", "UNOB") == std::nullopt);
  CHECK(outside_repertoire("A#", "UNOB") == 1u);
  CHECK(outside_repertoire("A\x1F" "B", "UNOA") == std::nullopt);  // a component separator, not data
  CHECK(outside_repertoire("K\xC3\xBClte", "UNOB") == 1u);
  CHECK(outside_repertoire("K\xC3\xBClte", "UNOC") == std::nullopt);
}

TEST_CASE("edifact syntax error codes for the X12 codes of the same fault", "[edifact]") {
  using L = Level;
  CHECK(syntax_error(L::Interchange, "001") == "28");
  for (const char* code : {"005", "006", "007", "008", "014", "015", "018", "020"}) {
    CHECK(syntax_error(L::Interchange, code) == "12");
  }
  CHECK(syntax_error(L::Interchange, "016") == "2");
  CHECK(syntax_error(L::Interchange, "017") == "2");
  CHECK(syntax_error(L::Interchange, "021") == "29");
  CHECK(syntax_error(L::Interchange, "022") == "18");
  CHECK(syntax_error(L::Interchange, "023") == "13");
  CHECK(syntax_error(L::Interchange, "024") == "18");
  CHECK(syntax_error(L::Interchange, "025") == "26");
  CHECK(syntax_error(L::Interchange, "026") == "20");
  CHECK(syntax_error(L::Interchange, "027") == "20");
  CHECK(syntax_error(L::Group, "1") == "15");
  CHECK(syntax_error(L::Group, "2") == "2");
  CHECK(syntax_error(L::Group, "3") == "13");
  CHECK(syntax_error(L::Group, "4") == "28");
  CHECK(syntax_error(L::Group, "5") == "29");
  CHECK(syntax_error(L::Group, "6") == "12");
  CHECK(syntax_error(L::Group, "19") == "26");  // a UNG reference used twice in the interchange: duplicate detected
  CHECK(syntax_error(L::Message, "1") == "15");
  CHECK(syntax_error(L::Message, "2") == "13");
  CHECK(syntax_error(L::Message, "3") == "28");
  CHECK(syntax_error(L::Message, "4") == "29");
  CHECK(syntax_error(L::Message, "5") == "");
  CHECK(syntax_error(L::Message, "6") == "12");
  CHECK(syntax_error(L::Message, "7") == "12");
  CHECK(syntax_error(L::Message, "23") == "26");
  for (const char* code : {"1", "2", "6", "7"}) CHECK(syntax_error(L::Segment, code) == "15");
  CHECK(syntax_error(L::Segment, "3") == "13");
  CHECK(syntax_error(L::Segment, "4") == "36");
  CHECK(syntax_error(L::Segment, "5") == "35");
  CHECK(syntax_error(L::Segment, "8") == "");
  CHECK(syntax_error(L::Element, "1") == "13");
  CHECK(syntax_error(L::Element, "2") == "13");
  CHECK(syntax_error(L::Element, "3") == "16");
  CHECK(syntax_error(L::Element, "13") == "16");
  CHECK(syntax_error(L::Element, "4") == "40");
  CHECK(syntax_error(L::Element, "5") == "39");
  CHECK(syntax_error(L::Element, "6") == "21");
  for (const char* code : {"7", "8", "9", "10"}) CHECK(syntax_error(L::Element, code) == "12");
  CHECK(syntax_error(L::Element, "12") == "35");
  // Unknown codes, and a known code at another level.
  CHECK(syntax_error(L::Interchange, "999") == "18");
  CHECK(syntax_error(L::Group, "23") == "18");
  CHECK(syntax_error(L::Element, "11") == "18");
}
