#include "transports/sftp.h"

#include <fnmatch.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <ostream>
#include <set>

#include "transports/folder.h"

namespace edihub::transports {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Kind = SftpError::Kind;

namespace {

std::string base64_unpadded(const unsigned char* data, std::size_t n) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < n; i += 3) {
    unsigned v = data[i] << 16 | (i + 1 < n ? data[i + 1] << 8 : 0) | (i + 2 < n ? data[i + 2] : 0);
    out += table[v >> 18 & 63];
    out += table[v >> 12 & 63];
    if (i + 1 < n) out += table[v >> 6 & 63];
    if (i + 2 < n) out += table[v & 63];
  }
  return out;
}

// The fingerprint of a known_hosts entry's key (stored base64-encoded), for error messages.
std::string fingerprint_of_base64_key(const char* b64) {
  std::string text(b64 ? b64 : "");
  std::string raw(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return "(unreadable key)";
  // EVP_DecodeBlock counts the '=' padding as zero bytes: drop them.
  std::size_t padding = text.size() - text.find_last_not_of('=') - 1;
  raw.resize(static_cast<std::size_t>(n) - std::min<std::size_t>(padding, static_cast<std::size_t>(n)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(raw.data(), raw.size(), digest, &len, EVP_sha256(), nullptr);
  return "SHA256:" + base64_unpadded(digest, len);
}

const char* host_key_type_name(int type) {
  switch (type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return "ssh-rsa";
    case LIBSSH2_HOSTKEY_TYPE_DSS: return "ssh-dss";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return "ecdsa-sha2-nistp256";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return "ecdsa-sha2-nistp384";
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return "ecdsa-sha2-nistp521";
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return "ssh-ed25519";
    default: return "unknown";
  }
}

int known_host_key_bits(int type) {
  switch (type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
  }
}

std::string sftp_status_text(unsigned long status) {
  switch (status) {
    case LIBSSH2_FX_NO_SUCH_FILE: return "no such file";
    case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
    case LIBSSH2_FX_FAILURE: return "failure";
    case LIBSSH2_FX_NO_SUCH_PATH: return "no such path";
    case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file already exists";
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space on filesystem";
    case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded";
    case LIBSSH2_FX_NOT_A_DIRECTORY: return "not a directory";
    default: return "SFTP status " + std::to_string(status);
  }
}

const char* kHostKeyPreference =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa";

std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

void init_libssh2_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (libssh2_init(0) != 0) throw SftpError(Kind::Local, "libssh2_init failed");
  });
}

// A wait bounded by a deadline, with the budget and the step named for the error.
struct Budget {
  Clock::time_point deadline;
  std::chrono::milliseconds total;
  std::string what;
};

Budget budget(std::chrono::milliseconds total, std::string what) {
  return {Clock::now() + total, total, std::move(what)};
}

}  // namespace

bool safe_remote_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (unsigned char c : name)
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string remote_join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

struct SftpSession::Impl {
  SftpEndpoint endpoint;
  std::string where;  // "user@host:port" for messages
  int sock = -1;
  LIBSSH2_SESSION* session = nullptr;
  LIBSSH2_SFTP* sftp = nullptr;
  bool broken = false;
  std::string fingerprint;

  explicit Impl(const SftpEndpoint& ep)
      : endpoint(ep), where(ep.user + "@" + ep.host + ":" + std::to_string(ep.port)) {}
  ~Impl() { close(); }

  [[noreturn]] void fail(Kind kind, const std::string& message, unsigned long status = 0) {
    if (kind == Kind::Connect || kind == Kind::Timeout) broken = true;
    throw SftpError(kind, "sftp " + where + ": " + message, status);
  }

  void check_usable() {
    if (broken) fail(Kind::Connect, "session is unusable after an earlier failure; connect again");
  }

  // Waits until the socket is ready in the direction libssh2 is blocked on.
  void wait(const Budget& b) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(b.deadline - Clock::now());
    if (left.count() <= 0) fail(Kind::Timeout, b.what + " timed out after " + millis(b.total));
    int dir = libssh2_session_block_directions(session);
    pollfd p{sock, 0, 0};
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND) p.events |= POLLIN;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) p.events |= POLLOUT;
    // No direction reported: libssh2 is not waiting on the socket, so just retry soon.
    if (p.events == 0) left = std::min(left, std::chrono::milliseconds(10)), p.events = POLLIN;
    ::poll(&p, 1, static_cast<int>(left.count()));
  }

  template <class F>
  long long call(const Budget& b, F f) {
    long long rc;
    while ((rc = f()) == LIBSSH2_ERROR_EAGAIN) wait(b);
    return rc;
  }

  template <class F>
  auto call_ptr(const Budget& b, F f) -> decltype(f()) {
    decltype(f()) p;
    while (!(p = f()) && libssh2_session_last_errno(session) == LIBSSH2_ERROR_EAGAIN) wait(b);
    return p;
  }

  // Turns a libssh2 failure into an SftpError of the right kind.
  [[noreturn]] void fail_rc(long long rc, const std::string& what) {
    if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL && sftp) {
      unsigned long status = libssh2_sftp_last_error(sftp);
      fail(Kind::Remote, what + ": " + sftp_status_text(status), status);
    }
    char* msg = nullptr;
    libssh2_session_last_error(session, &msg, nullptr, 0);
    std::string text = what + ": " + (msg && *msg ? msg : "libssh2 error") + " (libssh2 " + std::to_string(rc) + ")";
    fail(rc == LIBSSH2_ERROR_TIMEOUT || rc == LIBSSH2_ERROR_SOCKET_TIMEOUT ? Kind::Timeout : Kind::Connect, text);
  }

  void connect_socket(const Budget& b) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    int gai = ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found);
    if (gai != 0) fail(Kind::Connect, std::string("cannot resolve host: ") + gai_strerror(gai));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
    std::string last_error = "no address";
    for (addrinfo* ai = found; ai; ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) { last_error = std::strerror(errno); continue; }
      int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
      if (rc != 0 && errno == EINPROGRESS) {
        for (;;) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(b.deadline - Clock::now());
          if (left.count() <= 0) { ::close(fd); fail(Kind::Timeout, b.what + " timed out after " + millis(b.total)); }
          pollfd p{fd, POLLOUT, 0};
          int n = ::poll(&p, 1, static_cast<int>(left.count()));
          if (n > 0) break;
          if (n < 0 && errno != EINTR) break;
        }
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        errno = err;
      }
      if (rc == 0) { sock = fd; return; }
      last_error = std::strerror(errno);
      ::close(fd);
    }
    fail(Kind::Connect, "cannot connect: " + last_error);
  }

  void verify_host_key() {
    std::size_t len = 0;
    int type = 0;
    const char* key = libssh2_session_hostkey(session, &len, &type);
    const auto* hash = reinterpret_cast<const unsigned char*>(libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256));
    if (!key || !hash) fail(Kind::HostKey, "the server presented no usable host key");
    fingerprint = "SHA256:" + base64_unpadded(hash, 32);
    std::string presented = fingerprint + " (" + host_key_type_name(type) + ")";
    const std::string hostport = endpoint.host + ":" + std::to_string(endpoint.port);
    if (endpoint.host_key_sha256.empty() && endpoint.known_hosts.empty())
      fail(Kind::HostKey, "refusing " + hostport + ": no host key pinned (set host_key_sha256 or known_hosts); "
                          "it presented " + presented + " - confirm that fingerprint with the partner before pinning it");
    if (!endpoint.host_key_sha256.empty() && endpoint.host_key_sha256 != fingerprint)
      fail(Kind::HostKey, "refusing " + hostport + ": host key changed or wrong: expected " + endpoint.host_key_sha256 +
                          ", presented " + presented);
    if (!endpoint.known_hosts.empty()) check_known_hosts(key, len, type, hostport, presented);
  }

  void check_known_hosts(const char* key, std::size_t len, int type, const std::string& hostport,
                         const std::string& presented) {
    LIBSSH2_KNOWNHOSTS* kh = libssh2_knownhost_init(session);
    if (!kh) fail(Kind::Local, "cannot initialise known_hosts");
    std::unique_ptr<LIBSSH2_KNOWNHOSTS, decltype(&libssh2_knownhost_free)> guard(kh, libssh2_knownhost_free);
    if (libssh2_knownhost_readfile(kh, endpoint.known_hosts.c_str(), LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0)
      fail(Kind::HostKey, "refusing " + hostport + ": cannot read known_hosts file " + endpoint.known_hosts.string());
    libssh2_knownhost* entry = nullptr;
    int check = libssh2_knownhost_checkp(kh, endpoint.host.c_str(), endpoint.port, key, len,
                                         LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | known_host_key_bits(type),
                                         &entry);
    if (check == LIBSSH2_KNOWNHOST_CHECK_MATCH) return;
    if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
      fail(Kind::HostKey, "refusing " + hostport + ": host key changed: expected " +
                          (entry ? fingerprint_of_base64_key(entry->key) : std::string("the key")) + " from " +
                          endpoint.known_hosts.string() + ", presented " + presented);
    fail(Kind::HostKey, "refusing " + hostport + ": unknown host key: no entry in " + endpoint.known_hosts.string() +
                        " matches, presented " + presented);
  }

  void authenticate(const Budget& b) {
    if (!std::ifstream(endpoint.private_key))
      fail(Kind::Local, "cannot read private key file " + endpoint.private_key.string());
    const char* passphrase = endpoint.passphrase.empty() ? nullptr : endpoint.passphrase.c_str();
    long long rc = call(b, [&] {
      return libssh2_userauth_publickey_fromfile_ex(session, endpoint.user.c_str(),
                                                    static_cast<unsigned int>(endpoint.user.size()), nullptr,
                                                    endpoint.private_key.c_str(), passphrase);
    });
    if (rc == 0) return;
    const std::string key = endpoint.private_key.string();
    if (rc == LIBSSH2_ERROR_FILE)
      fail(Kind::Auth, "cannot use private key " + key + ": wrong passphrase or unsupported key format "
                       "(use an ed25519 or ECDSA key)");
    if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED ||
        rc == LIBSSH2_ERROR_METHOD_NOT_SUPPORTED || rc == LIBSSH2_ERROR_PUBLICKEY_PROTOCOL)
      fail(Kind::Auth, "the server refused the key " + key + " for user " + endpoint.user +
                       " (RSA keys do not work with libssh2 1.10 against OpenSSH >= 8.8: use ed25519)");
    fail_rc(rc, "authentication");
  }

  void connect() {
    init_libssh2_once();
    Budget b = budget(endpoint.connect_timeout, "connecting");
    connect_socket(b);
    session = libssh2_session_init();
    if (!session) fail(Kind::Local, "cannot create an SSH session");
    libssh2_session_set_blocking(session, 0);
    // libssh2 1.10 would pick ECDSA before ed25519; asking for ed25519 first makes the key to
    // pin the one partners usually quote (ssh_host_ed25519_key.pub).
    if (libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, kHostKeyPreference) != 0)
      fail(Kind::Local, "cannot set host key preferences");
    b.what = "SSH handshake";
    if (long long rc = call(b, [&] { return libssh2_session_handshake(session, sock); }); rc != 0)
      fail_rc(rc, "SSH handshake");
    verify_host_key();
    b.what = "authentication";
    authenticate(b);
    b.what = "starting SFTP";
    sftp = call_ptr(b, [&] { return libssh2_sftp_init(session); });
    if (!sftp) fail_rc(libssh2_session_last_errno(session), "starting SFTP");
  }

  // A healthy session says goodbye (bounded); a broken one is torn down without waiting:
  // shutting the socket down first makes every pending libssh2 send/recv fail at once.
  void close() {
    if (session) {
      Budget b = budget(std::min<std::chrono::milliseconds>(endpoint.connect_timeout, std::chrono::seconds(2)), "closing");
      if (broken && sock >= 0) ::shutdown(sock, SHUT_RDWR);
      try {
        if (sftp) call(b, [&] { return libssh2_sftp_shutdown(sftp); });
        sftp = nullptr;
        if (!broken) call(b, [&] { return libssh2_session_disconnect(session, "bye"); });
      } catch (const SftpError&) {
        ::shutdown(sock, SHUT_RDWR);
      }
      sftp = nullptr;
      auto until = Clock::now() + std::chrono::seconds(2);
      while (libssh2_session_free(session) == LIBSSH2_ERROR_EAGAIN && Clock::now() < until) {
        ::shutdown(sock, SHUT_RDWR);
        ::usleep(1000);
      }
      session = nullptr;
    }
    if (sock >= 0) ::close(sock);
    sock = -1;
  }

  Budget op(const std::string& what) {
    check_usable();
    return budget(endpoint.transfer_timeout, what);
  }

  // Closes an SFTP handle; returns libssh2's code (write errors may surface only here).
  long long close_handle(const Budget& b, LIBSSH2_SFTP_HANDLE* h) {
    return call(b, [&] { return libssh2_sftp_close_handle(h); });
  }
};

SftpSession::SftpSession(const SftpEndpoint& endpoint) : impl_(std::make_unique<Impl>(endpoint)) {
  impl_->connect();
}

SftpSession::~SftpSession() = default;

const std::string& SftpSession::host_key_fingerprint() const { return impl_->fingerprint; }

namespace {

SftpEntry entry_from(std::string name, const LIBSSH2_SFTP_ATTRIBUTES& attrs) {
  SftpEntry e;
  e.name = std::move(name);
  if (attrs.flags & LIBSSH2_SFTP_ATTR_SIZE) e.size = attrs.filesize;
  if (attrs.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) e.mtime = std::chrono::sys_seconds(std::chrono::seconds(attrs.mtime));
  e.is_regular = (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) && LIBSSH2_SFTP_S_ISREG(attrs.permissions);
  return e;
}

}  // namespace

std::vector<SftpEntry> SftpSession::list(const std::string& remote_dir, std::size_t max_entries) {
  Impl& s = *impl_;
  Budget b = s.op("listing " + remote_dir);
  LIBSSH2_SFTP_HANDLE* dir = s.call_ptr(b, [&] {
    return libssh2_sftp_open_ex(s.sftp, remote_dir.c_str(), static_cast<unsigned int>(remote_dir.size()), 0, 0,
                                LIBSSH2_SFTP_OPENDIR);
  });
  if (!dir) s.fail_rc(libssh2_session_last_errno(s.session), "listing " + remote_dir);
  std::vector<SftpEntry> entries;
  std::vector<char> name(4096);
  for (;;) {
    LIBSSH2_SFTP_ATTRIBUTES attrs{};
    long long rc = s.call(b, [&] { return libssh2_sftp_readdir_ex(dir, name.data(), name.size(), nullptr, 0, &attrs); });
    if (rc < 0) {
      s.close_handle(b, dir);
      s.fail_rc(rc, "listing " + remote_dir);
    }
    if (rc == 0 || entries.size() >= max_entries) break;
    std::string n(name.data(), static_cast<std::size_t>(rc));
    if (n != "." && n != "..") entries.push_back(entry_from(std::move(n), attrs));
  }
  s.close_handle(b, dir);
  return entries;
}

std::optional<SftpEntry> SftpSession::stat(const std::string& remote_path) {
  Impl& s = *impl_;
  Budget b = s.op("stat " + remote_path);
  LIBSSH2_SFTP_ATTRIBUTES attrs{};
  long long rc = s.call(b, [&] {
    return libssh2_sftp_stat_ex(s.sftp, remote_path.c_str(), static_cast<unsigned int>(remote_path.size()),
                                LIBSSH2_SFTP_STAT, &attrs);
  });
  if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL) {
    unsigned long status = libssh2_sftp_last_error(s.sftp);
    if (status == LIBSSH2_FX_NO_SUCH_FILE || status == LIBSSH2_FX_NO_SUCH_PATH) return std::nullopt;
  }
  if (rc != 0) s.fail_rc(rc, "stat " + remote_path);
  auto slash = remote_path.find_last_of('/');
  return entry_from(slash == std::string::npos ? remote_path : remote_path.substr(slash + 1), attrs);
}

std::uint64_t SftpSession::download(const std::string& remote_path, std::ostream& out) {
  Impl& s = *impl_;
  Budget b = s.op("downloading " + remote_path);
  LIBSSH2_SFTP_HANDLE* fh = s.call_ptr(b, [&] {
    return libssh2_sftp_open_ex(s.sftp, remote_path.c_str(), static_cast<unsigned int>(remote_path.size()),
                                LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
  });
  if (!fh) s.fail_rc(libssh2_session_last_errno(s.session), "downloading " + remote_path);
  std::vector<char> buf(128 * 1024);  // large reads let libssh2 pipeline requests
  std::uint64_t total = 0;
  for (;;) {
    long long n = s.call(b, [&] { return libssh2_sftp_read(fh, buf.data(), buf.size()); });
    if (n < 0) {
      if (!s.broken) s.close_handle(b, fh);
      s.fail_rc(n, "downloading " + remote_path);
    }
    if (n == 0) break;
    out.write(buf.data(), n);
    if (!out) {
      s.close_handle(b, fh);
      s.fail(Kind::Local, "cannot write the downloaded bytes of " + remote_path);
    }
    total += static_cast<std::uint64_t>(n);
  }
  s.close_handle(b, fh);
  return total;
}

std::uint64_t SftpSession::download(const std::string& remote_path, const fs::path& local_path) {
  std::ofstream out(local_path, std::ios::binary | std::ios::trunc);
  if (!out) impl_->fail(Kind::Local, "cannot create " + local_path.string());
  try {
    std::uint64_t n = download(remote_path, out);
    out.close();
    if (!out) impl_->fail(Kind::Local, "cannot write " + local_path.string());
    return n;
  } catch (...) {
    out.close();
    std::error_code ec;
    fs::remove(local_path, ec);
    throw;
  }
}

void SftpSession::upload(const std::string& remote_dir, const std::string& name, std::string_view bytes) {
  Impl& s = *impl_;
  if (!safe_remote_name(name)) s.fail(Kind::Local, "refusing to upload under the unsafe name '" + name + "'");
  const std::string temp = remote_join(remote_dir, "." + name + ".part");
  const std::string final_path = remote_join(remote_dir, name);
  Budget b = s.op("uploading " + final_path);
  LIBSSH2_SFTP_HANDLE* fh = s.call_ptr(b, [&] {
    return libssh2_sftp_open_ex(s.sftp, temp.c_str(), static_cast<unsigned int>(temp.size()),
                                LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC,
                                LIBSSH2_SFTP_S_IRUSR | LIBSSH2_SFTP_S_IWUSR | LIBSSH2_SFTP_S_IRGRP | LIBSSH2_SFTP_S_IROTH,
                                LIBSSH2_SFTP_OPENFILE);
  });
  if (!fh) s.fail_rc(libssh2_session_last_errno(s.session), "uploading " + temp);
  try {
    std::size_t off = 0;
    while (off < bytes.size()) {  // a write may take fewer bytes than offered
      long long n = s.call(b, [&] { return libssh2_sftp_write(fh, bytes.data() + off, bytes.size() - off); });
      if (n < 0) {
        if (!s.broken) s.close_handle(b, fh);
        s.fail_rc(n, "uploading " + temp);
      }
      off += static_cast<std::size_t>(n);
    }
    if (long long rc = s.close_handle(b, fh); rc != 0) s.fail_rc(rc, "uploading " + temp);
    auto rename_into_place = [&] {
      return s.call(b, [&] {
        return libssh2_sftp_rename_ex(s.sftp, temp.c_str(), static_cast<unsigned int>(temp.size()), final_path.c_str(),
                                      static_cast<unsigned int>(final_path.size()),
                                      LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE);
      });
    };
    long long rc = rename_into_place();
    if (rc != 0 && stat(final_path)) {
      remove(final_path);
      rc = rename_into_place();
    }
    if (rc != 0) s.fail_rc(rc, "renaming " + temp + " to " + final_path);
  } catch (const SftpError&) {
    if (!s.broken) {  // best effort: do not leave the partial upload behind
      try {
        Budget cleanup = budget(std::chrono::seconds(2), "removing " + temp);
        s.call(cleanup, [&] { return libssh2_sftp_unlink_ex(s.sftp, temp.c_str(), static_cast<unsigned int>(temp.size())); });
      } catch (const SftpError&) {
      }
    }
    throw;
  }
}

void SftpSession::remove(const std::string& remote_path) {
  Impl& s = *impl_;
  Budget b = s.op("removing " + remote_path);
  long long rc = s.call(b, [&] {
    return libssh2_sftp_unlink_ex(s.sftp, remote_path.c_str(), static_cast<unsigned int>(remote_path.size()));
  });
  if (rc != 0) s.fail_rc(rc, "removing " + remote_path);
}

void SftpSession::rename(const std::string& from, const std::string& to) {
  Impl& s = *impl_;
  Budget b = s.op("renaming " + from + " to " + to);
  long long rc = s.call(b, [&] {
    return libssh2_sftp_rename_ex(s.sftp, from.c_str(), static_cast<unsigned int>(from.size()), to.c_str(),
                                  static_cast<unsigned int>(to.size()), LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE);
  });
  if (rc != 0) s.fail_rc(rc, "renaming " + from + " to " + to);
}

void SftpSession::mkdir(const std::string& remote_path) {
  Impl& s = *impl_;
  Budget b = s.op("creating folder " + remote_path);
  long long rc = s.call(b, [&] {
    return libssh2_sftp_mkdir_ex(s.sftp, remote_path.c_str(), static_cast<unsigned int>(remote_path.size()),
                                 LIBSSH2_SFTP_S_IRWXU | LIBSSH2_SFTP_S_IRGRP | LIBSSH2_SFTP_S_IXGRP |
                                     LIBSSH2_SFTP_S_IROTH | LIBSSH2_SFTP_S_IXOTH);
  });
  if (rc == 0) return;
  if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL) {
    auto existing = stat(remote_path);
    if (existing && !existing->is_regular) return;
  }
  s.fail_rc(rc, "creating folder " + remote_path);
}

SftpInbox::SftpInbox(SftpInboxRules rules) : rules_(std::move(rules)) {}

std::vector<SftpEntry> SftpInbox::candidates(const std::vector<SftpEntry>& listing) {
  std::set<std::string> names;
  for (const auto& e : listing) names.insert(e.name);
  const std::string& done = rules_.done_suffix;
  auto ends_with = [](const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::vector<SftpEntry> out;
  for (const auto& e : listing) {
    if (!e.is_regular) continue;
    if (!safe_remote_name(e.name)) {
      if (e.name.empty() || e.name[0] != '.') unsafe_.push_back(e.name);  // hidden names are simply not ours
      continue;
    }
    if (is_in_progress_name(e.name) || fnmatch(rules_.pattern.c_str(), e.name.c_str(), 0) != 0) continue;
    if (!rules_.temp_pattern.empty() && fnmatch(rules_.temp_pattern.c_str(), e.name.c_str(), 0) == 0) continue;
    if (!done.empty() && (ends_with(e.name, done) || !names.count(e.name + done))) continue;
    out.push_back(e);
  }
  return out;
}

std::vector<SftpEntry> SftpInbox::ready(SftpSession& session, const std::string& remote_dir, const SleepFunction& sleep) {
  unsafe_.clear();
  auto found = candidates(session.list(remote_dir));
  if (rules_.stable_listing && !found.empty()) {
    sleep(rules_.settle);
    unsafe_.clear();
    std::map<std::string, SftpEntry> second;
    for (auto& e : candidates(session.list(remote_dir))) second.emplace(e.name, std::move(e));
    std::erase_if(found, [&](const SftpEntry& e) {
      auto it = second.find(e.name);
      return it == second.end() || it->second.size != e.size || it->second.mtime != e.mtime;
    });
  }
  std::sort(found.begin(), found.end(), [](const SftpEntry& a, const SftpEntry& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
  });
  if (found.size() > rules_.max_files) found.resize(rules_.max_files);
  return found;
}

namespace {

// Applies the action to one remote file; a file already gone counts as done.
void settle_remote_file(SftpSession& session, const std::string& remote_dir, const std::string& name,
                        const AfterReceipt& action) {
  const std::string source = remote_join(remote_dir, name);
  auto gone = [](const SftpError& e) {
    return e.kind == Kind::Remote &&
           (e.sftp_status == LIBSSH2_FX_NO_SUCH_FILE || e.sftp_status == LIBSSH2_FX_NO_SUCH_PATH);
  };
  if (action.action == AfterReceipt::Action::Delete) {
    try {
      session.remove(source);
    } catch (const SftpError& e) {
      if (!gone(e)) throw;
    }
    return;
  }
  if (!session.stat(source)) return;
  std::string target = remote_join(action.move_to, name);
  if (session.stat(target)) {
    // SFTP v3 rename never overwrites: keep both under a unique name (ns clock + pid).
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
    target += "." + std::to_string(ns.count()) + "." + std::to_string(::getpid());
  }
  session.rename(source, target);
}

}  // namespace

void SftpInbox::after_receipt(SftpSession& session, const std::string& remote_dir, const std::string& name,
                              const AfterReceipt& action) {
  if (!safe_remote_name(name))
    throw SftpError(Kind::Local, "refusing to touch the unsafe remote name '" + name + "'");
  if (action.action == AfterReceipt::Action::Move && action.move_to.empty())
    throw SftpError(Kind::Local, "after_receipt move needs a remote folder");
  // The file first: a crash in between leaves an orphan done file, which is never taken.
  settle_remote_file(session, remote_dir, name, action);
  if (!rules_.done_suffix.empty()) settle_remote_file(session, remote_dir, name + rules_.done_suffix, action);
}

}  // namespace edihub::transports
