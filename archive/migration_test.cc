// Schema migrations on real indexes: each fixture of tests/data/migrations/ (MANIFEST.md: an
// index the last edihub of that schema version made) is opened with the current code and
// must come out at the latest version with every row kept, usable through Index, and sound.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "archive/business.h"
#include "archive/index.h"
#include "archive/schema.h"
#include "archive/verify.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::data_dir;
using edihub::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Raw SQLite, beside the code under test: counts and the version as the file has them.
class RawDb {
 public:
  explicit RawDb(const fs::path& file) { REQUIRE(sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  std::int64_t scalar(const std::string& sql) {
    INFO(sql);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const std::int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The fixture `name` copied to dir/archive/index.db, checked to be of `version`.
fs::path copy_fixture(const TempDir& dir, const std::string& name, std::int64_t version) {
  const fs::path db = dir / "archive/index.db";
  fs::create_directories(db.parent_path());
  fs::copy_file(data_dir() / "migrations" / name, db);
  RawDb before(db);
  REQUIRE(before.scalar("PRAGMA user_version") == version);
  return db;
}

// Rows per table of the demo's run, counted with sqlite3 in the fixtures (MANIFEST.md).
const std::map<std::string, std::int64_t> kDemoRows{
    {"files", 16},         {"interchanges", 13},        {"groups", 13},      {"transaction_sets", 15},
    {"mapped_outputs", 6}, {"business_keys", 33},       {"events", 79},      {"exceptions", 5},
    {"exception_documents", 4}, {"control_counters", 12}, {"awaited_acks", 2}, {"acks", 7},
    {"as2_messages", 0},   {"orders", 1},               {"order_lines", 3},  {"shipments", 2},
    {"shipment_lines", 4}, {"invoices", 0},             {"invoice_lines", 0}};

// After migration: the latest version, and `rows` rows in each table.
void check_migrated(const fs::path& db, const std::map<std::string, std::int64_t>& rows) {
  RawDb after(db);
  CHECK(after.scalar("PRAGMA user_version") == static_cast<std::int64_t>(schema_migrations().size()));
  for (const auto& [table, count] : rows) {
    INFO(table);
    CHECK(after.scalar("SELECT count(*) FROM " + table) == count);
  }
}

}  // namespace

TEST_CASE("the demo's index of schema version 5 (edihub 523307b) migrates to the latest version with every row kept",
          "[index][migration]") {
  TempDir dir;
  const fs::path db = copy_fixture(dir, "index-v5-demo.db", 5);

  {
    auto index = Index::open(db);
    // What the demo did, read through the current code.
    auto file = index->file(9);
    REQUIRE(file);
    CHECK(file->source_name == "ASN_SH-4500012345.edi");
    CHECK(file->partner == "northwind");
    CHECK(file->direction == "in");
    CHECK(file->status == FileStatus::processed);
    CHECK(index->count_exceptions(std::nullopt, "open") == 5);
    auto about_po = index->exceptions_about("po:4500012345", std::nullopt);
    REQUIRE(about_po.size() == 1);
    CHECK(about_po[0].id == 4);
    CHECK(about_po[0].kind == "asn_over_shipment");
    // Counters go on from where the demo left them (northwind ISA: next 4).
    CHECK(index->next_control_number("northwind", "ISA") == 4);
    // Version 6: channel health, a table the demo's index did not have.
    CHECK(index->partner_polls().empty());
    index->record_poll("northwind", "2026-12-07T10:00:00.000Z", "connect refused");
    auto polls = index->partner_polls();
    REQUIRE(polls.size() == 1);
    CHECK(polls[0].partner == "northwind");
    CHECK(polls[0].failing_since == "2026-12-07T10:00:00.000Z");
  }

  check_migrated(db, kDemoRows);
  RawDb after(db);
  CHECK(after.scalar("SELECT count(*) FROM partner_polls") == 1);
  CHECK(after.scalar("SELECT next FROM control_counters WHERE partner = 'northwind' AND kind = 'ISA'") == 5);

  // `edihub archive verify`'s checks: the index is sound. The fixture has no raw store, so
  // the store check finds exactly the objects its rows name missing (16 files rows and 13
  // interchanges rows, no AS2 MDN) and nothing else.
  ArchiveCheck check(db.parent_path());
  CHECK(check.index_problems(false).empty());
  auto store = check.check_store();
  CHECK(store.references == 16 + 13);
  CHECK(store.problems.size() == 16 + 13);
  for (const auto& problem : store.problems) {
    INFO(problem);
    CHECK(problem.ends_with(" is missing"));
  }

  // Opened again: already the latest version, nothing to migrate.
  auto again = Index::open(db);
  CHECK(again->partner_polls().size() == 1);
}

TEST_CASE("the demo's index of schema version 6 (edihub 799fd7c) migrates to the latest version with every row kept",
          "[index][migration]") {
  TempDir dir;
  const fs::path db = copy_fixture(dir, "index-v6-demo.db", 6);
  {
    auto index = Index::open(db);
    // Version 6's channel health is kept: the demo polled its 4 partners once, all well.
    auto polls = index->partner_polls();
    REQUIRE(polls.size() == 4);
    CHECK(polls[1].partner == "northwind");
    CHECK(polls[1].last_ok_at == "2026-12-01T10:00:00.000Z");
    CHECK(polls[1].failing_since.empty());
    CHECK(index->count_exceptions(std::nullopt, "open") == 5);
  }
  auto rows = kDemoRows;
  rows["partner_polls"] = 4;
  rows["notifications"] = 0;
  check_migrated(db, rows);
  // Version 7: alerts start after what the archive already holds (5 exceptions, 79 events),
  // so an upgrade sends no alert about history.
  RawDb after(db);
  CHECK(after.scalar("SELECT last_id FROM alert_cursors WHERE name = 'exceptions'") == 5);
  CHECK(after.scalar("SELECT last_id FROM alert_cursors WHERE name = 'events'") == 79);
}

TEST_CASE("the demo's index of schema version 7 (edihub a0b1da3) migrates to the latest version with every row kept",
          "[index][migration]") {
  TempDir dir;
  const fs::path db = copy_fixture(dir, "index-v7-demo.db", 7);
  {
    auto index = Index::open(db);
    BusinessRecords records(*index);
    // Version 8: the demo's one order (PO 4500012345, sent to northwind as an 850) is a
    // purchase order; a warehouse order is another kind of the same rows.
    auto order = records.order("northwind", "4500012345");
    REQUIRE(order);
    CHECK(order->kind == "purchase");
    CHECK(records.order_lines(order->id).size() == 3);
    OrderRecord warehouse;
    warehouse.partner = "riverside";
    warehouse.po_number = "WO-7781";
    warehouse.kind = "warehouse";
    warehouse.known_at = warehouse.updated_at = "2026-12-07T10:00:00.000Z";
    records.put_order(warehouse, {});
    CHECK(records.order("riverside", "WO-7781")->kind == "warehouse");
  }
  auto rows = kDemoRows;
  rows["partner_polls"] = 4;
  rows["notifications"] = 0;
  rows["alert_cursors"] = 2;
  rows["orders"] = 2;
  check_migrated(db, rows);
  RawDb after(db);
  CHECK(after.scalar("SELECT count(*) FROM orders WHERE kind = 'purchase'") == 1);
  ArchiveCheck check(db.parent_path());
  CHECK(check.index_problems(false).empty());
}
