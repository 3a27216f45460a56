#include "hub/alerts/alerts.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "hub/alerts/events.h"
#include "hub/alerts/message.h"
#include "hub/alerts/send.h"

namespace edihub::hub::alerts {

namespace {

// The wait before attempt n + 1: 30 s doubling per failure, at most an hour.
std::chrono::milliseconds backoff(int failures) {
  std::chrono::milliseconds wait = std::chrono::seconds(30);
  for (int i = 1; i < failures && wait < std::chrono::hours(1); ++i) wait *= 2;
  return std::min<std::chrono::milliseconds>(wait, std::chrono::hours(1));
}

}  // namespace

Alerts::Alerts(const Config& config, const Clock& clock, archive::Index& index)
    : config_(config), clock_(clock), index_(index) {}

std::size_t Alerts::queue() {
  std::vector<const partners::AlertRule*> rules;
  for (const auto& rule : config_.alerts.rules) rules.push_back(&rule);
  for (const auto& profile : config_.partners.profiles())
    for (const auto& rule : profile.alerts) rules.push_back(&rule);
  const auto now = clock_.now();
  const std::string at = iso_utc(now);
  std::size_t queued = 0;
  auto queue_event = [&](const Event& event) {
    for (const auto* rule : rules) {
      if (!matches(*rule, event)) continue;
      for (const auto& send : rule->send) {
        archive::NotificationRecord n;
        n.rule = rule->name;
        n.channel = send.channel;
        n.event_key = event.key;
        n.delivery_id = delivery_id(rule->name, send.channel, event.key);
        n.partner = event.partner;
        n.payload = payload(event, *rule, n.delivery_id);
        n.next_try_at = n.created_at = n.updated_at = at;
        queued += index_.add_notification(n);
      }
    }
  };
  archive::Index::Transaction tx(index_);
  // Cursors move on even without rules, so a rule added later alerts on what happens
  // from then on, not on the archive's history.
  const std::int64_t exceptions_from = index_.alert_cursor("exceptions"), events_from = index_.alert_cursor("events");
  std::int64_t after_exception = exceptions_from, after_event = events_from;
  for (bool more = true; more;) {
    auto derived = events_after_cursors(index_, after_exception, after_event, kPerPass);
    for (const auto& event : derived.events) queue_event(event);
    after_exception = derived.last_exception;
    after_event = derived.last_event;
    more = derived.more;
  }
  // Written only when they move: a quiet pass writes nothing to the index.
  if (after_exception != exceptions_from) index_.set_alert_cursor("exceptions", after_exception);
  if (after_event != events_from) index_.set_alert_cursor("events", after_event);
  for (const auto& event : failing_polls(index_, now)) queue_event(event);
  tx.commit();
  if (queued > 0 && std::getenv("EDIHUB_TEST_KILL_AFTER_ALERTS_QUEUED")) ::kill(::getpid(), SIGKILL);
  return queued;
}

Alerts::Sent Alerts::send_due(std::unique_lock<std::mutex>& lock) {
  Sent sent;
  std::unique_lock<std::mutex> only_one(sending_, std::try_to_lock);
  if (!only_one.owns_lock()) return sent;
  const int max_attempts = config_.alerts.max_attempts;
  // Every row attempted leaves the due ones (sent, failed, or due again 30 s or more
  // later), so each page is new rows.
  for (bool more = true; more;) {
    auto due = index_.notifications_due(clock_.iso_now(), kPerPass);
    more = due.size() == kPerPass;
    for (auto& n : due) {
      const auto channel = config_.alerts.channels.find(n.channel);
      Attempt attempt;
      if (channel == config_.alerts.channels.end()) {
        attempt = {Attempt::Outcome::refused, "channel '" + n.channel + "' is no longer in edihub.yaml alerts.channels", {}};
      } else {
        lock.unlock();
        try {
          attempt = channel->second.webhook ? post_webhook(*channel->second.webhook, n, max_attempts)
                                            : send_email(*channel->second.email, n, max_attempts, clock_.now());
        } catch (const std::exception& e) {
          attempt = {Attempt::Outcome::retry, e.what(), {}};
        }
        lock.lock();
      }
      n.attempts++;
      n.last_error = attempt.error;
      const std::string now = clock_.iso_now();
      if (attempt.outcome == Attempt::Outcome::retry && n.attempts < max_attempts) {
        n.next_try_at = iso_utc(clock_.now() + std::max(backoff(n.attempts), attempt.retry_in));
        n.updated_at = now;
        index_.retry_notification(n);
        sent.retrying++;
      } else {
        const bool ok = attempt.outcome == Attempt::Outcome::sent;
        index_.transition_notification(n, ok ? archive::NotificationState::sent : archive::NotificationState::failed, now);
        ok ? sent.sent++ : sent.failed++;
      }
    }
  }
  return sent;
}

}  // namespace edihub::hub::alerts
