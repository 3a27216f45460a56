#include "archive/sqlite.h"

#include <sqlite3.h>

#include <stdexcept>

namespace edihub::archive::sqlite {

Db::Db(const std::filesystem::path& file, Mode mode) : file_(file.string()) {
  // One connection per thread: the statement cache on top of it is not shared.
  int flags = mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(file_.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    throw std::runtime_error("archive index " + file_ + ": cannot open: " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() { sqlite3_close_v2(db_); }

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Db::changes() const { return sqlite3_changes(db_); }

void Db::exec_script(const char* sql, std::string_view context) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(context);
}

void Db::fail(std::string_view context) const {
  throw std::runtime_error("archive index " + file_ + ": " + sqlite3_errmsg(db_) + " (" + std::string(context) + ")");
}

Statement::Statement(Db& db, const std::string& sql) : db_(db), stmt_(nullptr) {
  if (sqlite3_prepare_v3(db.handle(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK)
    db.fail(sql);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement::~Statement() { sqlite3_finalize(stmt_); }

Cursor::~Cursor() {
  if (!st_) return;
  sqlite3_reset(st_->stmt_);
  sqlite3_clear_bindings(st_->stmt_);
}

void Cursor::check_bind(int rc, int index) {
  if (rc != SQLITE_OK) st_->db_.fail("binding parameter " + std::to_string(index) + " of: " + sqlite3_sql(st_->stmt_));
}

void Cursor::bind(int index, std::nullptr_t) { check_bind(sqlite3_bind_null(st_->stmt_, index), index); }

void Cursor::bind(int index, std::string_view text) {
  check_bind(sqlite3_bind_text64(st_->stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
}

void Cursor::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(st_->stmt_, index, value), index);
}

bool Cursor::next() {
  int rc = sqlite3_step(st_->stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  st_->db_.fail(sqlite3_sql(st_->stmt_));
}

void Cursor::done() {
  if (next()) throw std::logic_error(std::string("statement returned rows: ") + sqlite3_sql(st_->stmt_));
}

bool Cursor::is_null(int column) const { return sqlite3_column_type(st_->stmt_, column) == SQLITE_NULL; }

std::int64_t Cursor::int64(int column) const { return sqlite3_column_int64(st_->stmt_, column); }

void Cursor::get(int column, std::string& out) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st_->stmt_, column));
  out.assign(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(st_->stmt_, column)));
}

}  // namespace edihub::archive::sqlite
