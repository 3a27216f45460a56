#include "archive/posix.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "archive/env.h"
#include "archive/raw_store.h"

namespace edihub::archive {

namespace fs = std::filesystem;

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void throw_errno(const std::string& what, const fs::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

UniqueFd open_or_throw(const fs::path& path, int flags, int mode) {
  int fd;
  do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) throw_errno("cannot open", path);
  return UniqueFd(fd);
}

void write_all(int fd, const char* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot write", path);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::size_t read_some(int fd, char* data, std::size_t size, const fs::path& path) {
  for (;;) {
    ssize_t n = ::read(fd, data, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw_errno("cannot read", path);
  }
}

void syncfs_or_throw(int fd, const fs::path& path) {
  if (::syncfs(fd) != 0) throw_errno("cannot sync the filesystem of", path);
}

void fsync_path(const fs::path& path) { sync_path(Env::posix(), path); }

void sync_filesystem_of(const fs::path& path) {
  UniqueFd fd = open_or_throw(path, O_RDONLY);
  syncfs_or_throw(fd.get(), path);
}

}  // namespace edihub::archive
