// The `as2` section: the partner's AS2 agreement, for receiving and sending (docs/as2.md).
#include "partners/sections.h"

namespace edihub::partners::detail {

As2Agreement read_as2_agreement(ProfileReader& r, const YAML::Node& node) {
  As2Agreement a;
  a.line = node.Mark().line + 1;
  if (!node.IsMap()) {
    r.problem(node, "'as2' must be a mapping (as2_id, certificates, url, ...)");
    return a;
  }
  r.reject_unknown_keys(node,
                        {"as2_id", "certificates", "require_signed", "require_encrypted", "async_mdn_urls", "url",
                         "ca_file", "sign", "encrypt", "cipher", "key_transport", "compress", "mic_alg", "mdn",
                         "signed_mdn", "content_type", "timeout_seconds", "mdn_due", "max_attempts"},
                        "'as2'");
  a.as2_id = r.scalar(node["as2_id"], "as2.as2_id");
  if (a.as2_id.size() > 128 || a.as2_id.find_first_of("\"\r\n") != std::string::npos)
    r.problem(node["as2_id"], "as2.as2_id must be at most 128 characters without quotes or line breaks");
  const auto certs = node["certificates"];
  if (!certs.IsSequence() || certs.size() == 0)
    r.problem(certs.IsDefined() ? certs : node, "as2.certificates must list the partner's certificate files (PEM)");
  else
    for (const auto& c : certs) a.certificates.push_back({r.config_path(c, "as2.certificates entry"), c.Mark().line + 1});
  for (auto [key, into] : {std::pair{"require_signed", &a.require_signed}, {"require_encrypted", &a.require_encrypted},
                           {"sign", &a.sign}, {"encrypt", &a.encrypt}, {"compress", &a.compress},
                           {"signed_mdn", &a.signed_mdn}})
    if (node[key]) *into = r.boolean(node[key], std::string("as2.") + key);
  if (const auto urls = node["async_mdn_urls"]) {
    if (!urls.IsSequence()) r.problem(urls, "as2.async_mdn_urls must list URL prefixes");
    else
      for (const auto& u : urls) a.async_mdn_urls.push_back(r.scalar(u, "as2.async_mdn_urls entry"));
  }
  if (node["url"]) {
    a.url = r.scalar(node["url"], "as2.url");
    if (!a.url.starts_with("http://") && !a.url.starts_with("https://"))
      r.problem(node["url"], "as2.url must start with https:// (or http:// for loopback tests)");
  }
  if (node["ca_file"]) a.ca_file = r.config_path(node["ca_file"], "as2.ca_file");
  auto choice = [&](const char* key, std::string& into, const std::set<std::string>& allowed) {
    r.one_of(node, key, std::string("as2.") + key, into, allowed);
  };
  choice("cipher", a.cipher, {"aes128-cbc", "aes192-cbc", "aes256-cbc"});
  choice("key_transport", a.key_transport, {"rsa-oaep", "rsa-pkcs1"});
  choice("mic_alg", a.mic_alg, {"sha1", "sha256", "sha384", "sha512"});
  choice("mdn", a.mdn, {"sync", "async", "none"});
  if (node["content_type"]) a.content_type = r.scalar(node["content_type"], "as2.content_type");
  if (node["timeout_seconds"])
    a.timeout = std::chrono::seconds(r.bounded_int(node["timeout_seconds"], 1, 3600, "as2.timeout_seconds"));
  if (node["max_attempts"]) a.max_attempts = r.bounded_int(node["max_attempts"], 1, 1000, "as2.max_attempts");
  if (node["mdn_due"])
    if (auto d = r.duration(node["mdn_due"], "as2.mdn_due", "90m, 4h or 2d")) a.mdn_due = *d;
  return a;
}

}  // namespace edihub::partners::detail
