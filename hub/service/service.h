// `edihub serve`: the pipeline as a long-lived service (docs/serve.md).
//
// Contract:
// - A scheduler posts each partner's polls to a bounded pool of `service.workers`
//   threads: one poll per partner at a time, at the partner's interval and only inside
//   its time windows (hub/service/scheduler.h). Housekeeping (resume, process what AS2 received,
//   retry deliveries, send the outbox, flag overdue acknowledgments) runs every
//   `service.housekeeping_every`. Pipeline methods are thread-safe (hub/pipeline/pipeline.h).
// - SIGTERM/SIGINT: no new work starts; waits for settle listings are abandoned at once
//   (nothing was taken yet); work already taking files finishes, bounded by
//   `service.shutdown_grace`, after which the process exits as after a crash, which the
//   archive's durability protocol recovers from on the next start. Exit code 0 when
//   everything finished.
// - SIGHUP: the configuration folder is loaded and checked first; a broken one is logged
//   with every problem and the running configuration is kept. A good one is swapped in
//   once the polls in flight have finished.
// - With edihub.yaml `dashboard:`, the web dashboard (hub/web/server.h) on its own port;
//   its actions (resolve, ignore, replay) run on the pipeline under its lock; each
//   request is logged (`dashboard_request`). It restarts with the configuration on SIGHUP.
// - GET /healthz on `service.health` reports the state as JSON: 200 while housekeeping
//   keeps succeeding, 503 when stopping or when it failed or is late.
// - Logs: one JSON object per line on stderr (hub/service/log.h).
#pragma once

#include <filesystem>

namespace edihub::hub {

class Clock;

// Runs until SIGTERM or SIGINT; returns the process exit code (2: the configuration
// could not be loaded at start).
int serve(const std::filesystem::path& config_dir, const Clock& clock);

}  // namespace edihub::hub
