// Thin wrappers over OpenSSL's CMS API for the AS2 files (internal to transports/as2_*).
// Contract: every function either returns its result or throws As2Error with OpenSSL's error
// text; verification returns a classified outcome instead of throwing, because a bad
// signature is a normal inbound event. Signer trust = the partner's pinned certificates
// (CMS_NOINTERN: a certificate embedded in the message is never trusted by itself).
#pragma once

#include <string>
#include <vector>

#include "transports/as2.h"

namespace edihub::transports::as2::cms {

// A multipart/signed entity (MIME-Version + Content-Type headers, CRLF, body) whose first
// part is `entity` byte for byte and whose second part is a detached CMS signature.
std::string sign_detached(const std::string& entity, const As2Identity& signer, const std::string& mic_alg);

// DER enveloped-data for `recipient`: cipher aes128-cbc|aes192-cbc|aes256-cbc,
// key_transport rsa-oaep|rsa-pkcs1.
std::string encrypt(const std::string& entity, const Certificate& recipient, const std::string& cipher,
                    const std::string& key_transport);
std::string decrypt(const std::string& der, const As2Identity& us);  // throws As2Error

std::string compress(const std::string& entity);    // DER compressed-data (zlib); throws As2Error
std::string uncompress(const std::string& der);     // throws As2Error

struct VerifyOutcome {
  std::string error;       // "" ok | "authentication-failed" | "integrity-check-failed"
  std::string text;        // why
  std::string signer;      // subject of the certificate that verified
  std::string digest_alg;  // the signer's digest, "sha256"
};
// `signed_content`: the first part exactly; `signature_der`: the CMS SignedData.
// `valid`: certificates usable now; `all`: every configured one (to explain expiry).
VerifyOutcome verify_detached(const std::string& signed_content, const std::string& signature_der,
                              const std::vector<Certificate>& valid, const std::vector<Certificate>& all);

}  // namespace edihub::transports::as2::cms
