// The SFTP mailbox of docs/sftp.md end to end: partners push with OpenSSH's own `sftp`
// client into a chrooted, sftp-only account on a real sshd, and the hub's folder channel
// watches the chroot's upload folder. Every pushed file is archived and delivered exactly
// once, and a file is never taken while it still has its temporary name.
#include <atomic>
#include <map>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/sshd.h"
#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Runs OpenSSH's sftp in batch mode as the partner would, pinned to the server's host key.
RunResult sftp_batch(const SshServer& server, const TempDir& work, const std::string& commands) {
  static std::atomic<int> n{0};
  fs::path batch = work / ("batch-" + std::to_string(++n) + ".txt");
  write_file(batch, commands);
  return run_program({"sftp", "-b", batch.string(), "-i", server.client_key().string(), "-P",
                      std::to_string(server.port()), "-o", "StrictHostKeyChecking=yes", "-o",
                      "UserKnownHostsFile=" + server.known_hosts().string(), "-o", "BatchMode=yes", "-o",
                      "IdentitiesOnly=yes", server.user() + "@127.0.0.1"},
                     60);
}

std::size_t count_outputs(const fs::path& erp) {
  std::size_t n = 0;
  if (fs::exists(erp))
    for (const auto& e : fs::directory_iterator(erp)) n += e.path().filename().string()[0] != '.';
  return n;
}

}  // namespace

TEST_CASE("partners push 856s into the chrooted SFTP mailbox and each is delivered exactly once", "[sftp][mailbox]") {
  SshServer server(SshServer::Layout::Mailbox);
  TempDir dir, work;
  write_supplier_config(dir.path(), 500, 1.0);
  // Profile paths are relative to the config folder: the inbox is a link to the upload folder.
  fs::remove(dir / "inbox");
  fs::create_directory_symlink(server.local("upload"), dir / "inbox");

  std::map<unsigned, std::string> pushed;  // interchange number -> exact bytes pushed
  auto stage = [&](unsigned n) {
    pushed[n] = sample_856(n);
    write_file(work / ("asn-" + std::to_string(n) + ".edi"), pushed[n]);
    return (work / ("asn-" + std::to_string(n) + ".edi")).string();
  };

  // 1. A file under its temporary name is left alone, even complete; the rename releases it.
  const std::string full = stage(100);
  write_file(work / "half.edi", pushed[100].substr(0, pushed[100].size() / 2));
  auto put_half = sftp_batch(server, work, "put " + (work / "half.edi").string() + " .asn-100.edi.part\n");
  INFO(put_half.err);
  REQUIRE(put_half.exit_code == 0);
  REQUIRE(fs::exists(server.local("upload") / ".asn-100.edi.part"));  // "-d /upload" is the login folder
  auto first = run_once_json(dir);
  CHECK(first["files_received"] == 0);
  REQUIRE(sftp_batch(server, work, "put " + full + " .asn-100.edi.part\n").exit_code == 0);
  CHECK(run_once_json(dir)["files_received"] == 0);
  REQUIRE(sftp_batch(server, work, "rename .asn-100.edi.part asn-100.edi\n").exit_code == 0);
  auto released = run_once_json(dir);
  CHECK(released["files_received"] == 1);
  CHECK(released["sets_delivered"] == 1);
  CHECK(released["exceptions"].empty());

  // 2. Pushes (in place, and temp name then rename) while the hub polls.
  std::atomic<bool> pushing{true};
  std::atomic<int> push_failures{0};
  std::vector<std::string> batches;
  for (unsigned b = 0; b < 6; ++b) {
    std::string commands;
    for (unsigned i = 1; i <= 5; ++i) {
      unsigned n = b * 5 + i;
      std::string local = stage(n), name = "asn-" + std::to_string(n) + ".edi";
      if (b % 2 == 0) commands += "put " + local + " " + name + "\n";
      else commands += "put " + local + " ." + name + ".part\nrename ." + name + ".part " + name + "\n";
    }
    batches.push_back(commands);
  }
  std::thread pusher([&] {
    for (const auto& commands : batches) {
      if (sftp_batch(server, work, commands).exit_code != 0) ++push_failures;
      std::this_thread::sleep_for(300ms);
    }
    pushing = false;
  });
  std::size_t received = 1, delivered = 1;
  std::vector<json> exceptions;
  auto until = std::chrono::steady_clock::now() + 120s;
  try {
    while ((pushing || count_outputs(dir / "erp") < pushed.size()) && std::chrono::steady_clock::now() < until) {
      auto summary = run_once_json(dir);
      received += summary["files_received"].get<std::size_t>();
      delivered += summary["sets_delivered"].get<std::size_t>();
      for (const auto& e : summary["exceptions"]) exceptions.push_back(e);
    }
  } catch (...) {
    pusher.join();
    throw;
  }
  pusher.join();
  CHECK(push_failures == 0);
  CHECK(exceptions.empty());
  CHECK(received == pushed.size());
  CHECK(delivered == pushed.size());
  CHECK(count_outputs(dir / "erp") == pushed.size());
  for (const auto& [n, bytes] : pushed)
    CHECK(fs::exists(dir / "erp" / fmt::format("supplier_{:09}_{}_{:04}.json", n, n, n % 10000)));
  CHECK(fs::is_empty(server.local("upload")));

  // Every archived file is byte for byte one pushed file, each exactly once: nothing partial.
  std::map<std::string, int> archived;
  for (std::size_t id = 1; id <= pushed.size(); ++id) {
    auto raw = run_edihub({"archive", "show", "--config", dir.path().string(), "F" + std::to_string(id), "--raw"});
    REQUIRE(raw.exit_code == 0);
    ++archived[raw.out];
  }
  for (const auto& [n, bytes] : pushed) CHECK(archived[bytes] == 1);
  CHECK(run_once_json(dir)["files_received"] == 0);
}
