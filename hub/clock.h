// Where the hub gets "now" from: the system clock in service, a fixed clock in tests and
// for `EDIHUB_NOW` (so an acknowledgment deadline can be checked at a chosen time).
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace edihub::hub {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  // ISO 8601 UTC with milliseconds, e.g. 2026-11-27T10:15:00.123Z (sorts as text).
  std::string iso_now() const;
};

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point at) : at_(at) {}
  std::chrono::system_clock::time_point now() const override { return at_; }
  void set(std::chrono::system_clock::time_point at) { at_ = at; }

 private:
  std::chrono::system_clock::time_point at_;
};

std::string iso_utc(std::chrono::system_clock::time_point t);
// Parses 2026-11-27T10:15:00Z (seconds, fraction and Z optional); throws
// std::invalid_argument naming the text otherwise.
std::chrono::system_clock::time_point parse_iso_utc(const std::string& text);
// X12 envelope dates and times in UTC: "%y%m%d" (ISA09), "%Y%m%d" (GS04), "%H%M".
std::string x12_utc(std::chrono::system_clock::time_point t, const char* strftime_format);

// The system clock, or a fixed one when the environment sets EDIHUB_NOW.
std::unique_ptr<Clock> clock_from_environment();

}  // namespace edihub::hub
