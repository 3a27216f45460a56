#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <stdexcept>

#include "archive/index.h"
#include "archive/schema.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::TempDir;
using edihub::testing::write_file;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Archive {
  TempDir dir;
  fs::path db_file = dir / "index.db";
  std::unique_ptr<Index> index = Index::open(db_file);

  std::int64_t add_file(const std::string& sha256, const std::string& partner = "acme") {
    FileRecord file;
    file.sha256 = sha256;
    file.size = 42;
    file.partner = partner;
    file.channel = "folder:inbox/" + partner;
    file.source_name = "in.edi";
    file.received_at = "2026-11-27T10:00:00Z";
    return index->add_file(file);
  }
};

struct SetSpec {
  std::string partner, type, isa13, gs06, st02, received_at, status;
};

TransactionSetRecord make_set(std::int64_t file_id, const SetSpec& s) {
  TransactionSetRecord set;
  set.file_id = file_id;
  set.partner = s.partner;
  set.type = s.type;
  set.interchange_control = s.isa13;
  set.group_control = s.gs06;
  set.control_number = s.st02;
  set.version = "004010";
  set.status = parse_state<SetStatus>(s.status);
  set.idempotency_key = s.partner + "/" + s.isa13 + "/" + s.gs06 + "/" + s.st02;
  set.received_at = s.received_at;
  set.updated_at = s.received_at;
  return set;
}

std::vector<std::int64_t> ids(const std::vector<DocumentRow>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.set.id);
  return out;
}

using Ids = std::vector<std::int64_t>;

template <class Record>
Ids ids_of(const std::vector<Record>& list) {
  Ids out;
  for (const auto& e : list) out.push_back(e.id);
  return out;
}

}  // namespace

TEST_CASE("files: round trip, status, partner and source removal", "[index]") {
  Archive a;
  auto id = a.add_file(std::string(64, 'a'));
  auto file = a.index->file(id);
  REQUIRE(file);
  CHECK(file->id == id);
  CHECK(file->sha256 == std::string(64, 'a'));
  CHECK(file->size == 42);
  CHECK(file->partner == "acme");
  CHECK(file->channel == "folder:inbox/acme");
  CHECK(file->source_name == "in.edi");
  CHECK(file->received_at == "2026-11-27T10:00:00Z");
  CHECK(file->status == FileStatus::received);
  CHECK_FALSE(file->source_removed);
  CHECK_FALSE(a.index->file(id + 1));

  CHECK(a.index->files_by_sha(std::string(64, 'a')).size() == 1);
  CHECK(a.index->files_with_status(FileStatus::received).size() == 1);
  CHECK(a.index->files_with_source_pending().size() == 1);

  FileRecord taken = *file;
  a.index->transition_file(taken, FileStatus::processed, {"2026-11-27T10:00:01Z", "processed", "1 set"});
  CHECK(taken.status == FileStatus::processed);
  CHECK(a.index->events_of_file(id).back().step == "processed");
  a.index->set_file_partner(id, "globex");
  a.index->mark_source_removed(id);
  file = a.index->file(id);
  CHECK(file->status == FileStatus::processed);
  CHECK(file->partner == "globex");
  CHECK(file->source_removed);
  CHECK(a.index->files_with_status(FileStatus::received).empty());
  CHECK(a.index->files_with_source_pending().empty());

  REQUIRE_THROWS_WITH(a.index->transition_file(taken, FileStatus::exception, {"2026-11-27T10:00:02Z", "x", ""}),
                      Contains("file " + std::to_string(id) + ": processed -> exception is not an allowed transition"));
  auto missing = taken;
  missing.id = 999;
  missing.status = FileStatus::received;
  REQUIRE_THROWS_WITH(a.index->transition_file(missing, FileStatus::processed, {"2026-11-27T10:00:02Z", "x", ""}),
                      Contains("no file 999"));
}

TEST_CASE("interchanges and groups, with foreign keys enforced", "[index]") {
  Archive a;
  auto file_id = a.add_file(std::string(64, 'b'));
  InterchangeRecord ic{0, file_id, "acme", "ZZ", "ACME", "ZZ", "US", "000003438", "00401", "261127", "1000",
                       std::string(64, 'b')};
  ic.id = a.index->add_interchange(ic);
  auto found = a.index->find_interchanges("ZZ", "ACME", "000003438");
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == ic.id);
  CHECK(found[0].file_id == file_id);
  CHECK(found[0].receiver_id == "US");
  CHECK(found[0].content_sha256 == std::string(64, 'b'));
  CHECK(a.index->find_interchanges("ZZ", "OTHER", "000003438").empty());
  CHECK(a.index->interchanges_of_file(file_id).size() == 1);

  CHECK(a.index->add_group({0, ic.id, "SH", "ACME", "US", "1", "004010"}) > 0);
  REQUIRE_THROWS_WITH(a.index->add_group({0, 12345, "SH", "ACME", "US", "2", "004010"}), Contains("FOREIGN KEY"));
}

TEST_CASE("transaction sets: round trip, update, business keys, events", "[index]") {
  Archive a;
  auto file_id = a.add_file(std::string(64, 'c'));
  auto set = make_set(file_id, {"acme", "856", "000003438", "1", "0001", "2026-11-27T10:00:00Z", "received"});
  set.first_segment = 3;
  set.id = a.index->add_transaction_set(set);

  auto back = a.index->transaction_set(set.id);
  REQUIRE(back);
  CHECK(back->file_id == file_id);
  CHECK(back->interchange_id == 0);  // none: stored as NULL, read back as 0
  CHECK(back->group_id == 0);
  CHECK(back->type == "856");
  CHECK(back->control_number == "0001");
  CHECK(back->interchange_control == "000003438");
  CHECK(back->group_control == "1");
  CHECK(back->version == "004010");
  CHECK(back->first_segment == 3);
  CHECK(back->idempotency_key == "acme/000003438/1/0001");
  CHECK(a.index->transaction_set_by_key("acme/000003438/1/0001")->id == set.id);
  CHECK_FALSE(a.index->transaction_set_by_key("acme/x"));
  CHECK(a.index->transaction_sets_of_file(file_id).size() == 1);

  set.target = "inbound_delivery";
  set.delivered_to = "folder:erp/acme_1.json";
  a.index->transition_set(set, SetStatus::mapped, {"2026-11-27T10:00:05Z", "mapped", "856 0001"});
  back = a.index->transaction_set(set.id);
  CHECK(back->status == SetStatus::mapped);
  CHECK(a.index->events_of_set(set.id).back().detail == "856 0001");
  CHECK(back->target == "inbound_delivery");
  CHECK(back->delivered_to == "folder:erp/acme_1.json");
  CHECK(back->updated_at == "2026-11-27T10:00:05Z");
  CHECK(back->received_at == "2026-11-27T10:00:00Z");
  CHECK(a.index->transaction_sets_with_status(SetStatus::mapped).size() == 1);
  CHECK(a.index->transaction_sets_with_status(SetStatus::received).empty());

  CHECK_FALSE(a.index->mapped_output(set.id));
  a.index->put_mapped_output(set.id, R"({"shipment_id":"SH1"})");
  a.index->put_mapped_output(set.id, R"({"shipment_id":"SH2"})");  // a replay replaces it
  CHECK(a.index->mapped_output(set.id) == R"({"shipment_id":"SH2"})");

  a.index->add_business_key(set.id, "shipment_id", "SH1");
  a.index->add_business_key(set.id, "po_number", "PO2");
  a.index->add_business_key(set.id, "po_number", "PO1");
  a.index->add_business_key(set.id, "po_number", "PO2");  // repeat: ignored
  using Keys = std::vector<std::pair<std::string, std::string>>;
  CHECK(a.index->business_keys(set.id) == Keys{{"shipment_id", "SH1"}, {"po_number", "PO2"}, {"po_number", "PO1"}});

  a.index->add_event({0, file_id, 0, "2026-11-27T10:00:00Z", "received", "in.edi"});
  a.index->add_event({0, file_id, set.id, "2026-11-27T10:00:01Z", "mapped", "856 0001"});
  auto file_events = a.index->events_of_file(file_id);  // after the transition's own event
  REQUIRE(file_events.size() == 3);
  CHECK(file_events[1].step == "received");
  CHECK(file_events[1].set_id == 0);
  auto set_events = a.index->events_of_set(set.id);
  REQUIRE(set_events.size() == 2);
  CHECK(set_events[1].detail == "856 0001");
  CHECK(set_events[1].at == "2026-11-27T10:00:01Z");

  auto missing = set;
  missing.id = 999;
  REQUIRE_THROWS_WITH(a.index->update_transaction_set(missing), Contains("no transaction set 999"));
}

TEST_CASE("the idempotency key is unique", "[index]") {
  Archive a;
  auto file_id = a.add_file(std::string(64, 'e'));
  auto set = make_set(file_id, {"acme", "856", "1", "1", "1", "2026-11-27T10:00:00Z", "received"});
  a.index->add_transaction_set(set);
  REQUIRE_THROWS_WITH(a.index->add_transaction_set(set),
                      Contains("UNIQUE") && Contains("idempotency_key") && Contains(a.db_file.string()));
  set.idempotency_key = "";
  REQUIRE_THROWS_WITH(a.index->add_transaction_set(set), Contains("CHECK"));
}

TEST_CASE("query: every filter, newest first, limit", "[index][query]") {
  Archive a;
  auto f1 = a.add_file(std::string(64, '1'));
  auto f2 = a.add_file(std::string(64, '2'), "globex");
  auto add = [&](std::int64_t file, const SetSpec& spec) { return a.index->add_transaction_set(make_set(file, spec)); };
  auto s1 = add(f1, {"acme", "856", "000003438", "1", "0001", "2026-11-26T23:59:59Z", "delivered"});
  auto s2 = add(f1, {"acme", "810", "000000077", "3438", "0001", "2026-11-27T00:00:00Z", "mapped"});
  auto s3 = add(f2, {"globex", "856", "000000078", "5", "3438", "2026-11-27T12:00:00Z", "failed"});
  auto s4 = add(f2, {"globex", "856", "000000079", "6", "0002", "2026-11-28T00:00:00Z", "delivered"});
  a.index->add_business_key(s1, "po_number", "PO1");
  a.index->add_business_key(s1, "shipment_id", "SH1");
  a.index->add_business_key(s2, "po_number", "PO1");
  a.index->add_business_key(s3, "po_number", "PO2");

  auto run = [&](auto&& set_filter) {
    Query q;
    set_filter(q);
    return ids(a.index->query(q));
  };

  CHECK(run([](Query&) {}) == Ids{s4, s3, s2, s1});
  CHECK(run([](Query& q) { q.partner = "acme"; }) == Ids{s2, s1});
  CHECK(run([](Query& q) { q.partner = "nobody"; }).empty());
  CHECK(run([](Query& q) { q.type = "856"; }) == Ids{s4, s3, s1});
  CHECK(run([](Query& q) { q.partner = "globex"; q.type = "856"; }) == Ids{s4, s3});

  SECTION("since / until: half-open, dates or times") {
    CHECK(run([](Query& q) { q.since = "2026-11-27"; }) == Ids{s4, s3, s2});
    CHECK(run([](Query& q) { q.until = "2026-11-28"; }) == Ids{s3, s2, s1});
    CHECK(run([](Query& q) { q.since = "2026-11-27"; q.until = "2026-11-28"; }) == Ids{s3, s2});
    CHECK(run([](Query& q) { q.since = "2026-11-27T12:00:00Z"; }) == Ids{s4, s3});
    CHECK(run([](Query& q) { q.since = "2026-11-27 12:00"; }) == Ids{s4, s3});
    CHECK(run([](Query& q) { q.until = "2026-11-27T12:00:00Z"; }) == Ids{s2, s1});
    CHECK(run([](Query& q) { q.since = "2026-11-27T00:00:00.000"; }) == Ids{s4, s3, s2});
    CHECK_THROWS_AS(run([](Query& q) { q.since = "yesterday"; }), std::invalid_argument);
    REQUIRE_THROWS_WITH(run([](Query& q) { q.until = "27/11/2026"; }), Contains("until") && Contains("27/11/2026"));
  }

  SECTION("control matches ISA13, GS06 or ST02, ignoring zero padding") {
    for (std::string control : {"3438", "000003438", "03438"}) {
      INFO(control);
      CHECK(run([&](Query& q) { q.control = control; }) == Ids{s3, s2, s1});
    }
    CHECK(run([](Query& q) { q.control = "77"; }) == Ids{s2});
    CHECK(run([](Query& q) { q.control = "0001"; }) == Ids{s2, s1});  // s1 by GS06 and ST02, once
    CHECK(run([](Query& q) { q.control = "343"; }).empty());
    CHECK(run([](Query& q) { q.control = "3438"; q.partner = "globex"; }) == Ids{s3});
  }

  SECTION("business key, status, combined") {
    CHECK(run([](Query& q) { q.key = {"po_number", "PO1"}; }) == Ids{s2, s1});
    CHECK(run([](Query& q) { q.key = {"shipment_id", "SH1"}; }) == Ids{s1});
    CHECK(run([](Query& q) { q.key = {"shipment_id", "PO1"}; }).empty());
    CHECK(run([](Query& q) { q.status = "delivered"; }) == Ids{s4, s1});
    CHECK(run([](Query& q) { q.partner = "acme"; q.key = {"po_number", "PO1"}; q.status = "mapped"; }) == Ids{s2});
  }

  SECTION("limit") {
    CHECK(run([](Query& q) { q.limit = 2; }) == Ids{s4, s3});
    CHECK(run([](Query& q) { q.limit = -1; }) == Ids{s4, s3, s2, s1});
  }

  SECTION("offset pages through the rows; count() counts them all with the same filters") {
    CHECK(run([](Query& q) { q.limit = 3; q.offset = 0; }) == Ids{s4, s3, s2});
    CHECK(run([](Query& q) { q.limit = 3; q.offset = 3; }) == Ids{s1});  // the last page
    CHECK(run([](Query& q) { q.limit = 3; q.offset = 4; }).empty());     // past the end
    CHECK(run([](Query& q) { q.limit = -1; q.offset = 1; }) == Ids{s3, s2, s1});
    CHECK(run([](Query& q) { q.type = "856"; q.limit = 1; q.offset = 1; }) == Ids{s3});
    CHECK_THROWS_AS(run([](Query& q) { q.offset = -1; }), std::invalid_argument);
    auto count = [&](auto&& set_filter) {
      Query q;
      q.limit = 1;
      q.offset = 3;
      set_filter(q);
      return a.index->count(q);
    };
    CHECK(count([](Query&) {}) == 4);
    CHECK(count([](Query& q) { q.type = "856"; }) == 3);
    CHECK(count([](Query& q) { q.key = {"po_number", "PO1"}; }) == 2);
    CHECK(count([](Query& q) { q.control = "3438"; q.partner = "globex"; }) == 1);
    CHECK(count([](Query& q) { q.since = "2026-11-27"; q.status = "delivered"; }) == 1);
    CHECK(count([](Query& q) { q.partner = "nobody"; }) == 0);
  }

  SECTION("rows carry their file's sha256 and all business keys") {
    Query q;
    q.control = "3438";
    auto rows = a.index->query(q);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].file_sha256 == std::string(64, '2'));
    CHECK(rows[2].file_sha256 == std::string(64, '1'));
    CHECK(rows[2].set.interchange_control == "000003438");
    CHECK(rows[2].keys == std::vector<std::pair<std::string, std::string>>{{"po_number", "PO1"}, {"shipment_id", "SH1"}});
    CHECK(rows[1].keys.size() == 1);
  }

  SECTION("equal times: the later row first") {
    auto s5 = add(f2, {"globex", "856", "000000080", "7", "0003", "2026-11-28T00:00:00Z", "delivered"});
    CHECK(run([](Query& q) { q.limit = 2; }) == Ids{s5, s4});
  }
}

TEST_CASE("transactions: rollback leaves nothing, commit survives reopening", "[index]") {
  Archive a;
  {
    Index::Transaction tx(*a.index);
    auto file_id = a.add_file(std::string(64, 'f'));
    a.index->add_transaction_set(make_set(file_id, {"acme", "856", "1", "1", "1", "2026-11-27T10:00:00Z", "received"}));
  }  // not committed
  CHECK(a.index->files_by_sha(std::string(64, 'f')).empty());
  CHECK(a.index->query({}).empty());

  // A failure inside the transaction undoes the rows before it too.
  auto failing_batch = [&] {
    Index::Transaction tx(*a.index);
    a.add_file(std::string(64, 'f'));
    FileRecord missing;
    missing.id = 12345;
    a.index->transition_file(missing, FileStatus::processed, {"2026-11-27T10:00:00Z", "processed", ""});  // throws
    tx.commit();
  };
  CHECK_THROWS(failing_batch());
  CHECK(a.index->files_by_sha(std::string(64, 'f')).empty());

  {
    Index::Transaction tx(*a.index);
    auto file_id = a.add_file(std::string(64, 'f'));
    a.index->add_transaction_set(make_set(file_id, {"acme", "856", "1", "1", "1", "2026-11-27T10:00:00Z", "received"}));
    tx.commit();
  }
  CHECK(fs::exists(a.db_file.string() + "-wal"));  // WAL mode
  a.index.reset();
  a.index = Index::open(a.db_file);
  CHECK(a.index->files_by_sha(std::string(64, 'f')).size() == 1);
  CHECK(a.index->query({}).size() == 1);
}

TEST_CASE("exceptions: open, list newest first, close once", "[index][exceptions]") {
  Archive a;
  auto file_id = a.add_file(std::string(64, 'g'));
  ExceptionRecord e;
  e.partner = "acme";
  e.file_id = file_id;
  e.kind = "mapping_error";
  e.reason = "segment 7 BSN02: required";
  e.created_at = "2026-11-27T10:00:00Z";
  auto first = a.index->add_exception(e);
  e.created_at = "2026-11-27T11:00:00Z";
  auto second = a.index->add_exception(e);
  ExceptionRecord unknown;
  unknown.kind = "unknown_partner";
  unknown.reason = "ISA sender ZZ:NOBODY";
  unknown.created_at = "2026-11-27T09:00:00Z";
  auto third = a.index->add_exception(unknown);  // no partner, no file

  CHECK(ids_of(a.index->exceptions("acme", "open")) == Ids{second, first});
  CHECK(ids_of(a.index->exceptions(std::nullopt, std::nullopt)) == Ids{second, first, third});
  CHECK(ids_of(a.index->exceptions("", std::nullopt)) == Ids{third});
  CHECK(a.index->exception(third)->file_id == 0);
  // Pages and counts over the same filters.
  CHECK(ids_of(a.index->exceptions(std::nullopt, std::nullopt, {2, 0})) == Ids{second, first});
  CHECK(ids_of(a.index->exceptions(std::nullopt, std::nullopt, {2, 2})) == Ids{third});
  CHECK(a.index->exceptions(std::nullopt, std::nullopt, {2, 3}).empty());
  CHECK(ids_of(a.index->exceptions("acme", "open", {-1, 1})) == Ids{first});
  CHECK(a.index->count_exceptions(std::nullopt, std::nullopt) == 3);
  CHECK(a.index->count_exceptions("acme", "open") == 2);
  CHECK(a.index->count_exceptions("acme", "resolved") == 0);

  a.index->close_exception(first, ExceptionState::resolved, "maria", "partner resent with BSN02", "2026-11-27T12:00:00Z");
  auto closed = a.index->exception(first);
  CHECK(closed->state == ExceptionState::resolved);
  CHECK(closed->closed_by == "maria");
  CHECK(closed->note == "partner resent with BSN02");
  CHECK(closed->closed_at == "2026-11-27T12:00:00Z");
  CHECK(closed->reason == "segment 7 BSN02: required");
  CHECK(ids_of(a.index->exceptions("acme", "open")) == Ids{second});
  CHECK(ids_of(a.index->exceptions("acme", "resolved")) == Ids{first});

  REQUIRE_THROWS_WITH(a.index->close_exception(first, ExceptionState::ignored, "bob", "", "2026-11-27T13:00:00Z"),
                      Contains("already resolved") && Contains("maria"));
  CHECK(a.index->exception(first)->closed_by == "maria");
  REQUIRE_THROWS_WITH(a.index->close_exception(999, ExceptionState::resolved, "bob", "", "2026-11-27T13:00:00Z"),
                      Contains("no exception 999"));
  CHECK_THROWS_AS(a.index->close_exception(second, ExceptionState::open, "bob", "", "2026-11-27T13:00:00Z"), std::invalid_argument);
  a.index->close_exception(second, ExceptionState::ignored, "bob", "test file", "2026-11-27T13:00:00Z");
  CHECK(a.index->exceptions("acme", "open").empty());
}

TEST_CASE("a corrupt or foreign database file is refused by name", "[index]") {
  TempDir dir;
  fs::path db = dir / "index.db";
  {
    auto index = Index::open(db);
    FileRecord file;
    file.sha256 = std::string(64, 'h');
    index->add_file(file);
  }
  REQUIRE_FALSE(fs::exists(db.string() + "-wal"));  // checkpointed on close

  SECTION("garbage over the file") {
    std::string garbage;
    for (int i = 0; i < 8192; ++i) garbage += static_cast<char>((i * 7919) % 251);
    write_file(db, garbage);
    REQUIRE_THROWS_WITH(Index::open(db), Contains(db.string()) && Contains("not a database"));
  }

  SECTION("written by a newer edihub") {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    REQUIRE_THROWS_WITH(Index::open(db), Contains(db.string()) && Contains("newer"));
  }
}

TEST_CASE("direction and replays: round trip, query filter, replays_of", "[index][query]") {
  Archive a;
  auto original = a.add_file(std::string(64, 'i'));
  FileRecord out;
  out.sha256 = std::string(64, 'o');
  out.partner = "acme";
  out.channel = "folder:outbound/acme";
  out.status = FileStatus::queued;
  out.direction = "out";
  auto out_id = a.index->add_file(out);
  FileRecord replay = *a.index->file(original);
  replay.replay_of = original;
  auto replay_id = a.index->add_file(replay);
  auto erp = replay;
  erp.direction = "erp";
  erp.replay_of = 0;
  auto erp_id = a.index->add_file(erp);

  CHECK(a.index->file(original)->direction == "in");
  CHECK(a.index->file(original)->replay_of == 0);
  CHECK(a.index->file(out_id)->direction == "out");
  CHECK(a.index->file(erp_id)->direction == "erp");
  CHECK(a.index->file(replay_id)->replay_of == original);
  CHECK(ids_of(a.index->replays_of(original)) == Ids{replay_id});
  CHECK(a.index->replays_of(replay_id).empty());
  CHECK(a.index->replays_of(999).empty());
  erp.direction = "sideways";
  REQUIRE_THROWS_WITH(a.index->add_file(erp), Contains("CHECK"));
  erp.direction = "in";
  erp.replay_of = 999;
  REQUIRE_THROWS_WITH(a.index->add_file(erp), Contains("FOREIGN KEY"));

  InterchangeRecord ic{0, out_id, "acme", "ZZ", "US", "ZZ", "ACME", "000000001", "00401", "261127", "1000", "", "out"};
  ic.id = a.index->add_interchange(ic);
  CHECK(a.index->interchanges_of_file(out_id).at(0).direction == "out");
  CHECK(a.index->add_group({0, ic.id, "SH", "US", "ACME", "1", "004010", "out"}) > 0);

  auto in_set = a.index->add_transaction_set(
      make_set(original, {"acme", "856", "000003438", "1", "0001", "2026-11-27T10:00:00Z", "delivered"}));
  auto out_set = make_set(out_id, {"acme", "856", "000000001", "1", "0001", "2026-11-27T11:00:00Z", "queued"});
  out_set.direction = "out";
  out_set.idempotency_key = "out/" + out_set.idempotency_key;
  out_set.id = a.index->add_transaction_set(out_set);
  CHECK(a.index->transaction_set(out_set.id)->direction == "out");
  CHECK(a.index->transaction_set(in_set)->direction == "in");

  auto run = [&](auto&& set_filter) {
    Query q;
    set_filter(q);
    return ids(a.index->query(q));
  };
  CHECK(run([](Query&) {}) == Ids{out_set.id, in_set});
  CHECK(run([](Query& q) { q.direction = "in"; }) == Ids{in_set});
  CHECK(run([](Query& q) { q.direction = "out"; }) == Ids{out_set.id});
  CHECK(run([](Query& q) { q.direction = "out"; q.control = "1"; q.partner = "acme"; }) == Ids{out_set.id});
  CHECK(run([](Query& q) { q.direction = "in"; q.status = "queued"; }).empty());
  REQUIRE_THROWS_WITH(run([](Query& q) { q.direction = "erp"; }), Contains("direction") && Contains("'erp'"));
}

TEST_CASE("exceptions_of_file: the file's exceptions in order", "[index][exceptions]") {
  Archive a;
  auto f1 = a.add_file(std::string(64, 'x'));
  auto f2 = a.add_file(std::string(64, 'y'));
  ExceptionRecord e;
  e.partner = "acme";
  e.kind = "validation_error";
  e.file_id = f1;
  e.created_at = "2026-11-27T10:00:00Z";
  auto first = a.index->add_exception(e);
  e.file_id = f2;
  a.index->add_exception(e);
  e.file_id = f1;
  e.kind = "mapping_error";
  e.created_at = "2026-11-27T09:00:00Z";
  auto second = a.index->add_exception(e);
  e.file_id = 0;
  a.index->add_exception(e);

  auto list = a.index->exceptions_of_file(f1);
  CHECK(ids_of(list) == Ids{first, second});
  CHECK(list[1].kind == "mapping_error");
  CHECK(a.index->exceptions_of_file(f2).size() == 1);
  CHECK(a.index->exceptions_of_file(999).empty());
}

TEST_CASE("an index of schema version 1 is migrated on open", "[index][migration]") {
  TempDir dir;
  fs::path db = dir / "index.db";
  auto exec = [](sqlite3* raw, const char* sql) {
    INFO(sql);
    REQUIRE(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  };
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  exec(raw, schema_migrations()[0]);
  exec(raw, "PRAGMA user_version = 1");
  const std::string sha(64, 'a');
  exec(raw, ("INSERT INTO files VALUES (1, '" + sha + "', 42, 'acme', 'folder:inbox/acme', 'in.edi', "
             "'2026-11-27T10:00:00Z', 'processed', 1, '')").c_str());
  exec(raw, ("INSERT INTO interchanges VALUES (1, 1, 'acme', 'ZZ', 'ACME', 'ZZ', 'US', '000003438', '00401', "
             "'261127', '1000', '" + sha + "')").c_str());
  exec(raw, "INSERT INTO groups VALUES (1, 1, 'SH', 'ACME', 'US', '1', '004010')");
  exec(raw, "INSERT INTO transaction_sets VALUES (1, 1, 1, 1, 'acme', '856', '0001', '000003438', '1', '004010', 3, "
            "'delivered', 'acme/000003438/1/0001', 'inbound_delivery', 'folder:erp/a.json', "
            "'2026-11-27T10:00:00Z', '2026-11-27T10:00:01Z')");
  exec(raw, "INSERT INTO exceptions VALUES (1, 'acme', 1, NULL, 'mapping_error', 'segment 7', 'open', "
            "'2026-11-27T10:00:02Z', '', '', '')");
  sqlite3_close(raw);

  {
    auto index = Index::open(db);
    auto file = index->file(1);
    REQUIRE(file);
    CHECK(file->direction == "in");
    CHECK(file->replay_of == 0);
    CHECK(file->status == FileStatus::processed);
    CHECK(file->source_removed);
    auto interchanges = index->interchanges_of_file(1);
    REQUIRE(interchanges.size() == 1);
    CHECK(interchanges[0].direction == "in");
    CHECK(interchanges[0].control_number == "000003438");
    auto set = index->transaction_set(1);
    REQUIRE(set);
    CHECK(set->direction == "in");
    CHECK(set->first_segment == 3);
    CHECK(set->delivered_to == "folder:erp/a.json");
    Query in;
    in.direction = "in";
    CHECK(ids(index->query(in)) == Ids{1});
    Query out;
    out.direction = "out";
    CHECK(index->query(out).empty());
    CHECK(ids_of(index->exceptions_of_file(1)) == Ids{1});

    // The new tables and columns work on the migrated database.
    CHECK(index->next_control_number("acme", "ISA") == 1);
    FileRecord replay = *file;
    replay.replay_of = 1;
    replay.status = FileStatus::received;
    auto replay_id = index->add_file(replay);
    CHECK(index->replays_of(1).at(0).id == replay_id);
    AwaitedAck awaited;
    awaited.partner = "acme";
    awaited.level = "interchange";
    awaited.interchange_control = "000000001";
    awaited.sent_at = "2026-11-27T11:00:00Z";
    awaited.due_at = "2026-11-27T12:00:00Z";
    auto awaited_id = index->add_awaited_ack(awaited);
    CHECK(index->awaited_for("acme", "1", "").at(0).id == awaited_id);
    CHECK(index->awaited_due("2026-11-27T12:00:00Z").size() == 1);
    // Version 4: AK901 P is a state of its own.
    auto row = *index->awaited_ack(awaited_id);
    index->transition_awaited_ack(row, AckState::partially_accepted, {"2026-11-27T12:30:00Z", "acknowledged", "AK9 P"});
    CHECK(index->awaited_ack(awaited_id)->state == AckState::partially_accepted);
    index->add_ack({0, "sent", "997", "acme", 0, 1, "000003438", "1", "A", "", "2026-11-27T10:00:03Z"});
    CHECK(index->acks_answering(1).size() == 1);
    // Version 7: alerts start after the history: the exception already there raises none.
    CHECK(index->alert_cursor("exceptions") == 1);
    CHECK(index->alert_cursor("events") == 0);
  }

  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    std::string value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return value;
  };
  CHECK(scalar("PRAGMA user_version") == std::to_string(schema_migrations().size()));
  CHECK(scalar("SELECT direction FROM groups WHERE id = 1") == "in");
  CHECK(scalar("PRAGMA integrity_check") == "ok");
  CHECK(scalar("SELECT count(*) FROM pragma_foreign_key_check") == "0");
  sqlite3_close(raw);
}

TEST_CASE("exceptions_about: exactly the exceptions naming the document, of the partner asked for", "[index][exceptions]") {
  Archive a;
  auto add = [&](const std::string& partner, const std::string& created, std::vector<std::string> documents) {
    ExceptionRecord e;
    e.partner = partner;
    e.kind = "asn_over_shipment";
    e.reason = "line 2: shipped 50, ordered 40";
    e.created_at = created;
    e.documents = std::move(documents);
    return a.index->add_exception(e);
  };
  auto second = add("acme", "2026-11-25T10:00:00Z", {"po:4500012345", "shipment:SH-2"});
  auto first = add("acme", "2026-11-25T09:00:00Z", {"po:4500012345", "shipment:SH-1"});
  add("acme", "2026-11-25T08:00:00Z", {"po:45000123456"});  // a longer number holding the shorter
  add("acme", "2026-11-25T08:30:00Z", {});
  auto other = add("globex", "2026-11-25T07:00:00Z", {"po:4500012345"});

  auto ids_of = [](const std::vector<ExceptionRecord>& list) {
    std::vector<std::int64_t> out;
    for (const auto& e : list) out.push_back(e.id);
    return out;
  };
  // Oldest first, of every partner unless one is asked for.
  CHECK(ids_of(a.index->exceptions_about("po:4500012345", std::nullopt)) == std::vector<std::int64_t>{other, first, second});
  CHECK(ids_of(a.index->exceptions_about("po:4500012345", "acme")) == std::vector<std::int64_t>{first, second});
  CHECK(ids_of(a.index->exceptions_about("shipment:SH-1", std::nullopt)) == std::vector<std::int64_t>{first});
  CHECK(a.index->exceptions_about("po:450001234", std::nullopt).empty());
  auto found = a.index->exceptions_about("shipment:SH-2", "acme");
  REQUIRE(found.size() == 1);
  CHECK(found[0].documents == std::vector<std::string>{"po:4500012345", "shipment:SH-2"});

  // Counting open ones for a page of orders: the closed one no longer counts.
  a.index->close_exception(first, ExceptionState::resolved, "ann", "credit note agreed", "2026-11-26T09:00:00Z");
  auto counts = a.index->count_open_exceptions_about({"po:4500012345", "po:45000123456", "po:1"}, "acme");
  CHECK(counts == std::map<std::string, std::int64_t>{{"po:1", 0}, {"po:4500012345", 1}, {"po:45000123456", 1}});
  CHECK(a.index->count_open_exceptions_about({"po:4500012345"}, std::nullopt).at("po:4500012345") == 2);
}

TEST_CASE("tallies: counts per partner with the oldest row, for edihub status", "[index][status]") {
  Archive a;
  auto file = a.add_file(std::string(64, 'a'));

  // Open exceptions per partner and kind; a closed one is not counted.
  auto exception = [&](const std::string& partner, const std::string& kind, const std::string& created) {
    ExceptionRecord e;
    e.partner = partner;
    e.kind = kind;
    e.reason = "r";
    e.created_at = created;
    return a.index->add_exception(e);
  };
  exception("acme", "asn_missing", "2026-11-26T00:00:00Z");
  auto oldest_missing = exception("acme", "asn_missing", "2026-11-24T00:00:00Z");
  auto closed = exception("acme", "asn_missing", "2026-11-20T00:00:00Z");
  a.index->close_exception(closed, ExceptionState::ignored, "ann", "cancelled order", "2026-11-21T00:00:00Z");
  auto globex = exception("globex", "duplicate_invoice", "2026-11-25T00:00:00Z");
  auto tallies = a.index->open_exception_tally(std::nullopt);
  REQUIRE(tallies.size() == 2);
  CHECK(tallies[0].partner == "acme");
  CHECK(tallies[0].name == "asn_missing");
  CHECK(tallies[0].count == 2);
  CHECK(tallies[0].oldest_at == "2026-11-24T00:00:00Z");
  CHECK(tallies[0].oldest_id == oldest_missing);
  CHECK(tallies[1].partner == "globex");
  CHECK(tallies[1].count == 1);
  CHECK(tallies[1].oldest_id == globex);
  CHECK(a.index->open_exception_tally("globex").size() == 1);

  // Sets per status: the oldest is the one that has waited longest there (updated_at).
  auto set = [&](const std::string& partner, const std::string& st02, const std::string& status, const std::string& at) {
    auto s = make_set(file, {partner, "856", "000000001", "1", st02, "2026-11-01T00:00:00Z", status});
    s.updated_at = at;
    return a.index->add_transaction_set(s);
  };
  set("acme", "0001", "mapped", "2026-11-27T10:00:00Z");
  auto waiting = set("acme", "0002", "mapped", "2026-11-27T09:00:00Z");
  set("acme", "0003", "delivered", "2026-11-27T08:00:00Z");
  auto dead = set("globex", "0004", "dead_letter", "2026-11-27T07:00:00Z");
  auto mapped = a.index->set_status_tally(SetStatus::mapped, std::nullopt);
  REQUIRE(mapped.size() == 1);
  CHECK(mapped[0].partner == "acme");
  CHECK(mapped[0].name == "mapped");
  CHECK(mapped[0].count == 2);
  CHECK(mapped[0].oldest_at == "2026-11-27T09:00:00Z");
  CHECK(mapped[0].oldest_id == waiting);
  auto dead_letters = a.index->set_status_tally(SetStatus::dead_letter, std::nullopt);
  REQUIRE(dead_letters.size() == 1);
  CHECK(dead_letters[0].oldest_id == dead);
  CHECK(a.index->set_status_tally(SetStatus::dead_letter, "acme").empty());

  // Awaited acknowledgments: overdue, or awaiting past the deadline at `now`; set rows are
  // late with their group and not counted again.
  auto awaited = [&](const std::string& level, const std::string& gs06, const std::string& due, AckState state) {
    AwaitedAck row;
    row.partner = "acme";
    row.level = level;
    row.file_id = file;
    row.interchange_control = "000000001";
    row.group_control = gs06;
    row.functional_id = "PO";
    row.sent_at = "2026-11-20T00:00:00Z";
    row.due_at = due;
    row.state = state;
    row.updated_at = row.sent_at;
    return a.index->add_awaited_ack(row);
  };
  auto overdue = awaited("group", "1", "2026-11-21T00:00:00Z", AckState::overdue);
  awaited("set", "1", "2026-11-21T00:00:00Z", AckState::overdue);
  awaited("group", "2", "2026-11-27T10:00:00Z", AckState::awaiting);   // due exactly now: late
  awaited("group", "3", "2026-11-27T10:00:01Z", AckState::awaiting);   // not yet
  awaited("group", "4", "2026-11-19T00:00:00Z", AckState::accepted);   // settled
  awaited("interchange", "", "2026-11-22T00:00:00Z", AckState::overdue);
  auto acks = a.index->overdue_ack_tally("2026-11-27T10:00:00Z", std::nullopt);
  REQUIRE(acks.size() == 2);
  CHECK(acks[0].name == "group");
  CHECK(acks[0].count == 2);
  CHECK(acks[0].oldest_at == "2026-11-21T00:00:00Z");
  CHECK(acks[0].oldest_id == overdue);
  CHECK(acks[1].name == "interchange");
  CHECK(acks[1].count == 1);
  CHECK(a.index->overdue_ack_tally("2026-11-27T10:00:00Z", "globex").empty());
  CHECK_THROWS_AS(a.index->overdue_ack_tally("yesterday", std::nullopt), std::invalid_argument);
}

TEST_CASE("counts for the dashboard and /metrics", "[index][stats]") {
  Archive a;
  auto f1 = a.add_file(std::string(64, '1'));
  auto f2 = a.add_file(std::string(64, '2'));
  auto f3 = a.add_file(std::string(64, '3'), "globex");
  FileRecord broken = *a.index->file(f2);
  a.index->transition_file(broken, FileStatus::exception, {"2026-11-27T10:00:02Z", "exception", "unusable"});
  auto add = [&](std::int64_t file, const SetSpec& spec) { return a.index->add_transaction_set(make_set(file, spec)); };
  auto s1 = add(f1, {"acme", "856", "1", "1", "0001", "2026-11-27T10:00:00Z", "delivered"});
  add(f1, {"acme", "856", "1", "1", "0002", "2026-11-27T10:00:00Z", "mapped"});
  add(f1, {"acme", "856", "1", "1", "0003", "2026-11-27T10:00:00Z", "rejected"});
  add(f3, {"globex", "810", "7", "7", "0001", "2026-11-27T10:00:00Z", "dead_letter"});
  ExceptionRecord e;
  e.partner = "acme";
  e.kind = "validation_error";
  e.created_at = "2026-11-27T10:00:02Z";
  a.index->add_exception(e);
  e.state = ExceptionState::resolved;
  a.index->add_exception(e);

  SECTION("per partner since a time") {
    auto counts = a.index->partner_counts("2026-11-27T00:00:00Z");
    REQUIRE(counts.size() == 2);
    const auto& acme = counts[0];
    CHECK(acme.partner == "acme");
    CHECK(acme.files_in == 2);
    CHECK(acme.bytes_in == 84);  // 42 each
    CHECK(acme.files_in_error == 1);
    CHECK(acme.sets_in == 3);
    CHECK(acme.sets_in_error == 1);    // the rejected one
    CHECK(acme.exceptions_open == 1);  // not the resolved one
    CHECK(acme.deliveries_pending == 1);
    CHECK(acme.dead_letters == 0);
    CHECK(acme.backlog_files == 1);  // f1 still received
    CHECK(counts[1].partner == "globex");
    CHECK(counts[1].dead_letters == 1);
    CHECK(counts[1].sets_in_error == 1);
    // Received before `since`: only what is open now is counted.
    auto tomorrow = a.index->partner_counts("2026-11-28T00:00:00Z");
    REQUIRE(tomorrow.size() == 2);
    CHECK(tomorrow[0].files_in == 0);
    CHECK(tomorrow[0].sets_in == 0);
    CHECK(tomorrow[0].exceptions_open == 1);
    CHECK(tomorrow[0].deliveries_pending == 1);
  }
  SECTION("received files after an id, in pages") {
    auto files = a.index->received_files_after(0, 10);
    REQUIRE(files.size() == 3);
    CHECK(files[0].channel == "folder");
    CHECK(files[2].partner == "globex");
    CHECK(files[2].bytes == 42);
    CHECK(a.index->received_files_after(f1, 1).front().id == f2);
    CHECK(a.index->received_files_after(f3, 10).empty());
  }
  SECTION("stage timings from receipt, in event order") {
    a.index->add_event({0, f1, 0, "2026-11-27T10:00:00.500Z", "received", ""});
    a.index->add_event({0, f1, 0, "2026-11-27T10:00:04Z", "parsed", "1 interchange(s)"});
    FileRecord done = *a.index->file(f1);
    a.index->transition_file(done, FileStatus::processed, {"2026-11-27T10:00:05Z", "processed", "3 sets"});
    a.index->add_event({0, f1, 0, "2026-11-27T10:00:05Z", "exception", "validation_error: ST 0003"});
    a.index->add_event({0, f1, s1, "2026-11-27T10:01:00Z", "delivered", "folder"});
    auto timings = a.index->stage_timings_after(0, 10);
    // f1 archived (0.5 s), validated (4 s), its set delivered (60 s); neither f2's exception
    // state (written before) nor f1's processed state and exception count as a stage.
    REQUIRE(timings.size() == 3);
    CHECK(timings[0].stage == "archived");
    CHECK(timings[0].seconds == Approx(0.5).margin(0.01));
    CHECK(timings[1].stage == "validated");
    CHECK(timings[1].seconds == Approx(4.0).margin(0.01));
    CHECK(timings[2].stage == "delivered");
    CHECK(timings[2].partner == "acme");
    CHECK(timings[2].seconds == Approx(60.0).margin(0.01));
    CHECK(a.index->stage_timings_after(timings[1].event_id, 10).size() == 1);
  }
  SECTION("sets by partner, direction and status") {
    auto sets = a.index->sets_by_status();
    REQUIRE(sets.size() == 4);
    CHECK(sets[0].partner == "acme");
    CHECK(sets[0].direction == "in");
    CHECK(sets[0].count == 1);
  }
}
