#include "transports/erp_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "transports/redact.h"

namespace edihub::transports {

namespace {

using std::chrono::milliseconds;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl initialisation failed");
  });
}

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

// Errors that end in the same failure however often they are retried: the profile or the
// ERP's certificate must change first.
bool is_permanent(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CRL_BADFILE:
      return true;
    default:
      return false;
  }
}

bool is_retryable_status(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::size_t collect_excerpt(char* data, std::size_t size, std::size_t count, void* user) {
  auto* excerpt = static_cast<std::string*>(user);
  std::size_t n = size * count;
  std::size_t room = HttpSink::kResponseExcerpt - std::min(excerpt->size(), HttpSink::kResponseExcerpt);
  excerpt->append(data, std::min(n, room));
  return n;  // keep reading past the excerpt so the connection stays reusable
}

}  // namespace

std::string_view to_string(HttpDeliveryState state) {
  switch (state) {
    case HttpDeliveryState::delivered: return "delivered";
    case HttpDeliveryState::rejected: return "rejected";
    case HttpDeliveryState::retry_later: return "retry_later";
    case HttpDeliveryState::dead_letter: return "dead_letter";
  }
  return "unknown";
}

struct HttpSink::Curl {
  CURL* easy = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  std::string excerpt;
  ~Curl() {
    if (easy) curl_easy_cleanup(easy);
  }
};

HttpSink::HttpSink(HttpSinkSettings settings)
    : settings_(std::move(settings)), curl_(std::make_unique<Curl>()), random_(std::random_device{}()) {
  if (settings_.url.empty()) throw std::invalid_argument("ERP HTTP sink: no url");
  if (settings_.max_attempts < 1) throw std::invalid_argument("ERP HTTP sink: max_attempts must be at least 1");
  for (const auto& [name, value] : settings_.headers)
    if (name.empty() || has_line_break(name) || has_line_break(value) || name.find(':') != std::string::npos)
      throw std::invalid_argument("ERP HTTP sink: invalid header '" + name + "'");
  init_curl_once();
  curl_->easy = curl_easy_init();
  if (!curl_->easy) throw std::runtime_error("ERP HTTP sink: cannot create a libcurl handle");
  CURL* c = curl_->easy;
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in a service thread
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirected POST would be re-sent as a GET
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, settings_.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, settings_.verify_tls ? 2L : 0L);
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "edihub");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_->error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_excerpt);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &curl_->excerpt);
}

HttpSink::~HttpSink() = default;

milliseconds HttpSink::backoff(int failed_attempts) {
  // Doubling with a cap instead of a shift: no overflow for large attempt counts.
  long long ceiling = std::max<long long>(settings_.base_delay.count(), 0);
  for (int i = 1; i < failed_attempts && ceiling < settings_.max_delay.count(); ++i) ceiling *= 2;
  ceiling = std::min<long long>(ceiling, settings_.max_delay.count());
  std::uniform_int_distribution<long long> draw(0, std::max<long long>(ceiling, 0));
  return milliseconds(draw(random_));
}

HttpDeliveryResult HttpSink::attempt_once(const std::string& idempotency_key, const std::string& json,
                                          int attempts_made) {
  if (idempotency_key.empty() || has_line_break(idempotency_key))
    throw std::invalid_argument("ERP HTTP sink: invalid idempotency key '" + idempotency_key + "'");
  CURL* c = curl_->easy;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  auto add = [&](const std::string& line) {
    curl_slist* head = curl_slist_append(headers.get(), line.c_str());
    if (!head) throw std::bad_alloc();  // the list so far is still owned and freed
    headers.release();
    headers.reset(head);
  };
  add("Content-Type: application/json");
  add("Accept: application/json");
  add("Idempotency-Key: " + idempotency_key);
  add("Expect:");  // no 100-continue round trip before the body
  for (const auto& [name, value] : settings_.headers) add(name + ": " + value);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
  curl_->excerpt.clear();
  curl_->error[0] = '\0';
  CURLcode code = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);  // the list dies with this call

  HttpDeliveryResult result;
  result.attempts = attempts_made + 1;
  result.response_excerpt = curl_->excerpt;
  std::optional<milliseconds> retry_after;
  if (code != CURLE_OK) {
    result.error = redact_secrets(std::string(curl_easy_strerror(code)) + (curl_->error[0] ? std::string(": ") + curl_->error : ""));
    if (is_permanent(code)) {
      result.state = HttpDeliveryState::dead_letter;
      return result;
    }
  } else {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.http_status);
    if (result.http_status >= 200 && result.http_status <= 299) {
      result.state = HttpDeliveryState::delivered;
      return result;
    }
    result.error = "ERP answered HTTP " + std::to_string(result.http_status);
    if (is_retryable_status(result.http_status)) {
      curl_header* h = nullptr;
      if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h->value) {
        std::string value = h->value;
        if (!value.empty() && std::all_of(value.begin(), value.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
          retry_after = std::chrono::seconds(std::stoll(value.substr(0, 12)));
        } else if (time_t at = curl_getdate(value.c_str(), nullptr); at != -1) {
          retry_after = std::chrono::seconds(std::max<time_t>(at - std::time(nullptr), 0));
        }
      }
    } else if (result.http_status >= 400 && result.http_status <= 499) {
      result.state = HttpDeliveryState::rejected;
      return result;
    } else {
      result.error += " (redirects and other non-2xx answers are not followed; check the ERP url)";
      result.state = HttpDeliveryState::dead_letter;
      return result;
    }
  }
  if (result.attempts >= settings_.max_attempts) {
    result.state = HttpDeliveryState::dead_letter;
    return result;
  }
  result.state = HttpDeliveryState::retry_later;
  result.retry_in = retry_after ? std::min(*retry_after, settings_.max_delay) : backoff(result.attempts);
  return result;
}

HttpDeliveryResult HttpSink::deliver(const std::string& idempotency_key, const std::string& json, const Sleep& sleep) {
  HttpDeliveryResult result = attempt_once(idempotency_key, json, 0);
  while (result.state == HttpDeliveryState::retry_later) {
    sleep(result.retry_in);
    result = attempt_once(idempotency_key, json, result.attempts);
  }
  return result;
}

}  // namespace edihub::transports
