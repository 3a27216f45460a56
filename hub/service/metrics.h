// Prometheus metrics of the hub (GET /metrics, text exposition format 0.0.4; docs/serve.md).
//
// Contract:
// - Everything is read from the archive's index, so the numbers are the same whichever
//   process asks (`edihub serve`'s health port, the dashboard) and survive restarts:
//   files and bytes received per partner and channel kind, and stage latencies
//   (receipt → archived → validated → delivered), are counters and histograms kept as
//   running totals over rows that only grow (read incrementally by id, a bounded page per
//   call); sets by status, open exceptions by kind, acknowledgments awaiting and overdue,
//   ERP deliveries pending and dead-lettered, the backlog of files received but not
//   processed and the age of each partner's last successful poll are gauges read now.
// - Every configured partner has its series even at zero. Label values (partner ids,
//   kinds) are escaped as the format requires.
// - Thread-safe: one Metrics per process keeps the running totals.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace edihub::archive {
class Index;
}

namespace edihub::hub {

struct Config;
class Clock;

class Metrics {
 public:
  // The exposition now. `index` is any connection to the archive's index.
  std::string exposition(const archive::Index& index, const Config& config, const Clock& clock);

  // Upper bounds of the latency histogram's buckets, in seconds (+Inf follows).
  static constexpr std::array<double, 11> kLatencyBuckets = {0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400, 86400};

 private:
  struct Received {
    double files = 0, bytes = 0;
  };
  struct Histogram {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative here
    std::uint64_t count = 0;
    double sum = 0;
  };
  void catch_up(const archive::Index& index);

  std::mutex mu_;
  std::int64_t last_file_ = 0, last_event_ = 0;
  std::map<std::pair<std::string, std::string>, Received> received_;  // (partner, channel)
  std::map<std::pair<std::string, std::string>, Histogram> latency_;  // (partner, stage)
};

// The process's Metrics (the health port and the dashboard share its running totals).
Metrics& process_metrics();

}  // namespace edihub::hub
