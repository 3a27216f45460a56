// AS2 (RFC 4130) messages and MDNs, built and checked with OpenSSL's CMS API only.
//
// Contract:
// - build_message() turns payload bytes into the HTTP headers + body of one AS2 POST:
//   optionally compressed (CMS compressed-data, RFC 5402; only when this OpenSSL has zlib,
//   see compression_supported()), signed (multipart/signed, detached CMS signature) and
//   encrypted (application/pkcs7-mime enveloped-data, AES-CBC, RSA-OAEP or PKCS#1 v1.5 key
//   transport) for the partner's newest currently valid certificate. It returns the MIC the
//   partner's MDN must carry (RFC 4130 7.3.1).
// - receive() undoes all of that for one inbound POST, trusting only the partner's pinned
//   certificates that are valid now (no CA chain), and reports failures with the RFC 4130
//   disposition modifiers (decryption-failed, authentication-failed, integrity-check-failed,
//   insufficient-message-security, decompression-failed, unexpected-processing-error). It
//   never throws for a bad message; it throws As2Error only for unusable local setup.
// - build_mdn() answers a received message; verify_mdn() checks a partner's MDN against the
//   Message-ID and MIC we sent. Header names are case-insensitive everywhere.
// Crypto is OpenSSL's; this code only assembles MIME around it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace edihub::transports::as2 {

class As2Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// HTTP/MIME headers in their order; lookups ignore case.
struct Headers {
  std::vector<std::pair<std::string, std::string>> fields;
  // The first value of `name`, or "" when absent.
  std::string get(const std::string& name) const;
  bool has(const std::string& name) const;
  void set(const std::string& name, std::string value);  // replaces all values of `name`
  void add(const std::string& name, std::string value) { fields.emplace_back(name, std::move(value)); }
};

// One X.509 certificate with its validity window (shared, immutable).
struct Certificate {
  std::shared_ptr<X509> x509;
  std::chrono::system_clock::time_point not_before, not_after;
  std::string subject;  // one line, for messages
  bool valid_at(std::chrono::system_clock::time_point t) const { return t >= not_before && t <= not_after; }
};
Certificate load_certificate(const std::string& pem_file);        // throws As2Error
Certificate certificate_from_pem(const std::string& pem_text);    // throws As2Error

// Our side of an agreement: our AS2 id, certificate and private key (PEM files).
struct As2Identity {
  std::string as2_id;
  Certificate cert;
  std::shared_ptr<EVP_PKEY> key;
  // key_passphrase: for an encrypted key (throws As2Error naming the file when it is wrong or missing).
  static As2Identity load(std::string as2_id, const std::string& cert_pem_file, const std::string& key_pem_file,
                          const std::string& key_passphrase = "");
};

// A PEM private key, encrypted or not. Never prompts (OpenSSL's default would ask the
// terminal for a passphrase): a missing or wrong passphrase throws As2Error naming the file.
std::shared_ptr<EVP_PKEY> load_private_key(const std::string& pem_file, const std::string& passphrase = "");

// The trading partner. Several certificates may be listed so that a rotation overlaps:
// signatures verify with any certificate valid now, we encrypt to the newest valid one
// (latest not_before). For inbound messages `sign`/`encrypt` are also requirements: an
// unsigned (unencrypted) message from a partner with sign (encrypt) set is refused with
// insufficient-message-security.
struct As2Partner {
  std::string as2_id;
  std::vector<Certificate> certificates;
  std::string url;                         // where we POST (http:// only for loopback tests)
  bool sign = true, encrypt = true, compress = false;
  std::string mdn = "sync";                // "sync" | "async" | "none"
  std::string async_mdn_url;               // our URL the partner POSTs async MDNs to
  bool signed_mdn = true;
  std::string mic_alg = "sha256";          // sha1 | sha256 | sha384 | sha512 (also MDN signature digest)
  std::string cipher = "aes256-cbc";       // aes128-cbc | aes192-cbc | aes256-cbc
  std::string key_transport = "rsa-oaep";  // rsa-oaep | rsa-pkcs1 (OpenSSL default, many products)
  // Content-Transfer-Encoding of the payload part: "binary", "base64", or "auto" = binary when
  // the payload's line ends are all CRLF, else base64 (OpenSSL's and libas2's MIME parsers
  // rewrite bare-LF lines inside a signed part, which breaks the signature; base64 keeps
  // every byte of the payload).
  std::string transfer_encoding = "auto";
  std::string notification_to = "edihub@localhost";  // Disposition-Notification-To value
};

// The certificates of `partner` valid at `now`; the newest valid one for encryption.
std::vector<Certificate> valid_certificates(const As2Partner& partner, std::chrono::system_clock::time_point now);
std::optional<Certificate> newest_valid_certificate(const As2Partner& partner, std::chrono::system_clock::time_point now);

// True when this OpenSSL can create CMS compressed-data (zlib). Debian 12's OpenSSL 3.0 cannot.
bool compression_supported();

// --- outbound ---------------------------------------------------------------------------
struct BuiltMessage {
  Headers headers;        // AS2-Version, AS2-From, AS2-To, Message-ID, Content-Type, ...
  std::string body;       // the HTTP body, exactly
  std::string message_id; // with angle brackets: <...@...>
  std::string mic;        // expected Received-Content-MIC, "base64, sha-256" ("" if none expected)
  std::string mdn_mode;   // "sync" | "async" | "none"
};

// Throws As2Error (no valid partner certificate, compression unsupported, bad option).
BuiltMessage build_message(const std::string& payload, const std::string& content_type, const std::string& filename,
                           const As2Identity& from, const As2Partner& to,
                           std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// A new Message-ID, "<random.time@host>".
std::string new_message_id(const std::string& host = "edihub.local");

// --- inbound ----------------------------------------------------------------------------
struct MdnRequest {
  bool requested = false;        // Disposition-Notification-To present
  bool async = false;            // Receipt-Delivery-Option present
  std::string async_url;
  bool signed_mdn = false;       // signed-receipt-protocol asks for pkcs7-signature
  std::string mic_alg;           // first supported signed-receipt-micalg ("sha256" ...), "" if none
};

struct ReceivedMessage {
  std::string message_id, as2_from, as2_to, subject;
  std::string payload, content_type, filename;  // filename only from Content-Disposition, unchecked
  bool was_encrypted = false, was_signed = false, was_compressed = false;
  std::string mic;            // "base64, sha-256": what the MDN's Received-Content-MIC carries
  MdnRequest mdn;
  std::string signer_subject; // which of the partner's certificates verified the signature
  // Empty when the message is usable. Otherwise an RFC 4130 modifier (decryption-failed,
  // authentication-failed, ...) and a human-readable reason.
  std::string error;
  std::string error_text;
  bool ok() const { return error.empty(); }
};

ReceivedMessage receive(const Headers& headers, const std::string& body, const As2Identity& us,
                        const As2Partner& partner,
                        std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// receive() for a body spooled to a file (the AS2 receiver's case): a message that cannot
// meet the agreement's encryption/signature requirement by its outermost Content-Type is
// refused (insufficient-message-security) without reading the file, a pkcs7-mime body whose
// first 4 KiB are not CMS (decryption-failed) after reading only those; otherwise as receive().
ReceivedMessage receive_file(const Headers& headers, const std::string& body_file, const As2Identity& us,
                             const As2Partner& partner,
                             std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The request part only (MDN options, ids), for answering a message we could not even read.
MdnRequest parse_mdn_request(const Headers& headers);

// True when the POST carries an MDN (multipart/report, or multipart/signed around one)
// rather than a business message: async MDNs arrive at the same URL.
bool looks_like_mdn(const Headers& headers, const std::string& body);

// --- MDN --------------------------------------------------------------------------------
struct BuiltMdn {
  Headers headers;  // AS2-From/To swapped, Message-ID, Content-Type, ...
  std::string body;
};

// disposition: "processed", "processed/warning: duplicate-document",
// "processed/error: authentication-failed", "failed/failure: ..."; `text` goes into the
// human-readable part. Signed with `us` when received.mdn.signed_mdn (digest: its mic_alg,
// else sha256). When `received` failed, its error is reported unless `disposition` is given.
BuiltMdn build_mdn(const ReceivedMessage& received, const std::string& disposition, const As2Identity& us,
                   const std::string& text = "");

enum class MdnStatus { ok, negative, mic_mismatch, bad_signature, wrong_message_id, malformed };
const char* to_string(MdnStatus s);

struct MdnResult {
  MdnStatus status = MdnStatus::malformed;
  std::string reason;
  std::string original_message_id, disposition, received_mic, final_recipient;
  bool was_signed = false;
  bool libas2_signature_quirk = false;  // verified only without the signed part's last CRLF
  bool ok() const { return status == MdnStatus::ok; }
};

// Verifies a partner's MDN: signature with the partner's valid certificates (required when
// partner.signed_mdn), Original-Message-ID == expected_message_id, disposition processed
// (a /warning is still ok), Received-Content-MIC == expected_mic (value exact, algorithm
// name compared case-insensitively without dashes; skipped when expected_mic is "").
MdnResult verify_mdn(const Headers& headers, const std::string& body, const As2Partner& partner,
                     const std::string& expected_message_id, const std::string& expected_mic,
                     std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Original-Message-ID of an MDN without verifying anything (to find the pending message).
std::string peek_mdn_original_message_id(const Headers& headers, const std::string& body);

// --- helpers shared by the AS2 files (MIME, not crypto) ----------------------------------
namespace detail {
std::string lower(std::string s);
std::string trim(const std::string& s);
// Header value parameter, e.g. param("multipart/signed; boundary=\"x\"", "boundary") == "x".
std::string param(const std::string& value, const std::string& name);
std::string media_type(const std::string& content_type);  // "Multipart/Signed; ..." -> "multipart/signed"
// Splits a MIME entity into headers and body (at the first empty line; CRLF or LF).
std::pair<Headers, std::string> split_entity(const std::string& entity);
// The parts of a multipart body, each exactly as on the wire (headers + body, without the
// line break that belongs to the following delimiter).
std::vector<std::string> multipart_parts(const std::string& body, const std::string& boundary);
std::string base64_encode(const std::string& bytes, bool lines);  // lines: 76 columns, CRLF
std::string base64_decode(const std::string& text);               // ignores whitespace; throws As2Error
std::string decode_transfer(const std::string& body, const std::string& cte);
std::string digest(const std::string& alg, const std::string& bytes);  // raw digest; alg "sha256"/"sha-256"
std::string normalize_mic_alg(const std::string& alg);                  // "SHA-256" -> "sha256"
std::string micalg_name(const std::string& alg);                         // "sha256" -> "sha-256"
std::string openssl_errors();                                            // drains OpenSSL's error queue
std::string read_whole(const std::string& path);                         // a file's bytes; throws As2Error
}  // namespace detail

}  // namespace edihub::transports::as2
