// The filesystem seam: a refused call fails the archive's step for real, names it and its
// path, and leaves the archive usable once the fault is gone.
#include <catch2/catch.hpp>

#include "archive/env.h"
#include "archive/index.h"
#include "archive/raw_store.h"
#include "tests/faulty_env.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::FaultyEnv;
using edihub::testing::TempDir;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

FileRecord received(const std::string& sha256) {
  FileRecord file;
  file.sha256 = sha256;
  file.size = 1;
  file.partner = "acme";
  file.channel = "folder:inbox";
  file.source_name = "in.edi";
  file.received_at = "2026-11-27T10:00:00Z";
  return file;
}

}  // namespace

TEST_CASE("an index write or sync the Env refuses fails SQLite's commit, which rolls back and works once the fault is gone",
          "[env][index]") {
  for (auto [op, error, says] : {std::tuple{FileOp::write, ENOSPC, "database or disk is full"},
                                 std::tuple{FileOp::write, EIO, "disk I/O error (Input/output error)"},
                                 std::tuple{FileOp::sync, EIO, "disk I/O error (Input/output error)"},
                                 std::tuple{FileOp::sync, ENOSPC, "disk I/O error (No space left on device)"}}) {
    INFO(op_name(op) << " " << error);
    TempDir dir;
    FaultyEnv env;
    auto index = Index::open(dir / "index.db", env);
    env.fail({op, "index.db-wal", 1, error});
    {
      Index::Transaction tx(*index);
      index->add_file(received(std::string(64, 'a')));
      REQUIRE_THROWS_WITH(tx.commit(), Contains("index commit: archive index " + (dir / "index.db").string()) &&
                                           Contains(says) && Contains("(COMMIT)"));
    }
    CHECK(env.failed() >= 1);
    env.clear();
    CHECK(index->files_with_status(FileStatus::received).empty());  // rolled back
    {
      Index::Transaction tx(*index);
      index->add_file(received(std::string(64, 'b')));
      tx.commit();
    }
    index.reset();
    auto reopened = Index::open(dir / "index.db");  // the real VFS reads what the shim wrote
    auto files = reopened->files_with_status(FileStatus::received);
    REQUIRE(files.size() == 1);
    CHECK(files[0].sha256 == std::string(64, 'b'));
  }
}

TEST_CASE("a publish the Env makes fail names the step and the path, publishes nothing and can be repeated", "[env][raw_store]") {
  TempDir dir;
  FaultyEnv env;
  RawStore store(dir / "archive", env);
  std::vector<Staged> batch{store.stage_bytes("ISA*first~"), store.stage_bytes("ISA*second~")};
  const auto first = batch[0].sha256;
  env.fail({FileOp::rename, "/raw/", 2, ENOSPC});  // the first object gets its name, the second does not
  REQUIRE_THROWS_WITH(store.publish(batch), Contains("publish into " + (dir / "archive/raw").string()) &&
                                                Contains("No space left on device") && Contains("/archive/staging/"));
  CHECK(batch.empty());  // consumed: stage again from the sources
  CHECK(store.contains(first));
  CHECK(fs::is_empty(dir / "archive/staging"));
  env.clear();
  std::vector<Staged> again{store.stage_bytes("ISA*first~"), store.stage_bytes("ISA*second~")};
  const auto second = again[1].sha256;
  store.publish(again);
  CHECK(store.read(first) == "ISA*first~");
  CHECK(store.read(second) == "ISA*second~");
}
