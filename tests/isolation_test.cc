// No partner can stop the hub (issue 13): a file the pipeline cannot process ends as an
// exception of its own while the run goes on; long and hostile file names; inbox entries
// that are never taken; the archive folder kept inside the config folder; a flood of
// broken interchanges; and the bytes of a file still being written after it was taken.
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/raw_store.h"
#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json exceptions(const TempDir& dir, const std::string& state = "open") {
  auto r = run_edihub({"exceptions", "--config", dir.path().string(), "--state", state, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["rows"];
}

std::size_t count_kind(const json& list, const std::string& kind) {
  return static_cast<std::size_t>(
      std::count_if(list.begin(), list.end(), [&](const json& e) { return e["kind"] == kind; }));
}

// A second partner "other" (ZZ:OTHER1) with its own inbox and ERP folder, beside the supplier.
void add_other_partner(const fs::path& dir) {
  fs::create_directories(dir / "inbox-other");
  write_second_partner(dir, "other", "Other", "OTHER1", "inbox-other", "erp-other");
}

std::string with_replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::size_t count_files(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// Every object under raw/ hashes to its name.
void check_raw_store(const TempDir& dir) {
  std::size_t objects = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "archive/raw")) {
    if (!entry.is_regular_file()) continue;
    ++objects;
    INFO(entry.path());
    CHECK(edihub::archive::sha256_file(entry.path()) == entry.path().filename().string());
  }
  CHECK(objects > 0);
}

// Runs `sql` on the archive's index (what a crash or an operator leaves behind); returns
// the first column of the first row, if any.
std::string index_sql(const TempDir& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((dir / "archive/index.db").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string first;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    first = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return first;
}

std::string file_status(const TempDir& dir, int id) {
  return index_sql(dir, "SELECT status FROM files WHERE id = " + std::to_string(id));
}

}  // namespace

TEST_CASE("a file the pipeline cannot process ends as its own exception: the run, the other partners and later runs go on",
          "[isolation][e2e]") {
  TempDir dir;
  write_supplier_config(dir.path());
  add_other_partner(dir.path());
  // ISA15 'X' (the acknowledgment builder refuses it) and a Latin-1 N102 (not UTF-8):
  // either one once stopped every run; whether the validation now rejects them or the
  // pipeline's containment turns them into a processing_error, they must end in a final state.
  write_file(dir / "inbox/a-usage-x.edi", with_replaced(sample_856(1), "*0*P*:~", "*0*X*:~"));
  write_file(dir / "inbox/b-latin1.edi", with_replaced(sample_856(2), "SUPPLIER ONE", "CAF\xC9 M\xDCNCHEN"));
  write_file(dir / "inbox/c-good.edi", sample_856(3));
  write_file(dir / "inbox-other/d-good.edi", sample_856(4, "OTHER1"));

  auto first = run_once_json(dir);
  CHECK(first["files_received"] == 4);
  CHECK(count_files(dir / "erp-other") == 1);  // the next partner was processed
  CHECK(fs::exists(dir / "erp"));
  for (int id = 1; id <= 4; ++id) {
    auto show = run_edihub({"archive", "show", "--config", dir.path().string(), fmt::format("F{}", id), "--json"});
    REQUIRE(show.exit_code == 0);
    auto status = json::parse(show.out)["status"].get<std::string>();
    INFO("F" << id << " " << status);
    CHECK(status != "received");  // a final state, not taken again
  }
  // Every exception names its file.
  for (const auto& e : first["exceptions"]) {
    INFO(e.dump());
    CHECK((e["reason"].get<std::string>().find(".edi") != std::string::npos));
  }

  // The next run exits 0 and does not touch them again.
  auto second = run_once_json(dir);
  CHECK(second["files_received"] == 0);
  CHECK(second["files_processed"] == 0);
  CHECK(second["exceptions"].empty());
}

TEST_CASE("a file whose processing throws is rolled back alone, marked exception with a processing_error, and left alone after",
          "[isolation][e2e]") {
  TempDir dir;
  write_supplier_config(dir.path());
  add_other_partner(dir.path());
  write_file(dir / "inbox/a.edi", sample_856(1));
  REQUIRE(run_once_json(dir)["sets_delivered"] == 1);
  // F1 as a crash leaves it (received, not processed) with its raw object unreadable (a
  // folder where the file was): processing it throws, whatever the validation says.
  index_sql(dir, "UPDATE files SET status = 'received' WHERE id = 1");
  const auto sha = edihub::archive::sha256_hex(sample_856(1));
  const auto object = dir / "archive/raw" / sha.substr(0, 2) / sha;
  fs::remove(object);
  fs::create_directories(object);
  fs::remove_all(dir / "archive/incoming");  // its claim retired, as an hour after the receipt
  write_file(dir / "inbox-other/b.edi", sample_856(2, "OTHER1"));

  auto run = run_once_json(dir);
  CHECK(run["sets_delivered"] == 1);  // the other partner's file
  CHECK(count_files(dir / "erp-other") == 1);
  REQUIRE(run["exceptions"].size() == 1);
  CHECK(run["exceptions"][0]["kind"] == "processing_error");
  CHECK(run["exceptions"][0]["partner"] == "supplier");
  CHECK_THAT(run["exceptions"][0]["reason"].get<std::string>(),
             Catch::StartsWith("a.edi: processing stopped by an unexpected error") && Catch::Contains(sha) &&
                 Catch::Contains("edihub replay F1"));
  CHECK(file_status(dir, 1) == "exception");
  // A final state: the next run neither takes it again nor raises anything.
  auto again = run_once_json(dir);
  CHECK(again["files_processed"] == 0);
  CHECK(again["exceptions"].empty());
}

TEST_CASE("a 255-byte file name is claimed under a bounded name and keeps its name in the archive", "[isolation][e2e][names]") {
  TempDir dir;
  write_supplier_config(dir.path());
  const std::string name = std::string(251, 'n') + ".edi";
  REQUIRE(name.size() == 255);
  write_file(dir / "inbox" / name, sample_856(7));
  auto summary = run_once_json(dir);
  CHECK(summary["files_received"] == 1);
  CHECK(summary["sets_delivered"] == 1);
  CHECK(summary["exceptions"].empty());
  CHECK_FALSE(fs::exists(dir / "inbox" / name));
  auto show = run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--json"});
  REQUIRE(show.exit_code == 0);
  CHECK(json::parse(show.out)["source_name"] == name);
  auto text = run_edihub({"archive", "show", "--config", dir.path().string(), "F1"});
  CHECK_THAT(text.out, Catch::Contains(name));
  // The claim under incoming/ has a bounded name that still maps back to the row.
  for (const auto& entry : fs::recursive_directory_iterator(dir / "archive/incoming")) {
    if (!entry.is_regular_file()) continue;
    CHECK(entry.path().filename().string().size() < 200);
  }
}

TEST_CASE("a shortened claim left by a crash before its row is recorded under its shortened name, and says so",
          "[isolation][e2e][names][recovery]") {
  TempDir dir;
  write_supplier_config(dir.path());
  const std::string shortened = std::string(120, 'n') + "~0123456789abcdef";
  write_file(dir / "archive/incoming/supplier" / ("18c0-42-0__" + shortened), sample_856(8));
  auto summary = run_once_json(dir);
  CHECK(summary["sets_delivered"] == 1);
  auto show = json::parse(run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--json"}).out);
  CHECK(show["source_name"] == shortened);
  bool said = false;
  for (const auto& e : show["events"])
    said = said || e["detail"].get<std::string>().find("its name was shortened for its claim before a crash") != std::string::npos;
  CHECK(said);
}

TEST_CASE("control characters in a partner's file name are escaped in run, exceptions and archive show output",
          "[isolation][e2e][names]") {
  TempDir dir;
  write_supplier_config(dir.path());
  const std::string name = "evil\n  exception 99 [supplier] forged: all fine\x1b[31m.edi";
  write_file(dir / "inbox" / name, "this is not X12");
  auto run = run_edihub({"run", "--config", dir.path().string(), "--once"});
  REQUIRE(run.exit_code == 0);
  auto listed = run_edihub({"exceptions", "--config", dir.path().string()});
  auto show = run_edihub({"archive", "show", "--config", dir.path().string(), "F1"});
  for (const auto* out : {&run.out, &listed.out, &show.out}) {
    INFO(*out);
    CHECK(out->find('\x1b') == std::string::npos);
    CHECK(out->find("\n  exception 99") == std::string::npos);
    CHECK_THAT(*out, Catch::Contains("evil\\n  exception 99 [supplier] forged: all fine\\x1b[31m.edi"));
  }
  // JSON output keeps the exact name (escaped by JSON itself).
  auto as_json = run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--json"});
  CHECK(json::parse(as_json.out)["source_name"] == name);
}

TEST_CASE("folders, FIFOs and stale hidden or in-progress names in an inbox are reported once and never opened",
          "[isolation][e2e][inbox]") {
  TempDir dir;
  write_supplier_config(dir.path());
  fs::create_directories(dir / "inbox/sub");
  REQUIRE(run_program({"mkfifo", (dir / "inbox/pipe.edi").string()}).exit_code == 0);
  write_file(dir / "inbox/.hidden.edi", sample_856(1));
  write_file(dir / "inbox/stale.edi.part", sample_856(2));
  write_file(dir / "inbox/young.edi.part", sample_856(3));
  const auto long_ago = fs::file_time_type::clock::now() - 25h;
  fs::last_write_time(dir / "inbox/.hidden.edi", long_ago);
  fs::last_write_time(dir / "inbox/stale.edi.part", long_ago);
  write_file(dir / "inbox/asn.edi", sample_856(4));

  auto first = run_edihub({"run", "--config", dir.path().string(), "--once", "--json"}, 60);  // a FIFO never blocks it
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  auto summary = json::parse(first.out);
  CHECK(summary["sets_delivered"] == 1);
  std::vector<std::string> reasons;
  for (const auto& e : summary["exceptions"]) {
    CHECK(e["kind"] == "unreadable_inbox_entry");
    reasons.push_back(e["reason"]);
  }
  std::sort(reasons.begin(), reasons.end());
  REQUIRE(reasons.size() == 4);
  CHECK_THAT(reasons[0], Catch::StartsWith("folder:inbox/.hidden.edi: a hidden name unchanged for 25 h"));
  CHECK_THAT(reasons[1], Catch::StartsWith("folder:inbox/pipe.edi: a FIFO; left in place"));
  CHECK_THAT(reasons[2], Catch::StartsWith("folder:inbox/stale.edi.part: an in-progress name unchanged for 25 h"));
  CHECK_THAT(reasons[3], Catch::StartsWith("folder:inbox/sub: a folder; left in place"));
  // Once: the next run raises nothing new while they stay; the young upload is left alone.
  CHECK(run_once_json(dir)["exceptions"].empty());
  CHECK(count_kind(exceptions(dir), "unreadable_inbox_entry") == 4);
  CHECK(fs::exists(dir / "inbox/young.edi.part"));
  CHECK(fs::is_fifo(dir / "inbox/pipe.edi"));
}

TEST_CASE("archive.path must stay inside the config folder: ../elsewhere is refused like an absolute path",
          "[isolation][config]") {
  TempDir dir;
  write_supplier_config(dir.path());
  for (const std::string& path : std::vector<std::string>{"../elsewhere", "archive/../../elsewhere", (dir / "abs").string()}) {
    write_file(dir / "edihub.yaml", "archive: {path: \"" + path + "\"}\n");
    auto check = run_edihub({"check", "--config", dir.path().string()});
    INFO(path << "\n" << check.err);
    CHECK(check.exit_code == 1);
    CHECK_THAT(check.err, Catch::Contains("edihub.yaml:1: archive.path '" + path + "' is outside the config folder"));
  }
  write_file(dir / "edihub.yaml", "archive: {path: data/../store}\n");
  CHECK(run_edihub({"check", "--config", dir.path().string()}).exit_code == 0);
  CHECK(run_once_json(dir)["files_received"] == 0);
  CHECK(fs::exists(dir / "store/index.db"));
  CHECK_FALSE(fs::exists(dir.path().parent_path() / "elsewhere"));
}

TEST_CASE("a flood of broken interchanges in one file is one exception per kind with counts, in bounded memory",
          "[isolation][e2e][flood]") {
  TempDir dir;
  write_supplier_config(dir.path());
  // 5,000 interchanges whose IEA01 counts a group that is not there (generated, not committed).
  constexpr int kInterchanges = 5000;
  std::string flood;
  for (int n = 1; n <= kInterchanges; ++n) {
    std::string one = sample_856(static_cast<unsigned>(n));
    flood += with_replaced(one, fmt::format("IEA*1*{:09}~", n), fmt::format("IEA*2*{:09}~", n));
  }
  write_file(dir / "inbox/flood.edi", flood);
  struct rusage before {}, after {};
  getrusage(RUSAGE_CHILDREN, &before);
  auto r = run_program({"env", memory_measured_env(), edihub_binary().string(), "run", "--config", dir.path().string(),
                        "--once", "--json"},
                       600);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Bounded memory: the run's peak RSS (measured 63 MiB in a debug build for 0.65 MB of
  // input, 279 MiB under ASan). RUSAGE_CHILDREN gives the largest child so far, so it is
  // checked only when no earlier child of this test process was larger.
  getrusage(RUSAGE_CHILDREN, &after);
  constexpr long kBoundKiB = 100 * 1024 * kMemoryBoundFactor;
  if (before.ru_maxrss < kBoundKiB) CHECK(after.ru_maxrss < kBoundKiB);
  WARN("peak RSS of the flood run: " << after.ru_maxrss / 1024 << " MiB");
  auto list = exceptions(dir);
  CHECK(list.size() <= 3);  // one per kind for the file, however many interchanges
  REQUIRE(count_kind(list, "envelope_error") == 1);
  for (const auto& e : list) {
    INFO(e["reason"].get<std::string>().substr(0, 400));
    const auto reason = e["reason"].get<std::string>();
    CHECK_THAT(reason, Catch::StartsWith("flood.edi: ") && Catch::Contains(" exceptions in this file; the first 20:"));
    // How many: at least the 20 listed plus the rest, counted.
    const auto count = std::stoul(reason.substr(std::string("flood.edi: ").size()));
    CHECK(count > 20);
    CHECK_THAT(reason, Catch::Contains(fmt::format("and {} more, not listed", count - 20)));
    CHECK(std::count(reason.begin(), reason.end(), '\n') < 100);  // the listed reasons are capped
  }
}

TEST_CASE("bytes a slow writer adds after the hub took its file are archived as a second file, never into the first object",
          "[isolation][e2e][receipts]") {
  TempDir dir;
  write_supplier_config(dir.path(), 500, 1);  // settle: 1 s
  const std::string whole = sample_856(5);
  const std::string head = whole.substr(0, whole.size() / 2);
  write_file(dir / "head", head);
  write_file(dir / "tail", whole.substr(head.size()));
  // The partner's uploader, a second process: it holds the file open, writes half, pauses
  // past the settle time, then writes the rest through the same descriptor.
  RunResult writer_result;
  std::thread writer([&] {
    writer_result = run_program({"sh", "-c", "exec 3>\"$1\"; cat \"$2\" >&3; sleep 4; cat \"$3\" >&3", "sh",
                                 (dir / "inbox/asn.edi").string(), (dir / "head").string(), (dir / "tail").string()},
                                30);
  });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::error_code ec;
  while (fs::file_size(dir / "inbox/asn.edi", ec) != head.size() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  auto first = run_once_json(dir);  // takes the half-written file once it is unchanged for 1 s
  writer.join();
  REQUIRE(writer_result.exit_code == 0);
  CHECK(first["files_received"] == 1);
  CHECK(first["sets_delivered"] == 0);

  auto second = run_once_json(dir);
  REQUIRE(second["exceptions"].size() >= 1);
  const auto& changed = second["exceptions"][0];
  CHECK(changed["kind"] == "file_changed_after_receipt");
  CHECK_THAT(changed["reason"].get<std::string>(),
             Catch::StartsWith("asn.edi: written to after the hub took it: F1 archived " + std::to_string(head.size()) +
                               " bytes (sha256 " + edihub::archive::sha256_hex(head) + ")") &&
                 Catch::Contains("held " + std::to_string(whole.size()) + " bytes (sha256 " +
                                 edihub::archive::sha256_hex(whole) + "), archived as F2"));
  CHECK(second["files_received"] == 1);
  auto f2 = json::parse(run_edihub({"archive", "show", "--config", dir.path().string(), "F2", "--json"}).out);
  CHECK(f2["source_name"] == "asn.edi");
  CHECK(f2["sha256"] == edihub::archive::sha256_hex(whole));
  auto f1 = run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--raw"});
  CHECK(f1.out == head);
  check_raw_store(dir);
  CHECK(run_once_json(dir)["exceptions"].empty());  // reported once
}
