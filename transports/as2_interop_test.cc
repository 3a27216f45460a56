// AS2 interop with independent implementations: the npm libas2 peer (both directions) and
// the `openssl cms` command line (both directions). Every peer runs on loopback, started and
// stopped by the test (tests/fixtures/as2_peer.h), each step bounded in time.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>

#include "tests/fixtures/as2_peer.h"
#include "tests/support/as2_identities.h"
#include "tests/test_support.h"
#include "transports/as2.h"
#include "transports/as2_client.h"
#include "transports/as2_server.h"

using namespace edihub::transports::as2;
using namespace edihub::transports::as2::test;
using namespace edihub::testing;
using nlohmann::json;

namespace {

const std::string kEdi =
    "ISA*00*          *00*          *ZZ*HUB            *ZZ*PARTNER        *261127*0900*U*00401*000000002*0*T*>~\n"
    "GS*IN*HUB*PARTNER*20261127*0900*2*X*004010~\nST*810*0001~\nBIG*20261127*INV-7~\nSE*3*0001~\n"
    "GE*1*2~\nIEA*1*000000002~\n";

void require_peer() {
  std::string why = as2_peer_ready();
  if (!why.empty()) FAIL(why);
}

RunResult sh(const std::string& script, int timeout = 60) { return run_program({"sh", "-c", script}, timeout); }

std::string first_json_object(const std::string& out) {
  size_t b = out.find('{');
  return b == std::string::npos ? "{}" : out.substr(b);
}

std::string ms_since(std::chrono::steady_clock::time_point t0) {
  return std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()) +
         " ms";
}

}  // namespace

TEST_CASE("AS2 interop: our client -> libas2 receiver, its MDN verified by us (sync and async)", "[as2][interop]") {
  require_peer();
  TempDir dir;
  As2NodeReceiver peer(dir / "peer", {"PARTNER", crt("partner"), key("partner"), "HUB", crt("hub")});
  WARN("libas2 receiver ready after " << peer.startup_ms() << " ms");
  auto hub = identity("HUB", "hub");
  auto to_partner = profile("PARTNER", {"partner"});
  to_partner.url = peer.url();

  // Sync, signed MDN. libas2 needs base64 + Content-Disposition (we send both) and RSA-OAEP.
  auto t0 = std::chrono::steady_clock::now();
  BuiltMessage m = build_message(kEdi, "application/edi-x12", "invoice.edi", hub, to_partner);
  SendResult s = send(m, to_partner, std::chrono::seconds(20));
  INFO(to_string(s.status) << ": " << s.reason << "\npeer log:\n" << peer.log());
  REQUIRE(s.status == SendStatus::delivered);
  WARN("HUB -> libas2 sync round trip: " << ms_since(t0));
  CHECK(s.mdn.was_signed);
  CHECK(s.mdn.libas2_signature_quirk);  // libas2 0.8.2 signs without the part's last CRLF
  CHECK(s.mdn.original_message_id == m.message_id);
  auto lines = peer.message_lines(1, 5000);
  REQUIRE(lines.size() == 1);
  json rec = json::parse(lines[0]);
  CHECK(rec["processed"] == true);
  CHECK(rec["mdn"] == "sync signed");
  // libas2's own MIC (it writes SHA-256) equals ours.
  CHECK(detail::normalize_mic_alg(rec["mic"].get<std::string>().substr(rec["mic"].get<std::string>().find(',') + 1)) ==
        "sha256");
  CHECK(rec["mic"].get<std::string>().substr(0, rec["mic"].get<std::string>().find(',')) ==
        m.mic.substr(0, m.mic.find(',')));
  std::string saved = read_file(rec["savedAs"].get<std::string>());
  CAPTURE(saved.size(), kEdi.size(), saved.substr(saved.size() > 4 ? saved.size() - 4 : 0));
  CHECK(saved == kEdi);

  // PKCS#1 v1.5 key transport: libas2 on Node 20 cannot decrypt it and says so in its MDN.
  auto pkcs1 = to_partner;
  pkcs1.key_transport = "rsa-pkcs1";
  SendResult neg = send(build_message(kEdi, "application/edi-x12", "invoice.edi", hub, pkcs1), pkcs1,
                        std::chrono::seconds(20));
  CHECK(neg.status == SendStatus::negative_mdn);
  CHECK_THAT(neg.mdn.disposition, Catch::Contains("failed"));

  // Async MDN: libas2 answers 200, then POSTs the MDN to our As2Server, which matches it.
  AsyncMdnTracker tracker;
  As2ServerConfig cfg;
  cfg.identity = hub;
  cfg.handler = [](const ReceivedMessage&) { return As2Result::rejected(); };
  cfg.find_partner = [p = to_partner](const std::string& id) -> std::optional<As2Partner> {  // who may POST an MDN
    if (id == p.as2_id) return p;
    return std::nullopt;
  };
  cfg.on_mdn = [&](const Headers& h, const std::string& b) { tracker.match(h, b); };
  As2Server mdn_endpoint(cfg);
  mdn_endpoint.start();
  auto async = to_partner;
  async.mdn = "async";
  async.async_mdn_url = mdn_endpoint.url("/as2/mdn");
  BuiltMessage am = build_message(kEdi, "application/edi-x12", "invoice-async.edi", hub, async);
  tracker.expect(am, async);
  t0 = std::chrono::steady_clock::now();
  SendResult as = send(am, async, std::chrono::seconds(20));
  REQUIRE(as.status == SendStatus::awaiting_mdn);
  auto result = tracker.wait_for(am.message_id, std::chrono::seconds(15));
  INFO("peer log:\n" << peer.log());
  REQUIRE(result);
  INFO(result->reason);
  CHECK(result->ok());
  CHECK(result->libas2_signature_quirk);
  WARN("HUB -> libas2 async MDN matched after " << ms_since(t0));
}

TEST_CASE("AS2 interop: libas2 sender -> our As2Server, our MDN verified by libas2", "[as2][interop]") {
  require_peer();
  TempDir dir;
  std::mutex mu;
  std::vector<ReceivedMessage> got;
  std::atomic<int> rejected{0};
  As2ServerConfig cfg;
  cfg.identity = identity("HUB", "hub");
  cfg.find_partner = [](const std::string& id) -> std::optional<As2Partner> {
    if (id == "PARTNER") return profile("PARTNER", {"partner"});
    return std::nullopt;
  };
  cfg.handler = [&](const ReceivedMessage& m) {
    std::lock_guard lock(mu);
    got.push_back(m);  // (the hub archives durably here before returning)
    return As2Result::accepted();
  };
  cfg.on_rejected = [&](const ReceivedMessage&) { ++rejected; };
  As2Server server(cfg);
  server.start();
  write_file(dir / "po.edi", kEdi);

  auto config = [&](const std::string& who) {
    return json{{"url", server.url()},     {"ownId", "PARTNER"},       {"ownCert", crt(who)},
                {"ownKey", key(who)},      {"receiverId", "HUB"},      {"receiverCert", crt("hub")},
                {"sign", "sha-256"},       {"encrypt", "aes256-CBC"}, {"mdnSigning", "sha-256"},
                {"contentType", "application/edi-x12"}}
        .dump();
  };
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = run_as2_node_sender(dir / "send", config("partner"), dir / "po.edi");
  INFO("exit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
  WARN("libas2 -> HUB sync round trip incl. node start: " << ms_since(t0));
  REQUIRE(r.exit_code == 0);
  json out = json::parse(first_json_object(r.out));
  CHECK(out["ok"] == true);
  CHECK(out["processed"] == true);
  CHECK(out["signature"] == "standard");  // our MDN signature verifies without any quirk
  CHECK(out["micMatches"] == true);
  CHECK(out["originalMessageId"] == out["messageId"]);
  {
    std::lock_guard lock(mu);
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == kEdi);
    CHECK(got[0].filename == "po.edi");
    CHECK(got[0].was_signed);
    CHECK(got[0].was_encrypted);
    CHECK(got[0].message_id == out["messageId"].get<std::string>());
  }

  // A sender signing with a certificate we do not trust gets a negative MDN, which libas2 reads.
  RunResult bad = run_as2_node_sender(dir / "send-bad", config("stranger"), dir / "po.edi");
  INFO("stdout: " << bad.out << "\nstderr: " << bad.err);
  CHECK(bad.exit_code == 1);
  json bout = json::parse(first_json_object(bad.out));
  CHECK(bout["ok"] == false);
  CHECK_THAT(bout["description"].dump(), Catch::Contains("authentication-failed"));
  CHECK(rejected == 1);
  std::lock_guard lock(mu);
  CHECK(got.size() == 1);  // the handler never saw it
}

TEST_CASE("AS2 interop: openssl cms decrypts and verifies what we build, and the MIC equals openssl dgst", "[as2][interop]") {
  TempDir dir;
  auto hub = identity("HUB", "hub");
  for (const std::string kt : {"rsa-oaep", "rsa-pkcs1"}) {
    CAPTURE(kt);
    auto to_partner = profile("PARTNER", {"partner"});
    to_partner.key_transport = kt;
    BuiltMessage m = build_message(kEdi, "application/edi-x12", "po.edi", hub, to_partner);
    write_file(dir / "req.eml", as_mime_file(m.headers, m.body));
    auto d = sh("cd " + dir.path().string() + " && openssl cms -decrypt -in req.eml -recip " + crt("partner") +
                " -inkey " + key("partner") + " -out signed.eml && openssl cms -verify -in signed.eml -CAfile " +
                crt("hub") + " -purpose any -out payload.mime");
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    CHECK_THAT(d.err, Catch::Contains("Verification successful"));
    // kEdi has bare LF line ends, so "auto" sent the payload part base64 (byte-exact).
    auto [ph, pbody] = detail::split_entity(read_file(dir / "payload.mime"));
    CHECK(ph.get("Content-Transfer-Encoding") == "base64");
    CHECK(detail::base64_decode(pbody) == kEdi);
    // The MIC: sha256 over the first part of the multipart/signed, computed by openssl.
    std::string signed_entity = read_file(dir / "signed.eml");
    auto [sh_headers, sbody] = detail::split_entity(signed_entity);
    auto parts = detail::multipart_parts(sbody, detail::param(sh_headers.get("Content-Type"), "boundary"));
    REQUIRE(parts.size() == 2);
    write_file(dir / "part.bin", parts[0]);
    auto dg = sh("openssl dgst -sha256 -binary " + (dir / "part.bin").string() + " | openssl base64 -A");
    REQUIRE(dg.exit_code == 0);
    CHECK(m.mic == detail::trim(dg.out) + ", sha-256");
  }
  // A payload that is already CRLF text travels as binary and verifies the same way.
  {
    std::string crlf = "ISA*00~\r\nIEA*1*000000002~\r\n";
    auto to = profile("PARTNER", {"partner"});
    to.encrypt = false;
    BuiltMessage m = build_message(crlf, "application/edi-x12", "po.edi", hub, to);
    write_file(dir / "signed-binary.eml", as_mime_file(m.headers, m.body));
    auto v = sh("openssl cms -verify -in " + (dir / "signed-binary.eml").string() + " -CAfile " + crt("hub") +
                " -purpose any -out " + (dir / "payload-binary.mime").string());
    INFO(v.err);
    CHECK(v.exit_code == 0);
    auto [ph, pbody] = detail::split_entity(read_file(dir / "payload-binary.mime"));
    CHECK(ph.get("Content-Transfer-Encoding") == "binary");
    CHECK(pbody == crlf);
  }
  // openssl verifies our signed MDN the standard way.
  auto partner = identity("PARTNER", "partner");
  BuiltMessage m = build_message(kEdi, "application/edi-x12", "po.edi", hub, profile("PARTNER", {"partner"}));
  ReceivedMessage r = receive(m.headers, m.body, partner, profile("HUB", {"hub"}));
  REQUIRE(r.ok());
  BuiltMdn mdn = build_mdn(r, "processed", partner);
  write_file(dir / "mdn.eml", "Content-Type: " + mdn.headers.get("Content-Type") + "\r\n\r\n" + mdn.body);
  auto v = sh("openssl cms -verify -in " + (dir / "mdn.eml").string() + " -CAfile " + crt("partner") +
              " -purpose any -out " + (dir / "report.txt").string());
  INFO(v.err);
  CHECK(v.exit_code == 0);
  CHECK_THAT(read_file(dir / "report.txt"), Catch::Contains("Received-Content-MIC: " + m.mic));
}

TEST_CASE("AS2 interop: messages made by openssl cms -sign/-encrypt are received by us", "[as2][interop]") {
  TempDir dir;
  auto hub = identity("HUB", "hub");
  auto from_partner = profile("PARTNER", {"partner"});
  write_file(dir / "part.mime", "Content-Type: application/edi-x12\r\nContent-Disposition: attachment; filename=\"x.edi\"\r\n"
                                "Content-Transfer-Encoding: binary\r\n\r\n" + kEdi);
  const std::string d = dir.path().string();
  auto signed_ = sh("cd " + d + " && openssl cms -sign -in part.mime -signer " + crt("partner") + " -inkey " +
                    key("partner") + " -md sha256 -binary -crlfeol -out signed.eml");
  REQUIRE(signed_.exit_code == 0);
  auto dg = sh("openssl dgst -sha256 -binary " + d + "/part.mime | openssl base64 -A");
  const std::string openssl_mic = detail::trim(dg.out) + ", sha-256";

  struct Variant { std::string name, keyopt; bool base64; };
  for (const Variant& v : {Variant{"pkcs1-der", "", false}, Variant{"oaep-base64", "-keyopt rsa_padding_mode:oaep", true}}) {
    CAPTURE(v.name);
    auto enc = sh("cd " + d + " && openssl cms -encrypt -in signed.eml -aes-256-cbc -binary -outform DER -out body.der -recip " +
                  crt("hub") + " " + v.keyopt);
    REQUIRE(enc.exit_code == 0);
    std::string der = read_file(dir / "body.der");
    Headers h;
    h.add("AS2-Version", "1.1");
    h.add("AS2-From", "PARTNER");
    h.add("AS2-To", "HUB");
    h.add("Message-ID", new_message_id("openssl.test"));
    h.add("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"");
    if (v.base64) h.add("Content-Transfer-Encoding", "base64");  // else binary DER, no CTE (many products)
    h.add("Disposition-Notification-To", "partner@example.test");
    h.add("Disposition-Notification-Options",
          "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-256");
    ReceivedMessage r = receive(h, v.base64 ? detail::base64_encode(der, true) : der, hub, from_partner);
    INFO(r.error << ": " << r.error_text);
    REQUIRE(r.ok());
    CHECK(r.payload == kEdi);
    CHECK(r.filename == "x.edi");
    CHECK(r.mic == openssl_mic);
  }
  // Signed only (no encryption): the S/MIME file's own headers are the HTTP headers.
  auto [sh_headers, sbody] = detail::split_entity(read_file(dir / "signed.eml"));
  Headers h;
  h.add("AS2-From", "PARTNER");
  h.add("AS2-To", "HUB");
  h.add("Message-ID", new_message_id("openssl.test"));
  h.add("Content-Type", sh_headers.get("Content-Type"));
  auto lenient = from_partner;
  lenient.encrypt = false;
  ReceivedMessage r = receive(h, sbody, hub, lenient);
  INFO(r.error_text);
  REQUIRE(r.ok());
  CHECK(r.payload == kEdi);
  CHECK(r.mic == openssl_mic);
}
