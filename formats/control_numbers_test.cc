#include "formats/control_numbers.h"

#include <catch2/catch.hpp>
#include <string>

using edihub::x12::ControlNumberSet;

namespace {

std::string four_digits(int n) {
  std::string s = std::to_string(n);
  return std::string(s.size() < 4 ? 4 - s.size() : 0, '0') + s;
}

}  // namespace

TEST_CASE("control number set: a repeat is found, 0001 and 1 differ, non-numeric numbers too", "[envelope]") {
  ControlNumberSet seen;
  CHECK(seen.insert("0001"));
  CHECK(seen.insert("1"));
  CHECK_FALSE(seen.insert("0001"));
  CHECK(seen.insert("A001"));
  CHECK_FALSE(seen.insert("A001"));
  CHECK(seen.insert("123456789012345678"));
  CHECK(seen.insert("1234567890123456789"));  // 19 digits: kept as text
  CHECK_FALSE(seen.insert("1234567890123456789"));
  seen.clear();
  CHECK(seen.insert("0001"));
}

TEST_CASE("control number set: every one of 200,000 numbers is new once and a repeat after growing", "[envelope]") {
  ControlNumberSet seen;
  for (int i = 1; i <= 200000; ++i) REQUIRE(seen.insert(four_digits(i)));
  for (int i = 1; i <= 200000; i += 997) REQUIRE_FALSE(seen.insert(four_digits(i)));
  CHECK(seen.insert("00001"));  // same value, another length
}
