// Alerts (docs/alerts.md): notifications are an outbox in the archive index. Each pass of
// the pipeline first queues: it derives the events since the index's cursors (and the
// polls failing now), matches them against the rules of edihub.yaml and of each profile,
// and inserts one row per rule, channel and event (INSERT OR IGNORE on the event key)
// together with the new cursors, in one transaction. Then it sends the rows that are due,
// each outside the pipeline's lock, and marks a row sent only after its peer accepted it;
// a failed attempt is retried on a later pass with a growing wait, and a refusal no retry
// can change (or the last of alerts.max_attempts) leaves it failed. A crash before the
// queueing commit queues the same rows again on the next pass; a crash after it sends
// them then; a crash between a peer's acceptance and the mark sends again with the same
// delivery id: at-least-once, with a stable id for the receiver to drop a repeat.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>

#include "archive/index.h"
#include "hub/clock.h"
#include "hub/config.h"

namespace edihub::hub::alerts {

class Alerts {
 public:
  Alerts(const Config& config, const Clock& clock, archive::Index& index);

  // Derives and queues, in one index transaction; returns how many rows were queued. Run
  // with the pipeline's lock held. (Test hook: EDIHUB_TEST_KILL_AFTER_ALERTS_QUEUED set
  // kills the process with SIGKILL right after a commit that queued rows, the crash the
  // tests recover from.)
  std::size_t queue();

  struct Sent {
    std::size_t sent = 0, retrying = 0, failed = 0;
  };
  // Sends the rows due now. `lock` is the pipeline's, held on entry and on return: it is
  // released around each attempt so the network wait holds up no other work. A second
  // caller while one is sending returns at once (each row is attempted by one pass).
  Sent send_due(std::unique_lock<std::mutex>& lock);

  static constexpr std::size_t kPerPass = 200;  // rows read per page, derived or sent

 private:
  const Config& config_;
  const Clock& clock_;
  archive::Index& index_;
  std::mutex sending_;
};

}  // namespace edihub::hub::alerts
