#include "formats/charset.h"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace edihub::x12;

TEST_CASE("UTF-8 by default: invalid bytes are found with their offset", "[charset]") {
  const Charset& utf8 = Charset::utf8();
  CHECK(utf8.is_utf8());
  CHECK_FALSE(utf8.first_invalid("PLAIN ASCII"));
  CHECK_FALSE(utf8.first_invalid("CAF\xC3\x89 M\xC3\x9CNCHEN"));  // CAFÉ MÜNCHEN in UTF-8
  auto bad = utf8.first_invalid("CAF\xC9 M\xDCNCHEN");           // the same in ISO-8859-1
  REQUIRE(bad);
  CHECK(bad->offset == 3);
  CHECK(bad->byte == 0xC9);
  bad = utf8.first_invalid("SHP\xFF");
  REQUIRE(bad);
  CHECK(bad->offset == 3);
  CHECK(bad->byte == 0xFF);
  bad = utf8.first_invalid("AB\xC3");  // a sequence cut off at the end
  REQUIRE(bad);
  CHECK(bad->offset == 2);
  // What cannot be decoded becomes U+FFFD: the result is always valid UTF-8.
  CHECK(utf8.to_utf8("CAF\xC9!") == "CAF\xEF\xBF\xBD!");
  CHECK(escape_invalid_utf8("CAF\xC9 M\xC3\x9C") == "CAF\\xC9 M\xC3\x9C");
}

TEST_CASE("ISO-8859-1 and windows-1252 values are converted to UTF-8", "[charset]") {
  const Charset latin1("iso-8859-1");
  CHECK_FALSE(latin1.is_utf8());
  CHECK_FALSE(latin1.first_invalid("CAF\xC9 M\xDCNCHEN"));
  CHECK(latin1.to_utf8("CAF\xC9 M\xDCNCHEN") == "CAF\xC3\x89 M\xC3\x9CNCHEN");
  CHECK(latin1.to_utf8("\xFF") == "\xC3\xBF");
  const Charset cp1252("windows-1252");
  CHECK(cp1252.to_utf8("\x80 5") == "\xE2\x82\xAC 5");  // the euro sign
  // 0x81 is not assigned in windows-1252.
  auto bad = cp1252.first_invalid("AB\x81");
  REQUIRE(bad);
  CHECK(bad->offset == 2);
  CHECK(cp1252.to_utf8("AB\x81") == "AB\xEF\xBF\xBD");
}

TEST_CASE("a character set iconv does not know is refused", "[charset]") {
  CHECK_THROWS_AS(Charset("klingon-8"), std::invalid_argument);
  CHECK_THROWS_WITH(Charset("klingon-8"), "character set 'klingon-8' is not known to iconv");
}
