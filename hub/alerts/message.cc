#include "hub/alerts/message.h"

#include <ctime>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "archive/sha256.h"
#include "hub/text_escape.h"

namespace edihub::hub::alerts {

namespace {

std::string text_of(const Event& event, const partners::AlertRule& rule) {
  std::string text = fmt::format("edihub alert: {}\n\nPartner: {}\nRule: {}\n", event.subject,
                                 event.partner.empty() ? "(unknown)" : event.partner, rule.name);
  for (const auto& [label, value] : event.facts) text += label + ": " + value + "\n";
  return text;
}

// A header value on one line: control characters become spaces; non-ASCII text is sent
// as an RFC 2047 encoded word (UTF-8, base64).
std::string header_value(const std::string& value) {
  std::string line;
  bool ascii = true;
  for (unsigned char c : value) {
    line += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
    ascii = ascii && c < 0x80;
  }
  if (ascii) return line;
  std::string b64(4 * ((line.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(line.data()), static_cast<int>(line.size()));
  b64.resize(static_cast<std::size_t>(n));
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace

std::string delivery_id(const std::string& rule, const std::string& channel, const std::string& event_key) {
  archive::Sha256 hash;
  const std::string text = rule + "\n" + channel + "\n" + event_key;
  hash.update(text.data(), text.size());
  return "edihub-" + hash.hex_digest().substr(0, 32);
}

std::string payload(const Event& event, const partners::AlertRule& rule, const std::string& id) {
  nlohmann::ordered_json json{{"id", id},
                              {"rule", rule.name},
                              {"on", std::string(partners::to_string(rule.on))},
                              {"event", event.key},
                              {"partner", event.partner},
                              {"at", event.at},
                              {"subject", event.subject},
                              {"text", text_of(event, rule)}};
  json[event.type == Event::Type::exception     ? "exception"
       : event.type == Event::Type::dead_letter ? "transaction_set"
                                                : "polls"] = event.detail;
  return dump_json(json);
}

std::string email_message(const EmailChannel& channel, const archive::NotificationRecord& notification,
                          std::chrono::system_clock::time_point date) {
  const auto json = nlohmann::json::parse(notification.payload);
  std::string to;
  for (const auto& address : channel.to) to += (to.empty() ? "" : ", ") + address;
  const std::string subject = fmt::format("[edihub] {}: {}", notification.partner.empty() ? "hub" : notification.partner,
                                          json.at("subject").get<std::string>());
  std::string message = "From: " + channel.from + "\r\n" + "To: " + to + "\r\n" + "Subject: " + header_value(subject) +
                         "\r\n" + "Date: " + rfc5322_date(date) + "\r\n" + "Message-ID: <" + notification.delivery_id +
                         "@edihub>\r\n" + "X-Edihub-Alert-Id: " + notification.delivery_id + "\r\n" +
                         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  // Lines end in CRLF on the wire; libcurl doubles a leading '.' (SMTP dot-stuffing).
  for (const char c : escape_controls_keep_lines(json.at("text").get<std::string>())) {
    if (c == '\n') message += "\r\n";
    else message += c;
  }
  return message;
}

}  // namespace edihub::hub::alerts
