#include "partners/schedule.h"

#include <catch2/catch.hpp>

using edihub::partners::parse_window;
using edihub::partners::Schedule;

namespace {

// "2026-11-27T05:59:59Z" as a time point (the tests' own reading, independent of the code under test).
std::chrono::system_clock::time_point at(const std::string& iso) {
  using namespace std::chrono;
  auto n = [&](int pos, int len) { return std::stoi(iso.substr(pos, len)); };
  return sys_days(year(n(0, 4)) / n(5, 2) / n(8, 2)) + hours(n(11, 2)) + minutes(n(14, 2)) + seconds(n(17, 2));
}

Schedule with(std::initializer_list<const char*> windows) {
  Schedule s;
  for (auto text : windows) {
    std::string error;
    auto w = parse_window(text, error);
    REQUIRE(w);
    s.windows.push_back(*w);
  }
  return s;
}

}  // namespace

TEST_CASE("a window is open from its start up to, not including, its end", "[schedule]") {
  auto s = with({"06:00-20:00"});
  CHECK_FALSE(s.open_at(at("2026-11-27T05:59:59Z")));
  CHECK(s.open_at(at("2026-11-27T06:00:00Z")));
  CHECK(s.open_at(at("2026-11-27T19:59:59Z")));
  CHECK_FALSE(s.open_at(at("2026-11-27T20:00:00Z")));
  CHECK(s.next_open(at("2026-11-27T21:10:30Z")) == at("2026-11-28T06:00:00Z"));
  CHECK(s.next_open(at("2026-11-27T07:00:00Z")) == at("2026-11-27T07:00:00Z"));
}

TEST_CASE("days restrict a window and a window over midnight belongs to the day it starts", "[schedule]") {
  // 2026-11-27 is a Friday.
  auto weekdays = with({"mon-fri 08:00-17:00"});
  CHECK(weekdays.open_at(at("2026-11-27T09:00:00Z")));
  CHECK_FALSE(weekdays.open_at(at("2026-11-28T09:00:00Z")));
  CHECK(weekdays.next_open(at("2026-11-27T18:00:00Z")) == at("2026-11-30T08:00:00Z"));

  auto nights = with({"fri 22:00-02:00"});
  CHECK(nights.open_at(at("2026-11-27T23:30:00Z")));
  CHECK(nights.open_at(at("2026-11-28T01:59:00Z")));  // Saturday morning, Friday's window
  CHECK_FALSE(nights.open_at(at("2026-11-28T23:30:00Z")));
  CHECK_FALSE(nights.open_at(at("2026-11-27T01:00:00Z")));  // Friday morning is Thursday's

  auto wrap = with({"sat-mon 10:00-11:00"});
  CHECK(wrap.open_at(at("2026-11-29T10:30:00Z")));   // Sunday
  CHECK(wrap.open_at(at("2026-11-30T10:30:00Z")));   // Monday
  CHECK_FALSE(wrap.open_at(at("2026-12-01T10:30:00Z")));  // Tuesday
}

TEST_CASE("malformed windows are refused with what was expected", "[schedule]") {
  std::string error;
  for (const char* bad : {"6:00-20:00", "06:00", "06:00-06:00", "25:00-26:00", "funday 06:00-07:00", "mon-xyz 06:00-07:00",
                          "06:60-07:00"}) {
    CAPTURE(bad);
    error.clear();
    CHECK_FALSE(parse_window(bad, error));
    CHECK_FALSE(error.empty());
  }
  CHECK(parse_window("00:00-24:00", error));
}
