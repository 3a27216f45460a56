#include "archive/rebuild.h"

#include <sqlite3.h>
#include <unistd.h>

#include <stdexcept>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "archive/posix.h"
#include "archive/raw_store.h"
#include "archive/sqlite.h"

namespace edihub::archive {

namespace fs = std::filesystem;

namespace {

struct Column {
  std::string name;
  bool required = false;  // NOT NULL or primary key
};

std::vector<std::string> table_names(sqlite::Db& db) {
  sqlite::Statement statement(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                  "ORDER BY rowid");
  std::vector<std::string> names;
  for (auto c = statement.run(); c.next();) c.get(0, names.emplace_back());
  return names;
}

std::vector<Column> table_columns(sqlite::Db& db, const std::string& table) {
  sqlite::Statement statement(db, "SELECT name, \"notnull\" OR pk FROM pragma_table_info(?)");
  std::vector<Column> columns;
  for (auto c = statement.run(table); c.next();) {
    auto& column = columns.emplace_back();
    c.get(0, column.name);
    column.required = c.int64(1) != 0;
  }
  return columns;
}

bool has_rowid(sqlite::Db& db, const std::string& table) {
  sqlite::Statement statement(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
  auto c = statement.run(table);
  std::string sql;
  if (c.next()) c.get(0, sql);
  return sql.find("WITHOUT ROWID") == std::string::npos;
}

// Raw statements: a damaged page makes sqlite3_step fail with SQLITE_CORRUPT, which is
// an expected result here rather than an error to throw.
class Raw {
 public:
  Raw(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string(sqlite3_errmsg(db)) + " (" + sql + ")");
  }
  ~Raw() { sqlite3_finalize(stmt_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  std::string error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string sql_name(const std::string& name) { return "\"" + name + "\""; }

class TableCopy {
 public:
  TableCopy(sqlite::Db& from, sqlite::Db& into, const std::string& table, const std::vector<std::string>& names,
            TableSalvage& salvage)
      : from_(from), table_(table), salvage_(salvage) {
    std::string list, params;
    for (const auto& name : names) {
      list += (list.empty() ? "" : ", ") + sql_name(name);
      params += params.empty() ? "?" : ", ?";
    }
    list_ = list;
    insert_ = std::make_unique<Raw>(into.handle(), "INSERT INTO " + sql_name(table) + " (" + list + ") VALUES (" + params + ")");
  }

  // A WITHOUT ROWID table: one scan, stopping at the first unreadable row.
  void copy_all() {
    Raw select(from_.handle(), "SELECT " + list_ + " FROM " + sql_name(table_));
    int rc;
    while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) copy_row(select.get(), 0);
    if (rc != SQLITE_DONE) salvage_.notes.push_back("rows after the first " + std::to_string(salvage_.recovered) +
                                                    " unreadable: " + select.error());
  }

  // In rowid order; past a damaged stretch the scan resumes at the next readable rowid,
  // found by probing ever further ahead (a damaged interior page hides a whole range).
  void copy_by_rowid() {
    std::int64_t last = std::numeric_limits<std::int64_t>::min();
    Raw select(from_.handle(), "SELECT rowid, " + list_ + " FROM " + sql_name(table_) + " WHERE rowid > ? ORDER BY rowid");
    Raw probe(from_.handle(), "SELECT rowid FROM " + sql_name(table_) + " WHERE rowid > ? ORDER BY rowid LIMIT 1");
    for (;;) {
      sqlite3_reset(select.get());
      sqlite3_bind_int64(select.get(), 1, last);
      int rc;
      while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
        last = sqlite3_column_int64(select.get(), 0);
        copy_row(select.get(), 1);
      }
      if (rc == SQLITE_DONE) return count_lost();
      const std::string error = select.error();
      // Rows after `base` are probed at base + 1, + 2, + 4, ... until one answers with a
      // rowid inside the probed window: a damaged page may answer with garbage (a huge
      // rowid would skip every row after it), ids are dense, the next good leaf is near.
      const std::int64_t base = last == std::numeric_limits<std::int64_t>::min() ? 0 : last;
      constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
      std::int64_t next = 0;  // 0: none found (a found rowid is > base >= 0)
      for (std::int64_t ahead = 1; ahead <= (kMax - base) / 2; ahead *= 2) {
        sqlite3_reset(probe.get());
        sqlite3_bind_int64(probe.get(), 1, base + ahead - 1);
        rc = sqlite3_step(probe.get());
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) continue;
        const std::int64_t found = sqlite3_column_int64(probe.get(), 0);
        if (found > base && found <= base + 2 * ahead) {
          next = found;
          break;
        }
      }
      const std::int64_t from = base + 1;
      if (next == 0) {
        salvage_.notes.push_back("rows after id " + std::to_string(from - 1) + " unreadable: " + error);
        return count_lost();
      }
      // The next readable rowid may be `from` itself when only its content is damaged
      // (an overflow page): that row is skipped, so the scan always moves on.
      const std::int64_t resume = std::max(next, from + 1);
      salvage_.lost += static_cast<std::size_t>(resume - from);
      salvage_.notes.push_back(resume == from + 1 ? "id " + std::to_string(from) + " unreadable: " + error
                                                  : "ids " + std::to_string(from) + ".." + std::to_string(resume - 1) +
                                                        " unreadable: " + error);
      last = resume - 1;
    }
  }

 private:
  // When rows were skipped, count(*) may still be answered from an intact index b-tree
  // (it holds every rowid): then the number lost is exact.
  void count_lost() {
    if (salvage_.notes.empty()) return;
    Raw count(from_.handle(), "SELECT count(*) FROM " + sql_name(table_));
    if (sqlite3_step(count.get()) != SQLITE_ROW) return;
    const auto total = static_cast<std::size_t>(sqlite3_column_int64(count.get(), 0));
    if (total >= salvage_.recovered) salvage_.lost = total - salvage_.recovered;
  }

  void copy_row(sqlite3_stmt* row, int first) {
    sqlite3_stmt* insert = insert_->get();
    sqlite3_reset(insert);
    for (int i = first; i < sqlite3_column_count(row); ++i) sqlite3_bind_value(insert, i - first + 1, sqlite3_column_value(row, i));
    if (sqlite3_step(insert) == SQLITE_DONE) {
      ++salvage_.recovered;
    } else {
      ++salvage_.lost;
      if (salvage_.notes.size() < 20) salvage_.notes.push_back("a row refused by the schema: " + insert_->error());
    }
  }

  sqlite::Db& from_;
  std::string table_, list_;
  TableSalvage& salvage_;
  std::unique_ptr<Raw> insert_;
};

// References to rows that were lost: cleared when the column may be NULL, else the row
// goes too. Repeated because a dropped row may itself be referred to.
void settle_references(sqlite::Db& into, std::vector<TableSalvage>& tables) {
  std::map<std::string, TableSalvage*> by_name;
  for (auto& t : tables) by_name[t.table] = &t;
  for (int pass = 0; pass < 4; ++pass) {
    struct Violation {
      std::string table;
      std::int64_t rowid;
      int fk;
    };
    std::vector<Violation> violations;
    {
      sqlite::Statement check(into, "PRAGMA foreign_key_check");
      for (auto c = check.run(); c.next();) {
        Violation v;
        c.get(0, v.table);
        c.get(1, v.rowid);
        c.get(3, v.fk);
        violations.push_back(v);
      }
    }
    if (violations.empty()) return;
    for (const auto& v : violations) {
      std::string column;
      {
        sqlite::Statement fks(into, "SELECT \"from\" FROM pragma_foreign_key_list(?) WHERE id = ?");
        auto c = fks.run(v.table, v.fk);
        if (c.next()) c.get(0, column);
      }
      bool required = false;
      for (const auto& col : table_columns(into, v.table))
        if (col.name == column) required = col.required;
      auto& salvage = *by_name.at(v.table);
      if (required) {
        sqlite::Statement drop(into, "DELETE FROM " + sql_name(v.table) + " WHERE rowid = ?");
        drop.run(v.rowid).done();
        --salvage.recovered;
        ++salvage.lost;
      } else {
        sqlite::Statement clear(into, "UPDATE " + sql_name(v.table) + " SET " + sql_name(column) + " = NULL WHERE rowid = ?");
        clear.run(v.rowid).done();
        ++salvage.references_cleared;
      }
    }
  }
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) throw_errno("cannot rename " + from.string() + " to", to);
}

}  // namespace

std::vector<TableSalvage> salvage_index(const fs::path& old_index, const fs::path& new_index) {
  sqlite::Db into(new_index);
  std::vector<TableSalvage> tables;
  for (const auto& name : table_names(into)) tables.push_back({name, 0, 0, 0, {}});
  if (!fs::exists(old_index)) return tables;

  into.exec_script("PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE", "salvage");
  try {
    std::optional<sqlite::Db> from;
    try {
      from.emplace(old_index, sqlite::Db::Mode::read_only);
    } catch (const std::exception& e) {
      for (auto& t : tables) t.notes.push_back(e.what());
    }
    for (auto& salvage : tables) {
      if (!from) break;
      try {
        std::set<std::string> old_columns;
        for (const auto& column : table_columns(*from, salvage.table)) old_columns.insert(column.name);
        if (old_columns.empty()) {
          salvage.notes.push_back("not readable in the old index");
          continue;
        }
        std::vector<std::string> names;
        for (const auto& column : table_columns(into, salvage.table))
          if (old_columns.count(column.name)) names.push_back(column.name);
        TableCopy copy(*from, into, salvage.table, names, salvage);
        has_rowid(into, salvage.table) ? copy.copy_by_rowid() : copy.copy_all();
      } catch (const std::exception& e) {
        salvage.notes.push_back(std::string("not readable in the old index: ") + e.what());
      }
    }
    settle_references(into, tables);
    into.exec_script("COMMIT", "salvage");
  } catch (...) {
    sqlite3_exec(into.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return tables;
}

fs::path replace_index(const fs::path& built, const fs::path& index_file, const std::string& stamp) {
  fsync_path(built);
  const fs::path kept = index_file.string() + ".damaged-" + stamp;
  const bool had_index = fs::exists(index_file);
  // A second name first, so that index_file is replaced by one rename and never absent.
  if (had_index && ::link(index_file.c_str(), kept.c_str()) != 0) rename_or_throw(index_file, kept);
  for (const char* suffix : {"-wal", "-shm"}) {
    const fs::path companion = index_file.string() + suffix;
    if (fs::exists(companion)) rename_or_throw(companion, kept.string() + suffix);
  }
  rename_or_throw(built, index_file);
  fsync_path(index_file.parent_path());
  return had_index ? kept : fs::path();
}

}  // namespace edihub::archive
