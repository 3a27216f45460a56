// Faults at hub level, through the binary against real peers: the partner's sshd stopped
// in the middle of a download, the ERP's PostgreSQL restarted in the middle of a delivery,
// and `edihub run` killed with SIGKILL while SFTP files are being taken. Whatever happens,
// a file is archived whole or not at all, exactly once; a transaction set reaches the ERP
// exactly once; a remote file is removed only once archived; and the exception queue says
// what went wrong. Every wait and loop is bounded in time and count.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <chrono>
#include <future>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "tests/fixtures/postgres.h"
#include "tests/sftp_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The idempotency key of sample_856(n)'s one transaction set.
std::string key_of(unsigned n) { return fmt::format("supplier/{:09}/{}/{:04}", n, n, n % 10000); }

// An edihub started in the background, reaped by poll() or wait().
class Background {
 public:
  explicit Background(const std::vector<std::string>& args) : pid_(spawn_edihub(args)) {}
  ~Background() {
    if (!done_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
    }
  }
  bool poll() {
    if (!done_ && waitpid(pid_, &status_, WNOHANG) == pid_) done_ = true;
    return done_;
  }
  // Its exit code; -1 when it had to be killed after `limit` or died of a signal.
  int wait(std::chrono::seconds limit) {
    for (auto deadline = Clock::now() + limit; !poll() && Clock::now() < deadline;) std::this_thread::sleep_for(20ms);
    if (!done_) return -1;  // the destructor kills it
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }

 private:
  int pid_;
  int status_ = 0;
  bool done_ = false;
};

// source_name -> sha256 of every file the archive recorded, with how often each name occurs.
struct Archived {
  std::multimap<std::string, std::string> files;
  std::size_t count(const std::string& name) const { return files.count(name); }
};

Archived archived(const TempDir& dir) {
  Archived out;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2((dir / "archive/index.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT source_name, sha256 FROM files", -1, &st, nullptr) == SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    out.files.emplace(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                      reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Idempotency keys of the ERP folder's transactions; a key seen twice fails the test.
std::set<std::string> delivered_keys(const TempDir& dir) {
  std::set<std::string> keys;
  for (const auto& entry : fs::directory_iterator(dir / "erp")) {
    if (entry.path().filename().string()[0] == '.') continue;  // a temp file of a killed delivery, never renamed
    auto key = json::parse(read_file(entry.path())).at("idempotency_key").get<std::string>();
    INFO("delivered twice: " << key);
    CHECK(keys.insert(key).second);
  }
  return keys;
}

std::set<std::string> remote_names(const SshServer& server) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(server.local("outbox"))) names.insert(e.path().filename());
  return names;
}

std::vector<edihub::archive::ExceptionRecord> exceptions(const TempDir& dir, const std::string& state) {
  return edihub::archive::Index::open(dir / "archive/index.db")->exceptions(std::nullopt, state);
}

}  // namespace

TEST_CASE("sshd stopped mid-download: nothing half-archived, every file taken once after the restart", "[faults][sftp][e2e]") {
  SshServer server;
  TempDir dir;
  // One file per batch, so the small files before the large one are committed before it.
  write_sftp_supplier_config(dir, server, server.host_key_sha256(), "erp:\n  folder: {path: erp}\n", 1);
  fs::create_directories(dir / "erp");
  std::map<std::string, std::string> originals;
  std::set<std::string> expected_keys;
  // Oldest first, as the inbox takes them: three small files, the large one, three more.
  auto put = [&](const std::string& name, const std::string& content, int age_minutes) {
    auto path = server.local("outbox") / name;
    write_file(path, content);
    fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::minutes(age_minutes));
    server.give_to_user(path);
    originals[name] = content;
  };
  for (unsigned n = 1; n <= 6; ++n) {
    put(fmt::format("asn-{}.edi", n), sample_856(n), n <= 3 ? 40 - int(n) : 20 - int(n));
    expected_keys.insert(key_of(n));
  }
  const unsigned big_first = 1001, big_count = 8000;
  std::string big;
  for (unsigned n = big_first; n < big_first + big_count; ++n) {
    big += sample_856(n);
    expected_keys.insert(key_of(n));
  }
  put("asn-big.edi", big, 30);

  Background run({"run", "--config", dir.path().string(), "--once"});
  const fs::path partial = dir / "archive/downloads/supplier/asn-big.edi";
  std::uintmax_t caught_at = 0;
  for (auto deadline = Clock::now() + 60s; !caught_at && !run.poll() && Clock::now() < deadline;) {
    std::error_code ec;
    auto size = fs::file_size(partial, ec);
    if (!ec && size > 0 && size < big.size()) {
      server.pause();  // freeze the transfer at once; stopping takes longer
      caught_at = size;
    }
    std::this_thread::sleep_for(200us);
  }
  server.stop();
  INFO("large file " << big.size() << " bytes, caught at " << caught_at << " bytes");
  REQUIRE(caught_at > 0);  // the download really was interrupted
  REQUIRE(run.wait(120s) == 0);

  // Nothing half-archived: only whole small files, byte for byte; the partial download is gone.
  auto first = archived(dir);
  CHECK(first.count("asn-big.edi") == 0);
  for (const auto& [name, sha] : first.files) {
    INFO(name);
    REQUIRE(originals.count(name) == 1);
    CHECK(edihub::archive::sha256_hex(originals[name]) == sha);
    CHECK(first.count(name) == 1);
  }
  CHECK(!fs::exists(partial));
  // What was not archived is still on the server; what was archived is gone from it.
  for (const auto& [name, content] : originals) {
    INFO(name);
    CHECK(remote_names(server).count(name) == (first.count(name) ? 0u : 1u));
  }
  auto open = exceptions(dir, "open");
  REQUIRE(open.size() == 1);
  CHECK(open[0].kind == "transport_error");

  server.start();
  auto again = Clock::now();
  auto second = run_once_json(dir);
  auto second_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - again).count();
  INFO("second run " << second_ms << " ms: " << second.dump());
  auto all = archived(dir);
  for (const auto& [name, content] : originals) {
    INFO(name);
    REQUIRE(all.count(name) == 1);
    CHECK(all.files.find(name)->second == edihub::archive::sha256_hex(content));
  }
  CHECK(all.files.size() == originals.size());
  CHECK(delivered_keys(dir) == expected_keys);
  CHECK(remote_names(server).empty());
  CHECK(exceptions(dir, "open").empty());
  auto resolved = exceptions(dir, "resolved");
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].kind == "transport_error");
}

TEST_CASE("PostgreSQL stopped and started again during delivery: one staging row per transaction set", "[faults][erp][postgres][e2e]") {
  PostgresServer pg;
  TempDir dir;
  write_supplier_config(dir.path(), 50);
  use_erp_sink(dir.path(), "erp:\n  postgres: {conninfo: \"" + pg.conninfo() + "\", connect_timeout_seconds: 2}\n");
  auto init = run_edihub({"erp", "init-db", "--config", dir.path().string()});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  const unsigned files = 3000;
  for (unsigned n = 1; n <= files; ++n) write_file(dir / "inbox" / fmt::format("asn-{}.edi", n), sample_856(n));
  auto rows = [&] { return std::stoul(pg.psql("select count(*) from edihub.erp_inbound")); };

  auto inbox_left = [&] {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "inbox")) ++n;
    return n;
  };

  auto started = Clock::now();
  auto interrupted = std::async(std::launch::async, [&] {
    return run_edihub({"run", "--config", dir.path().string(), "--once", "--json"}, 300);
  });
  // Files leave the inbox batch by batch as they are archived; their deliveries follow.
  // The database goes down once a quarter of them are in, and comes back at half.
  auto wait_for_inbox = [&](std::size_t left, std::chrono::seconds limit) {
    for (auto deadline = Clock::now() + limit; Clock::now() < deadline; std::this_thread::sleep_for(10ms))
      if (interrupted.wait_for(0s) == std::future_status::ready || inbox_left() <= left) return;
  };
  wait_for_inbox(files * 3 / 4, 120s);
  const auto staged_before = rows();
  pg.stop();
  wait_for_inbox(files / 2, 60s);
  pg.start();
  auto r = interrupted.get();
  auto first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto first = json::parse(r.out);
  INFO(files << " files; stopped with " << staged_before << " rows staged; interrupted run " << first_ms
              << " ms: " << first.dump());
  CHECK(staged_before < files);
  // The interruption is visible: those sets wait as delivery pending, not as failures.
  CHECK(first["sets_delivery_pending"].get<std::size_t>() > 0);
  CHECK(first["sets_delivered"].get<std::size_t>() + first["sets_delivery_pending"].get<std::size_t>() == files);
  CHECK(first["sets_failed"] == 0);

  auto second = run_once_json(dir);
  INFO("final run: " << second.dump());
  CHECK(first["sets_delivered"].get<std::size_t>() + second["sets_delivered"].get<std::size_t>() == files);
  CHECK(second["sets_delivery_pending"] == 0);
  CHECK(rows() == files);
  CHECK(std::stoul(pg.psql("select count(distinct idempotency_key) from edihub.erp_inbound")) == files);
  auto index = edihub::archive::Index::open(dir / "archive/index.db");
  CHECK(index->transaction_sets_with_status(edihub::archive::SetStatus::delivered).size() == files);
  CHECK(index->exceptions(std::nullopt, std::string("open")).empty());
  CHECK(run_once_json(dir)["sets_delivered"] == 0);  // nothing left, nothing again
  CHECK(rows() == files);
}

// Regression: files from SFTP awaiting their remote removal were marked removed by the
// local folders' cleanup, so a crash between the index commit and the remote delete left
// the remote file to be archived a second time.
TEST_CASE("SIGKILL while SFTP files are taken: each remote file archived and delivered once", "[faults][sftp][crash][e2e]") {
  SshServer server;
  TempDir dir;
  write_sftp_supplier_config(dir, server, server.host_key_sha256(), "erp:\n  folder: {path: erp}\n", 2);
  fs::create_directories(dir / "erp");
  const unsigned rounds = 12, files_per_round = 6;
  std::set<std::string> expected_keys, expected_shas;
  unsigned next = 1;
  auto put_round = [&] {
    for (unsigned i = 0; i < files_per_round; ++i, ++next) {
      auto path = server.local("outbox") / fmt::format("asn-{}.edi", next);
      write_file(path, sample_856(next));
      server.give_to_user(path);
      expected_keys.insert(key_of(next));
      expected_shas.insert(edihub::archive::sha256_hex(sample_856(next)));
    }
  };
  put_round();
  run_once_json(dir);  // creates the archive
  put_round();
  auto timed = Clock::now();
  run_once_json(dir);
  auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - timed).count();
  std::mt19937 rng(static_cast<unsigned>(Clock::now().time_since_epoch().count()));
  std::uniform_int_distribution<long> delay_ms(0, std::max<long>(50, run_ms));
  int killed_mid_run = 0;
  for (unsigned round = 0; round < rounds; ++round) {
    put_round();
    killed_mid_run += kill_edihub_after({"run", "--config", dir.path().string(), "--once"}, std::chrono::milliseconds(delay_ms(rng)));
  }
  auto last = run_once_json(dir);
  INFO("killed mid-run: " << killed_mid_run << " of " << rounds << ", a clean run took " << run_ms << " ms; final: " << last.dump());
  CHECK(killed_mid_run > static_cast<int>(rounds) / 3);

  CHECK(remote_names(server).empty());
  CHECK(delivered_keys(dir) == expected_keys);
  auto index = edihub::archive::Index::open(dir / "archive/index.db");
  for (const auto& sha : expected_shas) {
    INFO("input " << sha);
    auto files = index->files_by_sha(sha);
    CHECK(files.size() == 1);  // archived once: not taken again after a crash before its remote delete
    for (const auto& f : files) CHECK(f.source_removed);
  }
  CHECK(index->exceptions(std::nullopt, std::string("open")).empty());
}
