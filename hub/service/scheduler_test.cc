#include "hub/service/scheduler.h"

#include <catch2/catch.hpp>

#include "hub/clock.h"

using edihub::hub::Scheduler;
using namespace std::chrono_literals;

namespace {

Scheduler::TimePoint at(const std::string& iso) { return edihub::hub::parse_iso_utc(iso); }

Scheduler::Entry entry(std::string id, std::chrono::seconds every, std::vector<const char*> windows = {}) {
  Scheduler::Entry e{std::move(id), every, {}};
  for (auto w : windows) {
    std::string error;
    e.schedule.windows.push_back(*edihub::partners::parse_window(w, error));
  }
  return e;
}

}  // namespace

TEST_CASE("every partner is due at start, then `every` after its poll finished", "[scheduler]") {
  Scheduler s({entry("acme", 60s), entry("globex", 300s)}, at("2026-11-27T10:00:00Z"));
  CHECK(s.take_due(at("2026-11-27T10:00:00Z")) == std::vector<std::string>{"acme", "globex"});
  CHECK(s.polling("acme"));
  CHECK(s.take_due(at("2026-11-27T10:05:00Z")).empty());  // still polling: one poll at a time
  CHECK(s.next_due() == Scheduler::TimePoint::max());
  s.finished("acme", at("2026-11-27T10:00:20Z"));
  CHECK(s.next_due() == at("2026-11-27T10:01:20Z"));
  CHECK(s.take_due(at("2026-11-27T10:01:19Z")).empty());
  CHECK(s.take_due(at("2026-11-27T10:01:20Z")) == std::vector<std::string>{"acme"});
  // A poll longer than its interval is not followed by another one at once.
  s.finished("globex", at("2026-11-27T10:07:00Z"));
  CHECK(s.due_at("globex") == at("2026-11-27T10:12:00Z"));
}

TEST_CASE("outside its windows a partner waits for the next window", "[scheduler]") {
  // 2026-11-27 is a Friday.
  Scheduler s({entry("night", 600s, {"mon-fri 22:00-23:00"})}, at("2026-11-27T10:00:00Z"));
  CHECK(s.next_due() == at("2026-11-27T22:00:00Z"));
  CHECK(s.take_due(at("2026-11-27T21:59:59Z")).empty());
  CHECK(s.take_due(at("2026-11-27T22:00:00Z")).size() == 1);
  s.finished("night", at("2026-11-27T22:55:00Z"));
  // 23:05 is past the window; Saturday and Sunday are off.
  CHECK(s.next_due() == at("2026-11-30T22:00:00Z"));
  // Due while a window was open, but the service only looks after it closed.
  Scheduler late({entry("night", 600s, {"22:00-23:00"})}, at("2026-11-27T22:30:00Z"));
  CHECK(late.take_due(at("2026-11-27T23:30:00Z")).empty());
  CHECK(late.next_due() == at("2026-11-28T22:00:00Z"));
}
