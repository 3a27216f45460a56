// The SFTP channel against a real OpenSSH sshd (tests/fixtures/sshd.h, needs root):
// file operations, host key pinning, key authentication, the inbox's safe-take rules,
// bounded timeouts and reconnecting with backoff.
#include "transports/sftp.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <libssh2_sftp.h>

#include "tests/fixtures/sshd.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;
using namespace edihub::transports;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = SftpError::Kind;

namespace {

SftpEndpoint endpoint(const SshServer& server) {
  SftpEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = server.port();
  ep.user = server.user();
  ep.private_key = server.client_key();
  ep.host_key_sha256 = server.host_key_sha256();
  ep.connect_timeout = 5s;
  ep.transfer_timeout = 10s;
  return ep;
}

// The SftpError `f` throws (the test fails if it throws none).
template <class F>
SftpError error_of(F f) {
  try {
    f();
  } catch (const SftpError& e) {
    return e;
  }
  FAIL("no SftpError thrown");
  throw std::logic_error("unreachable");
}

std::vector<std::string> names(const std::vector<SftpEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.name);
  std::sort(out.begin(), out.end());
  return out;
}

const SleepFunction no_sleep = [](std::chrono::milliseconds) {};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

template <class F>
SftpInboxRules rules(F set) {
  SftpInboxRules r;
  set(r);
  return r;
}

void age(const fs::path& p, std::chrono::seconds by) { fs::last_write_time(p, fs::last_write_time(p) - by); }

}  // namespace

TEST_CASE("safe_remote_name accepts plain names and refuses paths, hidden and control characters", "[sftp]") {
  for (const char* ok : {"asn-1.edi", "ORDERS_20261127.x12", "a b.edi", "a.b.c"}) CHECK(safe_remote_name(ok));
  for (std::string_view bad : std::vector<std::string_view>{"", ".", "..", ".hidden", "../x", "a/b", "a\\b", "a..b", "tab\there", "nl\n.edi",
                               std::string_view("nul\0x", 5), "del\x7f"})
    CHECK_FALSE(safe_remote_name(bad));
  CHECK_FALSE(safe_remote_name(std::string(256, 'a')));
  CHECK(safe_remote_name(std::string(255, 'a')));
}

TEST_CASE("an SFTP session lists, downloads, uploads, renames and removes files on a real sshd", "[sftp]") {
  SshServer server;
  const std::string big(300 * 1024 + 7, 'x');
  write_file(server.local("inbox") / "a.edi", "hello partner");
  write_file(server.local("inbox") / "b.edi", big);
  SftpSession s(endpoint(server));
  CHECK(s.host_key_fingerprint() == server.host_key_sha256());
  const std::string inbox = server.remote("inbox"), archive = server.remote("archive"), outbox = server.remote("outbox");

  s.mkdir(remote_join(inbox, "sub"));
  s.mkdir(remote_join(inbox, "sub"));  // existing: fine
  auto listing = s.list(inbox);
  CHECK(names(listing) == std::vector<std::string>{"a.edi", "b.edi", "sub"});
  for (const auto& e : listing) {
    CHECK(e.is_regular == (e.name != "sub"));
    if (e.name == "b.edi") CHECK(e.size == big.size());
    CHECK(e.mtime.time_since_epoch().count() > 0);
  }
  CHECK(s.list(inbox, 1).size() == 1);

  std::ostringstream out;
  CHECK(s.download(remote_join(inbox, "a.edi"), out) == 13);
  CHECK(out.str() == "hello partner");
  TempDir local;
  CHECK(s.download(remote_join(inbox, "b.edi"), local / "b.edi") == big.size());
  CHECK(read_file(local / "b.edi") == big);
  auto missing = error_of([&] { s.download(remote_join(inbox, "nope.edi"), local / "nope.edi"); });
  CHECK(missing.kind == Kind::Remote);
  CHECK(missing.sftp_status == LIBSSH2_FX_NO_SUCH_FILE);
  CHECK_FALSE(fs::exists(local / "nope.edi"));  // no empty local file left behind

  s.upload(outbox, "c.edi", "first");
  CHECK(read_file(server.local("outbox") / "c.edi") == "first");
  s.upload(outbox, "c.edi", "second, longer");  // replaces
  CHECK(read_file(server.local("outbox") / "c.edi") == "second, longer");
  CHECK(names(s.list(outbox)) == std::vector<std::string>{"c.edi"});  // no .part left
  CHECK(error_of([&] { s.upload(outbox, "../escape.edi", "x"); }).kind == Kind::Local);
  CHECK(error_of([&] { s.upload(outbox, ".hidden", "x"); }).kind == Kind::Local);

  s.rename(remote_join(inbox, "a.edi"), remote_join(archive, "a.edi"));
  CHECK(fs::exists(server.local("archive") / "a.edi"));
  CHECK_FALSE(fs::exists(server.local("inbox") / "a.edi"));
  CHECK(error_of([&] { s.rename(remote_join(inbox, "b.edi"), remote_join(outbox, "c.edi")); }).kind == Kind::Remote);

  auto st = s.stat(remote_join(archive, "a.edi"));
  REQUIRE(st);
  CHECK(st->name == "a.edi");
  CHECK(st->size == 13);
  s.remove(remote_join(archive, "a.edi"));
  CHECK_FALSE(s.stat(remote_join(archive, "a.edi")));
  auto again = error_of([&] { s.remove(remote_join(archive, "a.edi")); });
  CHECK(again.kind == Kind::Remote);
  CHECK(again.sftp_status == LIBSSH2_FX_NO_SUCH_FILE);
  CHECK(error_of([&] { s.list(remote_join(inbox, "no-such-dir")); }).kind == Kind::Remote);
}

TEST_CASE("an upload appears under its final name only once complete", "[sftp]") {
  SshServer server;
  const std::string outbox = server.remote("outbox");
  const fs::path final_path = server.local("outbox") / "big.edi", part = server.local("outbox") / ".big.edi.part";
  std::string payload(48 * 1024 * 1024, 'a');
  for (std::size_t i = 0; i < payload.size(); i += 4096) payload[i] = static_cast<char>('A' + (i / 4096) % 26);

  SECTION("while it runs, readers see only the temp name") {
    std::atomic<bool> done{false};
    std::vector<std::uintmax_t> final_sizes_seen;
    std::thread watcher([&] {
      while (!done) {
        std::error_code ec;
        auto size = fs::file_size(final_path, ec);
        if (!ec) final_sizes_seen.push_back(size);
        std::this_thread::sleep_for(1ms);
      }
    });
    SftpSession s(endpoint(server));
    s.upload(outbox, "big.edi", payload);
    done = true;
    watcher.join();
    for (auto size : final_sizes_seen) CHECK(size == payload.size());
    CHECK(read_file(final_path) == payload);
    CHECK_FALSE(fs::exists(part));
  }

  SECTION("an interrupted upload leaves nothing under the final name") {
    std::thread freezer([&] {  // freeze the server once the upload is under way
      auto until = Clock::now() + 20s;
      std::error_code ec;
      while (Clock::now() < until && !(fs::exists(part, ec) && fs::file_size(part, ec) > 0))
        std::this_thread::sleep_for(1ms);
      server.pause();
    });
    auto ep = endpoint(server);
    ep.transfer_timeout = 1500ms;
    auto start = Clock::now();
    {
      SftpSession s(ep);
      auto e = error_of([&] { s.upload(outbox, "big.edi", payload); });
      freezer.join();
      CHECK(e.kind == Kind::Timeout);
      CHECK(e.retryable());
      CHECK_THAT(e.what(), Catch::Contains("timed out after 1500 ms"));
      CHECK(error_of([&] { s.list(outbox); }).kind == Kind::Connect);  // the session is spent
    }
    CHECK(seconds_since(start) < 5);
    CHECK_FALSE(fs::exists(final_path));
    CHECK(fs::exists(part));
    server.resume();
    SftpSession retry(endpoint(server));
    retry.upload(outbox, "big.edi", "complete");
    CHECK(read_file(final_path) == "complete");
    CHECK_FALSE(fs::exists(part));
  }
}

TEST_CASE("a wrong, changed or missing host key pin is refused", "[sftp]") {
  SshServer server;
  auto ep = endpoint(server);
  const std::string hostport = "127.0.0.1:" + std::to_string(server.port());
  { SftpSession ok(ep); }

  SECTION("wrong fingerprint") {
    ep.host_key_sha256 = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    auto e = error_of([&] { SftpSession s(ep); });
    CHECK(e.kind == Kind::HostKey);
    CHECK_FALSE(e.retryable());
    CHECK_THAT(e.what(), Catch::Contains(hostport) && Catch::Contains(ep.host_key_sha256) &&
                             Catch::Contains(server.host_key_sha256()));
  }
  SECTION("the server's key changed: both the fingerprint pin and known_hosts refuse it") {
    TempDir dir;
    fs::copy_file(server.known_hosts(), dir / "known_hosts");
    const std::string old_fp = server.host_key_sha256();
    server.new_host_key();
    REQUIRE(server.host_key_sha256() != old_fp);
    auto e = error_of([&] { SftpSession s(ep); });
    CHECK(e.kind == Kind::HostKey);
    CHECK_THAT(e.what(), Catch::Contains(hostport) && Catch::Contains(old_fp) && Catch::Contains(server.host_key_sha256()));
    ep.host_key_sha256.clear();
    ep.known_hosts = dir / "known_hosts";
    auto k = error_of([&] { SftpSession s(ep); });
    CHECK(k.kind == Kind::HostKey);
    CHECK_THAT(k.what(), Catch::Contains("changed") && Catch::Contains(old_fp) && Catch::Contains(server.host_key_sha256()));
    ep.known_hosts = server.known_hosts();  // the new entry
    SftpSession s(ep);
  }
  SECTION("no pin at all, or a known_hosts file without the host") {
    ep.host_key_sha256.clear();
    auto e = error_of([&] { SftpSession s(ep); });
    CHECK(e.kind == Kind::HostKey);
    CHECK_THAT(e.what(), Catch::Contains("no host key pinned") && Catch::Contains(server.host_key_sha256()));
    TempDir dir;
    write_file(dir / "known_hosts", "[127.0.0.1]:1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBMq2x0yGv1sWUmNAOmQ0N0aWMdUQ5YElEnhT3pPAfY2\n");
    ep.known_hosts = dir / "known_hosts";
    auto k = error_of([&] { SftpSession s(ep); });
    CHECK(k.kind == Kind::HostKey);
    CHECK_THAT(k.what(), Catch::Contains("unknown host key"));
    ep.known_hosts = server.known_hosts();
    SftpSession s(ep);
  }
}

TEST_CASE("only an authorised client key logs in, and passphrases are used but never shown", "[sftp]") {
  SshServer server;
  TempDir dir;
  auto ep = endpoint(server);
  REQUIRE(run_program({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (dir / "stranger").string()}).exit_code == 0);
  ep.private_key = dir / "stranger";
  CHECK(error_of([&] { SftpSession s(ep); }).kind == Kind::Auth);
  ep.private_key = dir / "missing";
  CHECK(error_of([&] { SftpSession s(ep); }).kind == Kind::Local);

  REQUIRE(run_program({"ssh-keygen", "-q", "-t", "ed25519", "-N", "s3cret-phrase", "-f", (dir / "locked").string()}).exit_code == 0);
  server.authorize_key(dir / "locked.pub");
  ep.private_key = dir / "locked";
  ep.passphrase = "s3cret-phrase";
  { SftpSession s(ep); }
  ep.passphrase = "wrong-phrase";
  auto e = error_of([&] { SftpSession s(ep); });
  CHECK(e.kind == Kind::Auth);
  CHECK_THAT(e.what(), !Catch::Contains("wrong-phrase"));
  ep.passphrase.clear();  // none configured for an encrypted key: refused at once, never a prompt
  CHECK(error_of([&] { SftpSession s(ep); }).kind == Kind::Auth);
}

TEST_CASE("the inbox takes a file only when it stopped growing across two listings", "[sftp]") {
  SshServer server;
  const fs::path in = server.local("inbox");
  write_file(in / "steady.edi", "complete");
  write_file(in / "growing.edi", "first half");
  SftpSession s(endpoint(server));
  SftpInbox inbox(rules([](auto& r) { r.pattern = "*.edi"; r.settle = 1500ms; }));
  std::vector<std::chrono::milliseconds> sleeps;
  auto ready = inbox.ready(s, server.remote("inbox"), [&](std::chrono::milliseconds d) {
    sleeps.push_back(d);
    std::ofstream(in / "growing.edi", std::ios::app) << " and more";  // the partner is still writing
  });
  CHECK(names(ready) == std::vector<std::string>{"steady.edi"});
  CHECK(sleeps == std::vector<std::chrono::milliseconds>{1500ms});
  // Once it stops growing it is taken; an empty folder costs no wait.
  CHECK(names(inbox.ready(s, server.remote("inbox"), no_sleep)) == std::vector<std::string>{"growing.edi", "steady.edi"});
  sleeps.clear();
  CHECK(inbox.ready(s, server.remote("archive"), [&](auto d) { sleeps.push_back(d); }).empty());
  CHECK(sleeps.empty());
}

TEST_CASE("the inbox skips temp, unsafe and foreign names and honours done files and max_files", "[sftp]") {
  SshServer server;
  const fs::path in = server.local("inbox");
  SftpSession s(endpoint(server));
  const std::string remote_in = server.remote("inbox");

  SECTION("names") {
    for (const char* n : {"a.edi", "b.edi.uploading", "c.txt", ".hidden.edi", "d.edi.part", "e.edi.filepart",
                          "bad\x01name.edi", "two..dots.edi"})
      write_file(in / n, "x");
    fs::create_directories(in / "dir.edi");
    SftpInbox inbox(rules([](auto& r) { r.pattern = "*.edi"; r.temp_pattern = "*.uploading"; }));
    CHECK(names(inbox.ready(s, remote_in, no_sleep)) == std::vector<std::string>{"a.edi"});
    std::vector<std::string> unsafe = inbox.unsafe_names();
    std::sort(unsafe.begin(), unsafe.end());
    CHECK(unsafe == std::vector<std::string>{"bad\x01name.edi", "two..dots.edi"});
  }
  SECTION("done files") {
    for (const char* n : {"x.edi", "x.edi.done", "y.edi", "z.edi.done"}) write_file(in / n, "x");
    SftpInbox inbox(rules([](auto& r) { r.done_suffix = ".done"; r.stable_listing = false; }));
    auto ready = inbox.ready(s, remote_in, no_sleep);
    CHECK(names(ready) == std::vector<std::string>{"x.edi"});
    inbox.after_receipt(s, remote_in, "x.edi", AfterReceipt{});
    CHECK_FALSE(fs::exists(in / "x.edi"));
    CHECK_FALSE(fs::exists(in / "x.edi.done"));
    CHECK(fs::exists(in / "y.edi"));
  }
  SECTION("max_files takes the oldest first") {
    for (int i = 1; i <= 5; ++i) {
      fs::path p = in / ("f" + std::to_string(i) + ".edi");
      write_file(p, "x");
      age(p, std::chrono::seconds(100 - i * 10));  // f1 oldest
    }
    SftpInbox inbox(rules([](auto& r) { r.max_files = 3; }));
    auto ready = inbox.ready(s, remote_in, no_sleep);
    REQUIRE(ready.size() == 3);
    CHECK(ready[0].name == "f1.edi");
    CHECK(ready[1].name == "f2.edi");
    CHECK(ready[2].name == "f3.edi");
  }
}

TEST_CASE("after receipt a remote file is deleted or moved, never overwriting, and a gone file is fine", "[sftp]") {
  SshServer server;
  const fs::path in = server.local("inbox"), archive = server.local("archive");
  SftpSession s(endpoint(server));
  const std::string remote_in = server.remote("inbox");
  SftpInbox inbox(SftpInboxRules{});
  AfterReceipt move{AfterReceipt::Action::Move, server.remote("archive")};

  write_file(in / "a.edi", "one");
  inbox.after_receipt(s, remote_in, "a.edi", move);
  CHECK(read_file(archive / "a.edi") == "one");
  write_file(in / "a.edi", "two");
  inbox.after_receipt(s, remote_in, "a.edi", move);
  CHECK(fs::is_empty(in));
  std::vector<std::string> archived;
  for (const auto& e : fs::directory_iterator(archive)) archived.push_back(read_file(e.path()));
  std::sort(archived.begin(), archived.end());
  CHECK(archived == std::vector<std::string>{"one", "two"});

  write_file(in / "b.edi", "three");
  inbox.after_receipt(s, remote_in, "b.edi", AfterReceipt{});
  CHECK_FALSE(fs::exists(in / "b.edi"));
  inbox.after_receipt(s, remote_in, "b.edi", AfterReceipt{});  // already gone
  inbox.after_receipt(s, remote_in, "b.edi", move);
  CHECK(error_of([&] { inbox.after_receipt(s, remote_in, "../etc/passwd", AfterReceipt{}); }).kind == Kind::Local);
}

TEST_CASE("connecting is bounded: refused at once, a silent listener times out", "[sftp]") {
  SftpEndpoint ep;
  ep.host = "127.0.0.1";
  ep.user = "nobody";
  ep.private_key = "/nonexistent";
  ep.host_key_sha256 = "SHA256:x";
  ep.connect_timeout = 1000ms;

  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ep.port = ntohs(a.sin_port);

  SECTION("nothing listening") {
    ::close(listener);
    auto start = Clock::now();
    auto e = error_of([&] { SftpSession s(ep); });
    CHECK(e.kind == Kind::Connect);
    CHECK(e.retryable());
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(ep.port)));
    CHECK(seconds_since(start) < 1);
  }
  SECTION("a listener that never answers") {
    REQUIRE(::listen(listener, 4) == 0);  // the kernel completes the TCP handshake; no banner ever comes
    auto start = Clock::now();
    auto e = error_of([&] { SftpSession s(ep); });
    ::close(listener);
    CHECK(e.kind == Kind::Timeout);
    CHECK_THAT(e.what(), Catch::Contains("timed out after 1000 ms"));
    CHECK(seconds_since(start) >= 0.9);
    CHECK(seconds_since(start) < 5);
  }
}

TEST_CASE("a server that stops answering times out connects and transfers within their bounds", "[sftp]") {
  SshServer server;
  write_file(server.local("inbox") / "a.edi", std::string(1024 * 1024, 'x'));
  auto ep = endpoint(server);
  ep.connect_timeout = 1000ms;
  ep.transfer_timeout = 1000ms;
  SftpSession s(ep);
  server.pause();
  auto start = Clock::now();
  std::ostringstream out;
  auto e = error_of([&] { s.download(remote_join(server.remote("inbox"), "a.edi"), out); });
  CHECK(e.kind == Kind::Timeout);
  CHECK(seconds_since(start) < 5);
  start = Clock::now();
  CHECK(error_of([&] { SftpSession late(ep); }).kind == Kind::Timeout);
  CHECK(seconds_since(start) < 5);
  server.resume();
  SftpSession fresh(ep);
  CHECK(fresh.download(remote_join(server.remote("inbox"), "a.edi"), out) == 1024 * 1024);
}

TEST_CASE("with_retry reconnects after sshd comes back and retries only connection trouble", "[sftp]") {
  SECTION("a real restart") {
    SshServer server;
    write_file(server.local("inbox") / "a.edi", "x");
    auto ep = endpoint(server);
    server.stop();
    std::thread restarter([&] {
      std::this_thread::sleep_for(1500ms);
      server.start();
    });
    int attempts = 0;
    auto start = Clock::now();
    std::size_t n = 0;
    try {
      n = with_retry(8, 200ms, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }, [&] {
        ++attempts;
        SftpSession s(ep);
        return s.list(server.remote("inbox")).size();
      });
    } catch (...) {
      restarter.join();
      throw;
    }
    restarter.join();
    CHECK(n == 1);
    CHECK(attempts > 1);
    CHECK(seconds_since(start) < 30);
  }
  SECTION("backoff doubles, attempts and total time are bounded, other kinds are not retried") {
    std::vector<std::chrono::milliseconds> delays;
    auto record = [&](std::chrono::milliseconds d) { delays.push_back(d); };
    int calls = 0;
    auto e = error_of([&] {
      with_retry(4, 100ms, record, [&]() -> int { ++calls; throw SftpError(Kind::Connect, "down"); });
    });
    CHECK(e.kind == Kind::Connect);
    CHECK(calls == 4);
    CHECK(delays == std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms});

    calls = 0;
    CHECK(error_of([&] { with_retry(4, 100ms, record, [&]() -> int { ++calls; throw SftpError(Kind::HostKey, "x"); }); })
              .kind == Kind::HostKey);
    CHECK(calls == 1);

    calls = 0;
    delays.clear();
    error_of([&] {
      with_retry(10, 1000ms, record, [&]() -> int { ++calls; throw SftpError(Kind::Timeout, "slow"); }, 2500ms);
    });
    CHECK(calls == 2);  // after 1 s of delay, another 2 s would pass the 2.5 s budget
    CHECK(delays == std::vector<std::chrono::milliseconds>{1000ms});
    int ok_calls = 0;
    CHECK(with_retry(3, 1ms, record, [&] {
            if (++ok_calls < 3) throw SftpError(Kind::Timeout, "slow");
            return 42;
          }) == 42);
  }
}
