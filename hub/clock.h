// Where the hub gets "now" from: the system clock in service, a settable clock in tests.
#pragma once

#include <chrono>
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

std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace edihub::hub
