// A thin RAII layer over the SQLite C API: a connection, prepared statements, and a
// cursor that binds parameters and resets its statement when it goes away (so a cached
// statement is always reusable and never keeps a read snapshot open after an error).
// Every error names the database file.
#pragma once

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace edihub::archive {
class Env;
}

namespace edihub::archive::sqlite {

// A reference column: 0 in a record means "none", stored as NULL so foreign keys hold.
template <class T>
struct ZeroIsNull {
  T& value;
};
template <class T>
ZeroIsNull(T&) -> ZeroIsNull<T>;

class Db {
 public:
  enum class Mode { read_write, read_only };
  // read_write: created when missing. read_only: must exist; never written (a WAL
  // database is read beside a process writing it). Any Env but Env::posix() is asked
  // before each write and sync of the database's files (see vfs_for).
  explicit Db(const std::filesystem::path& file, Mode mode = Mode::read_write);
  Db(const std::filesystem::path& file, Mode mode, Env& env);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& file() const { return file_; }
  void exec_script(const char* sql, std::string_view context);  // several statements, no results
  std::int64_t last_insert_rowid() const;
  int changes() const;
  // Throws std::runtime_error "archive index FILE: <sqlite message> (<context>)".
  [[noreturn]] void fail(std::string_view context) const;

 private:
  std::string file_;
  sqlite3* db_ = nullptr;
};

// The name of a VFS registered over SQLite's default ("unix") that asks `env`
// (Env::before_index_io) before every xWrite and xSync and fails the call with the error
// it gets: ENOSPC as SQLITE_FULL, anything else as SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC,
// with the errno kept for sqlite3_system_errno. Registered once per Env; ~Env unregisters it.
const char* vfs_for(Env& env);
void forget_vfs(const Env& env);

class Cursor;

class Statement {
 public:
  Statement(Db& db, const std::string& sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Binds `args` to the parameters in order and returns a cursor over the result.
  template <class... A>
  Cursor run(const A&... args);

 private:
  friend class Cursor;
  Db& db_;
  sqlite3_stmt* stmt_;
};

class Cursor {
 public:
  explicit Cursor(Statement& statement) : st_(&statement) {}
  Cursor(Cursor&& other) noexcept : st_(other.st_) { other.st_ = nullptr; }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  Cursor& operator=(Cursor&&) = delete;
  ~Cursor();

  void bind(int index, std::nullptr_t);
  void bind(int index, std::string_view text);
  void bind(int index, std::integral auto value) { bind_int64(index, static_cast<std::int64_t>(value)); }
  void bind(int index, double value);
  // A list of strings is one column holding a JSON array (["po:1", "shipment:SH-1"]).
  void bind(int index, const std::vector<std::string>& list);
  template <class T>
  void bind(int index, ZeroIsNull<T> id) {
    id.value ? bind(index, id.value) : bind(index, nullptr);
  }
  // An enum is stored by its name: to_string(value), read back by from_name(name, value),
  // both found by argument-dependent lookup (archive/states.h).
  template <class T>
    requires std::is_enum_v<T>
  void bind(int index, T value) {
    bind(index, std::string_view(to_string(value)));
  }

  bool next();  // steps; false when done, throws on error
  void done();  // steps a statement that returns no rows

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  void get(int column, std::string& out) const;
  void get(int column, double& out) const;
  void get(int column, std::vector<std::string>& out) const;
  template <std::integral T>
  void get(int column, T& out) const {
    out = static_cast<T>(int64(column));
  }
  template <class T>
  void get(int column, ZeroIsNull<T> id) const {
    id.value = is_null(column) ? 0 : static_cast<T>(int64(column));
  }
  template <class T>
    requires std::is_enum_v<T>
  void get(int column, T& out) const {
    std::string name;
    get(column, name);
    from_name(name, out);
  }

 private:
  void bind_int64(int index, std::int64_t value);
  void check_bind(int rc, int index);
  Statement* st_;
};

template <class... A>
Cursor Statement::run(const A&... args) {
  Cursor cursor(*this);
  int index = 0;
  (cursor.bind(++index, args), ...);
  return cursor;
}

}  // namespace edihub::archive::sqlite
