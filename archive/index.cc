#include "archive/index.h"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <string_view>

#include <nlohmann/json.hpp>

#include "archive/index_impl.h"
#include "archive/schema.h"

namespace edihub::archive {

namespace fs = std::filesystem;

// Accepts 2026-11-27, 2026-11-27T10:00, 2026-11-27 10:00:00, ...:00.123 and a trailing Z.
// The result is a prefix of the stored form, so that a plain string compare against
// received_at (e.g. 2026-11-27T10:00:00Z) orders correctly.
std::string time_bound(const std::string& text, const char* which) {
  std::string t = text;
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  bool ok = t.size() == 10 || t.size() == 16 || t.size() >= 19;
  for (std::size_t i = 0; ok && i < t.size(); ++i) {
    char want = i < kShape.size() ? kShape[i] : (i == kShape.size() ? '.' : 'd');
    ok = want == 'd' ? (t[i] >= '0' && t[i] <= '9') : t[i] == want;
  }
  if (!ok || t.size() == kShape.size() + 1)
    throw std::invalid_argument(std::string(which) + ": expected an ISO 8601 UTC time such as 2026-11-27 or " +
                                "2026-11-27T10:00:00Z, got '" + text + "'");
  return t;
}

std::string without_leading_zeros(const std::string& control) {
  return control.substr(std::min(control.find_first_not_of('0'), control.size()));
}

Index::Impl::Impl(const fs::path& file, Env& env) : db(file, sqlite::Db::Mode::read_write, env) {
  sqlite3_busy_timeout(db.handle(), 5000);
  std::string journal;
  if (auto mode = run("PRAGMA journal_mode = WAL"); mode.next()) mode.get(0, journal);
  if (journal != "wal")
    throw std::runtime_error("archive index " + db.file() + ": cannot use WAL (journal mode stays '" + journal + "')");
  run("PRAGMA synchronous = FULL").done();
  run("PRAGMA foreign_keys = ON").done();
  migrate();
}

int Index::Impl::user_version() {
  auto cursor = run("PRAGMA user_version");
  cursor.next();
  return static_cast<int>(cursor.int64(0));
}

void Index::Impl::check_not_newer(int version, int latest) {
  if (version > latest)
    throw std::runtime_error("archive index " + db.file() + ": schema version " + std::to_string(version) +
                             " is newer than this edihub supports (" + std::to_string(latest) + ")");
}

// All pending migrations in one transaction. An up-to-date database takes no write lock
// (a CLI query must not wait for the service); re-reading the version inside the
// transaction makes two processes creating the database at once safe.
void Index::Impl::migrate() {
  auto migrations = schema_migrations();
  const int latest = static_cast<int>(migrations.size());
  const int found = user_version();
  check_not_newer(found, latest);
  if (found == latest) return;
  run("BEGIN IMMEDIATE").done();
  try {
    const int version = user_version();
    check_not_newer(version, latest);
    for (int v = version; v < latest; ++v)
      db.exec_script(migrations[v], "schema migration to version " + std::to_string(v + 1));
    run("PRAGMA user_version = " + std::to_string(latest)).done();
    run("COMMIT").done();
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::unique_ptr<Index> Index::open(const fs::path& db_file, Env& env) {
  if (db_file.has_parent_path()) fs::create_directories(db_file.parent_path());
  return std::unique_ptr<Index>(new Index(std::make_unique<Impl>(db_file, env)));
}

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() = default;

void Index::begin() { impl_->run("BEGIN IMMEDIATE").done(); }
void Index::commit() {
  try {
    impl_->run("COMMIT").done();
  } catch (...) {
    rethrow_in_step("index commit");
  }
}
void Index::rollback() { impl_->run("ROLLBACK").done(); }

Index::Transaction::Transaction(Index& index) : index_(index) { index_.begin(); }

Index::Transaction::~Transaction() {
  if (done_) return;
  try {
    index_.rollback();
  } catch (...) {
    // SQLite already rolled back (e.g. after a failed COMMIT); nothing is left to undo.
  }
}

void Index::Transaction::commit() {
  index_.commit();
  done_ = true;
}

Index::Savepoint::Savepoint(Index& index) : index_(index) { index_.impl_->run("SAVEPOINT edihub_unit").done(); }

Index::Savepoint::~Savepoint() {
  if (done_) return;
  try {
    rollback();
  } catch (...) {
    // The enclosing transaction is gone (SQLite rolled it back): nothing is left to undo.
  }
}

void Index::Savepoint::release() {
  index_.impl_->run("RELEASE edihub_unit").done();
  done_ = true;
}

void Index::Savepoint::rollback() {
  done_ = true;
  index_.impl_->run("ROLLBACK TO edihub_unit").done();
  index_.impl_->run("RELEASE edihub_unit").done();
}

// Files

std::int64_t Index::add_file(const FileRecord& file) { return impl_->insert(file); }

std::optional<FileRecord> Index::file(std::int64_t id) const { return impl_->select_one<FileRecord>("WHERE id = ?", id); }

std::vector<FileRecord> Index::files_by_sha(const std::string& sha256) const {
  return impl_->select<FileRecord>("WHERE sha256 = ? ORDER BY id", sha256);
}

std::optional<FileRecord> Index::file_by_claim(const std::string& claim) const {
  return impl_->select_one<FileRecord>("WHERE claim = ? AND claim <> ''", claim);
}

std::vector<FileRecord> Index::files_with_status(FileStatus status) const {
  return impl_->select<FileRecord>("WHERE status = ? ORDER BY id", status);
}

std::vector<FileRecord> Index::files_with_source_pending() const {
  return impl_->select<FileRecord>("WHERE source_removed = 0 ORDER BY id");
}

std::vector<FileRecord> Index::files_in_direction(const std::string& direction) const {
  return impl_->select<FileRecord>("WHERE direction = ? ORDER BY id", direction);
}

bool Index::refers_to_object(const std::string& sha256) const {
  auto cursor = impl_->run("SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ?1) OR "
                           "EXISTS (SELECT 1 FROM as2_messages WHERE mdn_sha256 = ?1)",
                           sha256);
  return cursor.next() && cursor.int64(0) != 0;
}

void Index::set_file_partner(std::int64_t id, const std::string& partner) {
  impl_->update("file", id, "UPDATE files SET partner = ? WHERE id = ?", partner);
}

void Index::mark_source_removed(std::int64_t id) {
  impl_->update("file", id, "UPDATE files SET source_removed = 1 WHERE id = ?");
}

std::vector<FileRecord> Index::replays_of(std::int64_t file_id) const {
  return impl_->select<FileRecord>("WHERE replay_of = ? ORDER BY id", file_id);
}

// Envelopes

std::int64_t Index::add_interchange(const InterchangeRecord& interchange) { return impl_->insert(interchange); }

std::vector<InterchangeRecord> Index::find_interchanges(const std::string& sender_qualifier,
                                                        const std::string& sender_id,
                                                        const std::string& control_number) const {
  return impl_->select<InterchangeRecord>(
      "WHERE sender_qualifier = ? AND sender_id = ? AND control_number = ? ORDER BY id", sender_qualifier, sender_id,
      control_number);
}

std::vector<InterchangeRecord> Index::interchanges_of_file(std::int64_t file_id) const {
  return impl_->select<InterchangeRecord>("WHERE file_id = ? ORDER BY id", file_id);
}

std::int64_t Index::add_group(const GroupRecord& group) { return impl_->insert(group); }

// Transaction sets

std::int64_t Index::add_transaction_set(const TransactionSetRecord& set) { return impl_->insert(set); }

std::optional<TransactionSetRecord> Index::transaction_set(std::int64_t id) const {
  return impl_->select_one<TransactionSetRecord>("WHERE id = ?", id);
}

std::optional<TransactionSetRecord> Index::transaction_set_by_key(const std::string& idempotency_key) const {
  return impl_->select_one<TransactionSetRecord>("WHERE idempotency_key = ?", idempotency_key);
}

std::vector<TransactionSetRecord> Index::transaction_sets_of_file(std::int64_t file_id) const {
  return impl_->select<TransactionSetRecord>("WHERE file_id = ? ORDER BY id", file_id);
}

std::vector<TransactionSetRecord> Index::transaction_sets_with_status(SetStatus status) const {
  return impl_->select<TransactionSetRecord>("WHERE status = ? ORDER BY id", status);
}

std::vector<TransactionSetRecord> Index::transaction_sets_with_status(SetStatus status, std::int64_t after_id,
                                                                      std::size_t limit) const {
  return impl_->select<TransactionSetRecord>("WHERE status = ? AND id > ? ORDER BY id LIMIT ?", status, after_id,
                                             static_cast<std::int64_t>(limit));
}

std::vector<Tally> read_tallies(sqlite::Cursor cursor) {
  std::vector<Tally> tallies;
  while (cursor.next()) {
    Tally tally;
    cursor.get(0, tally.partner);
    cursor.get(1, tally.name);
    tally.count = cursor.int64(2);
    cursor.get(3, tally.oldest_at);
    tally.oldest_id = cursor.int64(4);
    tallies.push_back(std::move(tally));
  }
  return tallies;
}

std::vector<Tally> Index::set_status_tally(SetStatus status, const std::optional<std::string>& partner) const {
  Filter filter;
  filter.add("status = ?", {std::string(to_string(status))});
  if (partner) filter.add("partner = ?", {*partner});
  sqlite::Cursor cursor(impl_->statement("SELECT partner, status, count(*), min(updated_at), id FROM transaction_sets "
                                         "WHERE 1" + filter.sql + " GROUP BY partner ORDER BY partner"));
  filter.bind(cursor);
  return read_tallies(std::move(cursor));
}

void Index::update_transaction_set(const TransactionSetRecord& set) {
  impl_->update("transaction set", set.id,
                "UPDATE transaction_sets SET delivered_to = ?, target = ?, updated_at = ? WHERE id = ?", set.delivered_to,
                set.target, set.updated_at);
}

void Index::put_mapped_output(std::int64_t set_id, const std::string& content) {
  impl_->run("INSERT INTO mapped_outputs (set_id, content) VALUES (?, ?) "
             "ON CONFLICT (set_id) DO UPDATE SET content = excluded.content",
             set_id, content)
      .done();
}

std::optional<std::string> Index::mapped_output(std::int64_t set_id) const {
  auto cursor = impl_->run("SELECT content FROM mapped_outputs WHERE set_id = ?", set_id);
  if (!cursor.next()) return std::nullopt;
  std::string content;
  cursor.get(0, content);
  return content;
}

std::optional<Index::MappedDocument> Index::latest_mapped_with_key(const std::string& partner, const std::string& target,
                                                                  const std::string& name, const std::string& value) const {
  auto cursor = impl_->run(
      "SELECT s.id, s.direction, m.content FROM business_keys k JOIN transaction_sets s ON s.id = k.set_id "
      "JOIN mapped_outputs m ON m.set_id = s.id "
      "WHERE k.name = ? AND k.value = ? AND s.partner = ? AND s.target = ? ORDER BY s.id DESC LIMIT 1",
      name, value, partner, target);
  if (!cursor.next()) return std::nullopt;
  MappedDocument found;
  cursor.get(0, found.set_id);
  cursor.get(1, found.direction);
  cursor.get(2, found.content);
  return found;
}

void Index::add_business_key(std::int64_t set_id, const std::string& name, const std::string& value) {
  impl_->run("INSERT INTO business_keys (set_id, name, value) VALUES (?, ?, ?) "
             "ON CONFLICT (set_id, name, value) DO NOTHING",
             set_id, name, value)
      .done();
}

std::vector<std::pair<std::string, std::string>> Index::business_keys(std::int64_t set_id) const {
  auto cursor = impl_->run("SELECT name, value FROM business_keys WHERE set_id = ? ORDER BY id", set_id);
  std::vector<std::pair<std::string, std::string>> keys;
  while (cursor.next()) {
    auto& [name, value] = keys.emplace_back();
    cursor.get(0, name);
    cursor.get(1, value);
  }
  return keys;
}

// Events and exceptions

std::int64_t Index::add_event(const EventRecord& event) { return impl_->insert(event); }

std::vector<EventRecord> Index::events_of_file(std::int64_t file_id) const {
  return impl_->select<EventRecord>("WHERE file_id = ? ORDER BY id", file_id);
}

std::vector<EventRecord> Index::events_of_set(std::int64_t set_id) const {
  return impl_->select<EventRecord>("WHERE set_id = ? ORDER BY id", set_id);
}

std::int64_t Index::add_exception(const ExceptionRecord& exception) {
  const auto id = impl_->insert(exception);
  for (const auto& document : exception.documents)
    impl_->run("INSERT OR IGNORE INTO exception_documents (document, exception_id) VALUES (?, ?)", document, id).done();
  return id;
}

std::optional<ExceptionRecord> Index::exception(std::int64_t id) const {
  return impl_->select_one<ExceptionRecord>("WHERE id = ?", id);
}

namespace {

Filter exception_filter(const std::optional<std::string>& partner, const std::optional<std::string>& state,
                        const std::optional<std::string>& kind) {
  Filter filter;
  if (partner) filter.add("partner = ?", {*partner});
  if (state) filter.add("state = ?", {*state});
  if (kind) filter.add("kind = ?", {*kind});
  return filter;
}

}  // namespace

// " LIMIT ? OFFSET ?" bound after the filter's parameters (SQLite: LIMIT -1 is no limit).
void bind_page(sqlite::Cursor& cursor, int last_bound, int limit, std::int64_t offset) {
  if (offset < 0) throw std::invalid_argument("offset: expected 0 or more, got " + std::to_string(offset));
  cursor.bind(last_bound + 1, static_cast<std::int64_t>(limit < 0 ? -1 : limit));
  cursor.bind(last_bound + 2, offset);
}

std::vector<ExceptionRecord> Index::exceptions(const std::optional<std::string>& partner,
                                               const std::optional<std::string>& state, const Page& page,
                                               const std::optional<std::string>& kind) const {
  const Filter filter = exception_filter(partner, state, kind);
  sqlite::Cursor cursor(impl_->statement("SELECT " + columns<ExceptionRecord>() + " FROM exceptions WHERE 1" +
                                         filter.sql + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"));
  bind_page(cursor, filter.bind(cursor), page.limit, page.offset);
  return Impl::read_all<ExceptionRecord>(std::move(cursor));
}

std::vector<ExceptionRecord> Index::open_exceptions_about(const std::string& partner, const std::string& kind,
                                                         const std::string& document) const {
  return impl_->select<ExceptionRecord>(
      "WHERE id IN (SELECT exception_id FROM exception_documents WHERE document = ?) AND partner = ? AND "
      "state = 'open' AND kind = ? ORDER BY id",
      document, partner, kind);
}

std::int64_t Index::count_exceptions(const std::optional<std::string>& partner, const std::optional<std::string>& state,
                                     const std::optional<std::string>& kind) const {
  const Filter filter = exception_filter(partner, state, kind);
  sqlite::Cursor cursor(impl_->statement("SELECT count(*) FROM exceptions WHERE 1" + filter.sql));
  filter.bind(cursor);
  cursor.next();
  return cursor.int64(0);
}

std::vector<ExceptionRecord> Index::exceptions_of_file(std::int64_t file_id) const {
  return impl_->select<ExceptionRecord>("WHERE file_id = ? ORDER BY id", file_id);
}

std::vector<ExceptionRecord> Index::exceptions_about(const std::string& document,
                                                     const std::optional<std::string>& partner) const {
  Filter filter;
  filter.add("id IN (SELECT exception_id FROM exception_documents WHERE document = ?)", {document});
  if (partner) filter.add("partner = ?", {*partner});
  return impl_->select<ExceptionRecord>(filter, "ORDER BY created_at, id");
}

std::map<std::string, std::int64_t> Index::count_open_exceptions_about(const std::vector<std::string>& documents,
                                                                       const std::optional<std::string>& partner) const {
  std::map<std::string, std::int64_t> counts;
  for (const auto& document : documents) {
    Filter filter;
    filter.add("d.document = ?", {document});
    if (partner) filter.add("e.partner = ?", {*partner});
    sqlite::Cursor cursor(impl_->statement(
        "SELECT count(*) FROM exception_documents d JOIN exceptions e ON e.id = d.exception_id WHERE e.state = 'open'" +
        filter.sql));
    filter.bind(cursor);
    cursor.next();
    counts[document] = cursor.int64(0);
  }
  return counts;
}

std::vector<Tally> Index::open_exception_tally(const std::optional<std::string>& partner) const {
  Filter filter;
  filter.add("state = ?", {"open"});
  if (partner) filter.add("partner = ?", {*partner});
  sqlite::Cursor cursor(impl_->statement("SELECT partner, kind, count(*), min(created_at), id FROM exceptions WHERE 1" +
                                         filter.sql + " GROUP BY partner, kind ORDER BY partner, kind"));
  filter.bind(cursor);
  return read_tallies(std::move(cursor));
}

void Index::close_exception(std::int64_t id, ExceptionState state, const std::string& by, const std::string& note,
                            const std::string& at) {
  if (!allowed(ExceptionState::open, state))
    throw std::invalid_argument("an exception is closed as 'resolved' or 'ignored', not '" + std::string(to_string(state)) +
                                "'");
  impl_->run("UPDATE exceptions SET state = ?, closed_by = ?, note = ?, closed_at = ? WHERE id = ? AND state = 'open'",
             state, by, note, at, id)
      .done();
  if (impl_->db.changes() == 1) return;
  auto current = exception(id);
  if (!current) throw std::runtime_error("no exception " + std::to_string(id));
  throw std::runtime_error("exception " + std::to_string(id) + " is already " + std::string(to_string(current->state)) + " (by " +
                           current->closed_by + " at " + current->closed_at + "); only open exceptions can be closed");
}

// Queries

namespace {

// The conditions of a Query, shared by the page and the count so they always agree.
Filter query_filter(const Query& q) {
  Filter filter;
  if (q.partner) filter.add("t.partner = ?", {*q.partner});
  if (q.type) filter.add("t.type = ?", {*q.type});
  if (q.since) filter.add("t.received_at >= ?", {time_bound(*q.since, "since")});
  if (q.until) filter.add("t.received_at < ?", {time_bound(*q.until, "until")});
  if (q.control) {
    // Same expressions as the ltrim indexes, so each arm of the OR is an index search.
    std::string c = without_leading_zeros(*q.control);
    filter.add("(ltrim(t.interchange_control, '0') = ? OR ltrim(t.group_control, '0') = ? OR "
               "ltrim(t.control_number, '0') = ?)",
               {c, c, c});
  }
  if (q.key) filter.add("t.id IN (SELECT set_id FROM business_keys WHERE name = ? AND value = ?)", {q.key->first, q.key->second});
  if (q.status) filter.add("t.status = ?", {*q.status});
  if (q.direction) {
    if (*q.direction != "in" && *q.direction != "out")
      throw std::invalid_argument("direction: expected 'in' or 'out', got '" + *q.direction + "'");
    filter.add("t.direction = ?", {*q.direction});
  }
  return filter;
}

}  // namespace

std::int64_t Index::count(const Query& q) const {
  const Filter filter = query_filter(q);
  sqlite::Cursor cursor(impl_->statement("SELECT count(*) FROM transaction_sets t WHERE 1" + filter.sql));
  filter.bind(cursor);
  cursor.next();
  return cursor.int64(0);
}

std::vector<DocumentRow> Index::query(const Query& q) const {
  const Filter filter = query_filter(q);
  auto& statement = impl_->statement("SELECT " + columns<TransactionSetRecord>("t.") +
                                     ", f.sha256 FROM transaction_sets t LEFT JOIN files f ON f.id = t.file_id WHERE 1" +
                                     filter.sql + " ORDER BY t.received_at DESC, t.id DESC LIMIT ? OFFSET ?");
  sqlite::Cursor cursor(statement);
  bind_page(cursor, filter.bind(cursor), q.limit, q.offset);

  std::vector<DocumentRow> rows;
  while (cursor.next()) {
    DocumentRow row;
    row.set = read_record<TransactionSetRecord>(cursor);
    cursor.get(column_count<TransactionSetRecord>(), row.file_sha256);
    rows.push_back(std::move(row));
  }
  for (auto& row : rows) row.keys = business_keys(row.set.id);
  return rows;
}

}  // namespace edihub::archive
