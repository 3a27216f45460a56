// A password in an ERP URL (issue 13, finding 6) is used to connect and shown nowhere: the
// HTTP sink points at a closed loopback port with user:password in its URL, so every
// delivery fails and the URL ends up in everything the hub prints and stores. Neither
// `serve`'s JSON log and /healthz, nor `run`'s output, `exceptions --json`,
// `archive show --events` nor the bytes of index.db hold the password; they show user:***.
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/serve.h"
#include "tests/supplier_config.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;
using Catch::Contains;

TEST_CASE("a password in an ERP URL is redacted in run output - exceptions - events - the index - the log and healthz",
          "[erp][http][e2e]") {
  const std::string secret = "Sup3rSecretPw";
  const std::string port = std::to_string(free_loopback_port());  // nothing listens there
  TempDir dir;
  write_supplier_config(dir.path());
  use_erp_sink(dir.path(), "erp:\n  http: {url: \"http://erpuser:" + secret + "@127.0.0.1:" + port +
                               "/inbound\", max_attempts: 1, connect_timeout_seconds: 2}\n");
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1h\n");
  const std::string cfg = dir.path().string();
  std::string everything;  // all the hub printed or stored

  {  // serve: its first poll takes the file; the dead letter is logged as an exception
    write_file(dir / "inbox/a.edi", sample_856(41));
    ServeProcess serve(dir.path());
    const std::string health = serve.health_url();
    auto logged = serve.wait_for_event("exception", 30s);
    REQUIRE(logged);
    CHECK_THAT(logged->dump(), Contains("erpuser:***@127.0.0.1:" + port));
    everything += http_get(health).body;
    serve.signal(SIGTERM);
    CHECK(serve.wait_exit(40s) == std::optional<int>(0));
    everything += serve.log_text();
  }
  write_file(dir / "inbox/b.edi", sample_856(42));
  auto run = run_edihub({"run", "--config", cfg, "--once"});
  CHECK(run.exit_code == 0);
  everything += run.out + run.err;
  CHECK_THAT(run.out + run.err, Contains("http:http://erpuser:***@127.0.0.1:" + port + "/inbound"));

  auto exceptions = run_edihub({"exceptions", "--config", cfg, "--json"});
  REQUIRE(exceptions.exit_code == 0);
  auto list = nlohmann::json::parse(exceptions.out)["rows"];
  REQUIRE(list.size() == 2);
  for (const auto& e : list) CHECK_THAT(e["reason"].get<std::string>(), Contains("erpuser:***@"));
  everything += exceptions.out + exceptions.err;
  for (const char* file : {"F1", "F2"}) {
    auto events = run_edihub({"archive", "show", "--config", cfg, file, "--events"});
    CHECK(events.exit_code == 0);
    everything += events.out + events.err;
  }
  for (const auto& entry : fs::directory_iterator(dir / "archive"))  // index.db and any -wal / -journal
    if (entry.path().filename().string().starts_with("index.db")) everything += read_file(entry.path());

  CHECK_THAT(everything, Contains("erpuser:***@"));
  CHECK_THAT(everything, !Contains(secret));
}
