#include "hub/clock.h"

#include <cstdlib>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

namespace edihub::hub {

namespace {

std::tm utc_tm(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

std::string iso_utc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::tm tm = utc_tm(std::chrono::system_clock::time_point(std::chrono::seconds(ms / 1000)));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string Clock::iso_now() const { return iso_utc(now()); }

std::chrono::system_clock::time_point parse_iso_utc(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M", &tm);
  if (rest && *rest == ':') {
    rest = strptime(rest, ":%S", &tm);
    if (rest && *rest == '.') {
      ++rest;
      for (int scale = 100; scale > 0 && *rest >= '0' && *rest <= '9'; scale /= 10, ++rest) ms += scale * (*rest - '0');
      while (*rest >= '0' && *rest <= '9') ++rest;
    }
  }
  if (rest && *rest == 'Z') ++rest;
  if (!rest || *rest) throw std::invalid_argument("'" + text + "' is not a UTC time such as 2026-11-27T10:15:00Z");
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(ms);
}

std::string x12_utc(std::chrono::system_clock::time_point t, const char* strftime_format) {
  std::tm tm = utc_tm(t);
  char buffer[32];
  std::size_t n = std::strftime(buffer, sizeof buffer, strftime_format, &tm);
  return std::string(buffer, n);
}

std::unique_ptr<Clock> clock_from_environment() {
  if (const char* now = std::getenv("EDIHUB_NOW"); now && *now) return std::make_unique<FixedClock>(parse_iso_utc(now));
  return std::make_unique<SystemClock>();
}

}  // namespace edihub::hub
