// archive::Index: per partner and day figures for the dashboard's charts.

#include <map>
#include <utility>

#include "archive/index.h"
#include "archive/index_impl.h"

namespace edihub::archive {

namespace {

// Seconds from an inbound set's received_at to its first `delivered` event.
constexpr const char* kLatencies =
    "SELECT s.partner, substr(s.received_at, 1, 10) AS day, "
    "CAST(round((julianday(min(e.at)) - julianday(s.received_at)) * 86400) AS INTEGER) AS seconds "
    "FROM transaction_sets s JOIN events e ON e.set_id = s.id AND e.step = 'delivered' "
    "WHERE s.direction = 'in' AND s.received_at >= ? GROUP BY s.id ";

}  // namespace

std::vector<Index::DailyStats> Index::daily_stats(const std::string& since) const {
  const std::string from = time_bound(since, "since");
  std::map<std::pair<std::string, std::string>, DailyStats> days;
  auto day = [&](const std::string& partner, const std::string& date) -> DailyStats& {
    DailyStats& d = days[{partner, date}];
    d.partner = partner;
    d.day = date;
    return d;
  };
  // Each grouped count goes into one figure of its partner's day.
  auto count_into = [&](const std::string& sql, std::int64_t DailyStats::*figure) {
    auto cursor = impl_->run(sql, from);
    while (cursor.next()) {
      std::string partner, date;
      cursor.get(0, partner);
      cursor.get(1, date);
      day(partner, date).*figure = cursor.int64(2);
    }
  };
  count_into("SELECT partner, substr(received_at, 1, 10), count(*) FROM files "
             "WHERE direction = 'in' AND received_at >= ? GROUP BY 1, 2",
             &DailyStats::files_in);
  count_into("SELECT partner, substr(received_at, 1, 10), count(*) FROM transaction_sets "
             "WHERE direction = 'in' AND received_at >= ? GROUP BY 1, 2",
             &DailyStats::sets_in);
  count_into(std::string("SELECT partner, day, count(*) FROM (") + kLatencies + ") GROUP BY 1, 2", &DailyStats::delivered);
  // The latencies in order, streamed: each day's median and p90 are picked by rank as
  // they pass, so memory stays one row per day whatever the number of sets.
  auto latencies = impl_->run(std::string(kLatencies) + "ORDER BY 1, 2, 3", from);
  std::pair<std::string, std::string> current;
  std::int64_t rank = 0;
  while (latencies.next()) {
    std::pair<std::string, std::string> key;
    latencies.get(0, key.first);
    latencies.get(1, key.second);
    if (key != current) {
      current = key;
      rank = 0;
    }
    ++rank;
    DailyStats& d = days.at(key);
    const std::int64_t seconds = latencies.int64(2);
    // Nearest rank: ceil(p * n), computed in whole numbers.
    if (rank == (d.delivered * 50 + 99) / 100) d.median_seconds = seconds;
    if (rank == (d.delivered * 90 + 99) / 100) d.p90_seconds = seconds;
  }
  std::vector<DailyStats> out;
  out.reserve(days.size());
  for (auto& [key, d] : days) out.push_back(std::move(d));
  return out;
}

}  // namespace edihub::archive
