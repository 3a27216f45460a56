// AS2 -> hub -> HTTP ERP through `edihub serve`: the libas2 peer POSTs a signed and
// encrypted 856 to the service's AS2 receiver and verifies the signed MDN it gets back;
// the service processes the file at once (not at its next housekeeping interval),
// delivers the transaction to the HTTP ERP and sends its 997 back over AS2 to the
// partner's libas2 receiver, whose MDN it verifies and archives.
#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>

#include "archive/index.h"
#include "tests/as2_config.h"
#include "tests/fixtures/http_erp.h"
#include "tests/fixtures/serve.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;

TEST_CASE("serve: AS2 from libas2 -> signed MDN after archiving -> HTTP ERP, and the 997 back over AS2",
          "[serve][as2][interop][e2e]") {
  require_peer();
  TempDir dir;
  As2NodeReceiver partner(dir / "partner", kPartnerSide);
  HttpErp erp;
  write_as2_config(dir.path(), partner.url());
  write_hub_yaml(dir.path());
  // Housekeeping only hourly: what arrives by AS2 must be processed because it arrived.
  write_file(dir / "edihub.yaml", read_file(dir / "edihub.yaml") +
                                      "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1h\n");
  auto profile = read_file(dir / "partners/supplier.yaml");
  const std::string folder = "erp:\n  folder: {path: erp}\n";
  profile.replace(profile.find(folder), folder.size(), "erp:\n  http: {url: \"" + erp.url() + "\", timeout_seconds: 5}\n");
  write_file(dir / "partners/supplier.yaml", profile);
  REQUIRE(run_edihub({"check", "--config", dir.path().string()}).exit_code == 0);

  ServeProcess serve(dir.path());
  serve.health_url();
  auto started = serve.wait_for_event("serve_started", 1s);
  const std::string as2_url = (*started)["as2"];
  REQUIRE(as2_url.starts_with("http://127.0.0.1:"));
  std::this_thread::sleep_for(1500ms);  // the first housekeeping has run: the next one is an hour away

  write_file(dir / "asn.edi", sample_856(7));
  auto mdn = send_from_partner(dir / "send", as2_url, dir / "asn.edi", "<serve-as2-1@partner.example>");
  CHECK(mdn["ok"] == true);          // libas2 verified the signature, MIC and Message-ID of our MDN
  CHECK(mdn["processed"] == true);
  CHECK(mdn["signature"] == "standard");

  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (erp.requests().empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  auto requests = erp.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].header("Idempotency-Key") == "supplier/000000007/7/0007");
  CHECK(nlohmann::json::parse(requests[0].body)["transaction"]["shipment_id"].is_string());
  // The 997 answering it went back over AS2 and the partner's receiver got it.
  REQUIRE(partner.message_lines(1, 30000).size() == 1);
  CHECK(serve.wait_for_event("as2_received", 1s));

  serve.signal(SIGTERM);
  REQUIRE(serve.wait_exit(40s) == std::optional<int>(0));
  auto index = edihub::archive::Index::open(dir / "archive/index.db");
  auto in = index->files_with_status(edihub::archive::FileStatus::processed);
  REQUIRE(in.size() == 1);
  CHECK(in[0].channel == "as2:PARTNER");
  auto sent = index->files_with_status(edihub::archive::FileStatus::sent);
  REQUIRE(sent.size() == 1);  // the 997
  auto rows = index->as2_messages_of_file(sent[0].id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].state == edihub::archive::As2State::delivered);
  CHECK_FALSE(rows[0].mdn_sha256.empty());  // the partner's MDN, archived
}
