// A partner's SFTP server as an inbound channel, end to end: ship notices polled from a
// real OpenSSH sshd (started by the fixture), archived, mapped and staged in a real
// PostgreSQL; the remote files removed only after their receipt was committed; a pinned
// host key that does not match, or a server that is down, leaves the files where they
// are and says so in the exception queue.
#include <catch2/catch.hpp>

#include "archive/index.h"
#include <nlohmann/json.hpp>

#include "tests/fixtures/postgres.h"
#include "tests/sftp_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using nlohmann::json;

namespace {

void put_remote(const SshServer& server, unsigned n) {
  auto path = server.local("outbox") / fmt::format("asn-{}.edi", n);
  write_file(path, sample_856(n));
  server.give_to_user(path);
}

std::size_t remote_count(const SshServer& server) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(server.local("outbox"))) n += e.is_regular_file();
  return n;
}

}  // namespace

TEST_CASE("SFTP -> hub -> PostgreSQL: polled, staged once, removed remotely after the receipt", "[sftp][erp][e2e]") {
  SshServer server;
  PostgresServer pg;
  TempDir dir;
  write_sftp_supplier_config(dir, server, server.host_key_sha256(), "erp:\n  postgres: {conninfo: \"" + pg.conninfo() + "\"}\n");
  REQUIRE(run_edihub({"erp", "init-db", "--config", dir.path().string()}).exit_code == 0);
  for (unsigned n = 51; n <= 53; ++n) put_remote(server, n);
  auto summary = run_once_json(dir);
  CHECK(summary["files_received"] == 3);
  CHECK(summary["sets_delivered"] == 3);
  CHECK(summary["exceptions"].empty());
  CHECK(remote_count(server) == 0);
  CHECK(pg.psql("select count(*) from edihub.erp_inbound") == "3");
  auto files = json::parse(run_edihub({"archive", "show", "--config", dir.path().string(), "F1", "--json"}).out);
  CHECK(files["channel"].get<std::string>().starts_with("sftp:" + server.user() + "@127.0.0.1:"));

  // The server goes down: the run says so once, loses nothing; back up, the files come in.
  server.stop();
  auto down = run_once_json(dir);
  REQUIRE(down["exceptions"].size() == 1);
  CHECK(down["exceptions"][0]["kind"] == "transport_error");
  CHECK(run_once_json(dir)["exceptions"].empty());  // not raised again while it lasts
  // Channel health (the dashboard, /metrics, alerts): failing since the first failed poll.
  auto health = [&] {
    auto polls = edihub::archive::Index::open(dir / "archive/index.db")->partner_polls();
    REQUIRE(polls.size() == 1);
    return polls[0];
  };
  const auto failing = health();
  CHECK_FALSE(failing.failing_since.empty());
  CHECK(failing.last_error_at > failing.failing_since);  // two failed polls
  CHECK_THAT(failing.last_error, Catch::Contains("127.0.0.1"));
  server.start();
  put_remote(server, 54);
  auto up = run_once_json(dir);
  CHECK(up["sets_delivered"] == 1);
  CHECK(pg.psql("select count(*) from edihub.erp_inbound") == "4");
  auto open = json::parse(run_edihub({"exceptions", "--config", dir.path().string(), "--json"}).out)["rows"];
  CHECK(open.empty());  // resolved when the server answered again
  CHECK(health().failing_since.empty());
  CHECK(health().last_ok_at > failing.last_error_at);
}

TEST_CASE("SFTP with a host key that does not match the pin takes nothing", "[sftp][e2e]") {
  SshServer server;
  TempDir dir;
  write_sftp_supplier_config(dir, server, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "erp:\n  folder: {path: erp}\n");
  put_remote(server, 61);
  auto summary = run_once_json(dir);
  CHECK(summary["files_received"] == 0);
  REQUIRE(summary["exceptions"].size() == 1);
  CHECK(summary["exceptions"][0]["kind"] == "transport_error");
  CHECK_THAT(summary["exceptions"][0]["reason"].get<std::string>(),
             Catch::Contains(server.host_key_sha256()) && Catch::Contains("needs a person"));
  CHECK(remote_count(server) == 1);
}
