// What alert rules watch, derived from the archive index (docs/alerts.md): exceptions
// opened since a cursor the index keeps (every kind, the reconciliation findings and the
// overdue acknowledgments among them), ERP deliveries dead-lettered since another cursor
// (the `dead_letter` step of a transaction set), and partners whose polls have been
// failing (partner_polls.failing_since). Each event has a key that names it for good, so
// deriving it again queues nothing new (the notifications' UNIQUE rule+channel+key).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "partners/alert_rules.h"

namespace edihub::hub::alerts {

struct Event {
  enum class Type { exception, dead_letter, polls_failing };
  Type type = Type::exception;
  std::string key;                  // "exception:42", "dead_letter:event:7", "polls_failing:acme:<since>"
  std::string kind;                 // the exception kind (type exception)
  std::string partner;
  std::string at;                   // when it happened
  std::chrono::seconds failing_for{0};  // type polls_failing: how long by `now`
  std::string subject;              // one line, for the e-mail subject
  std::vector<std::pair<std::string, std::string>> facts;  // label, value: the e-mail body
  nlohmann::ordered_json detail;    // the same for the webhook, as fields
};

// Whether `rule` alerts on `event` (its `on`, kinds, threshold and partner).
bool matches(const partners::AlertRule& rule, const Event& event);

// Events after the index's cursors, at most `limit` of each source (the caller loops
// until fewer come back), and the ids to move the cursors to.
struct Derived {
  std::vector<Event> events;
  std::int64_t last_exception = 0, last_event = 0;
  bool more = false;  // a source returned `limit` rows: call again from the new cursors
};
Derived events_after_cursors(const archive::Index& index, std::int64_t after_exception, std::int64_t after_event,
                             std::size_t limit);
// Partners whose polls have failed since some time before `now`.
std::vector<Event> failing_polls(const archive::Index& index, std::chrono::system_clock::time_point now);

}  // namespace edihub::hub::alerts
