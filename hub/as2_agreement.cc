#include "hub/as2_agreement.h"

#include <fmt/format.h>

namespace edihub::hub {

namespace as2 = transports::as2;

std::optional<as2::As2Partner> as2_partner_of(const partners::Profile& profile, const std::string& our_async_mdn_url,
                                              std::vector<std::string>& problems) {
  const auto& a = *profile.as2;
  const auto before = problems.size();
  auto problem = [&](int line, const std::string& message) {
    problems.push_back(fmt::format("{}:{}: {}", profile.file.string(), line, message));
  };
  as2::As2Partner p;
  p.as2_id = a.as2_id;
  for (const auto& c : a.certificates) {
    if (c.path.empty()) continue;  // already reported by the profile loader
    try {
      p.certificates.push_back(as2::load_certificate(c.path.string()));
    } catch (const as2::As2Error& e) {
      problem(c.line, fmt::format("as2 certificate {}: {}", c.path.string(), e.what()));
    }
  }
  p.url = a.url;
  // As2Partner has one sign/encrypt pair: for receive() they are requirements, for
  // build_message() what we do. Here the inbound requirements; Outbox::send_as2 puts the
  // agreement's sign/encrypt in a copy before sending.
  p.sign = a.require_signed;
  p.encrypt = a.require_encrypted;
  p.compress = a.compress;
  p.mdn = a.mdn;
  p.signed_mdn = a.signed_mdn;
  p.mic_alg = a.mic_alg;
  p.cipher = a.cipher;
  p.key_transport = a.key_transport;
  if (a.compress && !as2::compression_supported())
    problem(a.line, "as2.compress is true but this OpenSSL has no zlib (Debian 12's has none): remove it or use an OpenSSL with zlib");
  if (a.mdn == "async") {
    if (our_async_mdn_url.empty())
      problem(a.line, "as2.mdn is async but edihub.yaml has no as2.async_mdn_url for the partner to send it to");
    p.async_mdn_url = our_async_mdn_url;
  }
  if (problems.size() != before) return std::nullopt;
  return p;
}

archive::ExceptionRecord exception_record(const std::string& partner, std::int64_t file_id, std::string kind,
                                          std::string reason) {
  archive::ExceptionRecord e;
  e.partner = partner;
  e.file_id = file_id;
  e.kind = std::move(kind);
  e.reason = std::move(reason);
  return e;
}

std::string mime_bytes(const as2::Headers& headers, const std::string& body) {
  std::string out;
  for (const auto& [name, value] : headers.fields) out += name + ": " + value + "\r\n";
  return out + "\r\n" + body;
}

MdnVerdict mdn_verdict(const archive::As2MessageRecord& row, const as2::MdnResult& mdn) {
  MdnVerdict v;
  v.detail = mdn.disposition.empty() ? mdn.reason : mdn.disposition;
  if (mdn.libas2_signature_quirk) v.detail += " (signature verified without the signed part's last CRLF: libas2 quirk)";
  if (mdn.ok()) {
    v.state = archive::As2State::delivered;
    return v;
  }
  v.state = mdn.status == as2::MdnStatus::negative ? archive::As2State::negative_mdn : archive::As2State::mdn_mismatch;
  v.problem = exception_record(row.partner, row.file_id, "as2_mdn", fmt::format("AS2 message {} to {}: {} MDN ({}): {}{}", row.message_id, row.partner,
                         mdn.status == as2::MdnStatus::negative ? "negative" : "unusable", as2::to_string(mdn.status),
                         mdn.reason, mdn.disposition.empty() ? "" : "; disposition: " + mdn.disposition));
  return v;
}

as2::As2Partner as2_sending_partner(const partners::As2Agreement& agreement, as2::As2Partner inbound) {
  inbound.sign = agreement.sign;
  inbound.encrypt = agreement.encrypt;
  return inbound;
}

}  // namespace edihub::hub
