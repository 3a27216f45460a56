// EDIFACT in the segment path grammar (mappings/path.h): element and component addressing
// as in X12, qualifier filters as EDI analysts write them (RFF+ON), enclosing segment
// groups (in CPS), PIA's composite pairs, and the mistakes the grammar refuses.
#include "mappings/path.h"

#include <catch2/catch.hpp>

using namespace edihub::mapping;
using Catch::Matchers::Contains;

namespace {

void check_condition(const Condition& c, const std::string& tag, int element, std::vector<std::string> values) {
  CHECK(c.element.tag == tag);
  CHECK(c.element.element == element);
  CHECK(c.element.component == 1);  // a qualifier is the first component of its element
  CHECK(c.values == values);
}

void check_refused(const std::string& text, const std::string& message, bool selector = false) {
  try {
    if (selector)
      parse_selector(text);
    else
      parse_path(text);
    FAIL("accepted: " << text);
  } catch (const PathError& e) {
    CHECK_THAT(e.what(), Contains(message));
  }
}

}  // namespace

TEST_CASE("EDIFACT paths: element and component, with a qualifier filter", "[mappings][edifact][path]") {
  Path p = parse_path("DTM01-2 where DTM+137");
  CHECK(p.segment.tag == "DTM");
  CHECK(p.element.element == 1);
  CHECK(p.element.component == 2);
  REQUIRE(p.segment.where.size() == 1);
  check_condition(p.segment.where[0], "DTM", 1, {"137"});

  p = parse_path("RFF01-2 where RFF+ON|CO");
  check_condition(p.segment.where.at(0), "RFF", 1, {"ON", "CO"});

  // Two qualifiers: MEA+PD+AAB tests MEA01 and the first component of MEA02.
  p = parse_path("MEA03-2 where MEA+PD+AAB|G");
  REQUIRE(p.segment.where.size() == 2);
  check_condition(p.segment.where[0], "MEA", 1, {"PD"});
  check_condition(p.segment.where[1], "MEA", 2, {"AAB", "G"});

  // X12 conditions still work, and mix with the EDIFACT form.
  p = parse_path("LIN03-1 where LIN03-2=SRV and LIN+1");
  REQUIRE(p.segment.where.size() == 2);
  CHECK(p.segment.where[0].element.element == 3);
  CHECK(p.segment.where[0].element.component == 2);
  check_condition(p.segment.where[1], "LIN", 1, {"1"});
}

TEST_CASE("EDIFACT selectors: TAG+QUALIFIER heads, empty parts test nothing", "[mappings][edifact][path]") {
  Selector s = parse_selector("NAD+SU|SE");
  CHECK(s.tag == "NAD");
  REQUIRE(s.where.size() == 1);
  check_condition(s.where[0], "NAD", 1, {"SU", "SE"});

  s = parse_selector("PIA++X");  // element 1 untested
  REQUIRE(s.where.size() == 1);
  check_condition(s.where[0], "PIA", 2, {"X"});

  s = parse_selector("RFF+ON in set");
  CHECK(s.place.kind == Place::Kind::Set);
  s = parse_selector("QTY+12 where QTY01-3=PCE");
  CHECK(s.where.size() == 2);
}

TEST_CASE("EDIFACT places: in TAG is the segment group the context lies in", "[mappings][edifact][path]") {
  Path p = parse_path("GIN02-1 where GIN+BJ in CPS");
  CHECK(p.segment.place.kind == Place::Kind::Enclosing);
  CHECK(p.segment.place.level == "CPS");
  CHECK(parse_place("LIN").kind == Place::Kind::Enclosing);
  CHECK(parse_place("pack").kind == Place::Kind::Above);  // X12 levels are unchanged
}

TEST_CASE("EDIFACT paths: PIA after a type reads the item number of that type", "[mappings][edifact][path]") {
  Path p = parse_path("PIA after SA|IN");
  CHECK(p.segment.tag == "PIA");
  CHECK(p.composite_pairs);
  CHECK(p.pairs_from == 2);
  CHECK(p.after == std::vector<std::string>{"SA", "IN"});
  CHECK_FALSE(parse_path("LIN after VP").composite_pairs);
}

TEST_CASE("EDIFACT paths: malformed qualifier filters are refused with the reason", "[mappings][edifact][path]") {
  check_refused("RFF01-2 where NAD+SU", "must test RFF");
  check_refused("RFF01-2 where RFF+", "names no qualifier");
  check_refused("RFF01-2 where RFF+ON|", "empty qualifier");
  check_refused("rff+ON", "needs a segment tag before '+'", true);
  check_refused("+ON", "needs a segment tag before '+'", true);
  check_refused("DTM01-2 where DTM+137 in", "'in' needs 'set', a level");
  check_refused("GIN02 in cps", "unknown level 'cps'");
  check_refused("IMD after F", "not IMD");
}
