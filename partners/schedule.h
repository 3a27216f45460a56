// When `edihub serve` polls a partner: an interval and optional time windows (UTC).
// Windows are written "06:00-20:00" or "mon-fri 06:00-20:00" (days: mon..sun, a single
// day or a range, ranges may wrap: "fri-mon"); an end before the start crosses midnight
// and then belongs to the day it started on. No windows means always.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edihub::partners {

struct TimeWindow {
  unsigned days = 0x7f;     // bit 0 = Monday ... bit 6 = Sunday
  int start_minute = 0;     // minutes after 00:00 UTC
  int end_minute = 24 * 60; // exclusive; <= start_minute: ends the next day
};

struct Schedule {
  std::optional<std::chrono::seconds> poll_every;  // nullopt: the service default
  std::vector<TimeWindow> windows;                 // empty: always

  bool open_at(std::chrono::system_clock::time_point t) const;
  // The first moment at or after `t` when a window is open (t itself when open now).
  std::chrono::system_clock::time_point next_open(std::chrono::system_clock::time_point t) const;
};

// Parses "06:00-20:00" / "mon-fri 06:00-20:00"; nullopt with `error` set when malformed.
std::optional<TimeWindow> parse_window(std::string_view text, std::string& error);

}  // namespace edihub::partners
