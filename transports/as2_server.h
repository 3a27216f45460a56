// AS2 receiver: an HTTP/1.1 server (Boost.Beast, plain or TLS) that turns each POST into a
// ReceivedMessage, hands it to the hub's handler and answers with an MDN.
//
// Contract:
// - THE MDN IS SENT ONLY AFTER THE PAYLOAD IS DURABLY ARCHIVED: the handler is called for
//   each readable message and must return only after the payload is durable (the hub
//   archives and commits its index row first). Only then is the MDN built and sent, in the
//   HTTP response (sync) or by a POST to the requested URL after the 200 (async). If the
//   handler throws or returns retry_later, the sender gets HTTP 503 and no MDN, so it retries.
// - Messages that fail to decrypt/verify never reach the handler; they get a negative MDN
//   (processed/error: <RFC 4130 modifier>) when one was requested, else HTTP 400; on_rejected
//   sees them for the hub's logs.
// - Duplicates: the handler decides (it sees message_id; the hub checks its archive) and
//   may answer accepted("duplicate-document") -> processed/warning: duplicate-document.
// - Async MDNs POSTed to us (multipart/report, possibly signed) go to on_mdn.
// - Bounded and checked before the body is read: the AS2-From must be a partner and the
//   AS2-To us (else 403), Content-Length at most max_body_bytes (else 413), and at most
//   max_concurrent_uploads bodies in progress (else 503 with Retry-After). A body is streamed
//   to a file under spool_dir (413 as soon as it passes the limit), decoded from there, and
//   removed once answered. Messages are decoded and handled one at a time, so memory stays
//   flat however many uploads stream in. read_timeout per request; stop() stops accepting,
//   lets running handlers and async MDN posts finish, closes.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "transports/as2.h"
#include "transports/as2_client.h"

namespace edihub::transports::as2 {

struct As2Result {
  enum class Outcome { accepted, rejected, retry_later };
  Outcome outcome = Outcome::accepted;
  std::string modifier;  // accepted: optional warning; rejected: RFC 4130 error modifier
  std::string text;      // for the MDN's human-readable part / the HTTP body
  static As2Result accepted(std::string warning = "", std::string text = "") {
    return {Outcome::accepted, std::move(warning), std::move(text)};
  }
  static As2Result rejected(std::string error = "unexpected-processing-error", std::string text = "") {
    return {Outcome::rejected, std::move(error), std::move(text)};
  }
  static As2Result retry_later(std::string text = "") { return {Outcome::retry_later, "", std::move(text)}; }
};

struct AsyncMdnDelivery {
  std::string message_id, url;
  BuiltMdn mdn;        // kept so the hub can retry a failed delivery
  PostResult result;
};

struct As2ServerConfig {
  std::string address = "127.0.0.1";
  unsigned short port = 0;  // 0: any free port (see As2Server::port())
  As2Identity identity;
  // The agreement for an AS2-From value; nullopt -> HTTP 403, for messages and async MDNs
  // alike. Unset: every POST is refused.
  std::function<std::optional<As2Partner>(const std::string& as2_from)> find_partner;
  std::function<As2Result(const ReceivedMessage&)> handler;             // required
  std::function<void(const ReceivedMessage&)> on_rejected;              // optional
  std::function<void(const Headers&, const std::string&)> on_mdn;       // optional; else 501
  std::function<void(const AsyncMdnDelivery&)> on_async_mdn_sent;       // optional
  // Every MDN we send, sync or async, just before it goes out (for the hub's archive).
  std::function<void(const ReceivedMessage&, const std::string& disposition, const BuiltMdn&)> on_mdn_built;
  // May the partner have its async MDN sent to this URL? default: any http(s) URL.
  std::function<bool(const As2Partner&, const std::string& url)> async_url_allowed;
  SendOptions async_mdn_options;  // TLS trust for async MDN delivery
  std::chrono::milliseconds async_mdn_timeout{60000};
  size_t max_body_bytes = 100u * 1024 * 1024;
  size_t max_concurrent_uploads = 4;
  std::chrono::seconds busy_retry_after{30};  // Retry-After of the 503 beyond max_concurrent_uploads
  // Where bodies are streamed while received; "": the system's temporary folder. A given
  // folder is created, and emptied of earlier uploads (a crash's leftovers) at start().
  std::string spool_dir;
  std::chrono::milliseconds read_timeout{60000};
  size_t worker_threads = 4;
  std::chrono::milliseconds stop_timeout{30000};  // stop() waits this long for taken requests
  std::string health_path = "/healthz";  // GET -> 200 "ok"; "" disables
  struct Tls {
    std::string cert_chain_file, key_file;  // PEM
    std::string key_passphrase;               // for an encrypted key_file; never prompted for
  };
  std::optional<Tls> tls;
};

class As2Server {
 public:
  explicit As2Server(As2ServerConfig config);
  ~As2Server();  // stop()
  As2Server(const As2Server&) = delete;
  As2Server& operator=(const As2Server&) = delete;

  void start();                 // binds and listens; throws As2Error
  unsigned short port() const;  // the bound port
  std::string url(const std::string& path = "/as2") const;
  void stop();                  // graceful; idempotent

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace edihub::transports::as2
