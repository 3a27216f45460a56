// ERP HTTP sink: POSTs one mapped ERP transaction (JSON) to the ERP's inbound endpoint with
// the header `Idempotency-Key: <key>`, so a retried request (at-least-once on the wire) has
// exactly one effect in the ERP. TLS peers are always verified (system CAs, or `ca_file`);
// only an explicit `verify_tls = false` in the profile turns verification off.
//
// What is retried: timeouts, connection errors, HTTP 5xx, 408 and 429 (a Retry-After in
// seconds or as an HTTP date is honoured, capped at max_delay). Other 4xx answers mean the
// ERP refused the document: `rejected`, never retried. Errors no retry can fix (TLS
// verification, an unreadable CA file, a malformed URL, a 3xx redirect) park the
// transaction at once as `dead_letter`, as does the last failed attempt of max_attempts.
// Without Retry-After the wait before attempt n+1 is drawn uniformly from
// [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter"), so many hubs retrying a
// recovering ERP do not arrive in lockstep.
//
// Two ways to drive it:
//  * deliver(): blocking, makes every attempt in-process, sleeping through the injected
//    sleep function between them (a service thread, tests).
//  * attempt_once(): one attempt, returning whether to retry and when; the caller keeps
//    the attempt count and the due time between runs (`edihub run --once` never sleeps
//    for minutes: it records retry_later + next attempt time and moves on).
// One HttpSink keeps one connection to the ERP alive between calls; use it from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace edihub::transports {

struct HttpSinkSettings {
  std::string url;                                // http:// or https:// only
  std::map<std::string, std::string> headers;     // e.g. Authorization, resolved from the environment by the caller
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};       // whole request, connect included
  int max_attempts = 8;
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{60000};     // also caps a Retry-After
  bool verify_tls = true;
  std::filesystem::path ca_file;                  // PEM bundle trusted instead of the system CAs
};

enum class HttpDeliveryState {
  delivered,    // 2xx: the ERP has the transaction
  rejected,     // 4xx other than 408/429: the ERP refused the document; retrying cannot help
  retry_later,  // transient failure; attempt again after `retry_in`
  dead_letter,  // attempts exhausted or an error no retry can fix: needs an operator
};
std::string_view to_string(HttpDeliveryState state);

struct HttpDeliveryResult {
  HttpDeliveryState state = HttpDeliveryState::retry_later;
  int attempts = 0;                      // attempts made so far for this transaction
  long http_status = 0;                  // of the last attempt; 0 when no response arrived
  std::string response_excerpt;          // start of the last response body (at most kResponseExcerpt bytes)
  std::string error;                     // what went wrong in the last attempt; empty when delivered
  std::chrono::milliseconds retry_in{0}; // when retry_later: wait at least this long before the next attempt
};

class HttpSink {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  static constexpr std::size_t kResponseExcerpt = 2048;

  // Throws std::invalid_argument for a settings error (empty URL, max_attempts < 1, a
  // header name or value with CR/LF).
  explicit HttpSink(HttpSinkSettings settings);
  ~HttpSink();
  HttpSink(const HttpSink&) = delete;
  HttpSink& operator=(const HttpSink&) = delete;

  // Makes attempts until the transaction is delivered, rejected or dead-lettered,
  // calling `sleep` with each wait between attempts.
  HttpDeliveryResult deliver(const std::string& idempotency_key, const std::string& json, const Sleep& sleep);

  // Makes attempt number `attempts_made + 1` (the caller's count from earlier runs). A
  // retryable failure is `retry_later` with `retry_in` set, or `dead_letter` when it was
  // attempt max_attempts.
  HttpDeliveryResult attempt_once(const std::string& idempotency_key, const std::string& json, int attempts_made);

  // The full-jitter wait after `failed_attempts` failures (>= 1).
  std::chrono::milliseconds backoff(int failed_attempts);

  const HttpSinkSettings& settings() const { return settings_; }

 private:
  struct Curl;
  HttpSinkSettings settings_;
  std::unique_ptr<Curl> curl_;
  std::mt19937_64 random_;
};

}  // namespace edihub::transports
