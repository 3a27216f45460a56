// An encrypted AS2 private key (issue 13, finding 6): its passphrase comes from
// passphrase_env or passphrase_file, the hub decrypts and signs MDNs with it, and without
// the passphrase `edihub check` fails at once with the key file named: no command ever
// waits at a terminal for one (run here detached from any terminal, stdin /dev/null).
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/as2_config.h"
#include "tests/fixtures/serve.h"
#include "tests/sample_856.h"
#include "transports/as2_client.h"

namespace fs = std::filesystem;
namespace as2 = edihub::transports::as2;
using namespace edihub::testing;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

constexpr const char* kPassEnv = "EDIHUB_TEST_AS2_KEY_PASS";

// The AS2 config of as2_config.h with certs/hub.key encrypted under `passphrase` and
// `source` (e.g. "passphrase_env: NAME") in the identity.
void write_encrypted_key_config(const fs::path& dir, const std::string& passphrase, const std::string& source) {
  write_as2_config(dir, "http://127.0.0.1:9/as2");
  write_hub_yaml(dir);
  fs::remove(dir / "certs/hub.key");
  auto enc = run_program({"openssl", "pkey", "-in", test_cert("hub", "key").string(), "-aes256", "-passout",
                          "pass:" + passphrase, "-out", (dir / "certs/hub.key").string()},
                         30);
  REQUIRE(enc.exit_code == 0);
  REQUIRE_THAT(read_file(dir / "certs/hub.key"), Contains("BEGIN ENCRYPTED PRIVATE KEY"));
  auto yaml = read_file(dir / "edihub.yaml");
  const std::string key = "private_key: certs/hub.key";
  yaml.replace(yaml.find(key), key.size(), key + (source.empty() ? "" : ", " + source));
  write_file(dir / "edihub.yaml", yaml + "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1h\n");
}

// `edihub check` with no terminal to prompt on (setsid: no controlling terminal; stdin is
// /dev/null) and `env` added to its environment.
RunResult check_detached(const fs::path& dir, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  for (std::string a : {std::string("setsid"), std::string("-w"), edihub_binary().string(), std::string("check"),
                        std::string("--config"), dir.string()})
    argv.push_back(a);
  return run_program(argv, 20);
}

}  // namespace

TEST_CASE("an encrypted AS2 private key - passphrase_env decrypts and signs MDNs - without it check fails at once",
          "[as2][serve][e2e]") {
  TempDir dir;
  write_encrypted_key_config(dir.path(), "hub-key-secret", std::string("passphrase_env: ") + kPassEnv);

  // Without the variable: a configuration error naming the key, at once, no prompt.
  auto started = std::chrono::steady_clock::now();
  auto missing = check_detached(dir.path());
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  CHECK(missing.exit_code != 0);
  CHECK(missing.exit_code != -1);  // not killed by the timeout
  CHECK_THAT(missing.err, Contains("environment variable EDIHUB_TEST_AS2_KEY_PASS is not set"));
  CHECK_THAT(missing.err, Contains("certs/hub.key: the private key is encrypted and no passphrase is configured"));
  // A wrong one: named as such.
  auto wrong = check_detached(dir.path(), {std::string(kPassEnv) + "=not-it"});
  CHECK(wrong.exit_code != 0);
  CHECK(wrong.exit_code != -1);
  CHECK_THAT(wrong.err, Contains("certs/hub.key: wrong passphrase for the encrypted private key"));
  CHECK_THAT(wrong.err + wrong.out, !Contains("not-it"));
  // The right one.
  auto right = check_detached(dir.path(), {std::string(kPassEnv) + "=hub-key-secret"});
  INFO(right.err);
  CHECK(right.exit_code == 0);

  // End to end: a signed and encrypted message to `serve` gets a signed MDN that verifies.
  ServeProcess serve(dir.path(), {std::string(kPassEnv) + "=hub-key-secret"});
  auto up = serve.wait_for_event("serve_started", 20s);
  REQUIRE(up);
  const std::string url = (*up)["as2"];
  auto partner = as2::As2Identity::load("PARTNER", test_cert("partner", "crt").string(), test_cert("partner", "key").string());
  as2::As2Partner hub;
  hub.as2_id = "HUB";
  hub.certificates = {as2::load_certificate(test_cert("hub", "crt").string())};
  hub.url = url;
  auto message = as2::build_message(sample_856(3), "application/edi-x12", "asn.edi", partner, hub);
  auto sent = as2::send(message, hub, 30s);
  INFO(sent.reason << " " << serve.log_text());
  CHECK(sent.status == as2::SendStatus::delivered);  // decrypted with our key, MDN signed with it and verified
  CHECK(sent.mdn.was_signed);
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(40s) == std::optional<int>(0));
}

TEST_CASE("an encrypted AS2 private key with passphrase_file", "[as2][e2e]") {
  TempDir dir;
  write_encrypted_key_config(dir.path(), "from a file", "passphrase_file: secrets/hub.pass");
  write_file(dir / "secrets/hub.pass", "from a file\n");
  auto ok = check_detached(dir.path());
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  fs::remove(dir / "secrets/hub.pass");
  auto gone = check_detached(dir.path());
  CHECK(gone.exit_code != 0);
  CHECK_THAT(gone.err, Contains("cannot read passphrase_file") && Contains("hub.pass"));
  CHECK_THAT(gone.err, Contains("certs/hub.key: the private key is encrypted and no passphrase is configured"));
}
