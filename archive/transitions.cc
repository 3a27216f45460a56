// The Index's state changes: one function per state machine, each checked against the
// machine's table (states.cc) and against the row's present state, and written together
// with its event.
#include "archive/index_impl.h"

namespace edihub::archive {

namespace {

// Checks from -> to, runs `sql` (its first parameter the new state, then `args`, then the
// id and the expected present state) and throws when the row is not in `from` (stale).
template <class State, class... A>
void change_state(Index::Impl& impl, const char* what, const char* table, const char* column, std::int64_t id,
                  State from, State to, const std::string& set_more, const A&... args) {
  const std::string subject = std::string(what) + " " + std::to_string(id);
  check_transition(from, to, subject);
  const std::string sql = std::string("UPDATE ") + table + " SET " + column + " = ?" + set_more + " WHERE id = ? AND " +
                          column + " = ?";
  impl.run(sql, to, args..., id, from).done();
  if (impl.db.changes() == 1) return;
  auto cursor = impl.run(std::string("SELECT ") + column + " FROM " + table + " WHERE id = ?", id);
  if (!cursor.next()) throw std::runtime_error("archive index " + impl.db.file() + ": no " + subject);
  std::string present;
  cursor.get(0, present);
  throw ArchiveStateError(subject + ": " + std::string(to_string(from)) + " -> " + std::string(to_string(to)) +
                          " from a stale record: the index holds " + present);
}

}  // namespace

void Index::transition_file(FileRecord& file, FileStatus to, const StateChange& change) {
  change_state(*impl_, "file", "files", "status", file.id, file.status, to, "");
  file.status = to;
  add_event({0, file.id, 0, change.at, change.step, change.detail});
}

void Index::transition_set(TransactionSetRecord& set, SetStatus to, const StateChange& change) {
  set.updated_at = change.at;
  change_state(*impl_, "transaction set", "transaction_sets", "status", set.id, set.status, to,
               ", delivered_to = ?, target = ?, updated_at = ?", set.delivered_to, set.target, set.updated_at);
  set.status = to;
  add_event({0, set.file_id, set.id, change.at, change.step, change.detail});
}

void Index::transition_awaited_ack(AwaitedAck& row, AckState to, const StateChange& change) {
  row.updated_at = change.at;
  change_state(*impl_, "awaited acknowledgment", "awaited_acks", "state", row.id, row.state, to,
               ", ack_file_id = ?, detail = ?, updated_at = ?", sqlite::ZeroIsNull{row.ack_file_id}, row.detail,
               row.updated_at);
  row.state = to;
  add_event({0, row.file_id, row.set_id, change.at, change.step, change.detail});
}

void Index::transition_as2_message(As2MessageRecord& m, As2State to, const StateChange& change) {
  m.updated_at = change.at;
  change_state(*impl_, "AS2 message", "as2_messages", "state", m.id, m.state, to,
               ", file_id = ?, mic = ?, mdn_mode = ?, sent_at = ?, due_at = ?, mdn_sha256 = ?, detail = ?, attempts = ?, "
               "updated_at = ?",
               sqlite::ZeroIsNull{m.file_id}, m.mic, m.mdn_mode, m.sent_at, m.due_at, m.mdn_sha256, m.detail, m.attempts,
               m.updated_at);
  m.state = to;
  add_event({0, m.file_id, 0, change.at, change.step, change.detail});
}

// No event row: events are about files and sets; the notification row keeps its own history.
void Index::transition_notification(NotificationRecord& n, NotificationState to, const std::string& at) {
  n.updated_at = at;
  change_state(*impl_, "notification", "notifications", "state", n.id, n.state, to,
               ", attempts = ?, last_error = ?, updated_at = ?", n.attempts, n.last_error, n.updated_at);
  n.state = to;
}

}  // namespace edihub::archive
