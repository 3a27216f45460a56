// Which partner polls are due for `edihub serve`. Pure bookkeeping with no threads and no
// clock of its own, so the service and the tests drive it with their own time.
// A partner is polled by one poll at a time; its next poll is due `every` after the
// previous one finished (never back to back when a poll outlasts its interval), moved to
// the opening of its next time window when it falls outside its windows.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "partners/schedule.h"

namespace edihub::hub {

class Scheduler {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  struct Entry {
    std::string partner;
    std::chrono::seconds every{60};
    partners::Schedule schedule;
  };

  // Every partner is first due at `start` (or when its first window opens).
  Scheduler(const std::vector<Entry>& entries, TimePoint start);

  // The partners due at `now` that are not being polled; they are marked as being polled.
  std::vector<std::string> take_due(TimePoint now);
  // A poll of `partner` ended at `now`.
  void finished(const std::string& partner, TimePoint now);
  // The earliest moment an idle partner becomes due; TimePoint::max() when none.
  TimePoint next_due() const;
  bool polling(const std::string& partner) const;
  // When `partner` is next due (for /healthz); TimePoint::max() while it is being polled.
  TimePoint due_at(const std::string& partner) const;

 private:
  struct State {
    Entry entry;
    TimePoint due;
    bool polling = false;
  };
  std::map<std::string, State> partners_;
};

}  // namespace edihub::hub
