// Archive integrity on a real archive (the demo configuration, run once): `archive verify`
// on a clean archive and on damaged ones, raw objects whose bytes changed refused by
// `archive show`, `replay` and `mapping diff`, a lost or damaged index refused by `run`
// before any inbox file is touched, and `archive rebuild` restoring files, sets and the
// outbound control counters.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

struct Demo {
  TempDir dir;
  std::string config() const { return dir.path().string(); }
  fs::path index() const { return dir / "archive/index.db"; }

  Demo() {
    copy_tree(source_dir() / "examples/demo", dir.path());
    auto run = run_edihub({"run", "--config", config(), "--once", "--json"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    REQUIRE(json::parse(run.out)["sets_delivered"] == 6);
  }

  json archive_json(std::vector<std::string> args) const {
    args.insert(args.end(), {"--config", config(), "--json"});
    auto r = run_edihub(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

  // What sits in the outbox: file name -> content.
  std::map<std::string, std::string> outbox() const {
    std::map<std::string, std::string> files;
    for (const auto& partner : fs::directory_iterator(dir / "outbox"))
      for (const auto& file : fs::directory_iterator(partner.path())) files[file.path().filename().string()] = read_file(file.path());
    return files;
  }
};

// "abc-co-000000002-999.edi" -> ("abc-co", 2), "rheinwerk-2-CONTRL.edi" -> ("rheinwerk", 2):
// the outbox names files by partner and ISA13 (EDIFACT: UNB 0020).
std::map<std::string, unsigned long> highest_isa13(const std::map<std::string, std::string>& outbox) {
  std::map<std::string, unsigned long> highest;
  static const std::regex name(R"((.+)-(\d+)-\w+\.edi)");
  for (const auto& [file, content] : outbox) {
    std::smatch m;
    REQUIRE(std::regex_match(file, m, name));
    auto& h = highest[m[1]];
    h = std::max(h, std::stoul(m[2]));
  }
  return highest;
}

std::string sql_text(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string value;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return value;
}

void remove_index(const fs::path& index) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(index.string() + suffix);
}

// Overwrites the middle of page `page` (1-based) of a closed database file.
void damage_page(const fs::path& db, long page) {
  const long size = std::stol(sql_text(db, "PRAGMA page_size"));
  std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp((page - 1) * size + 8);  // past the b-tree page header's first fields
  const std::string garbage(static_cast<std::size_t>(size) / 2, '\xA5');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  REQUIRE(file.good());
}

}  // namespace

TEST_CASE("archive verify passes a clean archive and names a raw object whose bytes changed, which show, replay and mapping diff refuse", "[archive-integrity]") {
  Demo demo;
  auto clean = run_edihub({"archive", "verify", "--config", demo.config()});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.out, Catch::StartsWith("archive ok: ") && Catch::Contains("raw objects re-hashed"));
  {
    // Beside a running hub (the archive lock held, as `edihub serve` holds it): verify
    // reads, rebuild refuses.
    const int lock = ::open((demo.dir / "archive/.lock").c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(::flock(lock, LOCK_EX) == 0);
    CHECK(run_edihub({"archive", "verify", "--config", demo.config()}).exit_code == 0);
    auto refused = run_edihub({"archive", "rebuild", "--config", demo.config()});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("another edihub process is working on the archive") &&
                                Catch::Contains("stop `edihub serve`"));
    ::close(lock);
  }
  auto clean_json = json::parse(run_edihub({"archive", "verify", "--config", demo.config(), "--json"}).out);
  CHECK(clean_json["ok"] == true);
  CHECK(clean_json["raw_objects"].get<int>() >= 8);
  CHECK(clean_json["outbound_files"] == 9);

  // abc-co's first ship notice, delivered.
  auto rows = demo.archive_json({"archive", "query", "--partner", "abc-co", "--status", "delivered"})["rows"];
  REQUIRE(rows.size() == 1);
  const std::string sha = rows[0]["file_sha256"];
  const std::string file_id = "F" + std::to_string(rows[0]["file_id"].get<int>());
  const std::string set_id = std::to_string(rows[0]["id"].get<int>());
  const fs::path object = demo.dir / "archive/raw" / sha.substr(0, 2) / sha;
  // Published objects are read-only.
  CHECK((fs::status(object).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read));

  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = read_file(object);
  bytes[bytes.find("829716")] = '7';  // BSN02 829716 -> 729716
  write_file(object, bytes);

  auto damaged = run_edihub({"archive", "verify", "--config", demo.config()});
  CHECK(damaged.exit_code == 1);
  CHECK_THAT(damaged.out, Catch::Contains("raw object " + object.string() + ": content hashes to ") &&
                              Catch::Contains("1 problem(s) found"));

  for (const auto& part : std::vector<std::vector<std::string>>{{"archive", "show", file_id, "--raw"},
                                                                 {"archive", "show", set_id, "--raw"},
                                                                 {"archive", "show", file_id}}) {
    auto args = part;
    args.insert(args.end(), {"--config", demo.config()});
    auto shown = run_edihub(args);
    INFO(part[2]);
    CHECK(shown.exit_code == 1);
    CHECK(shown.out.find("729716") == std::string::npos);
    CHECK_THAT(shown.err, Catch::Contains(sha) && Catch::Contains("is damaged"));
  }
  auto replay = run_edihub({"replay", file_id, "--config", demo.config(), "--by", "test"});
  CHECK(replay.exit_code == 1);
  CHECK_THAT(replay.err, Catch::Contains(sha) && Catch::Contains("is damaged"));
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM files WHERE replay_of IS NOT NULL") == "0");

  auto diff = run_edihub({"mapping", "diff", "--config", demo.config(), "--partner", "abc-co"});
  CHECK(diff.exit_code == 1);
  CHECK_THAT(diff.out + diff.err, Catch::Contains(sha) && Catch::Contains("is damaged"));
}

TEST_CASE("a deleted index stops the next run before the inbox is touched, and archive rebuild restores files, sets and control counters", "[archive-integrity]") {
  Demo demo;
  const auto outbox_before = demo.outbox();
  const auto highest = highest_isa13(outbox_before);
  CHECK(highest.at("abc-co") == 2);  // two 999s
  CHECK(highest.at("northwind") == 3);  // the 850, then a 997 for each of its two ASNs
  const auto files_before = sql_text(demo.index(), "SELECT count(*) FROM files");
  remove_index(demo.index());

  // The same delivered interchange dropped again, and a new one (ISA13 777) from abc-co.
  const std::string first = read_file(source_dir() / "examples/demo/inbox/abc-co/829716.edi");
  write_file(demo.dir / "inbox/abc-co/829716-again.edi", first);
  const std::string fresh = std::regex_replace(first, std::regex("000000049"), "000000777");
  write_file(demo.dir / "inbox/abc-co/829716-new.edi", fresh);

  auto refused = run_edihub({"run", "--config", demo.config(), "--once"});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains(demo.index().string() + " is missing") &&
                              Catch::Contains("edihub archive rebuild --config " + demo.config()));
  CHECK(read_file(demo.dir / "inbox/abc-co/829716-again.edi") == first);
  CHECK(read_file(demo.dir / "inbox/abc-co/829716-new.edi") == fresh);
  CHECK_FALSE(fs::exists(demo.index()));
  auto cannot = run_edihub({"archive", "verify", "--config", demo.config()});
  CHECK(cannot.exit_code == 2);
  CHECK_THAT(cannot.err, Catch::Contains("does not exist"));

  auto rebuilt = run_edihub({"archive", "rebuild", "--config", demo.config()});
  INFO(rebuilt.out << rebuilt.err);
  REQUIRE(rebuilt.exit_code == 0);
  // Counters from the highest numbers in what we sent (by hand: abc-co's two 999s carry
  // ISA13 1 and 2, GS06 1 and 2; northwind got the 850 with ISA13 1 and 997s with 2 and 3).
  CHECK_THAT(rebuilt.out, Catch::Contains("abc-co ISA 3 (highest ISA13 sent: 2") &&
                              Catch::Contains("abc-co GS 3 (highest GS06 sent: 2") &&
                              Catch::Contains("northwind ISA 4 (highest ISA13 sent: 3") &&
                              // rheinwerk's ORDERS went out as UNB 0020 1, our CONTRL as 2
                              Catch::Contains("rheinwerk ISA 3 (highest ISA13 sent: 2") &&
                              Catch::Contains("counter was lost"));
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM files") == files_before);
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM files WHERE status <> 'recovered'") == "0");
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM files WHERE direction = 'out'") == "9");
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM transaction_sets WHERE partner = 'abc-co' AND direction = 'in'") == "2");
  // Recovered sets are findable by their built-in keys again (the rejected ASN's too).
  auto found = demo.archive_json({"archive", "query", "--key", "shipment_id=829717"})["rows"];
  REQUIRE(found.size() == 1);
  CHECK(found[0]["status"] == "recovered");
  CHECK(fs::exists(demo.index()));
  auto verify = run_edihub({"archive", "verify", "--config", demo.config()});
  INFO(verify.out);
  CHECK(verify.exit_code == 0);

  auto run = run_edihub({"run", "--config", demo.config(), "--once", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto summary = json::parse(run.out);
  CHECK(summary["files_received"] == 2);
  CHECK(summary["duplicates"] == 1);     // the delivered interchange is not delivered again
  CHECK(summary["sets_delivered"] == 1);  // the new one is
  auto outbox_after = demo.outbox();
  for (const auto& [name, content] : outbox_before) CHECK(outbox_after.at(name) == content);  // nothing overwritten
  REQUIRE(outbox_after.size() == outbox_before.size() + 1);
  CHECK(outbox_after.count("abc-co-000000003-999.edi") == 1);  // not 000000001 again
}

TEST_CASE("a damaged index page stops the run before the inbox is touched, verify lists it and rebuild recovers the readable rows", "[archive-integrity]") {
  Demo demo;
  const auto files_before = sql_text(demo.index(), "SELECT count(*) FROM files");
  const auto sets_before = sql_text(demo.index(), "SELECT count(*) FROM transaction_sets");
  const long events_root = std::stol(sql_text(demo.index(), "SELECT rootpage FROM sqlite_schema WHERE name = 'events'"));
  // Everything in the database file itself, so that the damage is not masked by the WAL.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(demo.index().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  damage_page(demo.index(), events_root);

  const std::string first = read_file(source_dir() / "examples/demo/inbox/abc-co/829716.edi");
  write_file(demo.dir / "inbox/abc-co/829716-again.edi", first);
  auto refused = run_edihub({"run", "--config", demo.config(), "--once"});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains(demo.index().string() + " is damaged") && Catch::Contains("archive rebuild"));
  CHECK(read_file(demo.dir / "inbox/abc-co/829716-again.edi") == first);

  auto verify = run_edihub({"archive", "verify", "--config", demo.config()});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 1);
  CHECK_THAT(verify.out, Catch::Contains("index " + demo.index().string() + ": ") && Catch::Contains("problem(s) found"));

  auto rebuilt = run_edihub({"archive", "rebuild", "--config", demo.config()});
  INFO(rebuilt.out << rebuilt.err);
  REQUIRE(rebuilt.exit_code == 0);
  CHECK_THAT(rebuilt.out, Catch::Contains("unreadable") && Catch::Contains("old index kept as"));
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM files") == files_before);
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM transaction_sets") == sets_before);
  CHECK(sql_text(demo.index(), "SELECT count(*) FROM transaction_sets WHERE status = 'delivered'") == "6");
  auto clean = run_edihub({"archive", "verify", "--config", demo.config()});
  INFO(clean.out);
  CHECK(clean.exit_code == 0);

  auto run = run_edihub({"run", "--config", demo.config(), "--once", "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(json::parse(run.out)["duplicates"] == 1);
}
