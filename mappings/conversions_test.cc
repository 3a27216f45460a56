#include "mappings/conversions.h"

#include <catch2/catch.hpp>

using namespace edihub::mapping;
using nlohmann::json;

namespace {
json as(const char* name, const char* text) { return convert(parse_conversion(name), text); }
}  // namespace

TEST_CASE("dates: CCYYMMDD and YYMMDD to ISO 8601", "[mappings][conversions]") {
  CHECK(as("date", "20090921") == "2009-09-21");
  CHECK(as("date", "030619") == "2003-06-19");
  CHECK(as("date", "991231") == "1999-12-31");
  CHECK(as("date", "20240229") == "2024-02-29");
  CHECK_THROWS_WITH(as("date", "20230229"), "'20230229' is not a valid calendar date");
  CHECK_THROWS_WITH(as("date", "2009133"), "'2009133' is not a date (CCYYMMDD or YYMMDD)");
  CHECK_THROWS_WITH(as("date", "20091301"), "'20091301' is not a valid calendar date");
}

TEST_CASE("times: HHMM, HHMMSS, HHMMSSDD to HH:MM:SS", "[mappings][conversions]") {
  CHECK(as("time", "0801") == "08:01:00");
  CHECK(as("time", "142428") == "14:24:28");
  CHECK(as("time", "14242875") == "14:24:28");
  CHECK_THROWS_WITH(as("time", "2460"), "'2460' is not a valid time of day");
  CHECK_THROWS_WITH(as("time", "08015"), "'08015' is not a time (HHMM, HHMMSS or HHMMSSDD)");
}

TEST_CASE("datetimes: one CCYYMMDDHHMM[SS] value", "[mappings][conversions]") {
  CHECK(as("datetime", "202404121530") == "2024-04-12T15:30:00");
  CHECK(as("datetime", "20240412153059") == "2024-04-12T15:30:59");
  CHECK_THROWS_WITH(as("datetime", "20240412"), "'20240412' is not a datetime (CCYYMMDDHHMM or CCYYMMDDHHMMSS)");
}

TEST_CASE("decimals keep their digits", "[mappings][conversions]") {
  CHECK(as("decimal", "12") == json(12));
  CHECK(as("decimal", "12").is_number_integer());
  CHECK(as("decimal", "12.000").is_number_integer());
  CHECK(as("decimal", "60.310").dump() == "60.31");
  CHECK(as("decimal", "4215.078").dump() == "4215.078");
  CHECK(as("decimal", "-.5").dump() == "-0.5");
  CHECK(as("decimal", "0.1").dump() == "0.1");
  CHECK(as("decimal", "123456789012345678").dump() == "123456789012345678");
  CHECK(as("decimal", "12345678901234.5").dump() == "12345678901234.5");
  CHECK_THROWS_WITH(as("decimal", "1234567890123.4567"),
                    Catch::Matchers::Contains("more digits than a JSON number keeps"));
  CHECK_THROWS_WITH(as("decimal", "12,5"), "'12,5' is not a decimal number");
  CHECK_THROWS_WITH(as("decimal", "."), "'.' is not a decimal number");
  CHECK_THROWS_WITH(as("decimal", "1e5"), "'1e5' is not a decimal number");
}

TEST_CASE("integers and implied decimals", "[mappings][conversions]") {
  CHECK(as("integer", "00030") == json(30));
  CHECK(as("N0", "-7") == json(-7));
  CHECK_THROWS_WITH(as("integer", "1.5"), "'1.5' is not an integer");
  CHECK(as("N2", "1250").dump() == "12.5");
  CHECK(as("N2", "5").dump() == "0.05");
  CHECK(as("N2", "-100") == json(-1));
  CHECK_THROWS_WITH(as("N2", "12.50"), "'12.50' is not a number with implied decimals");
}

TEST_CASE("conversion names", "[mappings][conversions]") {
  CHECK(parse_conversion("text").kind == Conversion::Kind::Text);
  CHECK(parse_conversion("N3").decimals == 3);
  CHECK(parse_conversion("N3").numeric());
  CHECK_THROWS_WITH(parse_conversion("number"), Catch::Matchers::Contains("unknown conversion 'number'"));
}
