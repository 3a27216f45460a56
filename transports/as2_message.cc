// AS2 message building and parsing (RFC 4130): certificates, build_message(), receive().
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>

#include "transports/as2.h"
#include "transports/as2_cms.h"

namespace edihub::transports::as2 {

using namespace detail;

std::string detail::read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw As2Error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

std::chrono::system_clock::time_point to_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(t, &tm)) throw As2Error("bad certificate time");
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string http_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// AS2 ids with spaces are quoted (RFC 4130 6.2); quotes are removed when reading.
std::string quote_id(const std::string& id) {
  return id.find_first_of(" \t\"") == std::string::npos ? id : "\"" + id + "\"";
}
std::string unquote(const std::string& v) {
  std::string t = trim(v);
  return t.size() >= 2 && t.front() == '"' && t.back() == '"' ? t.substr(1, t.size() - 2) : t;
}

// A CMS body as DER: base64 when the transfer encoding says so or when it does not look like DER.
std::string cms_der(const std::string& body, const std::string& cte) {
  std::string e = lower(trim(cte));
  if (e == "base64") return base64_decode(body);
  if (e.empty() && !body.empty() && static_cast<unsigned char>(body[0]) != 0x30) return base64_decode(body);
  return body;
}

bool supported_mic_alg(const std::string& a) {
  std::string n = normalize_mic_alg(a);
  return n == "sha1" || n == "sha256" || n == "sha384" || n == "sha512";
}

}  // namespace

Certificate certificate_from_pem(const std::string& pem_text) {
  BIO* b = BIO_new_mem_buf(pem_text.data(), static_cast<int>(pem_text.size()));
  X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (!x) throw As2Error("not a PEM certificate: " + openssl_errors());
  Certificate c;
  c.x509 = std::shared_ptr<X509>(x, X509_free);
  c.not_before = to_time(X509_get0_notBefore(x));
  c.not_after = to_time(X509_get0_notAfter(x));
  char* subj = X509_NAME_oneline(X509_get_subject_name(x), nullptr, 0);
  c.subject = subj ? subj : "";
  OPENSSL_free(subj);
  return c;
}

Certificate load_certificate(const std::string& pem_file) {
  try {
    return certificate_from_pem(read_whole(pem_file));
  } catch (const As2Error& e) {
    throw As2Error(pem_file + ": " + e.what());
  }
}

std::shared_ptr<EVP_PKEY> load_private_key(const std::string& pem_file, const std::string& passphrase) {
  std::string pem = read_whole(pem_file);
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  // Our callback instead of OpenSSL's terminal prompt: it hands over the passphrase, or
  // fails when there is none.
  bool asked = false;
  struct Ask {
    const std::string* passphrase;
    bool* asked;
  } ask{&passphrase, &asked};
  auto callback = [](char* buf, int size, int, void* u) -> int {
    auto* a = static_cast<Ask*>(u);
    *a->asked = true;
    if (a->passphrase->empty() || a->passphrase->size() > static_cast<size_t>(size)) return -1;
    a->passphrase->copy(buf, a->passphrase->size());
    return static_cast<int>(a->passphrase->size());
  };
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, callback, &ask);
  BIO_free(b);
  if (k) return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free);
  const std::string why = openssl_errors();
  if (asked && passphrase.empty())
    throw As2Error(pem_file + ": the private key is encrypted and no passphrase is configured (passphrase_env or passphrase_file)");
  if (asked) throw As2Error(pem_file + ": wrong passphrase for the encrypted private key");
  throw As2Error(pem_file + ": not a PEM private key: " + why);
}

As2Identity As2Identity::load(std::string as2_id, const std::string& cert_pem_file, const std::string& key_pem_file,
                              const std::string& key_passphrase) {
  As2Identity id;
  id.as2_id = std::move(as2_id);
  id.cert = load_certificate(cert_pem_file);
  id.key = load_private_key(key_pem_file, key_passphrase);
  EVP_PKEY* k = id.key.get();
  if (X509_check_private_key(id.cert.x509.get(), k) != 1)
    throw As2Error(key_pem_file + " does not belong to " + cert_pem_file);
  return id;
}

std::vector<Certificate> valid_certificates(const As2Partner& partner, std::chrono::system_clock::time_point now) {
  std::vector<Certificate> out;
  for (const auto& c : partner.certificates)
    if (c.valid_at(now)) out.push_back(c);
  return out;
}

std::optional<Certificate> newest_valid_certificate(const As2Partner& partner, std::chrono::system_clock::time_point now) {
  std::optional<Certificate> best;
  for (const auto& c : partner.certificates)
    if (c.valid_at(now) && (!best || c.not_before >= best->not_before)) best = c;
  return best;
}

bool compression_supported() {
  static const bool ok = [] {
    try {
      cms::compress("probe");
      return true;
    } catch (const As2Error&) {
      return false;
    }
  }();
  return ok;
}

std::string new_message_id(const std::string& host) {
  unsigned char r[12];
  if (RAND_bytes(r, sizeof r) != 1) throw As2Error("RAND_bytes failed");
  static const char* hex = "0123456789abcdef";
  std::string id = "<";
  for (unsigned char c : r) {
    id += hex[c >> 4];
    id += hex[c & 15];
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return id + "." + std::to_string(ms) + "@" + host + ">";
}

BuiltMessage build_message(const std::string& payload, const std::string& content_type, const std::string& filename,
                           const As2Identity& from, const As2Partner& to, std::chrono::system_clock::time_point now) {
  if (to.mdn != "sync" && to.mdn != "async" && to.mdn != "none") throw As2Error("mdn must be sync, async or none");
  if (to.mdn == "async" && to.async_mdn_url.empty()) throw As2Error("async MDN requested but no async_mdn_url");
  if (!supported_mic_alg(to.mic_alg)) throw As2Error("unsupported mic_alg: " + to.mic_alg);
  if (to.compress && !compression_supported())
    throw As2Error("compression requested but this OpenSSL has no zlib (CMS_compress unsupported)");
  std::optional<Certificate> recipient;
  if (to.encrypt) {
    recipient = newest_valid_certificate(to, now);
    if (!recipient) throw As2Error("partner " + to.as2_id + " has no currently valid certificate to encrypt to");
  }
  std::string safe_name = filename;
  std::erase_if(safe_name, [](char c) { return c == '"' || c == '\\' || c == '\r' || c == '\n'; });

  BuiltMessage m;
  m.message_id = new_message_id();
  m.mdn_mode = to.mdn;
  // 1. the payload entity
  std::string entity = "Content-Type: " + content_type + "\r\n";
  if (!safe_name.empty()) entity += "Content-Disposition: attachment; filename=\"" + safe_name + "\"\r\n";
  bool b64 = to.transfer_encoding == "base64";
  if (to.transfer_encoding == "auto") {
    for (size_t i = 0; i < payload.size() && !b64; ++i) {
      if (payload[i] == '\n' && (i == 0 || payload[i - 1] != '\r')) b64 = true;
      if (payload[i] == '\r' && (i + 1 == payload.size() || payload[i + 1] != '\n')) b64 = true;
    }
  } else if (to.transfer_encoding != "binary" && to.transfer_encoding != "base64") {
    throw As2Error("transfer_encoding must be auto, binary or base64");
  }
  entity += b64 ? "Content-Transfer-Encoding: base64\r\n\r\n" + base64_encode(payload, true)
                : "Content-Transfer-Encoding: binary\r\n\r\n" + payload;
  // 2. compressed-data (compress before signing, RFC 5402 section 3)
  if (to.compress) {
    entity = "Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=\"smime.p7z\"\r\n"
             "Content-Transfer-Encoding: base64\r\n"
             "Content-Disposition: attachment; filename=\"smime.p7z\"\r\n\r\n" +
             base64_encode(cms::compress(entity), true);
  }
  // 3. signature; the MIC covers the signed entity (RFC 4130 7.3.1)
  const std::string mic_alg = normalize_mic_alg(to.mic_alg);
  if (to.sign) {
    m.mic = base64_encode(digest(mic_alg, entity), false) + ", " + micalg_name(mic_alg);
    entity = cms::sign_detached(entity, from, mic_alg);
  } else if (to.encrypt) {
    m.mic = base64_encode(digest(mic_alg, entity), false) + ", " + micalg_name(mic_alg);
  } else {  // neither: over the content as transferred, without MIME headers
    m.mic = base64_encode(digest(mic_alg, split_entity(entity).second), false) + ", " + micalg_name(mic_alg);
  }
  if (to.mdn == "none") m.mic.clear();

  Headers& h = m.headers;
  h.add("AS2-Version", "1.2");
  h.add("AS2-From", quote_id(from.as2_id));
  h.add("AS2-To", quote_id(to.as2_id));
  h.add("Message-ID", m.message_id);
  h.add("Date", http_date(now));
  h.add("Subject", "EDI message " + (safe_name.empty() ? m.message_id : safe_name));
  h.add("MIME-Version", "1.0");
  // 4. encryption, or the outermost entity's headers become the HTTP headers
  if (to.encrypt) {
    m.body = base64_encode(cms::encrypt(entity, *recipient, to.cipher, to.key_transport), true);
    h.add("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"");
    h.add("Content-Transfer-Encoding", "base64");  // libas2 reads base64 + attachment only
    h.add("Content-Disposition", "attachment; filename=\"smime.p7m\"");
  } else {
    auto [eh, body] = split_entity(entity);
    for (const auto& [k, v] : eh.fields)
      if (lower(k) != "mime-version") h.add(k, v);
    m.body = body;
  }
  if (to.mdn != "none") {
    h.add("Disposition-Notification-To", to.notification_to);
    if (to.signed_mdn)
      h.add("Disposition-Notification-Options",
            "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, " + micalg_name(mic_alg));
    if (to.mdn == "async") h.add("Receipt-Delivery-Option", to.async_mdn_url);
  }
  return m;
}

MdnRequest parse_mdn_request(const Headers& headers) {
  MdnRequest r;
  r.requested = !trim(headers.get("Disposition-Notification-To")).empty();
  std::string rdo = trim(headers.get("Receipt-Delivery-Option"));
  if (!rdo.empty()) {
    r.async = true;
    r.async_url = rdo;
  }
  // "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1"
  std::stringstream opts(headers.get("Disposition-Notification-Options"));
  std::string item;
  while (std::getline(opts, item, ';')) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    std::string key = lower(trim(item.substr(0, eq)));
    std::vector<std::string> vals;
    std::stringstream vs(item.substr(eq + 1));
    std::string v;
    while (std::getline(vs, v, ',')) vals.push_back(lower(trim(v)));
    if (vals.empty()) continue;
    if (key == "signed-receipt-protocol")
      r.signed_mdn = std::find(vals.begin() + 1, vals.end(), "pkcs7-signature") != vals.end();
    if (key == "signed-receipt-micalg")
      for (size_t i = 1; i < vals.size() && r.mic_alg.empty(); ++i)
        if (supported_mic_alg(vals[i])) r.mic_alg = normalize_mic_alg(vals[i]);
  }
  return r;
}

bool looks_like_mdn(const Headers& headers, const std::string& body) {
  std::string type = media_type(headers.get("Content-Type"));
  if (type == "multipart/report") return true;
  if (type != "multipart/signed") return false;
  auto parts = multipart_parts(body, param(headers.get("Content-Type"), "boundary"));
  return !parts.empty() && media_type(split_entity(parts[0]).first.get("Content-Type")) == "multipart/report";
}

namespace {

ReceivedMessage& failed(ReceivedMessage& r, std::string error, std::string text) {
  r.error = std::move(error);
  r.error_text = std::move(text);
  r.payload.clear();
  return r;
}

// What the HTTP headers alone tell: ids, MDN request, and whether they address us.
ReceivedMessage addressed(const Headers& headers, const As2Identity& us, const As2Partner& partner) {
  ReceivedMessage r;
  r.message_id = trim(headers.get("Message-ID"));
  r.as2_from = unquote(headers.get("AS2-From"));
  r.as2_to = unquote(headers.get("AS2-To"));
  r.subject = headers.get("Subject");
  r.mdn = parse_mdn_request(headers);
  if (r.message_id.empty()) return failed(r, "unexpected-processing-error", "missing Message-ID header");
  if (r.as2_from != partner.as2_id)
    return failed(r, "authentication-failed", "AS2-From '" + r.as2_from + "' is not partner '" + partner.as2_id + "'");
  if (r.as2_to != us.as2_id) return failed(r, "unexpected-processing-error", "AS2-To '" + r.as2_to + "' is not us");
  return r;
}

// Whether a spooled pkcs7-mime body starts like CMS: DER (raw or base64, as cms_der() reads
// it) of a SEQUENCE naming a PKCS content type. Only its first 4 KiB are read, so garbage
// is refused without loading it.
bool starts_like_cms(const std::string& body_file, const std::string& cte) {
  std::ifstream in(body_file, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  std::string der = head;
  if (lower(trim(cte)) == "base64" || (!head.empty() && static_cast<unsigned char>(head[0]) != 0x30)) {
    std::string clean;
    for (char c : head)
      if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
    clean.resize(clean.size() / 4 * 4);
    try {
      der = base64_decode(clean);
    } catch (const As2Error&) {
      return false;
    }
  }
  static const std::string pkcs_oid_prefix("\x2a\x86\x48\x86\xf7\x0d\x01", 7);  // 1.2.840.113549.1
  return der.size() > 2 && der[0] == 0x30 && der.substr(0, 32).find(pkcs_oid_prefix) != std::string::npos;
}

}  // namespace

ReceivedMessage receive_file(const Headers& headers, const std::string& body_file, const As2Identity& us,
                             const As2Partner& partner, std::chrono::system_clock::time_point now) {
  ReceivedMessage r = addressed(headers, us, partner);
  if (!r.ok()) return r;
  // Encryption (or compression around it) is always the outermost layer, a signature the
  // outermost or the next: what the agreement requires can be refused before reading a byte.
  const std::string type = media_type(headers.get("Content-Type"));
  const bool cms = type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime";
  if (partner.encrypt && !cms)
    return failed(r, "insufficient-message-security", "partner agreement requires encryption; message was not encrypted");
  if (partner.sign && !cms && type != "multipart/signed")
    return failed(r, "insufficient-message-security", "partner agreement requires a signature; message was not signed");
  if (cms && !starts_like_cms(body_file, headers.get("Content-Transfer-Encoding")))
    return failed(r, lower(param(headers.get("Content-Type"), "smime-type")) == "compressed-data" ? "decompression-failed"
                                                                                                 : "decryption-failed",
                  "the body is not CMS (PKCS #7) data");
  return receive(headers, read_whole(body_file), us, partner, now);
}

ReceivedMessage receive(const Headers& headers, const std::string& body, const As2Identity& us,
                        const As2Partner& partner, std::chrono::system_clock::time_point now) {
  ReceivedMessage r = addressed(headers, us, partner);
  if (!r.ok()) return r;
  auto fail = [&](std::string error, std::string text) { return failed(r, std::move(error), std::move(text)); };

  Headers eh;  // the current entity's headers
  for (const char* n : {"Content-Type", "Content-Transfer-Encoding", "Content-Disposition"})
    if (headers.has(n)) eh.add(n, headers.get(n));
  std::string current = body;
  std::string mic_input, mic_alg;
  bool mic_done = false;
  const auto all = partner.certificates;
  const auto valid = valid_certificates(partner, now);
  for (int depth = 0;; ++depth) {
    if (depth > 6) return fail("unexpected-processing-error", "too deeply nested MIME");
    const std::string ct = eh.get("Content-Type");
    const std::string type = media_type(ct);
    if (type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime") {
      const std::string smime = lower(param(ct, "smime-type"));
      std::string der;
      try {
        der = cms_der(current, eh.get("Content-Transfer-Encoding"));
      } catch (const As2Error& e) {
        return fail(smime == "compressed-data" ? "decompression-failed" : "decryption-failed", e.what());
      }
      std::string inner;
      if (smime == "compressed-data") {
        try {
          inner = cms::uncompress(der);
        } catch (const As2Error& e) {
          return fail("decompression-failed", e.what());
        }
        r.was_compressed = true;
      } else {
        if (r.was_encrypted || r.was_signed) return fail("unexpected-processing-error", "encrypted data inside a signature");
        try {
          inner = cms::decrypt(der, us);
        } catch (const As2Error& e) {
          return fail("decryption-failed", e.what());
        }
        r.was_encrypted = true;
        if (!r.was_signed) mic_input = inner;  // encrypted, unsigned: MIC over the decrypted entity
      }
      std::tie(eh, current) = split_entity(inner);
      continue;
    }
    if (type == "multipart/signed") {
      auto parts = multipart_parts(current, param(ct, "boundary"));
      if (parts.size() < 2) return fail("integrity-check-failed", "multipart/signed without two parts");
      auto [sh, sbody] = split_entity(parts[1]);
      std::string sig;
      try {
        sig = decode_transfer(sbody, sh.get("Content-Transfer-Encoding"));
      } catch (const As2Error& e) {
        return fail("authentication-failed", std::string("signature part: ") + e.what());
      }
      auto v = cms::verify_detached(parts[0], sig, valid, all);
      if (!v.error.empty()) return fail(v.error, v.text);
      if (!r.was_signed) {
        mic_input = parts[0];  // signed: MIC over the signed entity, headers included
        mic_alg = !r.mdn.mic_alg.empty() ? r.mdn.mic_alg
                  : supported_mic_alg(param(ct, "micalg")) ? normalize_mic_alg(param(ct, "micalg"))
                  : !v.digest_alg.empty() ? v.digest_alg : "sha256";
        mic_done = true;
      }
      r.was_signed = true;
      r.signer_subject = v.signer;
      std::tie(eh, current) = split_entity(parts[0]);
      continue;
    }
    // the payload
    r.content_type = ct;
    r.filename = param(eh.get("Content-Disposition"), "filename");
    try {
      r.payload = decode_transfer(current, eh.get("Content-Transfer-Encoding"));
    } catch (const As2Error& e) {
      return fail("unexpected-processing-error", e.what());
    }
    if (!r.was_signed && !r.was_encrypted) mic_input = current;  // plain: content without headers
    break;
  }
  if (partner.encrypt && !r.was_encrypted)
    return fail("insufficient-message-security", "partner agreement requires encryption; message was not encrypted");
  if (partner.sign && !r.was_signed)
    return fail("insufficient-message-security", "partner agreement requires a signature; message was not signed");
  if (!mic_done) mic_alg = !r.mdn.mic_alg.empty() ? r.mdn.mic_alg : "sha256";
  r.mic = base64_encode(digest(mic_alg, mic_input), false) + ", " + micalg_name(mic_alg);
  return r;
}

}  // namespace edihub::transports::as2
