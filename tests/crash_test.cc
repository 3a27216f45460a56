// Crash recovery: `edihub run` is killed with SIGKILL at random moments, over and over,
// while partners keep dropping files. After a final clean run every input must be
// archived exactly once and every transaction set delivered exactly once.
#include <chrono>
#include <map>
#include <random>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "tests/sample_856.h"
#include "tests/supplier_config.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

// A partner drops a file the way careful uploaders do: temporary name, then rename.
void drop(const fs::path& inbox, unsigned n) {
  auto temp = inbox / (".upload-" + std::to_string(n) + ".tmp");
  write_file(temp, sample_856(n));
  fs::rename(temp, inbox / ("asn-" + std::to_string(n) + ".edi"));
}

}  // namespace

TEST_CASE("SIGKILL at random moments loses nothing and delivers nothing twice", "[crash]") {
  TempDir dir;
  write_supplier_config(dir.path(), 7);
  const unsigned rounds = 60, files_per_round = 6;
  std::mt19937 rng(static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::set<std::string> expected_keys;
  std::set<std::string> expected_shas;
  unsigned next = 1;
  int killed_mid_run = 0;
  // Kill moments are spread over the length of an uninterrupted run on this machine.
  auto drop_round = [&] {
    for (unsigned i = 0; i < files_per_round; ++i, ++next) {
      drop(dir / "inbox", next);
      expected_keys.insert(fmt::format("supplier/{:09}/{}/{:04}", next, next, next % 10000));
      expected_shas.insert(edihub::archive::sha256_hex(sample_856(next)));
    }
  };
  drop_round();
  REQUIRE(run_edihub({"run", "--config", dir.path().string(), "--once"}).exit_code == 0);  // creates the archive
  drop_round();
  auto timed_start = std::chrono::steady_clock::now();
  REQUIRE(run_edihub({"run", "--config", dir.path().string(), "--once"}).exit_code == 0);
  auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - timed_start);
  std::uniform_int_distribution<long> delay_ms(0, std::max<long>(20, run_ms.count()));
  for (unsigned round = 0; round < rounds; ++round) {
    drop_round();
    killed_mid_run += kill_edihub_after({"run", "--config", dir.path().string(), "--once"}, std::chrono::milliseconds(delay_ms(rng)));
  }
  auto final_run = run_edihub({"run", "--config", dir.path().string(), "--once", "--json"}, 300);
  INFO(final_run.err);
  REQUIRE(final_run.exit_code == 0);
  // Most rounds must really have been interrupted, or the test proves little.
  INFO("killed mid-run: " << killed_mid_run << " of " << rounds << ", a clean run took " << run_ms.count() << " ms");
  CHECK(killed_mid_run > static_cast<int>(rounds) / 3);

  // The inbox is empty: every file was taken, and only after it was archived.
  for (const auto& entry : fs::directory_iterator(dir / "inbox"))
    FAIL("left in the inbox: " << entry.path().filename());

  // Every transaction set is in the ERP folder exactly once, under its idempotency key.
  std::set<std::string> delivered_keys;
  for (const auto& entry : fs::directory_iterator(dir / "erp")) {
    auto name = entry.path().filename().string();
    if (name[0] == '.') continue;  // a temp file of a killed delivery, never renamed
    auto doc = nlohmann::json::parse(read_file(entry.path()));
    auto key = doc.at("idempotency_key").get<std::string>();
    CHECK(delivered_keys.insert(key).second);
  }
  CHECK(delivered_keys == expected_keys);

  auto index = edihub::archive::Index::open(dir / "archive" / "index.db");
  edihub::archive::RawStore store(dir / "archive");
  for (const auto& sha : expected_shas) {
    INFO("input " << sha);
    auto files = index->files_by_sha(sha);
    CHECK(files.size() == 1);  // archived once: no second row after a crash-and-retry
    CHECK(store.contains(sha));
    for (const auto& f : files) {
      CHECK(f.status == edihub::archive::FileStatus::processed);
      auto sets = index->transaction_sets_of_file(f.id);
      REQUIRE(sets.size() == 1);
      CHECK(sets[0].status == edihub::archive::SetStatus::delivered);
      int delivered_events = 0;
      for (const auto& e : index->events_of_set(sets[0].id)) delivered_events += e.step == "delivered";
      CHECK(delivered_events == 1);
    }
  }
  CHECK(index->exceptions(std::nullopt, std::string("open")).empty());
  // Nothing half-published is left behind in the raw store's staging area.
  CHECK(fs::is_empty(dir / "archive" / "staging"));
}
