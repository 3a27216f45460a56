#include "hub/alerts/events.h"

#include <algorithm>

#include <fmt/format.h>

#include "hub/clock.h"

namespace edihub::hub::alerts {

namespace {

using partners::AlertOn;

Event exception_event(const archive::ExceptionRecord& e) {
  Event ev;
  ev.type = Event::Type::exception;
  ev.key = "exception:" + std::to_string(e.id);
  ev.kind = e.kind;
  ev.partner = e.partner;
  ev.at = e.created_at;
  const bool overdue = e.kind == "overdue_ack" || e.kind == "mdn_overdue";
  ev.subject = overdue ? fmt::format("acknowledgment overdue ({} exception #{})", e.kind, e.id)
                       : fmt::format("{} exception #{} opened", e.kind, e.id);
  ev.facts = {{"Exception", fmt::format("#{} {}", e.id, e.kind)}, {"Opened", e.created_at}, {"Reason", e.reason}};
  if (e.file_id) ev.facts.emplace_back("File", "F" + std::to_string(e.file_id));
  std::string documents;
  for (const auto& d : e.documents) documents += (documents.empty() ? "" : ", ") + d;
  if (!documents.empty()) ev.facts.emplace_back("Documents", documents);
  ev.detail = {{"id", e.id},         {"kind", e.kind},       {"reason", e.reason},
               {"file_id", e.file_id}, {"set_id", e.set_id}, {"documents", e.documents},
               {"created_at", e.created_at}};
  return ev;
}

Event dead_letter_event(const archive::EventRecord& step, const archive::TransactionSetRecord& set) {
  Event ev;
  ev.type = Event::Type::dead_letter;
  ev.key = "dead_letter:event:" + std::to_string(step.id);
  ev.partner = set.partner;
  ev.at = step.at;
  ev.subject = fmt::format("ERP delivery dead-lettered (transaction set {} {})", set.type, set.control_number);
  ev.facts = {{"Transaction set", fmt::format("{} {} ({})", set.type, set.control_number, set.idempotency_key)},
              {"Given up", step.at},
              {"ERP sink", step.detail}};
  if (set.file_id) ev.facts.emplace_back("File", "F" + std::to_string(set.file_id));
  ev.detail = {{"set_id", set.id},     {"type", set.type},         {"control_number", set.control_number},
               {"idempotency_key", set.idempotency_key}, {"file_id", set.file_id}, {"detail", step.detail},
               {"at", step.at}};
  return ev;
}

}  // namespace

bool matches(const partners::AlertRule& rule, const Event& event) {
  if (!rule.partner.empty() && rule.partner != event.partner) return false;
  switch (rule.on) {
    case AlertOn::exception:
      return event.type == Event::Type::exception &&
             std::find(rule.kinds.begin(), rule.kinds.end(), event.kind) != rule.kinds.end();
    case AlertOn::overdue_ack:
      return event.type == Event::Type::exception && (event.kind == "overdue_ack" || event.kind == "mdn_overdue");
    case AlertOn::polls_failing:
      return event.type == Event::Type::polls_failing && event.failing_for >= rule.failing_for;
    case AlertOn::dead_letter:
      return event.type == Event::Type::dead_letter;
  }
  return false;
}

Derived events_after_cursors(const archive::Index& index, std::int64_t after_exception, std::int64_t after_event,
                             std::size_t limit) {
  Derived d{{}, after_exception, after_event, false};
  const auto exceptions = index.exceptions_after(after_exception, limit);
  for (const auto& e : exceptions) {
    d.events.push_back(exception_event(e));
    d.last_exception = e.id;
  }
  const auto steps = index.events_after(after_event, "dead_letter", limit);
  for (const auto& step : steps) {
    d.last_event = step.id;
    if (auto set = index.transaction_set(step.set_id)) d.events.push_back(dead_letter_event(step, *set));
  }
  // No more dead letters up to the newest event: the cursor moves past all of them, so
  // the next pass does not scan them again.
  if (steps.size() < limit) d.last_event = std::max(d.last_event, index.last_event_id());
  d.more = exceptions.size() == limit || steps.size() == limit;
  return d;
}

std::vector<Event> failing_polls(const archive::Index& index, std::chrono::system_clock::time_point now) {
  std::vector<Event> events;
  for (const auto& p : index.partner_polls()) {
    if (p.failing_since.empty()) continue;
    Event ev;
    ev.type = Event::Type::polls_failing;
    ev.key = "polls_failing:" + p.partner + ":" + p.failing_since;
    ev.partner = p.partner;
    ev.at = p.failing_since;
    ev.failing_for = std::chrono::duration_cast<std::chrono::seconds>(now - parse_iso_utc(p.failing_since));
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(ev.failing_for).count();
    ev.subject = fmt::format("polls failing for {} min", minutes);
    ev.facts = {{"Failing since", p.failing_since},
                {"Last error", p.last_error},
                {"Last error at", p.last_error_at},
                {"Last good poll", p.last_ok_at.empty() ? "none recorded" : p.last_ok_at}};
    ev.detail = {{"failing_since", p.failing_since}, {"failing_minutes", minutes}, {"last_error", p.last_error},
                 {"last_error_at", p.last_error_at}, {"last_ok_at", p.last_ok_at}};
    events.push_back(std::move(ev));
  }
  return events;
}

}  // namespace edihub::hub::alerts
