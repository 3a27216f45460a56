#include "hub/text_escape.h"

#include <catch2/catch.hpp>

using edihub::hub::escape_controls;
using edihub::hub::escape_controls_keep_lines;

TEST_CASE("control characters are escaped, UTF-8 text is kept", "[hub][text_escape]") {
  CHECK(escape_controls("asn-1.edi") == "asn-1.edi");
  CHECK(escape_controls("a\nb\r\tc") == "a\\nb\\r\\tc");
  CHECK(escape_controls("red\x1b[31m.edi") == "red\\x1b[31m.edi");
  CHECK(escape_controls(std::string("nul\0del\x7f", 8)) == "nul\\x00del\\x7f");
  CHECK(escape_controls("M\xC3\xBCnchen \xE2\x80\x9C\xE2\x80\x9D") == "M\xC3\xBCnchen \xE2\x80\x9C\xE2\x80\x9D");  // ü and quotes
  CHECK(escape_controls("csi\xC2\x9B" "31m") == "csi\\xc2\\x9b31m");  // U+009B, the C1 CSI
  CHECK(escape_controls("latin1 \x9b \xE9") == "latin1 \\x9b \xE9");  // not UTF-8: C1 bytes escaped, others kept
  CHECK(escape_controls("back\\slash") == "back\\slash");
  CHECK(escape_controls_keep_lines("one\n  two\x1b") == "one\n  two\\x1b");
}

TEST_CASE("JSON dumps replace invalid UTF-8 instead of throwing", "[hub][text_escape]") {
  nlohmann::json j = {{"name", "CAF\xC9"}};
  CHECK_THROWS(j.dump());
  CHECK(edihub::hub::dump_json(j) == "{\"name\":\"CAF\xEF\xBF\xBD\"}");
}
