// An archive::Env that fails a chosen call: the `occurrence`-th call of `op` (any
// operation when none is given) whose path contains `path_part` (either path of a rename)
// fails with `error`, and so does every later matching call until clear() (a full disk
// stays full). Everything else is the real
// POSIX call. Calls come from the pipeline's thread and its delivery thread: counting is
// under a mutex.
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>

#include "archive/env.h"

namespace edihub::testing {

class FaultyEnv : public archive::Env {
 public:
  struct Fault {
    std::optional<archive::FileOp> op;
    std::string path_part;
    int occurrence = 1;
    int error = ENOSPC;
  };

  void fail(Fault fault) {
    std::lock_guard lock(mu_);
    fault_ = std::move(fault);
    seen_ = failed_ = 0;
    failed_path_.clear();
  }
  void clear() {
    std::lock_guard lock(mu_);
    fault_.reset();
  }

  // Matching calls seen since fail() (failed or not), calls failed, and the first one's path.
  int seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int failed() const {
    std::lock_guard lock(mu_);
    return failed_;
  }
  std::string failed_path() const {
    std::lock_guard lock(mu_);
    return failed_path_;
  }

  archive::UniqueFd open(const std::filesystem::path& path, int flags, int mode) override {
    if ((flags & O_CREAT) != 0) check(archive::FileOp::create, path);
    return Env::open(path, flags, mode);
  }
  void write(int fd, const char* data, std::size_t size, const std::filesystem::path& path) override {
    check(archive::FileOp::write, path);
    Env::write(fd, data, size, path);
  }
  void sync_file(int fd, const std::filesystem::path& path) override {
    check(archive::FileOp::sync, path);
    Env::sync_file(fd, path);
  }
  void sync_filesystem(int fd, const std::filesystem::path& path) override {
    check(archive::FileOp::sync, path);
    Env::sync_filesystem(fd, path);
  }
  std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (auto ec = error_for(archive::FileOp::rename, from.string() + "\n" + to.string())) return ec;
    return Env::rename(from, to);
  }
  std::error_code remove(const std::filesystem::path& path) override {
    if (auto ec = error_for(archive::FileOp::remove, path.string())) return ec;
    return Env::remove(path);
  }
  void make_folders(const std::filesystem::path& path) override {
    check(archive::FileOp::make_folder, path);
    Env::make_folders(path);
  }
  std::vector<archive::FolderEntry> list(const std::filesystem::path& folder) override {
    check(archive::FileOp::list, folder);
    return Env::list(folder);
  }
  std::error_code before_index_io(archive::FileOp op, const std::filesystem::path& file) override {
    return error_for(op, file.string());
  }

 private:
  std::error_code error_for(archive::FileOp op, const std::string& path) {
    std::lock_guard lock(mu_);
    if (!fault_ || (fault_->op && *fault_->op != op) || path.find(fault_->path_part) == std::string::npos) return {};
    if (++seen_ < fault_->occurrence) return {};
    if (failed_++ == 0) failed_path_ = path;
    return {fault_->error, std::generic_category()};
  }
  void check(archive::FileOp op, const std::filesystem::path& path) {
    if (auto ec = error_for(op, path.string()))
      throw std::system_error(ec, std::string("cannot ") + std::string(archive::op_name(op)) + " " + path.string());
  }

  mutable std::mutex mu_;
  std::optional<Fault> fault_;
  int seen_ = 0, failed_ = 0;
  std::string failed_path_;
};

}  // namespace edihub::testing
