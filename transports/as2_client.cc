// AS2 over libcurl: http_post(), send(), AsyncMdnTracker.
#include "transports/as2_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "transports/redact.h"

namespace edihub::transports::as2 {

using namespace detail;

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* p, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(p, size * n);
  return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* user) {
  auto* h = static_cast<Headers*>(user);
  std::string line(p, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    h->fields.clear();  // a new response (after 100 Continue or a redirect)
  } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !h->fields.empty()) {
    h->fields.back().second += " " + trim(line);
  } else {
    size_t colon = line.find(':');
    if (colon != std::string::npos) h->add(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return size * n;
}

bool loopback_url(const std::string& url) {
  CURLU* u = curl_url();
  char* host = nullptr;
  bool lo = false;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    std::string h = lower(host);
    lo = h == "localhost" || h == "[::1]" || h == "::1" || h.rfind("127.", 0) == 0;
  }
  curl_free(host);
  curl_url_cleanup(u);
  return lo;
}

}  // namespace

PostResult http_post(const std::string& url, const Headers& headers, const std::string& body,
                     std::chrono::milliseconds timeout, const SendOptions& options) {
  global_init();
  PostResult r;
  const std::string scheme = lower(url.substr(0, url.find(':')));
  if (scheme != "https" && scheme != "http") {
    r.error = PostResult::Error::refused_url;
    r.reason = "not an http(s) URL: " + redact_url(url);
    return r;
  }
  if (scheme == "http" && !options.allow_plain_http && !loopback_url(url)) {
    r.error = PostResult::Error::refused_url;
    r.reason = "plain http to a non-loopback host is not allowed: " + redact_url(url);
    return r;
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers.fields) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long>(timeout.count(), 30000)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  auto t0 = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(c);
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  curl_slist_free_all(list);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.http_status);
  if (rc != CURLE_OK) {
    r.reason = redact_secrets(std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : ""));
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT: r.error = PostResult::Error::timeout; break;
      case CURLE_COULDNT_CONNECT: case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY:
        r.error = PostResult::Error::connect; break;
      case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        r.error = PostResult::Error::tls; break;
      default: r.error = PostResult::Error::other;
    }
  }
  return r;
}

const char* to_string(SendStatus s) {
  switch (s) {
    case SendStatus::delivered: return "delivered";
    case SendStatus::awaiting_mdn: return "awaiting-mdn";
    case SendStatus::sent_no_mdn: return "sent-no-mdn";
    case SendStatus::connect_error: return "connect-error";
    case SendStatus::tls_error: return "tls-error";
    case SendStatus::timeout: return "timeout";
    case SendStatus::http_status: return "http-status";
    case SendStatus::refused_url: return "refused-url";
    case SendStatus::negative_mdn: return "negative-mdn";
    case SendStatus::mic_mismatch: return "mic-mismatch";
    case SendStatus::bad_signature: return "bad-signature";
    case SendStatus::wrong_message_id: return "wrong-message-id";
    case SendStatus::bad_mdn: return "bad-mdn";
  }
  return "?";
}

SendResult send(const BuiltMessage& message, const As2Partner& partner, std::chrono::milliseconds timeout,
                const SendOptions& options) {
  SendResult r;
  r.message_id = message.message_id;
  PostResult p = http_post(partner.url, message.headers, message.body, timeout, options);
  r.http_status = p.http_status;
  r.elapsed = p.elapsed;
  switch (p.error) {
    case PostResult::Error::none: break;
    case PostResult::Error::timeout: r.status = SendStatus::timeout; r.reason = p.reason; return r;
    case PostResult::Error::tls: r.status = SendStatus::tls_error; r.reason = p.reason; return r;
    case PostResult::Error::refused_url: r.status = SendStatus::refused_url; r.reason = p.reason; return r;
    case PostResult::Error::connect: case PostResult::Error::other:
      r.status = SendStatus::connect_error; r.reason = p.reason; return r;
  }
  if (p.http_status < 200 || p.http_status > 299) {
    r.status = SendStatus::http_status;
    r.reason = "HTTP " + std::to_string(p.http_status) + ": " + p.body.substr(0, 300);
    return r;
  }
  if (message.mdn_mode == "none") {
    r.status = SendStatus::sent_no_mdn;
    return r;
  }
  if (message.mdn_mode == "async") {
    r.status = SendStatus::awaiting_mdn;
    r.match_async_mdn = [id = message.message_id, mic = message.mic, partner](
                            const Headers& h, const std::string& b) -> std::optional<MdnResult> {
      if (peek_mdn_original_message_id(h, b) != id) return std::nullopt;
      return verify_mdn(h, b, partner, id, mic);
    };
    return r;
  }
  r.mdn = verify_mdn(p.headers, p.body, partner, message.message_id, message.mic);
  r.mdn_headers = std::move(p.headers);
  r.mdn_body = std::move(p.body);
  r.reason = r.mdn.reason;
  switch (r.mdn.status) {
    case MdnStatus::ok: r.status = SendStatus::delivered; break;
    case MdnStatus::negative: r.status = SendStatus::negative_mdn; break;
    case MdnStatus::mic_mismatch: r.status = SendStatus::mic_mismatch; break;
    case MdnStatus::bad_signature: r.status = SendStatus::bad_signature; break;
    case MdnStatus::wrong_message_id: r.status = SendStatus::wrong_message_id; break;
    case MdnStatus::malformed: r.status = SendStatus::bad_mdn; break;
  }
  return r;
}

void AsyncMdnTracker::expect(const BuiltMessage& message, const As2Partner& partner) {
  std::lock_guard lock(mu_);
  pending_[message.message_id] = Pending{message.mic, partner};
}

AsyncMdnTracker::Match AsyncMdnTracker::match(const Headers& headers, const std::string& body) {
  Match m;
  m.message_id = peek_mdn_original_message_id(headers, body);
  Pending p;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(m.message_id);
    if (it == pending_.end()) return m;
    p = it->second;
  }
  m.known = true;
  m.result = verify_mdn(headers, body, p.partner, m.message_id, p.mic);
  if (m.result.status == MdnStatus::bad_signature) return m;  // a forged MDN must not settle the message
  {
    std::lock_guard lock(mu_);
    pending_.erase(m.message_id);
    done_[m.message_id] = m.result;
  }
  cv_.notify_all();
  return m;
}

std::optional<MdnResult> AsyncMdnTracker::wait_for(const std::string& message_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return done_.count(message_id) > 0; })) return std::nullopt;
  return done_[message_id];
}

size_t AsyncMdnTracker::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

}  // namespace edihub::transports::as2
