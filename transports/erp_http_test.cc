#include "transports/erp_http.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "tests/fixtures/http_erp.h"
#include "tests/test_support.h"

using namespace std::chrono_literals;
using namespace edihub::testing;
using edihub::transports::HttpDeliveryState;
using edihub::transports::HttpSink;
using edihub::transports::HttpSinkSettings;
using std::chrono::milliseconds;

namespace {

const std::string kKey = "ACME/000000905/905/0001";
const std::string kJson = R"({"idempotency_key":"ACME/000000905/905/0001","target":"inbound_delivery","transaction":{}})";

HttpSinkSettings settings_for(const std::string& url) {
  HttpSinkSettings s;
  s.url = url;
  s.headers = {{"Authorization", "Bearer test-token"}};
  s.connect_timeout = 2s;
  s.timeout = 5s;
  s.max_attempts = 5;
  s.base_delay = 100ms;
  s.max_delay = 1000ms;
  return s;
}

// The injected sleep: records the waits instead of sleeping.
struct RecordedSleeps {
  std::vector<milliseconds> waits;
  HttpSink::Sleep fn() {
    return [this](milliseconds d) { waits.push_back(d); };
  }
};

milliseconds ceiling(const HttpSinkSettings& s, int failed_attempts) {
  milliseconds c = s.base_delay;
  for (int i = 1; i < failed_attempts; ++i) c = std::min(c * 2, s.max_delay);
  return std::min(c, s.max_delay);
}

}  // namespace

TEST_CASE("an ERP transaction is POSTed as JSON with its idempotency key and the profile's headers", "[erp][http]") {
  HttpErp erp;
  HttpSink sink(settings_for(erp.url()));
  RecordedSleeps sleeps;
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(result.state == HttpDeliveryState::delivered);
  CHECK(result.attempts == 1);
  CHECK(result.http_status == 200);
  CHECK(result.response_excerpt == R"({"accepted":true})");
  CHECK(result.error.empty());
  CHECK(sleeps.waits.empty());
  auto requests = erp.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/erp/inbound");
  CHECK(requests[0].header("Content-Type") == "application/json");
  CHECK(requests[0].header("Idempotency-Key") == kKey);
  CHECK(requests[0].header("Authorization") == "Bearer test-token");
  CHECK(requests[0].body == kJson);
}

TEST_CASE("5xx answers are retried with the same idempotency key until the ERP takes the transaction", "[erp][http]") {
  HttpErp erp;
  erp.reply(HttpErp::status(500), 2);
  auto settings = settings_for(erp.url());
  HttpSink sink(settings);
  RecordedSleeps sleeps;
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(result.state == HttpDeliveryState::delivered);
  CHECK(result.attempts == 3);
  auto requests = erp.requests();
  REQUIRE(requests.size() == 3);
  for (const auto& r : requests) {
    CHECK(r.header("Idempotency-Key") == kKey);
    CHECK(r.body == kJson);
  }
  REQUIRE(sleeps.waits.size() == 2);
  for (std::size_t i = 0; i < sleeps.waits.size(); ++i) {
    CHECK(sleeps.waits[i] >= 0ms);
    CHECK(sleeps.waits[i] <= ceiling(settings, static_cast<int>(i) + 1));
  }
}

TEST_CASE("a 429 waits as long as Retry-After says, capped at max_delay", "[erp][http]") {
  HttpErp erp;
  erp.reply(HttpErp::too_many_requests("1"));
  erp.reply(HttpErp::too_many_requests("3600"));  // an hour: more than max_delay allows
  erp.reply(HttpErp::status(503));                // no Retry-After: jittered backoff
  HttpSink sink(settings_for(erp.url()));
  RecordedSleeps sleeps;
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(result.state == HttpDeliveryState::delivered);
  CHECK(result.attempts == 4);
  REQUIRE(sleeps.waits.size() == 3);
  CHECK(sleeps.waits[0] == 1000ms);
  CHECK(sleeps.waits[1] == 1000ms);
  CHECK(sleeps.waits[2] <= 400ms);  // base 100 ms * 2^2 after the third failure
}

TEST_CASE("a 4xx rejection is final: not retried, status and ERP message reported", "[erp][http]") {
  HttpErp erp;
  erp.reply(HttpErp::status(400, R"({"error":"unknown plant 9999"})"));
  HttpSink sink(settings_for(erp.url()));
  RecordedSleeps sleeps;
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(result.state == HttpDeliveryState::rejected);
  CHECK(result.attempts == 1);
  CHECK(result.http_status == 400);
  CHECK(result.response_excerpt.find("unknown plant 9999") != std::string::npos);
  CHECK(result.error.find("400") != std::string::npos);
  CHECK(sleeps.waits.empty());
  CHECK(erp.requests().size() == 1);
}

TEST_CASE("a request the ERP does not answer in time is retried", "[erp][http]") {
  HttpErp erp;
  erp.reply(HttpErp::hang(5s));
  auto settings = settings_for(erp.url());
  settings.timeout = 300ms;
  HttpSink sink(settings);
  RecordedSleeps sleeps;
  auto started = std::chrono::steady_clock::now();
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  CHECK(result.state == HttpDeliveryState::delivered);
  CHECK(result.attempts == 2);
  CHECK(sleeps.waits.size() == 1);
  auto requests = erp.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("Idempotency-Key") == requests[1].header("Idempotency-Key"));
}

TEST_CASE("after max_attempts failures the transaction is dead-lettered with the last error", "[erp][http]") {
  HttpErp erp;
  erp.reply(HttpErp::status(503), 10);
  auto settings = settings_for(erp.url());
  settings.max_attempts = 4;
  HttpSink sink(settings);
  RecordedSleeps sleeps;
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(result.state == HttpDeliveryState::dead_letter);
  CHECK(result.attempts == 4);
  CHECK(result.http_status == 503);
  CHECK(result.error.find("503") != std::string::npos);
  CHECK(erp.requests().size() == 4);
  CHECK(sleeps.waits.size() == 3);
}

TEST_CASE("a refused connection is retried and then dead-lettered without an HTTP status", "[erp][http]") {
  int closed_port = 0;
  {
    HttpErp gone;
    closed_port = gone.port();
  }  // nothing listens there any more
  auto settings = settings_for("http://127.0.0.1:" + std::to_string(closed_port) + "/erp/inbound");
  settings.max_attempts = 2;
  HttpSink sink(settings);
  RecordedSleeps sleeps;
  auto result = sink.deliver(kKey, kJson, sleeps.fn());
  CHECK(result.state == HttpDeliveryState::dead_letter);
  CHECK(result.attempts == 2);
  CHECK(result.http_status == 0);
  CHECK_FALSE(result.error.empty());
  CHECK(sleeps.waits.size() == 1);
}

TEST_CASE("backoff waits are full jitter within [0, min(max_delay, base_delay * 2^(n-1))]", "[erp][http]") {
  auto settings = settings_for("http://127.0.0.1:9/unused");
  HttpSink sink(settings);
  for (int failed = 1; failed <= 12; ++failed) {
    std::set<long long> seen;
    for (int draw = 0; draw < 200; ++draw) {
      auto wait = sink.backoff(failed);
      REQUIRE(wait >= 0ms);
      REQUIRE(wait <= ceiling(settings, failed));
      seen.insert(wait.count());
    }
    CHECK(seen.size() > 20);  // spread out, not a fixed delay
  }
  CHECK(ceiling(settings, 12) == settings.max_delay);
}

TEST_CASE("attempt_once makes one attempt and tells the caller when to come back", "[erp][http]") {
  HttpErp erp;
  erp.reply(HttpErp::status(502));
  erp.reply(HttpErp::status(500), 3);
  auto settings = settings_for(erp.url());
  settings.max_attempts = 3;
  HttpSink sink(settings);

  // A run: one attempt, the hub records retry_later with the due time and moves on.
  auto first = sink.attempt_once(kKey, kJson, 0);
  CHECK(first.state == HttpDeliveryState::retry_later);
  CHECK(first.attempts == 1);
  CHECK(first.http_status == 502);
  CHECK(first.retry_in <= settings.base_delay);

  // A later run carries the attempt count on; a success ends it.
  auto second = sink.attempt_once(kKey, kJson, first.attempts);
  CHECK(second.state == HttpDeliveryState::retry_later);
  CHECK(second.attempts == 2);
  CHECK(second.retry_in <= 2 * settings.base_delay);

  // The last allowed attempt fails: dead letter, no further retry suggested.
  auto third = sink.attempt_once(kKey, kJson, second.attempts);
  CHECK(third.state == HttpDeliveryState::dead_letter);
  CHECK(third.attempts == 3);
  CHECK(third.retry_in == 0ms);

  // Replayed by an operator later: a fresh count, and the ERP now answers 200.
  auto replay = sink.attempt_once(kKey, kJson, 0);
  CHECK(replay.state == HttpDeliveryState::retry_later);  // the plan's last 500
  CHECK(sink.attempt_once(kKey, kJson, replay.attempts).state == HttpDeliveryState::delivered);
  CHECK(erp.requests().size() == 5);
}

TEST_CASE("TLS: the ERP's certificate is verified, trusted through ca_file", "[erp][http]") {
  TempDir dir;
  auto cert = make_loopback_certificate(dir.path());
  HttpErp erp(cert);
  REQUIRE(erp.url().rfind("https://", 0) == 0);
  RecordedSleeps sleeps;

  SECTION("a self-signed certificate fails verification at once, nothing is sent") {
    HttpSink sink(settings_for(erp.url()));
    auto result = sink.deliver(kKey, kJson, sleeps.fn());
    CHECK(result.state == HttpDeliveryState::dead_letter);  // no retry can fix a certificate
    CHECK(result.attempts == 1);
    CHECK(result.error.find("certificate") != std::string::npos);
    CHECK(erp.requests().empty());
  }
  SECTION("with the ERP's certificate as ca_file the transaction is delivered") {
    auto settings = settings_for(erp.url());
    settings.ca_file = cert.cert;
    HttpSink sink(settings);
    auto result = sink.deliver(kKey, kJson, sleeps.fn());
    CHECK(result.state == HttpDeliveryState::delivered);
    REQUIRE(erp.requests().size() == 1);
    CHECK(erp.requests()[0].header("Idempotency-Key") == kKey);
  }
  SECTION("a wrong ca_file is an error, not a silent fallback") {
    auto settings = settings_for(erp.url());
    settings.ca_file = dir / "missing.pem";
    HttpSink sink(settings);
    auto result = sink.deliver(kKey, kJson, sleeps.fn());
    CHECK(result.state == HttpDeliveryState::dead_letter);
    CHECK(erp.requests().empty());
  }
  SECTION("only an explicit verify_tls = false skips verification") {
    auto settings = settings_for(erp.url());
    settings.verify_tls = false;
    HttpSink sink(settings);
    CHECK(sink.deliver(kKey, kJson, sleeps.fn()).state == HttpDeliveryState::delivered);
  }
  CHECK(sleeps.waits.empty());
}

TEST_CASE("sink settings that would break the request are refused up front", "[erp][http]") {
  auto settings = settings_for("http://127.0.0.1:9/erp");
  settings.headers["X-Bad"] = "value\r\nInjected: yes";
  CHECK_THROWS_AS(HttpSink(settings), std::invalid_argument);
  settings = settings_for("");
  CHECK_THROWS_AS(HttpSink(settings), std::invalid_argument);
  settings = settings_for("http://127.0.0.1:9/erp");
  settings.max_attempts = 0;
  CHECK_THROWS_AS(HttpSink(settings), std::invalid_argument);
  HttpSink sink(settings_for("http://127.0.0.1:9/erp"));
  CHECK_THROWS_AS(sink.attempt_once("key\nInjected: yes", kJson, 0), std::invalid_argument);
}
