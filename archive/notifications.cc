// archive::Index: the alert notifications and the cursors of the events they are derived
// from (schema version 7; hub/alerts).

#include "archive/index.h"
#include "archive/index_impl.h"

namespace edihub::archive {

bool Index::add_notification(const NotificationRecord& notification) {
  static const std::string sql = "INSERT OR IGNORE" + insert_sql<NotificationRecord>().substr(std::string("INSERT").size());
  sqlite::Cursor cursor(impl_->statement(sql));
  bind_fields(cursor, notification);
  cursor.done();
  return impl_->db.changes() == 1;
}

std::vector<NotificationRecord> Index::notifications_due(const std::string& now, std::size_t limit) const {
  return impl_->select<NotificationRecord>("WHERE state = 'pending' AND next_try_at <= ? ORDER BY next_try_at, id LIMIT ?",
                                           now, static_cast<std::int64_t>(limit));
}

std::vector<NotificationRecord> Index::notifications(const Page& page) const {
  sqlite::Cursor cursor(impl_->statement("SELECT " + columns<NotificationRecord>() +
                                         " FROM notifications ORDER BY id DESC LIMIT ? OFFSET ?"));
  bind_page(cursor, 0, page.limit, page.offset);
  return Impl::read_all<NotificationRecord>(std::move(cursor));
}

std::int64_t Index::count_notifications() const {
  auto cursor = impl_->run("SELECT count(*) FROM notifications");
  cursor.next();
  return cursor.int64(0);
}

void Index::retry_notification(const NotificationRecord& n) {
  impl_->update("pending notification", n.id,
                "UPDATE notifications SET attempts = ?, next_try_at = ?, last_error = ?, updated_at = ? "
                "WHERE state = 'pending' AND id = ?",
                n.attempts, n.next_try_at, n.last_error, n.updated_at);
}

std::int64_t Index::alert_cursor(const std::string& name) const {
  auto cursor = impl_->run("SELECT last_id FROM alert_cursors WHERE name = ?", name);
  return cursor.next() ? cursor.int64(0) : 0;
}

void Index::set_alert_cursor(const std::string& name, std::int64_t last_id) {
  impl_->run("INSERT INTO alert_cursors (name, last_id) VALUES (?, ?) "
             "ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id",
             name, last_id)
      .done();
}

std::vector<ExceptionRecord> Index::exceptions_after(std::int64_t id, std::size_t limit) const {
  return impl_->select<ExceptionRecord>("WHERE id > ? ORDER BY id LIMIT ?", id, static_cast<std::int64_t>(limit));
}

std::vector<EventRecord> Index::events_after(std::int64_t id, const std::string& step, std::size_t limit) const {
  return impl_->select<EventRecord>("WHERE id > ? AND step = ? ORDER BY id LIMIT ?", id, step,
                                    static_cast<std::int64_t>(limit));
}

std::int64_t Index::last_event_id() const {
  auto cursor = impl_->run("SELECT coalesce(max(id), 0) FROM events");
  cursor.next();
  return cursor.int64(0);
}

}  // namespace edihub::archive
