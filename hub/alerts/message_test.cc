#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/alerts/message.h"
#include "hub/clock.h"

using namespace edihub;
using namespace edihub::hub::alerts;
using Catch::Contains;

namespace {

Event event_with(const std::string& subject, const std::string& reason) {
  Event e;
  e.key = "exception:7";
  e.kind = "mapping_error";
  e.partner = "acme";
  e.at = "2026-12-07T08:00:00.000Z";
  e.subject = subject;
  e.facts = {{"Reason", reason}};
  e.detail = {{"id", 7}};
  return e;
}

archive::NotificationRecord queued(const Event& event, const partners::AlertRule& rule, const std::string& channel) {
  archive::NotificationRecord n;
  n.rule = rule.name;
  n.channel = channel;
  n.event_key = event.key;
  n.delivery_id = delivery_id(rule.name, channel, event.key);
  n.partner = event.partner;
  n.payload = payload(event, rule, n.delivery_id);
  return n;
}

}  // namespace

TEST_CASE("a delivery id is the same for the same rule, channel and event, and differs otherwise", "[alerts]") {
  const auto id = delivery_id("late-acks", "mail", "exception:7");
  CHECK(id.size() == std::string("edihub-").size() + 32);
  CHECK(id.starts_with("edihub-"));
  CHECK(id == delivery_id("late-acks", "mail", "exception:7"));
  CHECK(id != delivery_id("late-acks", "hook", "exception:7"));
  CHECK(id != delivery_id("late-acks", "mail", "exception:8"));
  CHECK(id != delivery_id("late-ack", "smail", "exception:7"));  // the parts are separated, not glued
}

TEST_CASE("the payload carries the id, the rule, the event and its detail", "[alerts]") {
  partners::AlertRule rule;
  rule.name = "acme/maps";
  const auto json = nlohmann::json::parse(payload(event_with("mapping_error exception #7 opened", "PO1 missing"), rule, "edihub-x"));
  CHECK(json["id"] == "edihub-x");
  CHECK(json["rule"] == "acme/maps");
  CHECK(json["on"] == "exception");
  CHECK(json["event"] == "exception:7");
  CHECK(json["exception"]["id"] == 7);
  CHECK(json["text"] == "edihub alert: mapping_error exception #7 opened\n\nPartner: acme\nRule: acme/maps\nReason: PO1 missing\n");
}

TEST_CASE("an alert e-mail: headers on one line each, non-ASCII subjects encoded, CRLF line ends, controls escaped",
          "[alerts]") {
  partners::AlertRule rule;
  rule.name = "maps";
  EmailChannel channel;
  channel.from = "edihub@hub.example";
  channel.to = {"a@buyer.example", "b@buyer.example"};
  const auto date = hub::parse_iso_utc("2026-12-07T08:00:00Z");

  // A subject carrying partner text with a line break cannot add a header.
  const auto forged = queued(event_with("file x\r\nBcc: victim@example.com", "bad\x1b[31m"), rule, "mail");
  const auto mail = email_message(channel, forged, date);
  CHECK_THAT(mail, Contains("From: edihub@hub.example\r\nTo: a@buyer.example, b@buyer.example\r\n"));
  CHECK_THAT(mail, Contains("Subject: [edihub] acme: file x  Bcc: victim@example.com\r\n"));
  CHECK_THAT(mail, Contains("\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\n"));
  CHECK_THAT(mail, Contains("\r\nMessage-ID: <" + forged.delivery_id + "@edihub>\r\n"));
  CHECK_THAT(mail, Contains("\r\n\r\nedihub alert: "));
  CHECK_THAT(mail, Contains("Reason: bad\\x1b[31m\r\n"));
  CHECK(mail.find("\n\n") == std::string::npos);  // every line ends in CRLF

  const auto german = queued(event_with("Lieferschein für 4711", "x"), rule, "mail");
  CHECK_THAT(email_message(channel, german, date),
             Contains("Subject: =?UTF-8?B?W2VkaWh1Yl0gYWNtZTogTGllZmVyc2NoZWluIGbDvHIgNDcxMQ==?=\r\n"));
}
