// AS2 MDNs (RFC 4130 section 7, RFC 3798 message/disposition-notification): build_mdn(),
// verify_mdn(), peek_mdn_original_message_id().
#include <openssl/rand.h>

#include <ctime>

#include "transports/as2.h"
#include "transports/as2_cms.h"

namespace edihub::transports::as2 {

using namespace detail;

namespace {

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw As2Error("RAND_bytes failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::string quote_id(const std::string& id) {
  return id.find_first_of(" \t\"") == std::string::npos ? id : "\"" + id + "\"";
}

// The parts of an MDN we look at, before any verification.
struct ParsedMdn {
  bool is_signed = false;
  std::string signed_part, signature_der;  // when signed
  Headers fields;                          // the message/disposition-notification fields
  std::string error;                       // non-empty: not an MDN we can read
};

ParsedMdn parse(const Headers& headers, const std::string& body) {
  ParsedMdn p;
  std::string ct = headers.get("Content-Type");
  std::string report_entity;
  if (media_type(ct) == "multipart/signed") {
    auto parts = multipart_parts(body, param(ct, "boundary"));
    if (parts.size() < 2) {
      p.error = "multipart/signed MDN without two parts";
      return p;
    }
    auto [sh, sbody] = split_entity(parts[1]);
    try {
      p.signature_der = decode_transfer(sbody, sh.get("Content-Transfer-Encoding"));
    } catch (const As2Error& e) {
      p.error = std::string("MDN signature part: ") + e.what();
      return p;
    }
    p.is_signed = true;
    p.signed_part = parts[0];
    report_entity = parts[0];
  } else {
    report_entity = "Content-Type: " + ct + "\r\n\r\n" + body;
  }
  auto [rh, rbody] = split_entity(report_entity);
  std::string rct = rh.get("Content-Type");
  if (media_type(rct) != "multipart/report") {
    p.error = "not a multipart/report MDN (Content-Type: " + rct + ")";
    return p;
  }
  for (const auto& part : multipart_parts(rbody, param(rct, "boundary"))) {
    auto [ph, pbody] = split_entity(part);
    if (media_type(ph.get("Content-Type")) != "message/disposition-notification") continue;
    std::string text;
    try {
      text = decode_transfer(pbody, ph.get("Content-Transfer-Encoding"));
    } catch (const As2Error& e) {
      p.error = e.what();
      return p;
    }
    p.fields = split_entity(text + "\r\n\r\n").first;
    return p;
  }
  p.error = "no message/disposition-notification part";
  return p;
}

// "<b64>, sha-256" -> {b64, sha256}
std::pair<std::string, std::string> split_mic(const std::string& mic) {
  size_t comma = mic.rfind(',');
  if (comma == std::string::npos) return {trim(mic), ""};
  return {trim(mic.substr(0, comma)), normalize_mic_alg(mic.substr(comma + 1))};
}

}  // namespace

const char* to_string(MdnStatus s) {
  switch (s) {
    case MdnStatus::ok: return "ok";
    case MdnStatus::negative: return "negative";
    case MdnStatus::mic_mismatch: return "mic-mismatch";
    case MdnStatus::bad_signature: return "bad-signature";
    case MdnStatus::wrong_message_id: return "wrong-message-id";
    case MdnStatus::malformed: return "malformed";
  }
  return "?";
}

BuiltMdn build_mdn(const ReceivedMessage& received, const std::string& disposition, const As2Identity& us,
                   const std::string& text) {
  std::string disp = disposition;
  if (disp.empty()) disp = received.ok() ? "processed" : "processed/error: " + received.error;
  const bool positive = lower(disp).rfind("processed", 0) == 0 && lower(disp).find("/error") == std::string::npos;
  std::string explanation = text;
  if (explanation.empty())
    explanation = positive ? "The AS2 message " + received.message_id + " was received and stored."
                           : "The AS2 message " + received.message_id + " was not processed: " +
                                 (received.error_text.empty() ? disp : received.error_text);
  std::erase_if(explanation, [](char c) { return c == '\r'; });
  std::string boundary = "----=_edihub_mdn_" + random_hex(12);
  std::string report;
  report += "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"" + boundary + "\"\r\n\r\n";
  report += "--" + boundary + "\r\n";
  report += "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";
  for (char c : explanation) report += c == '\n' ? std::string("\r\n") : std::string(1, c);
  report += "\r\n--" + boundary + "\r\n";
  report += "Content-Type: message/disposition-notification\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";
  report += "Reporting-UA: edihub AS2\r\n";
  report += "Original-Recipient: rfc822; " + quote_id(us.as2_id) + "\r\n";
  report += "Final-Recipient: rfc822; " + quote_id(us.as2_id) + "\r\n";
  report += "Original-Message-ID: " + received.message_id + "\r\n";
  report += "Disposition: automatic-action/MDN-sent-automatically; " + disp + "\r\n";
  if (positive && !received.mic.empty()) report += "Received-Content-MIC: " + received.mic + "\r\n";
  report += "\r\n--" + boundary + "--\r\n";

  BuiltMdn m;
  m.headers.add("AS2-Version", "1.2");
  m.headers.add("AS2-From", quote_id(us.as2_id));
  m.headers.add("AS2-To", quote_id(received.as2_from));
  m.headers.add("Message-ID", new_message_id());
  {
    std::time_t tt = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    m.headers.add("Date", buf);
  }
  m.headers.add("Subject", "Message Disposition Notification");
  m.headers.add("MIME-Version", "1.0");
  std::string entity = report;
  if (received.mdn.signed_mdn)
    entity = cms::sign_detached(report, us, received.mdn.mic_alg.empty() ? "sha256" : received.mdn.mic_alg);
  auto [eh, body] = split_entity(entity);
  for (const auto& [k, v] : eh.fields)
    if (lower(k) != "mime-version") m.headers.add(k, v);
  m.body = body;
  return m;
}

std::string peek_mdn_original_message_id(const Headers& headers, const std::string& body) {
  return trim(parse(headers, body).fields.get("Original-Message-ID"));
}

MdnResult verify_mdn(const Headers& headers, const std::string& body, const As2Partner& partner,
                     const std::string& expected_message_id, const std::string& expected_mic,
                     std::chrono::system_clock::time_point now) {
  MdnResult r;
  ParsedMdn p = parse(headers, body);
  if (!p.error.empty()) {
    r.status = MdnStatus::malformed;
    r.reason = p.error;
    return r;
  }
  r.original_message_id = trim(p.fields.get("Original-Message-ID"));
  r.disposition = trim(p.fields.get("Disposition"));
  r.received_mic = trim(p.fields.get("Received-Content-MIC"));
  r.final_recipient = trim(p.fields.get("Final-Recipient"));
  r.was_signed = p.is_signed;
  if (p.is_signed) {
    auto valid = valid_certificates(partner, now);
    auto v = cms::verify_detached(p.signed_part, p.signature_der, valid, partner.certificates);
    if (!v.error.empty() && v.error == "integrity-check-failed" && p.signed_part.size() >= 2 &&
        p.signed_part.compare(p.signed_part.size() - 2, 2, "\r\n") == 0) {
      // libas2 0.8.2 signs its report without the part's last CRLF: one retry, flagged.
      auto v2 = cms::verify_detached(p.signed_part.substr(0, p.signed_part.size() - 2), p.signature_der, valid,
                                     partner.certificates);
      if (v2.error.empty()) {
        v = v2;
        r.libas2_signature_quirk = true;
      }
    }
    if (!v.error.empty()) {
      r.status = MdnStatus::bad_signature;
      r.reason = v.error + ": " + v.text;
      return r;
    }
  } else if (partner.signed_mdn) {
    r.status = MdnStatus::bad_signature;
    r.reason = "a signed MDN was requested but the MDN is not signed";
    return r;
  }
  if (r.original_message_id != trim(expected_message_id)) {
    r.status = MdnStatus::wrong_message_id;
    r.reason = "Original-Message-ID " + r.original_message_id + " is not " + expected_message_id;
    return r;
  }
  // "automatic-action/MDN-sent-automatically; processed[/warning: x]" is positive;
  // "processed/error: x" and "failed/failure: x" (libas2 writes "failed/failure=x") are not.
  std::string d = lower(r.disposition);
  size_t semi = d.find(';');
  std::string type = trim(semi == std::string::npos ? d : d.substr(semi + 1));
  if (type.rfind("processed", 0) != 0 || type.find("/error") != std::string::npos ||
      type.find("/failure") != std::string::npos) {
    r.status = MdnStatus::negative;
    r.reason = "partner reported: " + r.disposition;
    return r;
  }
  if (!expected_mic.empty()) {
    auto [want, want_alg] = split_mic(expected_mic);
    auto [got, got_alg] = split_mic(r.received_mic);
    if (got != want || got_alg != want_alg) {
      r.status = MdnStatus::mic_mismatch;
      r.reason = "Received-Content-MIC '" + r.received_mic + "' is not '" + expected_mic + "'";
      return r;
    }
  }
  r.status = MdnStatus::ok;
  return r;
}

}  // namespace edihub::transports::as2
