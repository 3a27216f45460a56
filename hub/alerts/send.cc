#include "hub/alerts/send.h"

#include <cstring>
#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>

#include "hub/alerts/message.h"
#include "transports/erp_http.h"
#include "transports/redact.h"

namespace edihub::hub::alerts {

namespace {

using Outcome = Attempt::Outcome;

// libcurl reads the message to upload from here.
struct Upload {
  const std::string* text;
  std::size_t at = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->text->size() - up->at);
  std::memcpy(buffer, up->text->data() + up->at, n);
  up->at += n;
  return n;
}

bool final_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    default:
      return false;
  }
}

}  // namespace

Attempt post_webhook(const WebhookChannel& channel, const archive::NotificationRecord& notification, int max_attempts) {
  transports::HttpSinkSettings settings;
  settings.url = channel.url;
  if (!channel.token.empty()) settings.headers["Authorization"] = "Bearer " + channel.token;
  settings.max_attempts = max_attempts;
  settings.timeout = std::chrono::seconds(20);
  transports::HttpSink sink(settings);
  const auto result = sink.attempt_once(notification.delivery_id, notification.payload, notification.attempts);
  using State = transports::HttpDeliveryState;
  Attempt a;
  a.error = result.error;
  a.outcome = result.state == State::delivered     ? Outcome::sent
              : result.state == State::retry_later ? Outcome::retry
                                                   : Outcome::refused;
  if (result.state == State::rejected) a.error = fmt::format("webhook refused it: HTTP {}", result.http_status);
  a.retry_in = result.retry_in;
  return a;
}

Attempt send_email(const EmailChannel& channel, const archive::NotificationRecord& notification, int max_attempts,
                   std::chrono::system_clock::time_point now) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  Attempt a;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(initialised ? curl_easy_init() : nullptr, curl_easy_cleanup);
  if (!curl) {
    a.error = "cannot create a libcurl handle";
    return a;
  }
  const std::string message = email_message(channel, notification, now);
  Upload upload{&message};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(nullptr, curl_slist_free_all);
  for (const auto& to : channel.to) {
    curl_slist* list = curl_slist_append(recipients.get(), ("<" + to + ">").c_str());
    if (!list) throw std::bad_alloc();
    recipients.release();
    recipients.reset(list);
  }
  const std::string from = "<" + channel.from + ">";
  char error[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, channel.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
  if (channel.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!channel.username.empty()) curl_easy_setopt(c, CURLOPT_USERNAME, channel.username.c_str());
  if (!channel.password.empty()) curl_easy_setopt(c, CURLOPT_PASSWORD, channel.password.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) {
    a.outcome = Outcome::sent;
    return a;
  }
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  a.error = transports::redact_secrets(fmt::format("SMTP {}: {}{}{}", transports::redact_url(channel.smtp_url),
                                                   curl_easy_strerror(code), error[0] ? ": " : "", error));
  if (reply) a.error += fmt::format(" (server replied {})", reply);
  const bool final = final_curl_error(code) || (reply >= 500 && reply <= 599);
  a.outcome = final || notification.attempts + 1 >= max_attempts ? Outcome::refused : Outcome::retry;
  return a;
}

}  // namespace edihub::hub::alerts
