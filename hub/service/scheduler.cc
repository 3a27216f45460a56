#include "hub/service/scheduler.h"

#include <algorithm>

namespace edihub::hub {

Scheduler::Scheduler(const std::vector<Entry>& entries, TimePoint start) {
  for (const auto& e : entries) partners_[e.partner] = State{e, e.schedule.next_open(start), false};
}

std::vector<std::string> Scheduler::take_due(TimePoint now) {
  std::vector<std::string> due;
  for (auto& [id, s] : partners_) {
    if (s.polling || s.due > now) continue;
    if (!s.entry.schedule.open_at(now)) {
      // Due inside a window that has closed since: wait for the next one.
      s.due = s.entry.schedule.next_open(now);
      continue;
    }
    s.polling = true;
    due.push_back(id);
  }
  return due;
}

void Scheduler::finished(const std::string& partner, TimePoint now) {
  auto it = partners_.find(partner);
  if (it == partners_.end()) return;
  it->second.polling = false;
  it->second.due = it->second.entry.schedule.next_open(now + it->second.entry.every);
}

Scheduler::TimePoint Scheduler::next_due() const {
  TimePoint next = TimePoint::max();
  for (const auto& [id, s] : partners_)
    if (!s.polling) next = std::min(next, s.due);
  return next;
}

bool Scheduler::polling(const std::string& partner) const {
  auto it = partners_.find(partner);
  return it != partners_.end() && it->second.polling;
}

Scheduler::TimePoint Scheduler::due_at(const std::string& partner) const {
  auto it = partners_.find(partner);
  return it == partners_.end() || it->second.polling ? TimePoint::max() : it->second.due;
}

}  // namespace edihub::hub
