// Thin POSIX helpers for the archive: an owning file descriptor and calls that throw
// std::system_error naming the path (errno text alone never says which file failed).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace edihub::archive {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

// Throws std::system_error(errno) with "<what> <path>" as the message.
[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path);

UniqueFd open_or_throw(const std::filesystem::path& path, int flags, int mode = 0);
void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path);
// Reads up to `size` bytes, retrying on EINTR; returns 0 at end of file.
std::size_t read_some(int fd, char* data, std::size_t size, const std::filesystem::path& path);
void syncfs_or_throw(int fd, const std::filesystem::path& path);

}  // namespace edihub::archive
