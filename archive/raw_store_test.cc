#include <fstream>

#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>
#include <system_error>

#include "archive/raw_store.h"
#include "tests/test_support.h"

using namespace edihub::archive;
using edihub::testing::read_file;
using edihub::testing::TempDir;
using edihub::testing::write_file;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kSha256Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kSha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kSha256MillionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

std::size_t entries_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

// Every file visible in raw/ is complete: its content hashes to its name.
void require_only_complete_files(const fs::path& raw, const fs::path& except = {}) {
  for (const auto& e : fs::recursive_directory_iterator(raw)) {
    if (!e.is_regular_file() || e.path() == except) continue;
    INFO(e.path());
    REQUIRE(sha256_file(e.path()) == e.path().filename().string());
  }
}

// Two contents whose fan-out folders differ at the first level.
std::pair<std::string, std::string> contents_in_different_folders() {
  std::string a = "first";
  for (int i = 0;; ++i) {
    std::string b = "second " + std::to_string(i);
    if (sha256_hex(a).substr(0, 2) != sha256_hex(b).substr(0, 2)) return {a, b};
  }
}

}  // namespace

TEST_CASE("sha256 of known inputs, in memory and streamed from a file", "[raw_store]") {
  CHECK(sha256_hex("") == kSha256Empty);
  CHECK(sha256_hex("abc") == kSha256Abc);
  std::string million(1'000'000, 'a');  // spans many 64 KiB chunks
  CHECK(sha256_hex(million) == kSha256MillionA);
  TempDir dir;
  write_file(dir / "a", million);
  CHECK(sha256_file(dir / "a") == kSha256MillionA);
  REQUIRE_THROWS_WITH(sha256_file(dir / "missing"), Contains((dir / "missing").string()));
}

TEST_CASE("same bytes are stored once, at raw/ab/<sha256>", "[raw_store]") {
  TempDir dir;
  RawStore store(dir.path());
  std::vector<Staged> batch{store.stage_bytes("abc"), store.stage_bytes("abc")};
  CHECK(batch[0].sha256 == kSha256Abc);
  CHECK(batch[0].size == 3);
  CHECK(batch[0].staging_path != batch[1].staging_path);
  CHECK(batch[0].staging_path.parent_path() == dir / "staging");
  store.publish(batch);
  CHECK(batch.empty());

  fs::path expected = dir / "raw" / "ba" / kSha256Abc;
  CHECK(store.path_of(kSha256Abc) == expected);
  CHECK(store.contains(kSha256Abc));
  CHECK(read_file(expected) == "abc");
  CHECK(store.read(kSha256Abc) == "abc");
  CHECK(files_under(dir / "raw") == 1);
  CHECK(entries_in(dir / "staging") == 0);

  // Published again later: still one copy.
  batch.push_back(store.stage_bytes("abc"));
  store.publish(batch);
  CHECK(files_under(dir / "raw") == 1);
  CHECK(entries_in(dir / "staging") == 0);
}

TEST_CASE("stage_file copies and hashes a large file, and empty content", "[raw_store]") {
  TempDir dir;
  RawStore store(dir / "archive");
  std::string million(1'000'000, 'a');
  write_file(dir / "inbox" / "big.edi", million);
  write_file(dir / "inbox" / "empty.edi", "");
  std::vector<Staged> batch{store.stage_file(dir / "inbox" / "big.edi"), store.stage_file(dir / "inbox" / "empty.edi")};
  CHECK(batch[0].sha256 == kSha256MillionA);
  CHECK(batch[0].size == 1'000'000);
  CHECK(batch[1].sha256 == kSha256Empty);
  CHECK(batch[1].size == 0);
  CHECK_FALSE(store.contains(kSha256MillionA));  // staged is not published
  store.publish(batch);
  CHECK(store.read(kSha256MillionA) == million);
  CHECK(store.read(kSha256Empty).empty());
  CHECK(read_file(dir / "inbox" / "big.edi") == million);  // the source is left alone
}

TEST_CASE("a batch of 100 is published at once", "[raw_store]") {
  TempDir dir;
  RawStore store(dir.path());
  std::vector<Staged> batch;
  std::vector<std::string> contents;
  for (int i = 0; i < 100; ++i) {
    contents.push_back("ISA*00*" + std::to_string(i) + "~");
    if (i % 2) {
      batch.push_back(store.stage_bytes(contents.back()));
    } else {
      write_file(dir / "in" / std::to_string(i), contents.back());
      batch.push_back(store.stage_file(dir / "in" / std::to_string(i)));
    }
  }
  store.publish(batch);
  CHECK(batch.empty());
  for (const auto& c : contents) {
    REQUIRE(store.contains(sha256_hex(c)));
    CHECK(store.read(sha256_hex(c)) == c);
  }
  CHECK(files_under(dir / "raw") == 100);
  CHECK(entries_in(dir / "staging") == 0);
  require_only_complete_files(dir / "raw");
}

TEST_CASE("staging leftovers of a crashed run are removed when the store is opened", "[raw_store]") {
  TempDir dir;
  Staged orphan;
  {
    RawStore crashed(dir.path());
    orphan = crashed.stage_bytes("never published");
    fs::create_directories(dir / "staging" / "odd-folder" / "inner");
  }  // gone without publishing, like a killed process
  REQUIRE(fs::exists(orphan.staging_path));
  RawStore store(dir.path());
  CHECK(entries_in(dir / "staging") == 0);
  CHECK_FALSE(store.contains(orphan.sha256));
}

TEST_CASE("a second live store does not remove the first one's staged files", "[raw_store]") {
  TempDir dir;
  RawStore service(dir.path());
  std::vector<Staged> batch{service.stage_bytes("in flight")};
  {
    RawStore viewer(dir.path());  // e.g. `edihub archive show` while the service runs
    CHECK(fs::exists(batch[0].staging_path));
  }
  service.publish(batch);
  CHECK(service.read(sha256_hex("in flight")) == "in flight");
}

TEST_CASE("a folder that cannot be made fails the publish and publishes nothing", "[raw_store][fault]") {
  TempDir dir;
  RawStore store(dir.path());
  auto [a, b] = contents_in_different_folders();
  // Root ignores permissions, but not a file where a folder has to go.
  fs::path blocker = dir / "raw" / sha256_hex(b).substr(0, 2);
  fs::remove(blocker);
  write_file(blocker, "not a folder");

  std::vector<Staged> batch{store.stage_bytes(a), store.stage_bytes(b)};
  REQUIRE_THROWS_AS(store.publish(batch), std::system_error);
  batch = {store.stage_bytes(a), store.stage_bytes(b)};
  REQUIRE_THROWS_WITH(store.publish(batch), Contains(blocker.string()));

  CHECK(batch.empty());
  CHECK(entries_in(dir / "staging") == 0);
  CHECK_FALSE(store.contains(sha256_hex(a)));
  CHECK_FALSE(store.contains(sha256_hex(b)));
  CHECK(files_under(dir / "raw") == 1);  // only the blocker

  // Once the cause is gone, staging again from the source works.
  fs::remove(blocker);
  batch = {store.stage_bytes(a), store.stage_bytes(b)};
  store.publish(batch);
  CHECK(store.read(sha256_hex(b)) == b);
}

TEST_CASE("a rename that fails names its target and leaves only complete files", "[raw_store][fault]") {
  TempDir dir;
  RawStore store(dir.path());
  auto [a, b] = contents_in_different_folders();
  fs::path target = store.path_of(sha256_hex(b));
  fs::create_directories(target / "occupied");  // a non-empty folder at the content's name

  std::vector<Staged> batch{store.stage_bytes(a), store.stage_bytes(b)};
  REQUIRE_THROWS_WITH(store.publish(batch), Contains(target.string()));
  CHECK(batch.empty());
  CHECK(entries_in(dir / "staging") == 0);
  CHECK_FALSE(store.contains(sha256_hex(b)));
  require_only_complete_files(dir / "raw");
}

TEST_CASE("malformed hashes and missing content are refused by name", "[raw_store]") {
  TempDir dir;
  RawStore store(dir.path());
  CHECK_THROWS_AS(store.path_of("../../etc/passwd"), std::invalid_argument);
  CHECK_THROWS_AS(store.path_of(std::string(64, 'A')), std::invalid_argument);
  CHECK_FALSE(store.contains("../../etc/passwd"));
  CHECK_FALSE(store.contains(kSha256Abc));
  REQUIRE_THROWS_WITH(store.read(kSha256Abc), Contains(store.path_of(kSha256Abc).string()));
  REQUIRE_THROWS_WITH(store.stage_file(dir / "no-such-file"), Contains((dir / "no-such-file").string()));
  CHECK(entries_in(dir / "staging") == 0);
}

TEST_CASE("fsync helpers work on files and folders and name what failed", "[raw_store]") {
  TempDir dir;
  write_file(dir / "f", "x");
  CHECK_NOTHROW(fsync_path(dir / "f"));
  CHECK_NOTHROW(fsync_path(dir.path()));
  CHECK_NOTHROW(sync_filesystem_of(dir.path()));
  REQUIRE_THROWS_AS(fsync_path(dir / "missing"), std::system_error);
  REQUIRE_THROWS_WITH(fsync_path(dir / "missing"), Contains((dir / "missing").string()) && Contains("No such file"));
  REQUIRE_THROWS_WITH(sync_filesystem_of(dir / "missing"), Contains((dir / "missing").string()));
}

TEST_CASE("claiming moves a received file in and publishes a copy: later writes to the claim never reach raw/",
          "[raw_store][claim]") {
  TempDir dir;
  RawStore store(dir / "archive");
  write_file(dir / "inbox/asn.edi", "abc");
  auto claimed = store.claim_file(dir / "inbox/asn.edi", "acme/1-1-0__asn.edi");
  CHECK_FALSE(fs::exists(dir / "inbox/asn.edi"));  // moved
  CHECK(claimed.sha256 == kSha256Abc);
  CHECK(claimed.size == 3);
  CHECK(claimed.claimed);
  CHECK(claimed.source_moved);
  CHECK(claimed.content == "abc");
  CHECK(store.pending_claims() == std::vector<std::string>{"acme/1-1-0__asn.edi"});
  store.sync();
  std::vector<Staged> batch{claimed};
  store.publish(batch);
  // A writer still holding the file appends after the claim: raw/ keeps what was hashed.
  {
    std::ofstream late(store.claim_path("acme/1-1-0__asn.edi"), std::ios::app);
    late << "def";
  }
  CHECK(store.read(kSha256Abc) == "abc");
  CHECK(sha256_file(store.path_of(kSha256Abc)) == kSha256Abc);
  CHECK(store.pending_claims() == std::vector<std::string>{"acme/1-1-0__asn.edi"});  // kept until retired
  store.retire_claim("acme/1-1-0__asn.edi");
  CHECK(store.pending_claims().empty());
}

TEST_CASE("claims survive a crash: a new store neither deletes nor forgets them", "[raw_store][claim][recovery]") {
  TempDir dir;
  {
    RawStore crashed(dir / "archive");
    write_file(dir / "inbox/asn.edi", "abc");
    crashed.claim_file(dir / "inbox/asn.edi", "acme/1-1-0__asn.edi");
    // the process dies here: no publish
  }
  RawStore store(dir / "archive");  // cleans staging, must keep incoming
  REQUIRE(store.pending_claims() == std::vector<std::string>{"acme/1-1-0__asn.edi"});
  auto again = store.reclaim("acme/1-1-0__asn.edi");
  CHECK(again.sha256 == kSha256Abc);
  std::vector<Staged> batch{again};
  store.publish(batch);
  CHECK(store.contains(kSha256Abc));
}

TEST_CASE("a failed publish never deletes a claimed file", "[raw_store][claim][fault]") {
  TempDir dir;
  RawStore store(dir / "archive");
  write_file(dir / "inbox/asn.edi", "abc");
  auto claimed = store.claim_file(dir / "inbox/asn.edi", "acme/1__asn.edi");
  fs::path folder = dir / "archive/raw" / std::string(kSha256Abc).substr(0, 2);
  fs::remove(folder);
  write_file(folder, "a file where the fan-out folder should be");
  std::vector<Staged> batch{claimed};
  CHECK_THROWS(store.publish(batch));
  // The claim is still there for the next run; only the staged copy is gone.
  CHECK(read_file(store.claim_path("acme/1__asn.edi")) == "abc");
  CHECK_FALSE(fs::exists(claimed.staging_path));
}
