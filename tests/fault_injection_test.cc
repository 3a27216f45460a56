// Every step of the durability protocol made to fail for real, in process: hub::Pipeline
// runs with a FaultyEnv (tests/faulty_env.h) that fails one call of the step (and every
// later one, as a full disk would) with ENOSPC or EIO. The run must report the step, the
// path and the error, lose nothing (each input still in the inbox, claimed under
// incoming/ or in raw/), and the next run, with the fault cleared, must archive every
// input once, deliver every set once and send every 997 once. The table of steps x faults
// is printed. The last test fills a real tmpfs holding the archive (skipped where the
// machine does not let the test mount one).
#include <sqlite3.h>
#include <sys/mount.h>

#include <cstring>
#include <iostream>
#include <sstream>

#include <catch2/catch.hpp>

#include "archive/env.h"
#include "archive/raw_store.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/pipeline/pipeline.h"
#include "tests/faulty_env.h"
#include "tests/supplier_config.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using edihub::archive::FileOp;
using edihub::hub::Config;
using edihub::hub::Pipeline;
using Catch::Contains;

namespace {

struct Step {
  std::string name;
  FileOp op;
  std::string path_part;  // which calls of `op` fail
  std::string says;       // how the error names the step
  std::string names;      // how it names the path
};

// In protocol order: claim, sync, index commit, publish, ERP folder write, outbox write
// (and the inbox listing that comes before all of them).
const std::vector<Step> kSteps = {
    {"inbox listing", FileOp::list, "/inbox", "cannot list inbound folder", "/inbox"},
    {"claim: move into incoming/", FileOp::rename, "/incoming/", "claim of", "/incoming/supplier/"},
    {"claim: copy into staging/", FileOp::write, "/archive/staging/", "claim of", "/archive/staging/"},
    {"sync of the claims", FileOp::sync, "/archive/incoming", "sync of the claims", "/archive/incoming"},
    {"index commit: WAL write", FileOp::write, "index.db-wal", "index commit", "/archive/index.db"},
    {"index commit: WAL sync", FileOp::sync, "index.db-wal", "index commit", "/archive/index.db"},
    {"publish: data sync", FileOp::sync, "/archive/staging", "publish into", "/archive/staging"},
    {"publish: rename into raw/", FileOp::rename, "/archive/raw/", "publish into", "/archive/raw/"},
    {"publish: names sync", FileOp::sync, "/archive/raw", "publish into", "/archive/raw"},
    {"ERP folder write: data", FileOp::write, "/erp/", "ERP folder write", "/erp/"},
    {"ERP folder write: sync", FileOp::sync, "/erp", "ERP folder write", "/erp"},
    {"ERP folder write: rename", FileOp::rename, "/erp/", "ERP folder write", "/erp/"},
    {"outbox write: data", FileOp::write, "/outbox/", "outbox write", "/outbox/"},
    {"outbox write: sync", FileOp::sync, "/outbox", "outbox write", "/outbox"},
};

// What SQLite says for an injected error: a write that found the disk full is
// SQLITE_FULL, anything else SQLITE_IOERR_* with the errno's text.
std::string expected_text(const Step& step, int error) {
  if (step.path_part == "index.db-wal" && step.op == FileOp::write && error == ENOSPC) return "database or disk is full";
  return std::strerror(error);
}

std::int64_t count(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

std::size_t entries_in(const fs::path& folder) {
  return fs::exists(folder) ? static_cast<std::size_t>(std::distance(fs::directory_iterator(folder), {})) : 0;
}

// Where an input's bytes are after a failed run: "inbox", "incoming" (claimed), "raw"
// (published), or "" (lost).
std::string whereabouts(const fs::path& dir, const std::string& name, const std::string& bytes) {
  if (fs::exists(dir / "inbox" / name) && read_file(dir / "inbox" / name) == bytes) return "inbox";
  const auto sha = edihub::archive::sha256_hex(bytes);
  if (fs::exists(dir / "archive/raw" / sha.substr(0, 2) / sha)) return "raw";
  if (fs::exists(dir / "archive/incoming"))
    for (const auto& entry : fs::recursive_directory_iterator(dir / "archive/incoming"))
      if (entry.is_regular_file() && read_file(entry.path()) == bytes) return "incoming";
  return "";
}

// The state the next run must reach from any failed run: every input archived once,
// its set delivered once into erp/, its 997 sent once into outbox/, the inbox empty.
void check_finished_once(const fs::path& dir, const std::vector<std::string>& inputs) {
  const fs::path db = dir / "archive/index.db";
  for (const auto& bytes : inputs)
    CHECK(count(db, "SELECT count(*) FROM files WHERE direction = 'in' AND sha256 = '" +
                        edihub::archive::sha256_hex(bytes) + "'") == 1);
  CHECK(count(db, "SELECT count(*) FROM files WHERE direction = 'in' AND status = 'processed'") == 2);
  CHECK(count(db, "SELECT count(*) FROM transaction_sets WHERE direction = 'in' AND status = 'delivered'") == 2);
  CHECK(count(db, "SELECT count(*) FROM transaction_sets WHERE direction = 'in'") == 2);
  CHECK(count(db, "SELECT count(*) FROM events WHERE step = 'delivered'") == 2);
  CHECK(count(db, "SELECT count(*) FROM files WHERE direction = 'out' AND status = 'sent'") == 2);
  CHECK(count(db, "SELECT count(*) FROM files WHERE direction = 'out'") == 2);
  CHECK(entries_in(dir / "erp") == 2);     // the two deliveries, no temporary file left
  CHECK(entries_in(dir / "outbox") == 2);  // the two 997s
  CHECK(entries_in(dir / "inbox") == 0);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("Fault injection: every durability step failing with ENOSPC or EIO is reported by step and path and loses nothing and the next run finishes once",
          "[faults][env]") {
  std::ostringstream table;
  table << "| step | fault | failed run reports | inputs after it | next run |\n|---|---|---|---|---|\n";
  for (const auto& step : kSteps) {
    for (int error : {ENOSPC, EIO}) {
      const std::string fault = error == ENOSPC ? "ENOSPC" : "EIO";
      INFO(step.name << " x " << fault);
      TempDir dir;
      write_trading_config(dir.path());
      const std::vector<std::string> inputs = {sample_856(1), sample_856(2)};
      write_file(dir / "inbox/asn1.edi", inputs[0]);
      write_file(dir / "inbox/asn2.edi", inputs[1]);
      const Config config = Config::load(dir.path());
      edihub::hub::SystemClock clock;
      FaultyEnv env;

      std::string reported;
      {
        Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {}, env);
        env.fail({step.op, step.path_part, 1, error});
        try {
          for (const auto& e : pipeline.run_once().exceptions) reported += e.reason + "\n";
        } catch (const std::exception& e) {
          reported += e.what();
        }
      }
      INFO("reported: " << reported);
      CHECK(env.failed() >= 1);  // the step was reached and failed
      CHECK_THAT(reported, Contains(step.says) && Contains(dir.path().string() + "/") && Contains(step.names) &&
                               Contains(expected_text(step, error)));
      std::string kept;
      bool lost = false;
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto where = whereabouts(dir.path(), "asn" + std::to_string(i + 1) + ".edi", inputs[i]);
        CHECK(!where.empty());
        lost |= where.empty();
        kept += (i ? ", " : "") + (where.empty() ? "LOST" : where);
      }

      env.clear();
      std::string next = "finished";
      try {
        Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {}, env);
        auto summary = pipeline.run_once();
        for (const auto& e : summary.exceptions) CHECK(e.kind == "hub_error");  // none but a failure being resolved
      } catch (const std::exception& e) {
        next = std::string("FAILED: ") + e.what();
        FAIL(next);
      }
      check_finished_once(dir.path(), inputs);
      const bool once = count(dir / "archive/index.db",
                              "SELECT count(*) FROM transaction_sets WHERE direction = 'in' AND status = 'delivered'") == 2 &&
                        entries_in(dir / "erp") == 2 && entries_in(dir / "outbox") == 2 && entries_in(dir / "inbox") == 0;
      std::string first_line = reported.substr(0, reported.find('\n'));
      table << "| " << step.name << " | " << fault << " | " << replace_all(first_line, dir.path().string(), "<dir>")
            << " | " << kept << (lost ? " (LOST)" : "") << " | "
            << (next == "finished" && once ? "2 files archived once, 2 sets delivered once, 2 997s sent once" : next)
            << " |\n";
    }
  }
  std::cout << "\nDurability steps x faults (tests/fault_injection_test.cc):\n" << table.str() << std::flush;
}

namespace {

// A size-limited tmpfs mounted for the test's lifetime (needs CAP_SYS_ADMIN); unmounted
// however the test ends.
class Tmpfs {
 public:
  Tmpfs(const fs::path& at, const std::string& size) : at_(at) {
    fs::create_directories(at_);
    mounted_ = ::mount("tmpfs", at_.c_str(), "tmpfs", 0, ("size=" + size + ",mode=0755").c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  std::uintmax_t free_bytes() const { return fs::space(at_).available; }

 private:
  fs::path at_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace

TEST_CASE("Fault injection call by call: the n-th filesystem call of a run fails with ENOSPC for every n until a run meets no fault and nothing is lost",
          "[faults][env]") {
  // As SQLite's own I/O error tests do: no call site is named, so a call added later is
  // covered too. ~300 runs: on a tmpfs (fast syncs) every call; elsewhere every 10th.
  TempDir dir;
  Tmpfs fast(dir / "tmpfs", "256m");
  if (!fast.mounted()) WARN("no tmpfs (" << fast.error() << "): failing every 10th call only, on disk");
  const fs::path base = fast.mounted() ? dir / "tmpfs" : dir.path();
  const int stride = fast.mounted() ? 1 : 10;
  constexpr int kMostCalls = 1000;
  int n = 1, runs = 0;
  for (bool hit = true; hit; n += stride, ++runs) {
    REQUIRE(n <= kMostCalls);
    INFO("failing call " << n << " and every later one");
    const fs::path work = base / ("run-" + std::to_string(n));
    write_trading_config(work);
    const std::vector<std::string> inputs = {sample_856(1), sample_856(2)};
    write_file(work / "inbox/asn1.edi", inputs[0]);
    write_file(work / "inbox/asn2.edi", inputs[1]);
    const Config config = Config::load(work);
    edihub::hub::SystemClock clock;
    FaultyEnv env;
    {
      Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {}, env);
      env.fail({std::nullopt, "", n, ENOSPC});
      try {
        pipeline.run_once();
      } catch (const std::exception&) {
        // reported: what matters here is what is left behind
      }
    }
    hit = env.failed() > 0;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      CHECK_FALSE(whereabouts(work, "asn" + std::to_string(i + 1) + ".edi", inputs[i]).empty());
    env.clear();
    try {
      Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {}, env);
      pipeline.run_once();
    } catch (const std::exception& e) {
      FAIL("the run after the fault failed: " << e.what());
    }
    check_finished_once(work, inputs);
    fs::remove_all(work);
  }
  std::cout << "\nFailed the filesystem calls of a run in turn: " << runs - 1 << " runs met the fault (ENOSPC from call n on, every "
            << stride << " call(s)), then a run met none\n" << std::flush;
}

TEST_CASE("Disk full on a real tmpfs holding the archive: the run names the path and ENOSPC and the inbox file stays and after space is freed it is archived and delivered once",
          "[faults][env][e2e]") {
  TempDir dir;
  write_supplier_config(dir.path());
  Tmpfs archive(dir / "archive", "2m");
  if (!archive.mounted()) {
    WARN("SKIPPED: cannot mount a tmpfs for the archive (" << archive.error()
                                                             << "; needs root or CAP_SYS_ADMIN)");
    return;
  }
  const std::vector<std::string> args = {"run", "--config", dir.path().string(), "--once"};
  REQUIRE(run_edihub(args).exit_code == 0);  // the archive's folders and index, nothing received

  // 300 ship notices (~190 KB) in one file; a filler leaves room for half of it.
  std::string input;
  for (unsigned n = 1; n <= 300; ++n) input += sample_856(n);
  const std::uintmax_t leave = input.size() / 2;
  REQUIRE(archive.free_bytes() > leave);
  write_file(dir / "archive/filler", std::string(archive.free_bytes() - leave, 'x'));
  write_file(dir / "inbox/backlog.edi", input);

  auto full = run_edihub(args);
  const std::string said = full.out + full.err;
  INFO(said);
  CHECK_THAT(said, Contains("No space left on device") && Contains((dir / "archive").string() + "/"));
  CHECK_THAT(said, Contains("claim of " + (dir / "inbox/backlog.edi").string()));
  REQUIRE(fs::exists(dir / "inbox/backlog.edi"));  // not lost: the archive is another filesystem, so it was copied
  CHECK(read_file(dir / "inbox/backlog.edi") == input);
  CHECK(entries_in(dir / "erp") == 0);

  fs::remove(dir / "archive/filler");
  auto freed = run_edihub(args);
  INFO(freed.out + freed.err);
  CHECK(freed.exit_code == 0);
  const fs::path db = dir / "archive/index.db";
  CHECK(count(db, "SELECT count(*) FROM files WHERE direction = 'in'") == 1);
  CHECK(count(db, "SELECT count(*) FROM files WHERE direction = 'in' AND sha256 = '" +
                      edihub::archive::sha256_hex(input) + "'") == 1);
  CHECK(count(db, "SELECT count(*) FROM transaction_sets WHERE direction = 'in' AND status = 'delivered'") == 300);
  CHECK(entries_in(dir / "erp") == 300);
  CHECK_FALSE(fs::exists(dir / "inbox/backlog.edi"));
}
