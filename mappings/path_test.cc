#include "mappings/path.h"

#include <catch2/catch.hpp>

using namespace edihub::mapping;

TEST_CASE("paths: element, component, repetition", "[mappings][path]") {
  Path p = parse_path("BSN02");
  CHECK(p.segment.tag == "BSN");
  CHECK(p.element.element == 2);
  CHECK(p.element.component == 0);
  CHECK(p.element.repetition == 0);
  CHECK(p.segment.place.kind == Place::Kind::Here);

  p = parse_path("N101");  // two-character tag
  CHECK(p.segment.tag == "N1");
  CHECK(p.element.element == 1);

  p = parse_path("SLN05-2");
  CHECK(p.segment.tag == "SLN");
  CHECK(p.element.element == 5);
  CHECK(p.element.component == 2);

  p = parse_path("PER04^2-1");
  CHECK(p.element.repetition == 2);
  CHECK(p.element.component == 1);
}

TEST_CASE("paths: qualifier filters and places", "[mappings][path]") {
  Path p = parse_path("REF02 where REF01=BM|CN");
  REQUIRE(p.segment.where.size() == 1);
  CHECK(p.segment.where[0].element.element == 1);
  CHECK(p.segment.where[0].values == std::vector<std::string>{"BM", "CN"});

  p = parse_path("MEA03 where MEA01=PD and MEA02=G in shipment");
  CHECK(p.segment.where.size() == 2);
  CHECK(p.segment.place.kind == Place::Kind::Above);
  CHECK(p.segment.place.level == "S");

  p = parse_path("MAN02 where MAN01=GM in pack below");
  CHECK(p.segment.place.kind == Place::Kind::Below);
  CHECK(p.segment.place.level == "P");

  CHECK(parse_path("BSN02 in set").segment.place.kind == Place::Kind::Set);
}

TEST_CASE("paths: value after a qualifier in LIN/PO1 pairs", "[mappings][path]") {
  Path p = parse_path("LIN after VP|VN");
  CHECK(p.segment.tag == "LIN");
  CHECK(p.pairs_from == 2);
  CHECK(p.after == std::vector<std::string>{"VP", "VN"});
  CHECK(parse_path("PO1 after BP").pairs_from == 6);
}

TEST_CASE("paths: unknown tags and element numbers are syntax, not errors", "[mappings][path]") {
  CHECK_NOTHROW(parse_path("XY02"));
  CHECK_NOTHROW(parse_path("BSN99"));
}

TEST_CASE("paths: malformed paths are rejected with the reason", "[mappings][path]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(parse_path("BSN2"), Contains("'BSN2' is not an element such as BSN02"));
  CHECK_THROWS_WITH(parse_path("bsn02"), Contains("is not an element"));
  CHECK_THROWS_WITH(parse_path("BSN00"), Contains("is not an element"));
  CHECK_THROWS_WITH(parse_path("SLN05-"), Contains("component number"));
  CHECK_THROWS_WITH(parse_path("PER04^x"), Contains("repetition number"));
  CHECK_THROWS_WITH(parse_path("REF02 where"), Contains("need a condition"));
  CHECK_THROWS_WITH(parse_path("REF02 where REF01"), Contains("has no '='"));
  CHECK_THROWS_WITH(parse_path("REF02 where N101=ST"), Contains("must test an element of REF"));
  CHECK_THROWS_WITH(parse_path("REF02 where REF01=BM|"), Contains("empty condition value"));
  CHECK_THROWS_WITH(parse_path("REF02 in orders"), Contains("unknown level 'orders'"));
  CHECK_THROWS_WITH(parse_path("REF02 in pack above"), Contains("unexpected 'above'"));
  CHECK_THROWS_WITH(parse_path("REF02 REF01=BM"), Contains("expected 'where' or 'in'"));
  CHECK_THROWS_WITH(parse_path("TD5 after BP"), Contains("not TD5"));
  CHECK_THROWS_WITH(parse_path("LIN after"), Contains("needs a qualifier"));
  CHECK_THROWS_WITH(parse_selector("N1 where"), Contains("need a condition"));
  CHECK_THROWS_WITH(parse_selector("n1"), Contains("expected a segment tag"));
}

TEST_CASE("places and level names", "[mappings][path]") {
  CHECK(names_place("order"));
  CHECK(names_place("pack below"));
  CHECK(names_place("set"));
  CHECK_FALSE(names_place("N1 where N101=ST"));
  CHECK(level_code("tare") == "T");
  CHECK(level_code("orders").empty());
  CHECK(parse_place("item").level == "I");
}
