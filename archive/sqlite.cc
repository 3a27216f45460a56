#include "archive/sqlite.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "archive/env.h"

namespace edihub::archive::sqlite {

namespace {

// The VFS shim (see vfs_for): each file it opens is the default VFS's file placed right
// after a small header that knows the Env and the file's name.
struct ShimFile {
  sqlite3_file base;  // first: SQLite sees a ShimFile as a sqlite3_file
  Env* env;
  const char* name;   // SQLite keeps the name alive while the file is open
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

struct Shim {
  sqlite3_vfs vfs;  // its pAppData is this Shim
  sqlite3_vfs* real;
  Env* env;
  std::string name;
};

Shim& shim_of(sqlite3_vfs* vfs) { return *static_cast<Shim*>(vfs->pAppData); }
sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) { return shim_of(vfs).real; }
ShimFile* shim_file(sqlite3_file* file) { return reinterpret_cast<ShimFile*>(file); }
const sqlite3_io_methods& real_methods(sqlite3_file* file) { return *shim_file(file)->real()->pMethods; }

// The errno of the last call the Env failed on this thread, for xGetLastError: SQLite
// asks after its rollback, whose own calls succeed; a real failure since clears it.
thread_local int injected_errno = 0;

// 0 when the Env allows the call; otherwise the SQLite error code for it.
int ask_env(sqlite3_file* file, FileOp op) {
  ShimFile* f = shim_file(file);
  std::error_code ec = f->env->before_index_io(op, f->name ? f->name : "");
  if (!ec) return SQLITE_OK;
  injected_errno = ec.value();
  if (op == FileOp::sync) return SQLITE_IOERR_FSYNC;
  return ec.value() == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
}

int shim_close(sqlite3_file* file) {
  int rc = real_methods(file).xClose(shim_file(file)->real());
  file->pMethods = nullptr;
  return rc;
}
int shim_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return real_methods(file).xRead(shim_file(file)->real(), buffer, amount, offset);
}
int shim_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (int rc = ask_env(file, FileOp::write)) return rc;
  int rc = real_methods(file).xWrite(shim_file(file)->real(), buffer, amount, offset);
  if (rc != SQLITE_OK) injected_errno = 0;
  return rc;
}
int shim_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return real_methods(file).xTruncate(shim_file(file)->real(), size);
}
int shim_sync(sqlite3_file* file, int flags) {
  if (int rc = ask_env(file, FileOp::sync)) return rc;
  int rc = real_methods(file).xSync(shim_file(file)->real(), flags);
  if (rc != SQLITE_OK) injected_errno = 0;
  return rc;
}
int shim_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real_methods(file).xFileSize(shim_file(file)->real(), size);
}
int shim_lock(sqlite3_file* file, int level) { return real_methods(file).xLock(shim_file(file)->real(), level); }
int shim_unlock(sqlite3_file* file, int level) { return real_methods(file).xUnlock(shim_file(file)->real(), level); }
int shim_check_reserved_lock(sqlite3_file* file, int* out) {
  return real_methods(file).xCheckReservedLock(shim_file(file)->real(), out);
}
int shim_file_control(sqlite3_file* file, int op, void* arg) {
  return real_methods(file).xFileControl(shim_file(file)->real(), op, arg);
}
int shim_sector_size(sqlite3_file* file) { return real_methods(file).xSectorSize(shim_file(file)->real()); }
int shim_device_characteristics(sqlite3_file* file) {
  return real_methods(file).xDeviceCharacteristics(shim_file(file)->real());
}
// The WAL index (-shm) is shared memory, not file writes: forwarded as it is.
int shim_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return real_methods(file).xShmMap(shim_file(file)->real(), page, size, extend, out);
}
int shim_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_methods(file).xShmLock(shim_file(file)->real(), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* file) { real_methods(file).xShmBarrier(shim_file(file)->real()); }
int shim_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_methods(file).xShmUnmap(shim_file(file)->real(), delete_flag);
}
int shim_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return real_methods(file).xFetch(shim_file(file)->real(), offset, amount, out);
}
int shim_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real_methods(file).xUnfetch(shim_file(file)->real(), offset, page);
}

const sqlite3_io_methods kShimMethods = {
    3,           shim_close,          shim_read,        shim_write,          shim_truncate,
    shim_sync,   shim_file_size,      shim_lock,        shim_unlock,         shim_check_reserved_lock,
    shim_file_control, shim_sector_size, shim_device_characteristics, shim_shm_map, shim_shm_lock,
    shim_shm_barrier,  shim_shm_unmap,   shim_fetch,       shim_unfetch};

int shim_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  ShimFile* f = shim_file(file);
  f->env = shim_of(vfs).env;
  f->name = name;
  file->pMethods = nullptr;
  int rc = real_vfs(vfs)->xOpen(real_vfs(vfs), name, f->real(), flags, out_flags);
  // The unix VFS's files all have version-3 methods; anything older is used as it is.
  if (f->real()->pMethods) file->pMethods = f->real()->pMethods->iVersion >= 3 ? &kShimMethods : nullptr;
  if (rc == SQLITE_OK && !file->pMethods && f->real()->pMethods) f->real()->pMethods->xClose(f->real());
  return rc == SQLITE_OK && !file->pMethods ? SQLITE_CANTOPEN : rc;
}

int shim_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  if (injected_errno) return injected_errno;
  return real_vfs(vfs)->xGetLastError(real_vfs(vfs), size, out);
}

std::mutex shims_mu;
std::map<const Env*, std::unique_ptr<Shim>>& shims() {
  static auto* registered = new std::map<const Env*, std::unique_ptr<Shim>>;  // outlives every Env
  return *registered;
}

}  // namespace

const char* vfs_for(Env& env) {
  std::lock_guard lock(shims_mu);
  auto& shim = shims()[&env];
  if (!shim) {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    shim = std::make_unique<Shim>();
    shim->env = &env;
    shim->name = "edihub-env-" + std::to_string(reinterpret_cast<std::uintptr_t>(&env));
    shim->vfs = *real;
    shim->vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
    shim->vfs.zName = shim->name.c_str();
    shim->vfs.pAppData = shim.get();
    shim->real = real;
    shim->vfs.xOpen = shim_open;
    shim->vfs.xGetLastError = shim_get_last_error;
    if (sqlite3_vfs_register(&shim->vfs, 0) != SQLITE_OK)
      throw std::runtime_error("cannot register the SQLite VFS " + shim->name);
  }
  return shim->name.c_str();
}

void forget_vfs(const Env& env) {
  std::lock_guard lock(shims_mu);
  auto it = shims().find(&env);
  if (it == shims().end()) return;
  sqlite3_vfs_unregister(&it->second->vfs);
  shims().erase(it);
}

Db::Db(const std::filesystem::path& file, Mode mode) : Db(file, mode, Env::posix()) {}

Db::Db(const std::filesystem::path& file, Mode mode, Env& env) : file_(file.string()) {
  // One connection per thread: the statement cache on top of it is not shared.
  int flags = mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const char* vfs = &env == &Env::posix() ? nullptr : vfs_for(env);
  int rc = sqlite3_open_v2(file_.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, vfs);
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
  std::string message = sqlite3_errmsg(db_);
  // An I/O error says which one ("disk I/O error" alone does not). SQLite keeps the errno
  // of failed statements, not of a failed COMMIT: the shim's injected one stands in there.
  int system_errno = sqlite3_system_errno(db_) ? sqlite3_system_errno(db_) : injected_errno;
  if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_IOERR && system_errno != 0)
    message += std::string(" (") + std::strerror(system_errno) + ")";
  throw std::runtime_error("archive index " + file_ + ": " + message + " (" + std::string(context) + ")");
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

void Cursor::bind(int index, double value) { check_bind(sqlite3_bind_double(st_->stmt_, index, value), index); }

void Cursor::bind(int index, const std::vector<std::string>& list) { bind(index, nlohmann::json(list).dump()); }

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

void Cursor::get(int column, double& out) const { out = sqlite3_column_double(st_->stmt_, column); }

void Cursor::get(int column, std::vector<std::string>& out) const {
  std::string text;
  get(column, text);
  out.clear();
  if (text.empty()) return;
  // Written by bind(): a stored value that is not a list of strings is a damaged index.
  auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) throw std::runtime_error("index column holds '" + text + "', not a JSON list of strings");
  for (const auto& item : list)
    if (item.is_string()) out.push_back(item.get<std::string>());
}

}  // namespace edihub::archive::sqlite
