// The two channels a notification goes out on (docs/alerts.md), one attempt each call:
// a webhook (JSON POST through transports::HttpSink, the payload as the body and its
// delivery id as Idempotency-Key) and e-mail (SMTP through libcurl). An attempt is
// `sent` once the peer accepted it (2xx; SMTP 250 after the data), `refused` when
// retrying cannot help (a 4xx other than 408/429, an SMTP 5xx, a bad URL, the attempts
// used up), `retry` otherwise (connection errors, timeouts, 5xx, 408, 429, SMTP 4xx).
#pragma once

#include <chrono>
#include <string>

#include "archive/index.h"
#include "hub/alerts/settings.h"

namespace edihub::hub::alerts {

struct Attempt {
  enum class Outcome { sent, retry, refused };
  Outcome outcome = Outcome::retry;
  std::string error;
  std::chrono::milliseconds retry_in{0};  // a peer's Retry-After, when it gave one
};

// `notification.attempts`: attempts made before this one; `max_attempts` counts this one.
Attempt post_webhook(const WebhookChannel& channel, const archive::NotificationRecord& notification, int max_attempts);
Attempt send_email(const EmailChannel& channel, const archive::NotificationRecord& notification, int max_attempts,
                   std::chrono::system_clock::time_point now);

}  // namespace edihub::hub::alerts
