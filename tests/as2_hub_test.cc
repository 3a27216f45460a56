// AS2 through the hub, in process as `edihub serve` wires it: hub::Config::load +
// hub::Pipeline + transports::as2::As2Server with the pipeline's AS2 methods, against the
// libas2 peer (tests/fixtures/as2_peer.h) in both directions. Every peer runs on loopback,
// started and stopped by the test; every wait is bounded.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <thread>

#include "hub/config.h"
#include "archive/raw_store.h"
#include "hub/pipeline/pipeline.h"
#include "tests/fixtures/as2_peer.h"
#include "tests/as2_config.h"
#include "transports/as2_server.h"

namespace fs = std::filesystem;
namespace as2 = edihub::transports::as2;
using namespace edihub::testing;
using edihub::hub::Config;
using edihub::hub::Pipeline;
using nlohmann::json;
using Catch::Contains;

namespace {


std::vector<edihub::archive::ExceptionRecord> open_exceptions(const Config& config, const std::string& kind) {
  auto index = edihub::archive::Index::open(config.index_file());
  std::vector<edihub::archive::ExceptionRecord> found;
  for (auto& e : index->exceptions(std::nullopt, std::string("open")))
    if (e.kind == kind) found.push_back(e);
  return found;
}


}  // namespace

TEST_CASE("AS2 hub: an 856 from libas2 is archived once and its resend answered duplicate-document and our 997 goes back over AS2",
          "[as2][hub][interop]") {
  require_peer();
  TempDir dir;
  As2NodeReceiver peer(dir / "peer", kPartnerSide);
  write_as2_config(dir.path(), peer.url());
  write_hub_yaml(dir.path());
  const Config config = Config::load(dir.path());
  edihub::hub::SystemClock clock;
  Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {});
  as2::As2Server server(pipeline.as2_server_config());
  server.start();

  write_file(dir / "asn.edi", sample_856(1));
  auto sender = [&](const std::string& work, const std::string& message_id) {
    return send_from_partner(dir / work, server.url(), dir / "asn.edi", message_id);
  };
  const std::string id = "<as2-hub-test-1@partner.example>";
  auto first = sender("send-1", id);
  CHECK(first["ok"] == true);  // libas2 verified our signed MDN, its MIC and Message-ID
  CHECK(first["processed"] == true);
  CHECK(first["signature"] == "standard");
  CHECK(first["description"].is_null());

  auto again = sender("send-2", id);  // the same Message-ID: the partner retried
  CHECK(again["processed"] == true);
  CHECK_THAT(again["description"].dump(), Contains("duplicate-document"));

  auto index = edihub::archive::Index::open(config.index_file());
  auto received = index->files_with_status(edihub::archive::FileStatus::received);
  REQUIRE(received.size() == 1);  // archived once
  CHECK(received[0].channel == "as2:PARTNER");
  CHECK(received[0].source_name == "asn.edi");
  auto in_rows = index->as2_messages_of_file(received[0].id);
  REQUIRE(in_rows.size() == 1);
  CHECK(in_rows[0].message_id == id);
  // The signed MDN we answered with is archived with the message; the duplicate's too, by its event.
  CHECK(in_rows[0].state == edihub::archive::As2State::received);
  REQUIRE(in_rows[0].mdn_sha256.size() == 64);
  edihub::archive::RawStore mdn_store(config.archive_dir);
  const std::string our_mdn = mdn_store.read(in_rows[0].mdn_sha256);
  CHECK_THAT(our_mdn, Contains("Original-Message-ID: " + id));
  CHECK_THAT(our_mdn, Contains("automatic-action/MDN-sent-automatically; processed"));
  CHECK_THAT(our_mdn, Contains("application/pkcs7-signature"));
  int mdn_events = 0;
  for (const auto& e : index->events_of_file(received[0].id)) mdn_events += e.step == "as2_mdn_sent";
  CHECK(mdn_events == 2);

  // Processing is housekeeping's: the 856 is mapped to the ERP folder and our 997 sent over
  // AS2 to the partner's libas2 receiver.
  auto summary = pipeline.housekeeping();
  CHECK(summary.files_processed == 1);
  CHECK(summary.sets_delivered == 1);
  CHECK(summary.acks_sent == 1);
  CHECK(fs::exists(dir / "erp/supplier_000000001_1_0001.json"));
  // The normal path: processed in the batch of AS2 files received since the last pass, not
  // resumed as a file an interruption left behind.
  std::vector<std::string> steps;
  for (const auto& e : index->events_of_file(received[0].id)) steps.push_back(e.step);
  CHECK(std::count(steps.begin(), steps.end(), "batch") == 1);
  CHECK(std::count(steps.begin(), steps.end(), "resumed") == 0);
  CHECK(std::count(steps.begin(), steps.end(), "parsed") == 1);
  auto lines = peer.message_lines(1, 10000);
  INFO("peer log:\n" << peer.log());
  REQUIRE(lines.size() == 1);
  CHECK(json::parse(lines[0])["processed"] == true);
  auto sent = index->files_with_status(edihub::archive::FileStatus::sent);
  REQUIRE(sent.size() == 1);
  auto out_rows = index->as2_messages_of_file(sent[0].id);
  REQUIRE(out_rows.size() == 1);
  CHECK(out_rows[0].direction == "out");
  CHECK(out_rows[0].state == edihub::archive::As2State::delivered);
  CHECK(out_rows[0].attempts == 1);
  CHECK(out_rows[0].message_id == json::parse(lines[0])["messageId"].get<std::string>());
  CHECK_THAT(out_rows[0].detail, Contains("processed"));
  REQUIRE(out_rows[0].mdn_sha256.size() == 64);
  edihub::archive::RawStore store(config.archive_dir);
  CHECK_THAT(store.read(out_rows[0].mdn_sha256), Contains(out_rows[0].message_id));
  CHECK(open_exceptions(config, "as2_mdn").empty());

  auto show = run_edihub({"archive", "show", "--config", dir.path().string(), "F" + std::to_string(sent[0].id)});
  CHECK_THAT(show.out, Contains("AS2 sent " + out_rows[0].message_id + " delivered"));
  server.stop();
}

TEST_CASE("AS2 hub: peer down keeps the file queued with one transport_error and peer up gets it once under the same Message-ID",
          "[as2][hub][interop]") {
  require_peer();
  TempDir dir;
  const int port = free_loopback_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/as2";
  write_as2_config(dir.path(), url, "  max_attempts: 1\n  timeout_seconds: 10\n");
  write_hub_yaml(dir.path());
  const Config config = Config::load(dir.path());
  edihub::hub::SystemClock clock;
  Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {});
  write_file(dir / "inbox/asn.edi", sample_856(2));
  pipeline.run_once();  // processes the 856, queues the 997 and tries to send it: refused
  auto summary = pipeline.run_once();  // again: refused
  CHECK(summary.acks_sent == 0);
  auto index = edihub::archive::Index::open(config.index_file());
  auto queued = index->files_with_status(edihub::archive::FileStatus::queued);
  REQUIRE(queued.size() == 1);
  auto rows = index->as2_messages_of_file(queued[0].id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].state == edihub::archive::As2State::sending);
  CHECK(rows[0].attempts == 2);
  CHECK_THAT(rows[0].detail, Contains("connect-error"));
  auto errors = open_exceptions(config, "transport_error");
  REQUIRE(errors.size() == 1);  // raised once while it lasts
  CHECK_THAT(errors[0].reason, Contains("as2:PARTNER"));

  As2NodeReceiver peer(dir / "peer", kPartnerSide, 20000, port);
  summary = pipeline.run_once();
  CHECK(summary.acks_sent == 1);
  auto lines = peer.message_lines(1, 10000);
  INFO("peer log:\n" << peer.log());
  REQUIRE(lines.size() == 1);
  CHECK(json::parse(lines[0])["messageId"] == rows[0].message_id);  // the Message-ID of the failed attempts
  pipeline.run_once();
  CHECK(peer.message_lines(2, 1000).size() == 1);  // exactly one message
  auto row = index->as2_messages_of_file(queued[0].id).at(0);
  CHECK(row.state == edihub::archive::As2State::delivered);
  CHECK(row.attempts == 3);
  CHECK(index->file(queued[0].id)->status == edihub::archive::FileStatus::sent);
  CHECK(open_exceptions(config, "transport_error").empty());  // resolved by the send
}

TEST_CASE("AS2 hub: a negative MDN from libas2 marks the file sent with an as2_mdn exception quoting it",
          "[as2][hub][interop]") {
  require_peer();
  TempDir dir;
  As2NodeReceiver peer(dir / "peer", kPartnerSide);
  // libas2 on Node 20 cannot decrypt PKCS#1 v1.5 key transport and says so in its MDN.
  write_as2_config(dir.path(), peer.url(), "  key_transport: rsa-pkcs1\n");
  write_hub_yaml(dir.path());
  const Config config = Config::load(dir.path());
  edihub::hub::SystemClock clock;
  Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {});
  write_file(dir / "inbox/asn.edi", sample_856(5));
  pipeline.run_once();
  auto index = edihub::archive::Index::open(config.index_file());
  auto sent = index->files_with_status(edihub::archive::FileStatus::sent);
  REQUIRE(sent.size() == 1);  // the partner got it: not sent again
  auto row = index->as2_messages_of_file(sent[0].id).at(0);
  INFO("peer log:\n" << peer.log());
  CHECK(row.state == edihub::archive::As2State::negative_mdn);
  CHECK(row.mdn_sha256.size() == 64);
  auto problems = open_exceptions(config, "as2_mdn");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].file_id == sent[0].id);
  CHECK_THAT(problems[0].reason, Contains(row.message_id) && Contains("negative") && Contains("failed"));
  pipeline.run_once();
  CHECK(peer.message_lines(2, 1000).size() == 1);
}

TEST_CASE("AS2 hub: an async MDN is settled by receive_mdn and a missing one becomes mdn_overdue once and settles late",
          "[as2][hub][interop]") {
  require_peer();
  TempDir dir;
  As2NodeReceiver peer(dir / "peer", kPartnerSide);
  // Our As2Server must run before the config names its URL: bind it on a known free port.
  const int port = free_loopback_port();
  const std::string mdn_url = "http://127.0.0.1:" + std::to_string(port) + "/as2";
  write_as2_config(dir.path(), peer.url(), "  mdn: async\n  mdn_due: 1h\n");
  write_hub_yaml(dir.path(), mdn_url);
  const Config config = Config::load(dir.path());
  auto start = std::chrono::system_clock::now();
  edihub::hub::FixedClock clock(start);
  Pipeline pipeline(config, clock, [](std::chrono::milliseconds) {});
  auto server_cfg = pipeline.as2_server_config();
  server_cfg.port = static_cast<unsigned short>(port);
  as2::As2Server server(server_cfg);
  server.start();

  // An 856 in -> our 997 out with an async MDN, which libas2 POSTs back to our server.
  write_file(dir / "inbox/asn-3.edi", sample_856(3));
  pipeline.run_once();
  pipeline.run_once();
  auto index = edihub::archive::Index::open(config.index_file());
  auto sent = index->files_with_status(edihub::archive::FileStatus::sent);
  REQUIRE(sent.size() == 1);
  auto row = [&] { return index->as2_messages_of_file(sent[0].id).at(0); };
  // Bounded wait for the MDN POST (libas2 sends it after its 200).
  for (int i = 0; i < 100 && row().state == edihub::archive::As2State::awaiting_mdn; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  INFO("peer log:\n" << peer.log());
  CHECK(row().state == edihub::archive::As2State::delivered);
  CHECK(row().mdn_mode == "async");
  CHECK(row().mdn_sha256.size() == 64);

  // An MDN that never comes: our receiver is stopped, so the peer's MDN POST fails.
  server.stop();
  write_file(dir / "inbox/asn-4.edi", sample_856(4));
  pipeline.run_once();
  pipeline.run_once();
  edihub::archive::As2MessageRecord waiting;
  for (const auto& m : index->as2_messages_in_state(edihub::archive::As2State::awaiting_mdn)) waiting = m;
  REQUIRE(waiting.id);
  clock.set(start + std::chrono::minutes(59));
  pipeline.housekeeping();
  CHECK(open_exceptions(config, "mdn_overdue").empty());
  clock.set(start + std::chrono::minutes(61));
  pipeline.housekeeping();
  pipeline.housekeeping();
  auto overdue = open_exceptions(config, "mdn_overdue");
  REQUIRE(overdue.size() == 1);  // raised once
  CHECK_THAT(overdue[0].reason, Contains(waiting.message_id));
  CHECK(index->as2_messages_of_file(waiting.file_id).at(0).state == edihub::archive::As2State::mdn_overdue);

  // The MDN arrives late after all (built here as the partner would): settled, overdue resolved.
  auto partner_identity = as2::As2Identity::load("PARTNER", test_cert("partner", "crt").string(),
                                                 test_cert("partner", "key").string());
  as2::ReceivedMessage ours;
  ours.message_id = waiting.message_id;
  ours.as2_from = "HUB";
  ours.as2_to = "PARTNER";
  ours.mic = waiting.mic;
  ours.mdn = {true, true, mdn_url, true, "sha256"};
  auto late = as2::build_mdn(ours, "processed", partner_identity);
  pipeline.receive_mdn(late.headers, late.body);
  CHECK(index->as2_messages_of_file(waiting.file_id).at(0).state == edihub::archive::As2State::delivered);
  CHECK(open_exceptions(config, "mdn_overdue").empty());

  // An MDN for a Message-ID we never sent.
  ours.message_id = "<never-sent@edihub.local>";
  auto stray = as2::build_mdn(ours, "processed", partner_identity);
  pipeline.receive_mdn(stray.headers, stray.body);
  auto unmatched = open_exceptions(config, "unmatched_mdn");
  REQUIRE(unmatched.size() == 1);
  CHECK(unmatched[0].partner == "supplier");
  CHECK_THAT(unmatched[0].reason, Contains("<never-sent@edihub.local>") && Contains("which we never sent"));
}

TEST_CASE("edihub check: a bad AS2 certificate or identity file is a problem with file and line", "[as2][hub]") {
  TempDir dir;
  write_as2_config(dir.path(), "http://127.0.0.1:9/as2", "  mdn: async\n  compress: true\n");
  write_hub_yaml(dir.path());
  write_file(dir / "certs/partner.crt", "not a certificate\n");
  fs::remove(dir / "certs/hub.key");
  auto r = run_edihub({"check", "--config", dir.path().string()});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Contains("supplier.yaml:") && Contains("as2 certificate") && Contains("partner.crt"));
  CHECK_THAT(r.err, Contains("edihub.yaml:4: as2.identity.private_key certs/hub.key does not exist"));
  CHECK_THAT(r.err, Contains("as2.mdn is async but edihub.yaml has no as2.async_mdn_url"));
  if (!as2::compression_supported()) CHECK_THAT(r.err, Contains("as2.compress is true but this OpenSSL has no zlib"));
}
