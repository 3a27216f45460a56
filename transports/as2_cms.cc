// OpenSSL CMS calls for AS2 (see as2_cms.h). Recipe: docs/as2.md, "OpenSSL calls".
#include "transports/as2_cms.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace edihub::transports::as2::cms {
namespace {

using detail::openssl_errors;

struct BioFree { void operator()(BIO* b) const { BIO_free_all(b); } };
struct CmsFree { void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); } };
using Bio = std::unique_ptr<BIO, BioFree>;
using Cms = std::unique_ptr<CMS_ContentInfo, CmsFree>;

Bio mem_in(const std::string& s) { return Bio(BIO_new_mem_buf(s.data(), static_cast<int>(s.size()))); }
Bio mem_out() { return Bio(BIO_new(BIO_s_mem())); }
std::string contents(BIO* b) {
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  return n > 0 ? std::string(p, static_cast<size_t>(n)) : std::string();
}
[[noreturn]] void fail(const std::string& what) { throw As2Error(what + ": " + openssl_errors()); }

const EVP_MD* md_for(const std::string& alg) {
  const std::string a = detail::normalize_mic_alg(alg);
  if (a == "sha1") return EVP_sha1();
  if (a == "sha256") return EVP_sha256();
  if (a == "sha384") return EVP_sha384();
  if (a == "sha512") return EVP_sha512();
  throw As2Error("unsupported digest algorithm: " + alg);
}

Cms parse_der(const std::string& der) {
  auto in = mem_in(der);
  Cms c(d2i_CMS_bio(in.get(), nullptr));
  if (!c) fail("not a CMS structure");
  return c;
}

std::string to_der(CMS_ContentInfo* c) {
  auto out = mem_out();
  if (!i2d_CMS_bio(out.get(), c)) fail("CMS encoding failed");
  return contents(out.get());
}

}  // namespace

std::string sign_detached(const std::string& entity, const As2Identity& signer, const std::string& mic_alg) {
  const int flags = CMS_DETACHED | CMS_BINARY | CMS_STREAM;
  Cms c(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags | CMS_PARTIAL));
  if (!c) fail("CMS_sign");
  if (!CMS_add1_signer(c.get(), signer.cert.x509.get(), signer.key.get(), md_for(mic_alg), flags))
    fail("CMS_add1_signer");
  auto in = mem_in(entity);
  auto out = mem_out();
  // STREAM: SMIME_write_CMS reads the data, finalises the signature and copies the data
  // unchanged (BINARY) as the first part; CRLFEOL: headers and delimiters end in CRLF.
  if (!SMIME_write_CMS(out.get(), c.get(), in.get(), flags | CMS_CRLFEOL)) fail("SMIME_write_CMS");
  return contents(out.get());
}

std::string encrypt(const std::string& entity, const Certificate& recipient, const std::string& cipher,
                    const std::string& key_transport) {
  const std::string ci = detail::lower(cipher);
  const EVP_CIPHER* ev = ci == "aes128-cbc" ? EVP_aes_128_cbc() : ci == "aes192-cbc" ? EVP_aes_192_cbc()
                       : ci == "aes256-cbc" ? EVP_aes_256_cbc() : nullptr;
  if (!ev) throw As2Error("unsupported cipher (AES-CBC only): " + cipher);
  const std::string kt = detail::lower(key_transport);
  if (kt != "rsa-oaep" && kt != "rsa-pkcs1") throw As2Error("unsupported key transport: " + key_transport);
  Cms c(CMS_encrypt(nullptr, nullptr, ev, CMS_BINARY | CMS_PARTIAL));
  if (!c) fail("CMS_encrypt");
  // KEY_PARAM leaves the recipient's key context open so the padding can be chosen.
  CMS_RecipientInfo* ri = CMS_add1_recipient_cert(c.get(), recipient.x509.get(), CMS_KEY_PARAM);
  if (!ri) fail("CMS_add1_recipient_cert");
  if (kt == "rsa-oaep") {
    EVP_PKEY_CTX* pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
    if (!pctx || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0) fail("RSA-OAEP padding");
  }
  auto in = mem_in(entity);
  if (!CMS_final(c.get(), in.get(), nullptr, CMS_BINARY)) fail("CMS_final (encrypt)");
  return to_der(c.get());
}

std::string decrypt(const std::string& der, const As2Identity& us) {
  Cms c = parse_der(der);
  if (OBJ_obj2nid(CMS_get0_type(c.get())) != NID_pkcs7_enveloped) throw As2Error("not enveloped-data");
  auto out = mem_out();
  // With our certificate given, OpenSSL picks our RecipientInfo; OAEP and PKCS#1 v1.5 both work.
  if (!CMS_decrypt(c.get(), us.key.get(), us.cert.x509.get(), nullptr, out.get(), CMS_BINARY)) fail("CMS_decrypt");
  return contents(out.get());
}

std::string compress(const std::string& entity) {
  auto in = mem_in(entity);
  Cms c(CMS_compress(in.get(), NID_zlib_compression, CMS_BINARY));
  if (!c) fail("CMS_compress");
  return to_der(c.get());
}

std::string uncompress(const std::string& der) {
  Cms c = parse_der(der);
  auto out = mem_out();
  if (!CMS_uncompress(c.get(), nullptr, out.get(), CMS_BINARY)) fail("CMS_uncompress");
  return contents(out.get());
}

VerifyOutcome verify_detached(const std::string& signed_content, const std::string& signature_der,
                              const std::vector<Certificate>& valid, const std::vector<Certificate>& all) {
  VerifyOutcome v;
  Cms c;
  {
    auto in = mem_in(signature_der);
    c.reset(d2i_CMS_bio(in.get(), nullptr));
  }
  if (!c || OBJ_obj2nid(CMS_get0_type(c.get())) != NID_pkcs7_signed) {
    v.error = "authentication-failed";
    v.text = "the signature part is not CMS signed-data: " + openssl_errors();
    return v;
  }
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(c.get());
  const Certificate* match = nullptr;
  for (int i = 0; i < sk_CMS_SignerInfo_num(sis) && !match; ++i) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, i);
    for (const auto& cert : valid)
      if (CMS_SignerInfo_cert_cmp(si, cert.x509.get()) == 0) { match = &cert; break; }
    if (match) {
      X509_ALGOR* dig = nullptr;
      CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, nullptr);
      const ASN1_OBJECT* obj = nullptr;
      if (dig) X509_ALGOR_get0(&obj, nullptr, nullptr, dig);
      int nid = obj ? OBJ_obj2nid(obj) : NID_undef;
      v.digest_alg = nid == NID_sha1 ? "sha1" : nid == NID_sha256 ? "sha256" : nid == NID_sha384 ? "sha384"
                   : nid == NID_sha512 ? "sha512" : "";
    }
  }
  if (!match) {
    v.error = "authentication-failed";
    v.text = "the signer is not one of the partner's currently valid certificates";
    for (int i = 0; i < sk_CMS_SignerInfo_num(sis); ++i)
      for (const auto& cert : all)
        if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, i), cert.x509.get()) == 0)
          v.text = "the signer's certificate (" + cert.subject + ") is outside its validity period";
    return v;
  }
  STACK_OF(X509)* certs = sk_X509_new_null();
  sk_X509_push(certs, match->x509.get());
  auto content = mem_in(signed_content);
  // The certificate is pinned (the partner profile), so no chain building: NOINTERN means only
  // our copy can be the signer, NO_SIGNER_CERT_VERIFY skips CA path validation; the validity
  // window was checked above.
  int ok = CMS_verify(c.get(), certs, nullptr, content.get(), nullptr,
                      CMS_BINARY | CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY);
  sk_X509_free(certs);
  if (!ok) {
    v.error = "integrity-check-failed";
    v.text = "signature does not match the content: " + openssl_errors();
    return v;
  }
  v.signer = match->subject;
  return v;
}

}  // namespace edihub::transports::as2::cms
