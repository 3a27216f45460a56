#include "partners/schedule.h"

#include <array>
#include <cctype>

#include "partners/sections.h"

namespace edihub::partners {

namespace {

using std::chrono::system_clock;

constexpr std::array<std::string_view, 7> kDays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::optional<int> day_index(std::string_view name) {
  for (std::size_t i = 0; i < kDays.size(); ++i)
    if (kDays[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

std::optional<int> minute_of(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (!std::isdigit(static_cast<unsigned char>(hhmm[i]))) return std::nullopt;
  int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0'), m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

// Monday-based day of the week and minute of the day of `t` in UTC.
std::pair<int, int> day_and_minute(system_clock::time_point t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  int weekday = static_cast<int>(std::chrono::weekday(day).iso_encoding()) - 1;
  int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(t - day).count());
  return {weekday, minute};
}

bool window_open(const TimeWindow& w, int weekday, int minute) {
  auto day_on = [&](int d) { return (w.days >> ((d + 7) % 7)) & 1u; };
  if (w.end_minute > w.start_minute) return day_on(weekday) && minute >= w.start_minute && minute < w.end_minute;
  // Crosses midnight: the evening part on its own day, the morning part the day after.
  return (day_on(weekday) && minute >= w.start_minute) || (day_on(weekday - 1) && minute < w.end_minute);
}

}  // namespace

std::optional<TimeWindow> parse_window(std::string_view text, std::string& error) {
  TimeWindow w;
  auto space = text.find(' ');
  std::string_view times = text;
  if (space != std::string_view::npos) {
    std::string_view days = text.substr(0, space);
    times = text.substr(text.find_first_not_of(' ', space));
    auto dash = days.find('-');
    auto first = day_index(days.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : day_index(days.substr(dash + 1));
    if (!first || !last) {
      error = "days '" + std::string(days) + "' must be a day (mon..sun) or a range like mon-fri";
      return std::nullopt;
    }
    w.days = 0;
    for (int d = *first;; d = (d + 1) % 7) {
      w.days |= 1u << d;
      if (d == *last) break;
    }
  }
  auto dash = times.find('-');
  auto start = minute_of(times.substr(0, dash));
  auto end = dash == std::string_view::npos ? std::nullopt : minute_of(times.substr(dash + 1));
  if (!start || !end || *start == *end) {
    error = "time range '" + std::string(times) + "' must be HH:MM-HH:MM (UTC) with different ends, like 06:00-20:00";
    return std::nullopt;
  }
  w.start_minute = *start;
  w.end_minute = *end;
  return w;
}

bool Schedule::open_at(system_clock::time_point t) const {
  if (windows.empty()) return true;
  auto [weekday, minute] = day_and_minute(t);
  for (const auto& w : windows)
    if (window_open(w, weekday, minute)) return true;
  return false;
}

system_clock::time_point Schedule::next_open(system_clock::time_point t) const {
  if (open_at(t)) return t;
  // Windows open on whole minutes: step minute by minute, at most one week.
  auto minute = std::chrono::ceil<std::chrono::minutes>(t);
  for (int i = 0; i <= 7 * 24 * 60; ++i, minute += std::chrono::minutes(1))
    if (open_at(minute)) return minute;
  return system_clock::time_point::max();  // no window ever opens (all days off): never
}

namespace detail {

void read_schedule(ProfileReader& r, const YAML::Node& node, Schedule& schedule) {
  if (!node.IsDefined()) return;
  if (!node.IsMap()) return r.problem(node, "'schedule' must be a mapping {poll_every: 5m, windows: [\"mon-fri 06:00-20:00\"]}");
  r.reject_unknown_keys(node, {"poll_every", "windows"}, "'schedule'");
  if (const auto every = node["poll_every"])
    if (auto d = r.duration(every, "schedule.poll_every", "30s, 5m or 1h", std::chrono::seconds(1))) schedule.poll_every = d;
  if (const auto windows = node["windows"]) {
    if (!windows.IsSequence()) return r.problem(windows, "schedule.windows must be a list like [\"mon-fri 06:00-20:00\"] (UTC)");
    for (const auto& w : windows) {
      std::string error;
      if (auto window = parse_window(w.IsScalar() ? w.as<std::string>() : "", error)) schedule.windows.push_back(*window);
      else r.problem(w, "schedule window: " + error);
    }
  }
}

}  // namespace detail

}  // namespace edihub::partners
