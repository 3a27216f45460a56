// SFTP client channel (libssh2). Contract:
// - A session never talks to a host whose key is not pinned: the key the server presents
//   must match `host_key_sha256` and/or an entry of `known_hosts`; an unknown or changed key,
//   or no pin at all, is refused with an SftpError naming host:port and both fingerprints.
// - Authentication is by private key file only; the passphrase is never logged or put in
//   an error message.
// - Every network wait is bounded: connect_timeout covers TCP connect, SSH handshake,
//   authentication and SFTP start; transfer_timeout covers each operation as a whole
//   (a listing, a download, an upload, a remove/rename/mkdir). After a timeout or a
//   transport failure the session is unusable (every call throws kind Connect): make a new one.
// - Remote names are never trusted: the inbox only returns names that pass
//   safe_remote_name(), and upload() refuses any other name.
// - Uploads are atomic for the reader: bytes go to ".<name>.part" in the same folder, which
//   is renamed to <name> only once complete.
// - The inbox takes a remote file only when it looks complete (stable across two
//   listings, and/or announced by a done file); the hub calls after_receipt() only after
//   the file's durable archive commit, so a crash in between re-reads the file (the
//   archive recognises the duplicate) instead of losing it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace edihub::transports {

struct SftpEndpoint {
  std::string host;
  int port = 22;
  std::string user;
  std::filesystem::path private_key;
  std::string passphrase;  // resolved by the caller from a file or env var; never logged
  std::string host_key_sha256;  // "SHA256:<base64>" exactly as `ssh-keygen -lf` prints it
  std::filesystem::path known_hosts;  // OpenSSH known_hosts file: alternative (or additional) pin
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds transfer_timeout{60000};
};

class SftpError : public std::runtime_error {
 public:
  enum class Kind {
    Connect,  // cannot reach the host, or the connection broke: retry later
    HostKey,  // unknown, changed or unpinned host key: never retried, needs a person
    Auth,     // key refused, unreadable key, wrong passphrase: needs a person
    Timeout,  // a bounded wait ran out: retry later
    Remote,   // the server refused an operation (no such file, permission denied, ...)
    Local,    // a local problem (writing the downloaded bytes, a bad argument)
  };
  SftpError(Kind kind, const std::string& message, unsigned long sftp_status = 0)
      : std::runtime_error(message), kind(kind), sftp_status(sftp_status) {}
  bool retryable() const { return kind == Kind::Connect || kind == Kind::Timeout; }

  Kind kind;
  unsigned long sftp_status;  // SFTP status code (LIBSSH2_FX_*) for kind Remote, else 0
};

// One directory entry. Sizes and times are what the server reports (SFTP v3: whole seconds).
struct SftpEntry {
  std::string name;
  std::uint64_t size = 0;
  std::chrono::sys_seconds mtime{};
  bool is_regular = false;
};

// A name that is safe to use as one local or remote path component: not empty, at most
// 255 bytes, no '/' or '\', no "..", no control characters, not hidden (leading '.').
bool safe_remote_name(std::string_view name);

// Remote paths are sent as written: absolute, or relative to the login folder.
class SftpSession {
 public:
  // Connects, verifies the host key and authenticates; throws SftpError.
  explicit SftpSession(const SftpEndpoint& endpoint);
  ~SftpSession();
  SftpSession(const SftpSession&) = delete;
  SftpSession& operator=(const SftpSession&) = delete;

  // Entries of a folder, without "." and "..", in server order; at most `max_entries`.
  std::vector<SftpEntry> list(const std::string& remote_dir, std::size_t max_entries = 100000);
  // The entry for a path, or nothing when it does not exist.
  std::optional<SftpEntry> stat(const std::string& remote_path);
  // Streams a remote file into `out`; returns the byte count.
  std::uint64_t download(const std::string& remote_path, std::ostream& out);
  // Writes a remote file to `local_path` (replaced if present; removed again on failure;
  // not synced: the caller decides about durability). Returns the byte count.
  std::uint64_t download(const std::string& remote_path, const std::filesystem::path& local_path);
  // Writes `bytes` to remote_dir/.<name>.part, then renames it to remote_dir/<name>. An
  // existing <name> is replaced: OpenSSH's SFTP v3 rename never overwrites, so it is removed
  // first; a reader then briefly sees no file, never a partial one. Throws kind Local when
  // `name` is not safe_remote_name().
  void upload(const std::string& remote_dir, const std::string& name, std::string_view bytes);
  // Removes a file (kind Remote with LIBSSH2_FX_NO_SUCH_FILE when it is missing).
  void remove(const std::string& remote_path);
  // Renames; fails (kind Remote) when `to` exists, as OpenSSH's SFTP v3 rename does.
  void rename(const std::string& from, const std::string& to);
  // Creates one folder (mode 0755); an existing folder is not an error.
  void mkdir(const std::string& remote_path);

  // The fingerprint of the host key the server presented.
  const std::string& host_key_fingerprint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

using SleepFunction = std::function<void(std::chrono::milliseconds)>;

struct SftpInboxRules {
  std::string pattern = "*";  // fnmatch(3) pattern of names to take
  std::string temp_pattern;   // names to skip, e.g. "*.part" (the folder channel's in-progress names are always skipped)
  std::string done_suffix;    // e.g. ".done": take X only when X.done exists; done files are never taken
  bool stable_listing = true;  // take a file only if size and mtime are unchanged across two listings
  std::chrono::milliseconds settle{2000};  // the wait between the two listings
  std::size_t max_files = 100;             // at most this many files per ready() call, oldest first
};

// What happens to a remote file once it is durably archived.
struct AfterReceipt {
  enum class Action { Delete, Move };
  Action action = Action::Delete;
  std::string move_to;  // for Move: a remote folder (absolute, or relative to the login folder)
};

class SftpInbox {
 public:
  explicit SftpInbox(SftpInboxRules rules);

  // Regular files in remote_dir that are safe to take now, oldest first (then by name), at
  // most max_files. With stable_listing, lists twice with one sleep(settle) in between
  // (skipped when nothing is a candidate) and keeps only files whose size and mtime did not change.
  std::vector<SftpEntry> ready(SftpSession& session, const std::string& remote_dir, const SleepFunction& sleep);
  // Names skipped by the last ready() because they failed safe_remote_name() (for a warning).
  const std::vector<std::string>& unsafe_names() const { return unsafe_; }

  // Deletes or moves remote_dir/name (and its done file, if the rules use one). A file
  // already gone is not an error (a crash may have happened between this and its record).
  // A move never overwrites: if move_to/name exists, a unique suffix is added.
  void after_receipt(SftpSession& session, const std::string& remote_dir, const std::string& name,
                     const AfterReceipt& action);

 private:
  std::vector<SftpEntry> candidates(const std::vector<SftpEntry>& listing);
  SftpInboxRules rules_;
  std::vector<std::string> unsafe_;
};

// Joins a remote folder and a name with exactly one '/'.
std::string remote_join(const std::string& dir, const std::string& name);

// Calls fn() up to `attempts` times; only retryable SftpErrors (Connect, Timeout) are
// retried, after base_delay, 2*base_delay, ... (each delay at most 60 s), and not when the
// next delay would take the whole call past max_total (time spent is the larger of the
// real elapsed time and the delays asked of `sleep`). Other errors propagate at once.
template <class Fn>
auto with_retry(int attempts, std::chrono::milliseconds base_delay, const SleepFunction& sleep, Fn&& fn,
                std::chrono::milliseconds max_total = std::chrono::minutes(5)) -> decltype(fn()) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  Clock::duration slept{0};
  auto delay = base_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      return fn();
    } catch (const SftpError& e) {
      if (!e.retryable() || attempt >= attempts) throw;
      if (std::max(Clock::now() - start, slept) + delay > max_total) throw;
      sleep(delay);
      slept += delay;
      delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(60));
    }
  }
}

}  // namespace edihub::transports
