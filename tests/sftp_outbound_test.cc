// A partner's SFTP server as the outbound channel, end to end through the binary against a
// real OpenSSH sshd (started by the fixture): our 997s arrive under their final names with
// no temporary file left; a server that is down keeps them queued with one transport_error,
// resolved once they are sent; a file already there under the same name is not overwritten:
// with our bytes it counts as sent, with other bytes it waits for a person.
#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/raw_store.h"
#include "tests/fixtures/sshd.h"
#include "tests/trading_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

// The trading configuration with its outbound folder replaced by the server's inbox.
void sftp_outbound_config(const TempDir& dir, const SshServer& server) {
  write_trading_config(dir.path());
  fs::create_directories(dir / "keys");
  fs::copy_file(server.client_key(), dir / "keys/supplier_ed25519");
  fs::permissions(dir / "keys/supplier_ed25519", fs::perms::owner_read | fs::perms::owner_write);
  auto profile = read_file(dir / "partners/supplier.yaml");
  const std::string folder = "outbound:\n  folder: {path: outbox}\n";
  profile.replace(profile.find(folder), folder.size(),
                  fmt::format("outbound:\n  sftp:\n    host: 127.0.0.1\n    port: {}\n    user: {}\n"
                              "    private_key: keys/supplier_ed25519\n    host_key_sha256: \"{}\"\n"
                              "    remote_dir: {}\n    connect_timeout_seconds: 3\n    transfer_timeout_seconds: 20\n",
                              server.port(), server.user(), server.host_key_sha256(), server.remote("inbox")));
  write_file(dir / "partners/supplier.yaml", profile);
}

// The partner's inbox on the server, by name (hidden temporary names included).
std::map<std::string, std::string> remote_files(const SshServer& server) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(server.local("inbox"))) files[e.path().filename()] = read_file(e.path());
  return files;
}

std::size_t open_exceptions(const TempDir& dir, const std::string& kind) {
  auto index = edihub::archive::Index::open(dir / "archive/index.db");
  std::size_t n = 0;
  for (const auto& e : index->exceptions(std::nullopt, std::string("open"))) n += e.kind == kind;
  return n;
}

}  // namespace

TEST_CASE("SFTP outbound: 997s uploaded under their final names, kept queued while the server is down", "[sftp][outbound][e2e]") {
  SshServer server;
  TempDir dir;
  sftp_outbound_config(dir, server);
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  auto first = run_once_json(dir);
  CHECK(first["acks_sent"] == 1);
  CHECK(first["exceptions"].empty());
  auto files = remote_files(server);
  REQUIRE(files.size() == 1);  // no temporary name left behind
  CHECK(files.begin()->first == "supplier-000000001-997.edi");
  CHECK_THAT(files.begin()->second, Catch::Contains("ST*997*") && Catch::Contains("AK1*SH*1"));

  server.stop();
  write_file(dir / "inbox/asn-2.edi", sample_856(2));
  auto down = run_once_json(dir);
  CHECK(down["acks_sent"] == 0);
  REQUIRE(down["exceptions"].size() == 1);
  CHECK(down["exceptions"][0]["kind"] == "transport_error");
  CHECK_THAT(down["exceptions"][0]["reason"].get<std::string>(), Catch::Contains("stay queued"));
  CHECK(run_once_json(dir)["exceptions"].empty());  // raised once while it lasts
  {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    CHECK(index->files_with_status(edihub::archive::FileStatus::queued).size() == 1);
  }

  server.start();
  auto up = run_once_json(dir);
  CHECK(up["acks_sent"] == 1);
  CHECK(up["exceptions"].empty());
  files = remote_files(server);
  CHECK(files.size() == 2);
  CHECK(files.count("supplier-000000002-997.edi") == 1);
  CHECK(open_exceptions(dir, "transport_error") == 0);  // resolved by the send
  CHECK(run_once_json(dir)["acks_sent"] == 0);               // sent once
  CHECK(remote_files(server).size() == 2);

  // A crash after the upload but before it was recorded: the same bytes are already there,
  // so the file counts as sent without a second upload (which would replace the inode).
  const auto uploaded = server.local("inbox") / "supplier-000000002-997.edi";
  struct stat before {};
  REQUIRE(::stat(uploaded.c_str(), &before) == 0);
  {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    auto sent = index->files_by_sha(edihub::archive::sha256_hex(read_file(uploaded)));
    REQUIRE(sent.size() == 1);
    // No transition leads back from sent: the crash is simulated on the database itself.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir / "archive/index.db").c_str(), &raw) == SQLITE_OK);
    const std::string id = std::to_string(sent[0].id);
    const std::string sql = "UPDATE files SET status = 'queued' WHERE id = " + id +
                            "; UPDATE transaction_sets SET status = 'queued' WHERE file_id = " + id;
    REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  auto again = run_once_json(dir);
  CHECK(again["acks_sent"] == 1);
  CHECK(again["exceptions"].empty());
  struct stat after {};
  REQUIRE(::stat(uploaded.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
}

TEST_CASE("SFTP outbound: a different file under the same name is not overwritten", "[sftp][outbound][e2e]") {
  SshServer server;
  TempDir dir;
  sftp_outbound_config(dir, server);
  const auto theirs = server.local("inbox") / "supplier-000000001-997.edi";
  write_file(theirs, "not ours\n");
  server.give_to_user(theirs);
  write_file(dir / "inbox/asn-1.edi", sample_856(1));
  auto first = run_once_json(dir);
  CHECK(first["acks_sent"] == 0);
  REQUIRE(first["exceptions"].size() == 1);
  CHECK(first["exceptions"][0]["kind"] == "delivery_error");
  CHECK_THAT(first["exceptions"][0]["reason"].get<std::string>(), Catch::Contains("not overwritten"));
  CHECK(read_file(theirs) == "not ours\n");
  CHECK(run_once_json(dir)["exceptions"].empty());  // once per file while it is open

  fs::remove(theirs);  // a person clears the name: the next run sends it
  CHECK(run_once_json(dir)["acks_sent"] == 1);
  CHECK_THAT(read_file(theirs), Catch::Contains("ST*997*"));
  CHECK(open_exceptions(dir, "delivery_error") == 0);
}
