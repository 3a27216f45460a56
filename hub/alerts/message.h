// What a notification says (docs/alerts.md): the JSON payload stored with the row when it
// is queued (so every attempt sends the same content) and the e-mail written from it.
// `delivery_id` is derived from rule, channel and event key: the same on every attempt
// and after a crash, so a receiver can drop a repeat (the webhook's Idempotency-Key and
// body "id", the e-mail's Message-ID). Text from partners is untrusted: control
// characters are escaped in the body and a header can never be broken into two.
#pragma once

#include <chrono>
#include <string>

#include "archive/index.h"
#include "hub/alerts/events.h"
#include "hub/alerts/settings.h"

namespace edihub::hub::alerts {

std::string delivery_id(const std::string& rule, const std::string& channel, const std::string& event_key);

// The stored payload: {id, rule, on, event, partner, at, subject, text, <detail>}.
std::string payload(const Event& event, const partners::AlertRule& rule, const std::string& id);

// The whole message (RFC 5322, CRLF line ends) as SMTP sends it.
std::string email_message(const EmailChannel& channel, const archive::NotificationRecord& notification,
                          std::chrono::system_clock::time_point date);

}  // namespace edihub::hub::alerts
