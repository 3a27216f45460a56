// Archive integrity on real stores and indexes: objects read-only and hash-checked on
// read, the read-only checks of verify.h, the start-up refusal, and rebuild.h's salvage
// of a damaged index page and atomic replacement.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "archive/rebuild.h"
#include "archive/verify.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::read_file;
using edihub::testing::TempDir;
using edihub::testing::write_file;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kSha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::string publish_bytes(RawStore& store, const std::string& bytes) {
  std::vector<Staged> batch{store.stage_bytes(bytes)};
  std::string sha = batch.front().sha256;
  store.publish(batch);
  return sha;
}

void make_writable_and_write(const fs::path& path, const std::string& bytes) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  write_file(path, bytes);
}

std::int64_t add_file(Index& index, const std::string& sha256, std::uint64_t size) {
  FileRecord file;
  file.sha256 = sha256;
  file.size = size;
  file.partner = "acme";
  file.channel = "folder:inbox/acme";
  file.source_name = "in.edi";
  file.received_at = "2026-11-27T10:00:00Z";
  return index.add_file(file);
}

// Overwrites the middle of a page of a closed database file, leaving its header.
void damage_page(const fs::path& db, long page, long page_size) {
  std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp((page - 1) * page_size + 8);
  const std::string garbage(static_cast<std::size_t>(page_size) / 2, '\xA5');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  REQUIRE(file.good());
}

std::string sql_text(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::string value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("published objects are read-only, claimed ones too, and a changed object is never read", "[raw_store][integrity]") {
  TempDir dir;
  RawStore store(dir.path());
  const std::string sha = publish_bytes(store, "abc");
  REQUIRE(sha == kSha256Abc);
  const auto read_only = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
  CHECK((fs::status(store.path_of(sha)).permissions() & fs::perms::all) == read_only);

  write_file(dir / "inbox/claimed.edi", "claimed bytes");
  fs::permissions(dir / "inbox/claimed.edi", fs::perms::owner_all, fs::perm_options::replace);
  std::vector<Staged> claimed{store.claim_file(dir / "inbox/claimed.edi", "acme/1__claimed.edi")};
  store.sync();
  const std::string claimed_sha = claimed.front().sha256;
  store.publish(claimed);
  CHECK((fs::status(store.path_of(claimed_sha)).permissions() & fs::perms::all) == read_only);

  CHECK(store.read(sha) == "abc");
  CHECK_NOTHROW(store.verify(sha));
  make_writable_and_write(store.path_of(sha), "abd");
  const std::string expected = "raw object " + store.path_of(sha).string() + " is damaged: its content hashes to " +
                               sha256_hex("abd") + ", not to its name " + sha;
  CHECK_THROWS_MATCHES(store.read(sha), IntegrityError, Catch::Matchers::Message(expected + " (run `edihub archive verify`)"));
  CHECK_THROWS_AS(store.verify(sha), IntegrityError);
  CHECK_THROWS_AS(read_raw_object(dir.path(), sha), IntegrityError);
}

TEST_CASE("verify: a sound archive, then a changed object, a missing one, an orphan and a wrong size, each named", "[verify][integrity]") {
  TempDir dir;
  RawStore store(dir.path());
  auto index = Index::open(dir / "index.db");
  const std::string kept = publish_bytes(store, "kept");
  const std::string changed = publish_bytes(store, "changed");
  add_file(*index, kept, 4);
  add_file(*index, changed, 7);
  {
    ArchiveCheck check(dir.path());
    CHECK(check.index_problems(false).empty());
    auto store_check = check.check_store();
    CHECK(store_check.problems.empty());
    CHECK(store_check.objects == 2);
    CHECK(store_check.bytes == 11);
    CHECK(store_check.references == 2);
  }

  make_writable_and_write(store.path_of(changed), "CHANGED");
  const std::string orphan = publish_bytes(store, "orphan");
  const std::string missing = sha256_hex("never stored");
  add_file(*index, missing, 12);
  add_file(*index, kept, 5);  // a wrong size
  ArchiveCheck check(dir.path());
  auto problems = check.check_store().problems;
  REQUIRE(problems.size() == 4);
  CHECK_THAT(problems[0], Contains("raw object " + store.path_of(changed).string() + ": content hashes to " +
                                   sha256_hex("CHANGED")));
  CHECK(problems[1] == "files row F3 (in.edi): raw object " + store.path_of(missing).string() + " is missing");
  CHECK(problems[2] == "files row F4 (in.edi): recorded as 5 bytes, raw object " + store.path_of(kept).string() + " has 4");
  CHECK(problems[3] == "raw object " + store.path_of(orphan).string() + ": orphan, no index row refers to it (6 bytes)");
}

TEST_CASE("the start-up check passes a new archive and refuses a lost or damaged index, naming it and archive rebuild", "[verify][integrity]") {
  TempDir dir;
  CHECK_NOTHROW(check_index_before_start(dir.path(), "cfg"));  // nothing yet
  RawStore store(dir.path());
  CHECK_NOTHROW(check_index_before_start(dir.path(), "cfg"));  // an empty store
  const std::string sha = publish_bytes(store, "received");
  CHECK_THROWS_MATCHES(check_index_before_start(dir.path(), "cfg"), IndexUnusable,
                       Catch::Matchers::Predicate<IndexUnusable>([&](const IndexUnusable& e) {
                         std::string what = e.what();
                         return what.find((dir / "index.db").string() + " is missing") != std::string::npos &&
                                what.find("`edihub archive rebuild --config cfg`") != std::string::npos;
                       }));

  {
    auto index = Index::open(dir / "index.db");
    Index::Transaction tx(*index);
    for (int i = 0; i < 400; ++i) index->add_event({0, 0, 0, "2026-11-27T10:00:00Z", "note", std::string(200, 'x')});
    add_file(*index, sha, 8);
    tx.commit();
  }
  CHECK_NOTHROW(check_index_before_start(dir.path(), "cfg"));
  damage_page(dir / "index.db", std::stol(sql_text(dir / "index.db", "SELECT rootpage FROM sqlite_schema WHERE name = 'events'")), 4096);
  CHECK_THROWS_WITH(check_index_before_start(dir.path(), "cfg"),
                    Contains((dir / "index.db").string() + " is damaged (PRAGMA quick_check)") &&
                        Contains("edihub archive verify --config cfg"));
  CHECK_FALSE(ArchiveCheck(dir.path()).index_problems(false).empty());
}

TEST_CASE("salvage copies the readable rows around a damaged page and counts the lost ones, replace_index keeps the old aside", "[rebuild][integrity]") {
  TempDir dir;
  const fs::path old_file = dir / "index.db";
  {
    auto index = Index::open(old_file);
    Index::Transaction tx(*index);
    const auto file = add_file(*index, kSha256Abc, 3);
    // Enough events for several leaf pages under an interior root.
    for (int i = 0; i < 2000; ++i) index->add_event({0, file, 0, "2026-11-27T10:00:00Z", "note", std::string(100, 'e')});
    tx.commit();
    CHECK(index->next_control_number("acme", "ISA") == 1);
  }
  // A leaf in the middle of the events tree (dbstat lists the pages of each b-tree).
  const long leaf = std::stol(sql_text(old_file, "SELECT pageno FROM dbstat WHERE name = 'events' AND "
                                                 "pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 30"));
  damage_page(old_file, leaf, 4096);

  const fs::path built = dir / "index.db.rebuild";
  Index::open(built).reset();
  auto tables = salvage_index(old_file, built);
  std::map<std::string, TableSalvage> by_name;
  for (auto& t : tables) {
    by_name[t.table] = t;
    for (const auto& note : t.notes) UNSCOPED_INFO(t.table << ": " << note);
  }
  CHECK(by_name.at("files").recovered == 1);
  CHECK(by_name.at("files").lost == 0);
  CHECK(by_name.at("control_counters").recovered == 1);
  const auto& events = by_name.at("events");
  REQUIRE(events.notes.size() == 1);
  INFO(events.notes.front());
  CHECK(events.recovered > 1500);
  CHECK(events.lost > 0);
  CHECK(events.recovered + events.lost == 2000);
  CHECK_THAT(events.notes.front(), Contains("unreadable"));

  auto kept = replace_index(built, old_file, "20261127T100000Z");
  CHECK(kept == dir / "index.db.damaged-20261127T100000Z");
  CHECK(fs::exists(kept));
  CHECK_FALSE(fs::exists(built));
  auto index = Index::open(old_file);
  CHECK(index->file(1)->sha256 == kSha256Abc);
  CHECK(index->events_of_file(1).size() == events.recovered);
  CHECK(index->raise_control_counter("acme", "ISA", 1) == 2);  // never lowered
  CHECK(index->raise_control_counter("acme", "ISA", 7) == 7);
  CHECK(index->next_control_number("acme", "ISA") == 7);
}
