// Archive durability and index throughput:
//   BM_PublishGroupCommit/N  stage N small files, publish them with one group commit
//   BM_PublishFsyncEach      the baseline: write, fsync the file, rename, fsync the folder
//   BM_IndexInsert/N         N transaction sets + 3 business keys + 2 events each, one transaction
// Files go to $TMPDIR (default /tmp): point it at the disk the archive will live on.
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/index.h"
#include "archive/raw_store.h"

namespace {

namespace fs = std::filesystem;
using namespace edihub::archive;

struct BenchDir {
  fs::path path;
  BenchDir() {
    std::string pattern = (fs::temp_directory_path() / "edihub-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~BenchDir() { fs::remove_all(path); }
};

// About 1 KiB, like a small 856 or 997, and different every time.
std::string small_file(std::uint64_t n) {
  std::string body = "ISA*00*          *00*          *ZZ*ACME           *ZZ*US             *" + std::to_string(n) + "~";
  body.resize(1024, 'X');
  return body;
}

void BM_PublishGroupCommit(benchmark::State& state) {
  BenchDir dir;
  RawStore store(dir.path);
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  std::uint64_t n = 0;
  std::vector<Staged> batch;
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch_size; ++i) batch.push_back(store.stage_bytes(small_file(n++)));
    store.publish(batch);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_PublishGroupCommit)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_PublishFsyncEach(benchmark::State& state) {
  BenchDir dir;
  fs::create_directories(dir.path / "staging");
  fs::create_directories(dir.path / "raw");
  std::uint64_t n = 0;
  for (auto _ : state) {
    std::string bytes = small_file(n++);
    std::string sha = sha256_hex(bytes);
    fs::path staged = dir.path / "staging" / sha;
    if (!(std::ofstream(staged, std::ios::binary) << bytes)) throw std::runtime_error("cannot write " + staged.string());
    fsync_path(staged);
    fs::path folder = dir.path / "raw" / sha.substr(0, 2) / sha.substr(2, 2);
    fs::create_directories(folder);
    fs::rename(staged, folder / sha);
    fsync_path(folder);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_PublishFsyncEach)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_IndexInsert(benchmark::State& state) {
  BenchDir dir;
  auto index = Index::open(dir.path / "index.db");
  FileRecord file;
  file.sha256 = std::string(64, 'a');
  file.received_at = "2026-11-27T10:00:00Z";
  const std::int64_t file_id = index->add_file(file);
  std::uint64_t n = 0;
  for (auto _ : state) {
    Index::Transaction tx(*index);
    for (std::int64_t i = 0; i < state.range(0); ++i, ++n) {
      TransactionSetRecord set;
      set.file_id = file_id;
      set.partner = "acme";
      set.type = "856";
      set.interchange_control = std::to_string(100000000 + n / 100);
      set.group_control = std::to_string(n / 10);
      set.control_number = std::to_string(1000 + n % 10);
      set.version = "004010";
      set.idempotency_key = "acme/" + std::to_string(n);
      set.received_at = set.updated_at = "2026-11-27T10:00:00Z";
      auto id = index->add_transaction_set(set);
      index->add_business_key(id, "shipment_id", "SH" + std::to_string(n));
      index->add_business_key(id, "po_number", "PO" + std::to_string(n));
      index->add_business_key(id, "bol", "BOL" + std::to_string(n));
      index->add_event({0, file_id, id, set.received_at, "parsed", "856 in interchange"});
      index->add_event({0, file_id, id, set.received_at, "mapped", "856 -> inbound_delivery"});
    }
    tx.commit();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_IndexInsert)->Arg(1000)->Arg(10000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
