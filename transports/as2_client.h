// AS2 sending over HTTP(S) with libcurl.
//
// Contract: send() POSTs one BuiltMessage to partner.url once (retries are the hub's
// business) and classifies the outcome: transport errors (connect, TLS, timeout, HTTP
// status) and, for a synchronous MDN, the MDN check (negative, MIC mismatch, bad signature,
// wrong Message-ID, malformed). For an asynchronous MDN it returns awaiting_mdn and a
// matcher for the later MDN; AsyncMdnTracker keeps many of them. TLS certificate and host
// verification are always on for https; plain http is refused unless the host is loopback
// or SendOptions::allow_plain_http is set (S/MIME still protects the content then).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "transports/as2.h"

namespace edihub::transports::as2 {

struct SendOptions {
  std::string ca_file;            // extra trust anchors for https (PEM); "" = system store
  bool allow_plain_http = false;  // plain http to non-loopback hosts
};

// One HTTP POST (also used by As2Server to deliver async MDNs).
struct PostResult {
  enum class Error { none, connect, tls, timeout, refused_url, other } error = Error::none;
  long http_status = 0;
  Headers headers;   // response headers
  std::string body;  // response body
  std::string reason;
  std::chrono::milliseconds elapsed{0};
};
PostResult http_post(const std::string& url, const Headers& headers, const std::string& body,
                     std::chrono::milliseconds timeout, const SendOptions& options = {});

enum class SendStatus {
  delivered,         // sync MDN verified: processed, MIC matches
  awaiting_mdn,      // 2xx, async MDN requested
  sent_no_mdn,       // 2xx, no MDN requested
  connect_error, tls_error, timeout, http_status, refused_url,
  negative_mdn, mic_mismatch, bad_signature, wrong_message_id, bad_mdn
};
const char* to_string(SendStatus s);

struct SendResult {
  SendStatus status = SendStatus::connect_error;
  long http_status = 0;
  std::string reason;
  std::string message_id;
  MdnResult mdn;  // for a sync MDN
  Headers mdn_headers;    // the sync MDN as received (response headers and body), for archiving
  std::string mdn_body;
  std::chrono::milliseconds elapsed{0};
  // For awaiting_mdn: checks a later MDN; nullopt when it is for another message.
  std::function<std::optional<MdnResult>(const Headers&, const std::string&)> match_async_mdn;
  bool ok() const {
    return status == SendStatus::delivered || status == SendStatus::awaiting_mdn || status == SendStatus::sent_no_mdn;
  }
};

SendResult send(const BuiltMessage& message, const As2Partner& partner, std::chrono::milliseconds timeout,
                const SendOptions& options = {});

// In-memory map of messages awaiting an async MDN (the hub keeps its own durable record).
class AsyncMdnTracker {
 public:
  void expect(const BuiltMessage& message, const As2Partner& partner);
  struct Match {
    bool known = false;  // Original-Message-ID is one we wait for
    std::string message_id;
    MdnResult result;
  };
  // Verifies the MDN against the pending message it names; a known message stops pending.
  Match match(const Headers& headers, const std::string& body);
  // Blocks until match() saw `message_id` or `timeout` passes.
  std::optional<MdnResult> wait_for(const std::string& message_id, std::chrono::milliseconds timeout);
  size_t pending() const;

 private:
  struct Pending {
    std::string mic;
    As2Partner partner;
  };
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Pending> pending_;
  std::map<std::string, MdnResult> done_;
};

}  // namespace edihub::transports::as2
