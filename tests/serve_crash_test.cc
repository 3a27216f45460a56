// SIGKILL of `edihub serve` while every channel is busy: a partner's SFTP server being
// polled (into PostgreSQL), a folder partner and an AS2 partner (libas2 POSTing to the
// service, resending what got no MDN, as AS2 partners do) delivered to a slow HTTP ERP.
// Killed at random moments over several rounds while new files keep arriving; after a
// final clean start: every file and AS2 message archived once, every transaction staged
// once in PostgreSQL and accepted once per idempotency key by the HTTP ERP, the remote
// files removed (only after their receipt), no exception left unexplained.
#include <signal.h>

#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "archive/index.h"
#include "tests/as2_config.h"
#include "tests/fixtures/http_erp.h"
#include "tests/fixtures/postgres.h"
#include "tests/fixtures/serve.h"
#include "tests/fixtures/sshd.h"
#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;

namespace {

std::size_t regular_files(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

// "supplier" polls the SFTP server into PostgreSQL; "second" takes a folder into the HTTP ERP.
void busy_config(const TempDir& dir, const SshServer& sftp, const PostgresServer& pg, const HttpErp& erp) {
  write_supplier_config(dir.path());
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  workers: 2\n  health: {port: 0}\n  poll_every: 1s\n"
                                      "  housekeeping_every: 1s\n  shutdown_grace: 30s\n"
                                      "as2:\n  listen: {address: 127.0.0.1, port: 0}\n"
                                      "  identity: {as2_id: HUB, certificate: certs/hub.crt, private_key: certs/hub.key}\n");
  fs::create_directories(dir / "certs");
  for (const char* cert : {"partner.crt", "hub.crt", "hub.key"})
    fs::copy_file(data_dir() / "as2" / (std::string("test-only-") + cert), dir / "certs" / cert);
  fs::create_directories(dir / "keys");
  fs::copy_file(sftp.client_key(), dir / "keys/supplier_ed25519");
  fs::permissions(dir / "keys/supplier_ed25519", fs::perms::owner_read | fs::perms::owner_write);
  auto profile = read_file(dir / "partners/supplier.yaml");
  auto replace = [&](const std::string& from, const std::string& to) { profile.replace(profile.find(from), from.size(), to); };
  replace("inbound:\n  folder: {path: inbox, settle_seconds: 0}\n",
          fmt::format("inbound:\n  sftp:\n    host: 127.0.0.1\n    port: {}\n    user: {}\n"
                      "    private_key: keys/supplier_ed25519\n    host_key_sha256: \"{}\"\n"
                      "    remote_dir: {}\n    pattern: \"*.edi\"\n    settle_seconds: 0\n"
                      "    after_receipt: delete\n    max_files: 4\n",
                      sftp.port(), sftp.user(), sftp.host_key_sha256(), sftp.remote("outbox")));
  replace("erp:\n  folder: {path: erp}\n", "erp:\n  postgres: {conninfo: \"" + pg.conninfo() + "\"}\n");
  write_file(dir / "partners/supplier.yaml", profile);
  fs::create_directories(dir / "inbox-second");
  // Two partners delivering into the HTTP ERP: one from a folder, one over AS2 (its agreement).
  auto http_partner = [&](const std::string& id, const std::string& isa_id, const std::string& channel) {
    write_file(dir / ("partners/" + id + ".yaml"), fmt::format(R"(id: {0}
name: Partner {0}
identities: [{{isa_qualifier: ZZ, isa_id: {1}}}]
{2}
erp:
  http: {{url: "{3}", max_attempts: 50, timeout_seconds: 5}}
mappings:
  - {{transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}}
code_tables:
  uom: {{EA: EA}}
  transport_mode: {{M: truck}}
reconcile: {{enabled: false}}
)", id, isa_id, channel, erp.url()));
  };
  http_partner("second", "SECOND1", "inbound: {folder: {path: inbox-second, settle_seconds: 0}}");
  http_partner("globex", "GLOBEX1", "as2: {as2_id: PARTNER, certificates: [certs/partner.crt]}");
}

// The AS2 partner's side: messages it sends, resending those that got no MDN.
class As2Partner {
 public:
  explicit As2Partner(fs::path work) : work_(std::move(work)) {}
  void add(unsigned n) {
    write_file(work_ / fmt::format("asn-{}.edi", n), sample_856(n, "GLOBEX1"));
    std::lock_guard lock(mu_);
    pending_.push_back(n);
  }
  // Sends what is pending to `url`, one message after the other, until all got their MDN
  // or `stop` is set (bounded by the node sender's own timeout per message).
  void send_pending(const std::string& url, const std::atomic<bool>& stop) {
    for (unsigned n : pending()) {
      if (stop) return;
      auto verdict = try_send_from_partner(work_ / fmt::format("send-{}-{}", n, attempts_++), url,
                                           work_ / fmt::format("asn-{}.edi", n), message_id(n));
      if (verdict && (*verdict)["processed"] == true) {
        std::lock_guard lock(mu_);
        std::erase(pending_, n);
        acknowledged_++;
      }
    }
  }
  std::vector<unsigned> pending() const {
    std::lock_guard lock(mu_);
    return pending_;
  }
  static std::string message_id(unsigned n) { return fmt::format("<crash-{}@partner.example>", n); }
  unsigned attempts() const { return attempts_; }

 private:
  fs::path work_;
  mutable std::mutex mu_;
  std::vector<unsigned> pending_;
  std::atomic<unsigned> attempts_{0};
  unsigned acknowledged_ = 0;
};

}  // namespace

TEST_CASE("SIGKILL of serve while SFTP, AS2, PostgreSQL and the HTTP ERP are busy loses and repeats nothing",
          "[serve][crash][e2e]") {
  require_peer();
  SshServer sftp;
  PostgresServer pg;
  HttpErp erp;
  // Every ERP answer takes 150 ms, so deliveries are in flight when the kill comes.
  erp.reply(HttpErp::Reply{200, R"({"accepted":true})", {}, 150ms}, 1000);
  TempDir dir;
  busy_config(dir, sftp, pg, erp);
  REQUIRE(run_edihub({"erp", "init-db", "--config", dir.path().string()}).exit_code == 0);
  As2Partner globex(dir / "globex");
  const unsigned as2_per_round = 2;

  std::mt19937 random(Catch::rngSeed());
  std::uniform_int_distribution<int> delay_ms(200, 1500);
  const int rounds = 8, per_round = 8;
  unsigned n = 1;
  int killed_busy = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < per_round; ++i, ++n) {
      auto remote = sftp.local("outbox") / fmt::format("asn-{}.edi", n);
      write_file(remote, sample_856(n));
      sftp.give_to_user(remote);
      write_file(dir / fmt::format("inbox-second/asn-{}.edi", 1000 + n), sample_856(1000 + n, "SECOND1"));
    }
    for (unsigned i = 0; i < as2_per_round; ++i) globex.add(5000 + round * as2_per_round + i);
    ServeProcess serve(dir.path());
    serve.health_url();
    std::atomic<bool> stop{false};
    std::thread as2_sender([&, url = (*serve.wait_for_event("serve_started", 1s))["as2"].get<std::string>()] {
      globex.send_pending(url, stop);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    auto h = http_get(serve.health_url());
    killed_busy += h.body.find("\"in_flight\":0") == std::string::npos;
    serve.signal(SIGKILL);
    REQUIRE(serve.wait_exit(10s) == std::optional<int>(-1));
    stop = true;
    as2_sender.join();
  }
  const unsigned total = n - 1;
  const unsigned as2_total = rounds * as2_per_round;

  // A clean start finishes everything, then stops on SIGTERM.
  {
    ServeProcess serve(dir.path());
    serve.health_url();
    std::atomic<bool> never{false};
    const std::string url = (*serve.wait_for_event("serve_started", 1s))["as2"];
    for (int attempt = 0; attempt < 3 && !globex.pending().empty(); ++attempt) globex.send_pending(url, never);
    REQUIRE(globex.pending().empty());  // every message got its MDN in the end
    auto deadline = std::chrono::steady_clock::now() + 90s;
    auto staged = [&] { return pg.psql("select count(*) from edihub.erp_inbound"); };
    auto accepted = [&] {
      std::set<std::string> keys;
      for (const auto& r : erp.requests()) keys.insert(r.header("Idempotency-Key"));
      return keys.size();
    };
    while ((staged() != std::to_string(total) || accepted() < total + as2_total || regular_files(sftp.local("outbox")) > 0 ||
            regular_files(dir / "inbox-second") > 0) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(250ms);
    serve.signal(SIGTERM);
    REQUIRE(serve.wait_exit(40s) == std::optional<int>(0));
  }
  INFO("rounds killed with work in flight: " << killed_busy << " of " << rounds);

  // PostgreSQL: one row per transaction, none twice.
  CHECK(pg.psql("select count(*) from edihub.erp_inbound") == std::to_string(total));
  CHECK(pg.psql("select count(distinct idempotency_key) from edihub.erp_inbound") == std::to_string(total));
  // HTTP ERP: every transaction accepted; a repeat only ever with the same key (a kill
  // between the ERP's answer and the hub's record of it).
  std::map<std::string, int> posts;
  for (const auto& r : erp.requests()) posts[r.header("Idempotency-Key")]++;
  CHECK(posts.size() == total + as2_total);
  int repeats = 0;
  for (const auto& [key, count] : posts) repeats += count - 1;
  INFO("HTTP deliveries repeated under the same idempotency key: " << repeats);
  std::cerr << fmt::format("serve SIGKILL test: {} SFTP and {} folder files, {} AS2 messages in {} POSTs; "
                           "{} of {} kills with work in flight; {} HTTP repeat(s) under the same key\n",
                           total, total, as2_total, globex.attempts(), killed_busy, rounds, repeats);
  // Remote files removed, and only after their receipt: every one of them is archived once.
  CHECK(regular_files(sftp.local("outbox")) == 0);
  CHECK(regular_files(dir / "inbox-second") == 0);
  auto index = edihub::archive::Index::open(dir / "archive/index.db");
  std::map<std::string, int> archived;
  using edihub::archive::FileStatus;
  for (auto status : {FileStatus::received, FileStatus::processed, FileStatus::duplicate, FileStatus::exception})
    for (const auto& f : index->files_with_status(status))
      if (f.direction == "in") archived[f.partner + "/" + f.source_name] += 1 + 100 * (status != FileStatus::processed);
  CHECK(archived.size() == 2 * total + as2_total);
  for (const auto& [name, count] : archived) {
    INFO(name);
    CHECK(count == 1);  // archived once and processed
  }
  CHECK(index->files_with_source_pending().empty());
  // Each AS2 message recorded once, however often the partner had to resend it.
  for (unsigned i = 0; i < as2_total; ++i) {
    INFO(As2Partner::message_id(5000 + i));
    CHECK(index->as2_messages_by_id("in", As2Partner::message_id(5000 + i)).size() == 1);
  }
  // No exception: the kills were crashes the hub recovered from, not problems for a person.
  auto open = run_edihub({"exceptions", "--config", dir.path().string(), "--json"});
  INFO(open.out);
  CHECK(nlohmann::json::parse(open.out)["rows"].empty());
}
