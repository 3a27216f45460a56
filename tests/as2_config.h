// The AS2 configuration the end-to-end tests share: the trading config (partner
// "supplier", AS2 id PARTNER, sending over AS2) with edihub.yaml's AS2 identity HUB, and
// the libas2 peer's side of that agreement. Certificates are the committed test-only ones.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/as2_peer.h"
#include "tests/trading_config.h"

namespace edihub::testing {

inline std::filesystem::path test_cert(const std::string& who, const char* ext) {
  return data_dir() / "as2" / ("test-only-" + who + "." + ext);
}

// The trading config (partner "supplier") sending over AS2 to `url`, as AS2 id PARTNER,
// with edihub.yaml's AS2 identity HUB. `agreement` adds keys to the partner's `as2`.
inline void write_as2_config(const std::filesystem::path& dir, const std::string& url, const std::string& agreement = "") {
  write_trading_config(dir,
                       "as2:\n  as2_id: PARTNER\n  certificates: [certs/partner.crt]\n  url: " + url + "\n" + agreement,
                       "as2: {}");
  std::filesystem::create_directories(dir / "certs");
  std::filesystem::copy_file(test_cert("partner", "crt"), dir / "certs/partner.crt");
  std::filesystem::copy_file(test_cert("hub", "crt"), dir / "certs/hub.crt");
  std::filesystem::copy_file(test_cert("hub", "key"), dir / "certs/hub.key");
}

inline void write_hub_yaml(const std::filesystem::path& dir, const std::string& async_mdn_url = "") {
  write_file(dir / "edihub.yaml",
             "archive: {path: archive}\n"
             "as2:\n"
             "  listen: {address: 127.0.0.1, port: 0, path: /as2}\n"
             "  identity: {as2_id: HUB, certificate: certs/hub.crt, private_key: certs/hub.key}\n" +
                 (async_mdn_url.empty() ? "" : "  async_mdn_url: " + async_mdn_url + "\n"));
}

inline const As2PeerParty kPartnerSide{"PARTNER", test_cert("partner", "crt"), test_cert("partner", "key"), "HUB",
                                       test_cert("hub", "crt")};

// Fails the test when the libas2 peer cannot run (node or its packages missing).
inline void require_peer() {
  std::string why = as2_peer_ready();
  if (!why.empty()) FAIL(why);
}

// Sends `file` from PARTNER to the hub's AS2 `url` with libas2 (signed, encrypted, signed
// sync MDN asked for) under `message_id`: the sender's JSON verdict on the hub's MDN, or
// nullopt when no MDN came back (the hub down, say). No assertions: safe off the test thread.
inline std::optional<nlohmann::json> try_send_from_partner(const std::filesystem::path& work, const std::string& url,
                                                           const std::filesystem::path& file,
                                                           const std::string& message_id, RunResult* run = nullptr) {
  nlohmann::json c{{"url", url}, {"ownId", "PARTNER"}, {"ownCert", kPartnerSide.own_cert},
                   {"ownKey", kPartnerSide.own_key}, {"receiverId", "HUB"}, {"receiverCert", kPartnerSide.other_cert},
                   {"sign", "sha-256"}, {"encrypt", "aes256-CBC"}, {"mdnSigning", "sha-256"},
                   {"contentType", "application/edi-x12"}, {"messageId", message_id}};
  auto r = run_as2_node_sender(work, c.dump(), file);
  if (run) *run = r;
  auto brace = r.out.find('{');
  if (r.exit_code != 0 || brace == std::string::npos) return std::nullopt;
  auto verdict = nlohmann::json::parse(r.out.substr(brace), nullptr, false);
  if (verdict.is_discarded()) return std::nullopt;
  return verdict;
}

// The same, failing the test when no verified MDN came back.
inline nlohmann::json send_from_partner(const std::filesystem::path& work, const std::string& url,
                                        const std::filesystem::path& file, const std::string& message_id) {
  RunResult r;
  auto verdict = try_send_from_partner(work, url, file, message_id, &r);
  INFO("exit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(verdict);
  return *verdict;
}

}  // namespace edihub::testing
