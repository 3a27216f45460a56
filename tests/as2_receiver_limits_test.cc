// The AS2 receiver of `edihub serve` under a flood (issue 13, finding 5): bodies stream to a
// spool file, so eight parallel 100 MB POSTs naming a known partner leave the server's
// memory flat; the ninth upload at once is answered 503 with Retry-After; an unknown
// AS2-From (403) and a Content-Length over the limit (413) are answered on the headers,
// before any body byte is sent; a chunked body is cut with 413 once it passes the limit.
// Raw sockets on loopback, so the test decides when each byte goes out.
#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/as2_config.h"
#include "tests/fixtures/serve.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kBody = 100'000'000;  // "100 MB", under the default limit of 100 MiB

// A connection to the receiver whose reads and writes give up after 30 s.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{30, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool send_all(std::string_view bytes) {
    while (connected_ && !bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return connected_;
  }
  // One response's status line and headers (up to the blank line); "" on timeout or close.
  std::string read_head() {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) head += c;
    return head;
  }
  // Everything until the server closes.
  std::string read_rest() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

constexpr const char* kPlain = "application/edi-x12";
constexpr const char* kEnveloped = "application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64";

std::string post_head(const std::string& as2_from, const std::string& message_id, const std::string& length_header,
                      bool expect_continue = false, const std::string& content_type = kPlain) {
  return "POST /as2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAS2-Version: 1.2\r\nAS2-From: " + as2_from +
         "\r\nAS2-To: HUB\r\nConnection: close\r\nMessage-ID: " + message_id + "\r\nContent-Type: " + content_type +
         "\r\n" + length_header + "\r\n" + (expect_continue ? "Expect: 100-continue\r\n" : "") + "\r\n";
}

int status_of(const std::string& head) { return head.size() >= 12 && head.starts_with("HTTP/1.") ? std::stoi(head.substr(9, 3)) : 0; }

// A field of /proc/<pid>/status in bytes (VmRSS, VmHWM); 0 when absent.
std::size_t proc_status_bytes(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(field + ":")) return std::stoull(line.substr(field.size() + 1)) * 1024;  // "  1234 kB"
  return 0;
}

}  // namespace

TEST_CASE("serve AS2 flood: eight parallel 100 MB POSTs stream to disk with flat memory - the ninth gets 503 - unknown senders 403 and oversized bodies 413 before their body",
          "[serve][as2][e2e]") {
  TempDir dir;
  write_as2_config(dir.path(), "http://127.0.0.1:9/as2");  // the partner's own receiver is not used here
  write_hub_yaml(dir.path());
  auto yaml = read_file(dir / "edihub.yaml");
  const std::string address = "address: 127.0.0.1, ";  // left to the default
  REQUIRE(yaml.find(address) != std::string::npos);
  yaml.erase(yaml.find(address), address.size());
  write_file(dir / "edihub.yaml", yaml +
                                      "  max_concurrent_uploads: 8\n"
                                      "service:\n  health: {port: 0}\n  poll_every: 1h\n  housekeeping_every: 1h\n");
  ServeProcess serve(dir.path());
  serve.health_url();
  auto started = serve.wait_for_event("serve_started", 1s);
  REQUIRE(started);
  const std::string as2_url = (*started)["as2"];
  REQUIRE(as2_url.starts_with("http://127.0.0.1:"));  // loopback by default (was 0.0.0.0)
  const int port = std::stoi(as2_url.substr(std::string("http://127.0.0.1:").size()));
  std::this_thread::sleep_for(1s);  // start-up and the first housekeeping are over
  const std::size_t baseline = proc_status_bytes(serve.pid(), "VmRSS");
  REQUIRE(baseline > 0);

  SECTION("headers alone decide: 403 for an unknown AS2-From, 413 for a Content-Length over the limit") {
    Client stranger(port);
    REQUIRE(stranger.send_all(post_head("STRANGER", "<s@x>", "Content-Length: " + std::to_string(kBody))));
    CHECK(status_of(stranger.read_head()) == 403);  // not a byte of the body was sent
    Client too_big(port);
    REQUIRE(too_big.send_all(post_head("PARTNER", "<b@x>", "Content-Length: 200000000")));
    CHECK(status_of(too_big.read_head()) == 413);
  }

  SECTION("a chunked body is cut with 413 once it passes the limit") {
    Client chunked(port);
    REQUIRE(chunked.send_all(post_head("PARTNER", "<c@x>", "Transfer-Encoding: chunked")));
    const std::string chunk = "100000\r\n" + std::string(0x100000, 'C') + "\r\n";  // 1 MiB chunks
    std::atomic<int> sent{0};
    std::atomic<bool> answered{false};
    std::thread sender([&] {
      while (!answered && sent < 200 && chunked.send_all(chunk)) ++sent;
    });
    const int status = status_of(chunked.read_head());
    answered = true;
    sender.join();
    CHECK(status == 413);
    CHECK(sent >= 100);  // the limit (100 MiB) was reached before the answer
    CHECK(sent < 200);
  }

  SECTION("eight uploads at once: memory stays flat, a ninth is refused with Retry-After") {
    constexpr int kUploads = 8;
    std::atomic<int> continued{0}, go{0};
    std::vector<std::string> answers(kUploads);
    std::vector<std::thread> uploads;
    const std::string garbage(1 << 20, 'Z');
    for (int i = 0; i < kUploads; ++i)
      uploads.emplace_back([&, i] {
        Client c(port);
        // Half unencrypted, half garbage claiming to be encrypted (base64 'Z's).
        if (!c.send_all(post_head("PARTNER", "<flood-" + std::to_string(i) + "@x>",
                                  "Content-Length: " + std::to_string(kBody), true, i % 2 ? kEnveloped : kPlain)))
          return;
        if (status_of(c.read_head()) != 100) return;  // the upload slot is ours
        ++continued;
        while (!go) std::this_thread::sleep_for(10ms);
        for (std::size_t left = kBody; left > 0;) {
          std::size_t n = std::min(left, garbage.size());
          if (!c.send_all(std::string_view(garbage).substr(0, n))) return;
          left -= n;
        }
        answers[i] = c.read_head() + c.read_rest();
      });
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (continued < kUploads && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    CHECK(continued == kUploads);
    {
      Client ninth(port);
      REQUIRE(ninth.send_all(post_head("PARTNER", "<ninth@x>", "Content-Length: " + std::to_string(kBody))));
      std::string head = ninth.read_head();
      CHECK(status_of(head) == 503);
      CHECK_THAT(head, Catch::Contains("Retry-After: 30"));
    }
    go = 1;
    std::size_t peak_sampled = 0;
    std::atomic<bool> done{false};
    std::thread sampler([&] {
      while (!done) {
        peak_sampled = std::max(peak_sampled, proc_status_bytes(serve.pid(), "VmRSS"));
        std::this_thread::sleep_for(20ms);
      }
    });
    for (auto& t : uploads) t.join();
    done = true;
    sampler.join();
    const std::size_t hwm = proc_status_bytes(serve.pid(), "VmHWM");
    WARN("AS2 flood, 8 x 100 MB: VmRSS idle " << baseline / 1024 << " KiB, VmRSS peak sampled " << peak_sampled / 1024
                                             << " KiB, VmHWM " << hwm / 1024 << " KiB");
    // Every upload was read to its end, then refused without loading it: the agreement
    // requires encryption, and the "encrypted" ones are not CMS.
    for (int i = 0; i < kUploads; ++i) {
      CHECK(status_of(answers[i]) == 400);
      CHECK_THAT(answers[i], Catch::Contains(i % 2 ? "decryption-failed: the body is not CMS" : "insufficient-message-security"));
    }
    CHECK(hwm < baseline + (64u << 20));
    CHECK(peak_sampled < baseline + (64u << 20));
    // The spool files are gone with their answers.
    CHECK(fs::is_empty(dir / "archive/as2-uploads"));
  }
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(40s) == std::optional<int>(0));
}
