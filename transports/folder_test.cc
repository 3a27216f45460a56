#include "transports/folder.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using edihub::transports::FolderInbox;
using edihub::transports::FolderSink;

namespace {

std::vector<std::string> names(const std::vector<edihub::transports::InboundFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.name);
  return out;
}

void age(const fs::path& p, std::chrono::seconds by) { fs::last_write_time(p, fs::last_write_time(p) - by); }

}  // namespace

TEST_CASE("an inbox takes settled files matching its pattern and skips in-progress names", "[transports]") {
  TempDir dir;
  for (const char* n : {"b.edi", "a.edi", "notes.txt", ".hidden.edi", "upload.edi.part", "x.tmp"}) {
    write_file(dir / n, "data");
    age(dir / n, std::chrono::seconds(10));
  }
  fs::create_directories(dir / "sub.edi");
  FolderInbox inbox(dir.path(), "*.edi", std::chrono::milliseconds(1000));
  int sleeps = 0;
  auto ready = inbox.ready([&](std::chrono::milliseconds) { ++sleeps; });
  CHECK(names(ready) == std::vector<std::string>{"a.edi", "b.edi"});
  CHECK(sleeps == 0);  // everything was old enough: no waiting
}

TEST_CASE("an inbox names what it never takes: folders, FIFOs, symlinks, stale in-progress names - never opening them",
          "[transports]") {
  TempDir dir;
  fs::create_directories(dir / "sub");
  REQUIRE(::mkfifo((dir / "pipe.edi").c_str(), 0644) == 0);
  write_file(dir / "a.edi", "data");
  age(dir / "a.edi", std::chrono::seconds(10));
  fs::create_symlink(dir / "a.edi", dir / "link.edi");
  write_file(dir / "old.edi.part", "half");
  age(dir / "old.edi.part", std::chrono::seconds(7200));
  write_file(dir / "new.edi.part", "half");
  FolderInbox inbox(dir.path(), "*.edi", std::chrono::milliseconds(1000), std::chrono::hours(1));
  auto ready = inbox.ready([](std::chrono::milliseconds) {});
  CHECK(names(ready) == std::vector<std::string>{"a.edi"});
  std::vector<std::string> skipped;
  for (const auto& e : inbox.skipped()) skipped.push_back(e.name + ": " + e.why);
  CHECK(skipped == std::vector<std::string>{"link.edi: a symbolic link",
                                            "old.edi.part: an in-progress name unchanged for 2 h: an upload that never finished?",
                                            "pipe.edi: a FIFO", "sub: a folder"});
}

TEST_CASE("an inbox waits once for young files and drops those that changed meanwhile", "[transports]") {
  TempDir dir;
  write_file(dir / "steady.edi", "complete");
  write_file(dir / "growing.edi", "part");
  FolderInbox inbox(dir.path(), "*", std::chrono::milliseconds(300));
  std::chrono::milliseconds waited{0};
  auto ready = inbox.ready([&](std::chrono::milliseconds d) {
    waited = d;
    write_file(dir / "growing.edi", "part and more");  // the uploader is still writing
  });
  CHECK(waited > std::chrono::milliseconds(0));
  CHECK(waited <= std::chrono::milliseconds(300));
  CHECK(names(ready) == std::vector<std::string>{"steady.edi"});
}

TEST_CASE("a missing inbound folder yields no files rather than an error", "[transports]") {
  TempDir dir;
  FolderInbox inbox(dir / "absent", "*", std::chrono::milliseconds(0));
  CHECK(inbox.ready([](std::chrono::milliseconds) {}).empty());
}

TEST_CASE("a folder sink shows nothing until commit, then replaces by name", "[transports]") {
  TempDir dir;
  FolderSink sink(dir / "erp");
  sink.stage("k1.json", "first");
  CHECK_FALSE(fs::exists(dir / "erp/k1.json"));
  sink.commit();
  CHECK(read_file(dir / "erp/k1.json") == "first");
  sink.stage("k1.json", "second");
  sink.commit();
  CHECK(read_file(dir / "erp/k1.json") == "second");
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "erp")) ++files;
  CHECK(files == 1);  // no temp file left behind
}

TEST_CASE("a sink whose folder cannot be created reports the path", "[transports]") {
  TempDir dir;
  write_file(dir / "blocked", "a file where the folder should be");
  FolderSink sink(dir / "blocked" / "erp");
  CHECK_THROWS_WITH(sink.stage("k.json", "x"), Catch::Contains("blocked"));
}

TEST_CASE("removing an already removed source is not an error", "[transports]") {
  TempDir dir;
  write_file(dir / "f.edi", "x");
  FolderInbox::remove(dir / "f.edi");
  CHECK_FALSE(fs::exists(dir / "f.edi"));
  CHECK_NOTHROW(FolderInbox::remove(dir / "f.edi"));
}
