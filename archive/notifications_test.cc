#include <catch2/catch.hpp>

#include "archive/index.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;

namespace {

NotificationRecord notification(const std::string& rule, const std::string& channel, const std::string& key,
                                const std::string& next_try_at) {
  NotificationRecord n;
  n.rule = rule;
  n.channel = channel;
  n.event_key = key;
  n.delivery_id = "edihub-" + rule + "-" + channel + "-" + key;
  n.partner = "acme";
  n.payload = R"({"subject":"x"})";
  n.next_try_at = n.created_at = n.updated_at = next_try_at;
  return n;
}

}  // namespace

TEST_CASE("notifications: queued once per rule, channel and event, due by time, sent or failed once",
          "[index][alerts]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  CHECK(index->alert_cursor("exceptions") == 0);  // a new archive has no history

  CHECK(index->add_notification(notification("late", "mail", "exception:1", "2026-12-07T08:00:00.000Z")));
  CHECK(index->add_notification(notification("late", "hook", "exception:1", "2026-12-07T08:00:00.000Z")));
  CHECK(index->add_notification(notification("down", "mail", "exception:1", "2026-12-07T08:00:00.000Z")));
  // The same event derived again (a crash before the cursor moved) queues nothing.
  CHECK_FALSE(index->add_notification(notification("late", "mail", "exception:1", "2026-12-07T09:00:00.000Z")));
  CHECK(index->count_notifications() == 3);

  CHECK(index->notifications_due("2026-12-07T07:59:59.999Z", 10).empty());
  auto due = index->notifications_due("2026-12-07T08:00:00.000Z", 2);
  REQUIRE(due.size() == 2);  // the limit
  CHECK(due[0].rule == "late");
  CHECK(due[0].channel == "mail");
  CHECK(due[0].state == NotificationState::pending);

  auto retry = due[1];
  retry.attempts = 1;
  retry.last_error = "HTTP 500";
  retry.next_try_at = "2026-12-07T08:00:30.000Z";
  index->retry_notification(retry);
  auto sent = due[0];
  sent.attempts = 1;
  index->transition_notification(sent, NotificationState::sent, "2026-12-07T08:00:01.000Z");
  CHECK(sent.state == NotificationState::sent);
  CHECK_THROWS_AS(index->transition_notification(sent, NotificationState::failed, "2026-12-07T08:00:02.000Z"),
                  ArchiveStateError);
  CHECK_THROWS(index->retry_notification(sent));  // not pending any more

  due = index->notifications_due("2026-12-07T08:00:29.000Z", 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].rule == "down");
  due = index->notifications_due("2026-12-07T08:00:30.000Z", 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].rule == "down");  // due earlier
  CHECK(due[1].attempts == 1);
  CHECK(due[1].last_error == "HTTP 500");

  const auto all = index->notifications({2, 0});
  REQUIRE(all.size() == 2);
  CHECK(all[0].rule == "down");  // newest first
  CHECK(all[1].channel == "hook");

  index->set_alert_cursor("exceptions", 41);
  index->set_alert_cursor("exceptions", 42);
  CHECK(index->alert_cursor("exceptions") == 42);
}

TEST_CASE("exceptions and events after a cursor, by id", "[index][alerts]") {
  TempDir dir;
  auto index = Index::open(dir / "index.db");
  ExceptionRecord e;
  e.partner = "acme";
  e.kind = "unusable_file";
  e.reason = "garbage";
  e.created_at = "2026-12-07T08:00:00.000Z";
  const auto first = index->add_exception(e);
  const auto second = index->add_exception(e);
  const auto third = index->add_exception(e);
  auto after = index->exceptions_after(first, 10);
  REQUIRE(after.size() == 2);
  CHECK(after[0].id == second);
  CHECK(after[1].id == third);
  CHECK(index->exceptions_after(first, 1).size() == 1);
  index->add_event({0, 0, 0, "2026-12-07T08:00:00.000Z", "delivered", ""});
  const auto dead = index->add_event({0, 0, 0, "2026-12-07T08:00:01.000Z", "dead_letter", "http: 503"});
  auto events = index->events_after(0, "dead_letter", 10);
  REQUIRE(events.size() == 1);
  CHECK(events[0].id == dead);
  CHECK(index->events_after(dead, "dead_letter", 10).empty());
  CHECK(index->last_event_id() == dead);
}
