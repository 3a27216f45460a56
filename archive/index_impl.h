// Internals of archive::Index shared by its source files (index.cc, acks.cc): the
// connection with its statement cache and the record-level helpers over tables.h.
#pragma once

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "archive/index.h"
#include "archive/sqlite.h"
#include "archive/tables.h"

namespace edihub::archive {

// Checks a Query-style time bound (a date or a UTC time, Z optional) and returns it in the
// stored form's prefix (T separator, no Z); std::invalid_argument names `which` otherwise.
std::string time_bound(const std::string& text, const char* which);

// "000003438" -> "3438", the form the ltrim(control, '0') indexes hold.
std::string without_leading_zeros(const std::string& control);

// " LIMIT ? OFFSET ?" bound after the filter's parameters (SQLite: LIMIT -1 is no limit);
// a negative offset is std::invalid_argument.
void bind_page(sqlite::Cursor& cursor, int last_bound, int limit, std::int64_t offset);

// " AND ..." conditions from optional filters, with their parameters in order.
struct Filter {
  std::string sql;
  std::vector<std::string> params;

  void add(const std::string& condition, std::initializer_list<std::string> values) {
    sql += " AND " + condition;
    params.insert(params.end(), values);
  }

  // Binds the parameters; returns the index of the last one bound.
  int bind(sqlite::Cursor& cursor) const {
    int index = 0;
    for (const auto& param : params) cursor.bind(++index, param);
    return index;
  }
};

// Rows of "SELECT partner, name, count(*), min(at), id ... GROUP BY": SQLite takes the
// bare `id` from the row holding the min(), so each tally names its oldest row.
std::vector<Tally> read_tallies(sqlite::Cursor cursor);

struct Index::Impl {
  Impl(const std::filesystem::path& file, Env& env);  // connection settings, then migrate()

  // Statements are prepared once per connection: the pipeline inserts thousands of rows
  // per transaction, and preparing costs more than the insert itself.
  sqlite::Statement& statement(const std::string& sql) {
    auto it = cache.find(sql);
    if (it == cache.end()) it = cache.emplace(sql, sqlite::Statement(db, sql)).first;
    return it->second;
  }

  template <class... A>
  sqlite::Cursor run(const std::string& sql, const A&... args) {
    return statement(sql).run(args...);
  }

  template <class Record>
  std::int64_t insert(const Record& record) {
    sqlite::Cursor cursor(statement(insert_sql<Record>()));
    bind_fields(cursor, record);
    cursor.done();
    return db.last_insert_rowid();
  }

  // Whole records; `tail` is the WHERE / ORDER BY part.
  template <class Record, class... A>
  std::vector<Record> select(const std::string& tail, const A&... args) {
    static const std::string head = "SELECT " + columns<Record>() + " FROM " + Table<Record>::name + " ";
    return read_all<Record>(run(head + tail, args...));
  }

  template <class Record, class... A>
  std::optional<Record> select_one(const std::string& tail, const A&... args) {
    auto records = select<Record>(tail, args...);
    if (records.empty()) return std::nullopt;
    return records.front();
  }

  // Whole records matching the filter's conditions, then `order` (ORDER BY ...).
  template <class Record>
  std::vector<Record> select(const Filter& filter, const std::string& order) {
    sqlite::Cursor cursor(statement("SELECT " + columns<Record>() + " FROM " + Table<Record>::name + " WHERE 1" +
                                    filter.sql + " " + order));
    filter.bind(cursor);
    return read_all<Record>(std::move(cursor));
  }

  template <class Record>
  static std::vector<Record> read_all(sqlite::Cursor cursor) {
    std::vector<Record> records;
    while (cursor.next()) records.push_back(read_record<Record>(cursor));
    return records;
  }

  // Rows of a query that is no table (grouped counts, joins): column i into `fields[i]`.
  template <class Row, class... Field>
  static std::vector<Row> read_rows(sqlite::Cursor cursor, Field Row::*... fields) {
    std::vector<Row> rows;
    while (cursor.next()) {
      Row& row = rows.emplace_back();
      int column = 0;
      (cursor.get(column++, row.*fields), ...);
    }
    return rows;
  }

  // An UPDATE of one row by id (the last parameter); a missing row is a caller bug.
  template <class... A>
  void update(const char* what, std::int64_t id, const std::string& sql, const A&... args) {
    run(sql, args..., id).done();
    if (db.changes() == 0) throw std::runtime_error("archive index " + db.file() + ": no " + what + " " + std::to_string(id));
  }

  int user_version();
  void check_not_newer(int version, int latest);
  void migrate();

  sqlite::Db db;  // declared first: outlives the cached statements
  std::unordered_map<std::string, sqlite::Statement> cache;
};

}  // namespace edihub::archive
