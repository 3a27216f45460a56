// archive::Index: counts for the dashboard and /metrics.

#include <map>

#include "archive/index.h"
#include "archive/index_impl.h"

namespace edihub::archive {

namespace {

// Seconds between two ISO 8601 UTC times of the index, by SQLite's julianday.
constexpr const char* kSeconds = "(julianday(%2) - julianday(%1)) * 86400.0";

std::string text(const sqlite::Cursor& cursor, int column) {
  std::string value;
  cursor.get(column, value);
  return value;
}

std::string seconds_between(const std::string& from, const std::string& to) {
  std::string sql = kSeconds;
  sql.replace(sql.find("%2"), 2, to);
  sql.replace(sql.find("%1"), 2, from);
  return sql;
}

}  // namespace

std::vector<Index::PartnerCounts> Index::partner_counts(const std::string& since) const {
  const std::string from = time_bound(since, "since");
  std::map<std::string, PartnerCounts> by_partner;
  auto of = [&](const std::string& partner) -> PartnerCounts& {
    auto& counts = by_partner[partner];
    counts.partner = partner;
    return counts;
  };
  // Each query is grouped by partner (column 0); `read` takes the rest of a row.
  auto each = [&](const std::string& sql, auto&& read, const auto&... args) {
    auto cursor = impl_->run(sql, args...);
    while (cursor.next()) read(cursor, of(text(cursor, 0)));
  };
  each("SELECT partner, count(*), total(size), total(status = 'exception') FROM files "
       "WHERE direction = 'in' AND received_at >= ? GROUP BY partner",
       [](auto& row, PartnerCounts& c) {
         row.get(1, c.files_in);
         row.get(2, c.bytes_in);
         row.get(3, c.files_in_error);
       },
       from);
  each("SELECT partner, count(*), total(status IN ('rejected', 'failed', 'dead_letter')) FROM transaction_sets "
       "WHERE direction = 'in' AND received_at >= ? GROUP BY partner",
       [](auto& row, PartnerCounts& c) {
         row.get(1, c.sets_in);
         row.get(2, c.sets_in_error);
       },
       from);
  // One awaited row per group we sent: what `edihub acks` lists.
  each("SELECT partner, count(*), total(state = 'overdue') FROM awaited_acks "
       "WHERE level = 'group' AND state IN ('awaiting', 'overdue') GROUP BY partner",
       [](auto& row, PartnerCounts& c) {
         row.get(1, c.acks_awaiting);
         row.get(2, c.acks_overdue);
       });
  each("SELECT partner, count(*) FROM exceptions WHERE state = 'open' GROUP BY partner",
       [](auto& row, PartnerCounts& c) { row.get(1, c.exceptions_open); });
  each("SELECT partner, total(status = 'mapped'), total(status = 'dead_letter') FROM transaction_sets "
       "WHERE status IN ('mapped', 'dead_letter') AND direction = 'in' GROUP BY partner",
       [](auto& row, PartnerCounts& c) {
         row.get(1, c.deliveries_pending);
         row.get(2, c.dead_letters);
       });
  each("SELECT partner, count(*) FROM files WHERE status = 'received' AND direction = 'in' GROUP BY partner",
       [](auto& row, PartnerCounts& c) { row.get(1, c.backlog_files); });

  std::vector<PartnerCounts> counts;
  for (auto& [partner, c] : by_partner) counts.push_back(std::move(c));
  return counts;
}

std::vector<Index::ReceivedFile> Index::received_files_after(std::int64_t file_id, std::size_t limit) const {
  using F = ReceivedFile;
  return Impl::read_rows<F>(
      impl_->run("SELECT id, partner, CASE WHEN instr(channel, ':') > 0 THEN substr(channel, 1, instr(channel, ':') - 1) "
                 "ELSE channel END, size FROM files WHERE id > ? AND direction = 'in' ORDER BY id LIMIT ?",
                 file_id, static_cast<std::int64_t>(limit)),
      &F::id, &F::partner, &F::channel, &F::bytes);
}

std::vector<Index::StageTiming> Index::stage_timings_after(std::int64_t event_id, std::size_t limit) const {
  using T = StageTiming;
  // A file's own events name the first two stages ("parsed" is written once per file, after
  // every set of it was validated; "processed" and "exception" may be written twice, as a
  // state and as an exception raised about it); a set's "delivered" the last.
  return Impl::read_rows<T>(
      impl_->run("SELECT e.id, f.partner, 'delivered', " + seconds_between("f.received_at", "e.at") +
                     " FROM events e JOIN transaction_sets s ON s.id = e.set_id JOIN files f ON f.id = s.file_id "
                     "WHERE e.id > ?1 AND e.step = 'delivered' AND f.direction = 'in' "
                     "UNION ALL SELECT e.id, f.partner, CASE e.step WHEN 'received' THEN 'archived' ELSE 'validated' END, " +
                     seconds_between("f.received_at", "e.at") +
                     " FROM events e JOIN files f ON f.id = e.file_id "
                     "WHERE e.id > ?1 AND e.set_id IS NULL AND e.step IN ('received', 'parsed') "
                     "AND f.direction = 'in' ORDER BY 1 LIMIT ?2",
                 event_id, static_cast<std::int64_t>(limit)),
      &T::event_id, &T::partner, &T::stage, &T::seconds);
}

std::vector<Index::SetCount> Index::sets_by_status() const {
  using C = SetCount;
  return Impl::read_rows<C>(
      impl_->run("SELECT partner, direction, status, count(*) FROM transaction_sets GROUP BY partner, direction, status"),
      &C::partner, &C::direction, &C::status, &C::count);
}

}  // namespace edihub::archive
