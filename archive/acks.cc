// archive::Index: outbound control numbers and acknowledgment tracking.

#include <limits>
#include <stdexcept>

#include "archive/index.h"
#include "archive/index_impl.h"

namespace edihub::archive {

// One UPSERT reads and advances the counter, so no other connection can slip in between
// (and a connection inside BEGIN IMMEDIATE holds the write lock anyway). `next` is the
// number the following call hands out; the one handed out now is recovered from it in
// RETURNING (`first` means we just wrapped, so it was `last`). A stored value outside
// [first, last] (the partner's range was changed) restarts at `first`.
std::uint64_t Index::next_control_number(const std::string& partner, const std::string& kind, std::uint64_t first,
                                         std::uint64_t last) {
  if (first > last || last > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw std::invalid_argument("control number range " + std::to_string(first) + ".." + std::to_string(last) +
                                " of " + partner + " " + kind + " is empty or too large");
  auto cursor = impl_->run(
      "INSERT INTO control_counters (partner, kind, next) VALUES (?1, ?2, CASE WHEN ?3 = ?4 THEN ?3 ELSE ?3 + 1 END) "
      "ON CONFLICT (partner, kind) DO UPDATE SET next = CASE "
      "WHEN next < ?3 OR next > ?4 THEN CASE WHEN ?3 = ?4 THEN ?3 ELSE ?3 + 1 END "
      "WHEN next = ?4 THEN ?3 ELSE next + 1 END "
      "RETURNING CASE WHEN next = ?3 THEN ?4 ELSE next - 1 END",
      partner, kind, first, last);
  if (!cursor.next()) throw std::logic_error("control number UPSERT returned no row");
  auto number = static_cast<std::uint64_t>(cursor.int64(0));
  cursor.done();
  return number;
}

std::vector<Index::ControlCounter> Index::control_counters() const {
  auto cursor = impl_->run("SELECT partner, kind, next FROM control_counters ORDER BY partner, kind");
  std::vector<ControlCounter> counters;
  while (cursor.next()) {
    auto& c = counters.emplace_back();
    cursor.get(0, c.partner);
    cursor.get(1, c.kind);
    cursor.get(2, c.next);
  }
  return counters;
}

std::uint64_t Index::raise_control_counter(const std::string& partner, const std::string& kind, std::uint64_t next) {
  auto cursor = impl_->run(
      "INSERT INTO control_counters (partner, kind, next) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (partner, kind) DO UPDATE SET next = max(next, excluded.next) RETURNING next",
      partner, kind, next);
  if (!cursor.next()) throw std::logic_error("control counter UPSERT returned no row");
  auto value = static_cast<std::uint64_t>(cursor.int64(0));
  cursor.done();
  return value;
}

// Awaited acknowledgments

std::int64_t Index::add_awaited_ack(const AwaitedAck& awaited) { return impl_->insert(awaited); }

void Index::update_awaited_ack(const AwaitedAck& awaited) {
  impl_->update("awaited acknowledgment", awaited.id,
                "UPDATE awaited_acks SET ack_file_id = ?, detail = ?, updated_at = ? WHERE id = ?",
                sqlite::ZeroIsNull{awaited.ack_file_id}, awaited.detail, awaited.updated_at);
}

std::optional<AwaitedAck> Index::awaited_ack(std::int64_t id) const {
  return impl_->select_one<AwaitedAck>("WHERE id = ?", id);
}

std::vector<AwaitedAck> Index::awaited_acks(const std::optional<std::string>& partner,
                                            const std::optional<std::string>& state) const {
  Filter filter;
  if (partner) filter.add("partner = ?", {*partner});
  if (state) filter.add("state = ?", {*state});
  return impl_->select<AwaitedAck>(filter, "ORDER BY sent_at, id");
}

// The level conditions are written as the partial indexes' WHERE clauses so that SQLite
// can use them; within one interchange the rows keep their insertion order (group, sets).
std::vector<AwaitedAck> Index::awaited_for(const std::string& partner, const std::string& interchange_control,
                                           const std::string& group_control) const {
  if (group_control.empty())
    return impl_->select<AwaitedAck>(
        "WHERE partner = ? AND level = 'interchange' AND ltrim(interchange_control, '0') = ? "
        "ORDER BY sent_at DESC, id DESC",
        partner, without_leading_zeros(interchange_control));
  return impl_->select<AwaitedAck>(
      "WHERE partner = ? AND level <> 'interchange' AND ltrim(group_control, '0') = ? "
      "ORDER BY sent_at DESC, file_id DESC, id",
      partner, without_leading_zeros(group_control));
}

std::vector<AwaitedAck> Index::awaited_in_interchange(const std::string& partner,
                                                      const std::string& interchange_control) const {
  return impl_->select<AwaitedAck>(
      "WHERE partner = ? AND ltrim(interchange_control, '0') = ? ORDER BY sent_at DESC, file_id DESC, id", partner,
      without_leading_zeros(interchange_control));
}

std::vector<Tally> Index::overdue_ack_tally(const std::string& now, const std::optional<std::string>& partner) const {
  time_bound(now, "now");  // compared as a string, as in awaited_due
  Filter filter;
  if (partner) filter.add("partner = ?", {*partner});
  // Both arms of the OR read the (state, due_at) index.
  sqlite::Cursor cursor(impl_->statement(
      "SELECT partner, level, count(*), min(due_at), id FROM awaited_acks WHERE level <> 'set' AND "
      "(state = 'overdue' OR (state = 'awaiting' AND due_at <= ?))" + filter.sql +
      " GROUP BY partner, level ORDER BY partner, level"));
  cursor.bind(1, now);
  int index = 1;
  for (const auto& param : filter.params) cursor.bind(++index, param);
  return read_tallies(std::move(cursor));
}

std::vector<AwaitedAck> Index::awaited_due(const std::string& now) const {
  time_bound(now, "now");  // a malformed time would compare as a string all the same
  return impl_->select<AwaitedAck>("WHERE state = 'awaiting' AND due_at <= ? ORDER BY due_at, id", now);
}

// Acknowledgments sent and received

std::int64_t Index::add_ack(const AckRecord& ack) { return impl_->insert(ack); }

std::vector<AckRecord> Index::acks_answering(std::int64_t file_id) const {
  return impl_->select<AckRecord>("WHERE answers_file_id = ? ORDER BY id", file_id);
}

std::vector<AckRecord> Index::acks_of_partner(const std::string& partner) const {
  return impl_->select<AckRecord>("WHERE partner = ? ORDER BY at, id", partner);
}

}  // namespace edihub::archive
