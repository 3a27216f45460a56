#include "archive/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

#include "archive/sqlite.h"

namespace edihub::archive {

namespace fs = std::filesystem;

std::string_view op_name(FileOp op) {
  switch (op) {
    case FileOp::create: return "create";
    case FileOp::write: return "write";
    case FileOp::sync: return "sync";
    case FileOp::rename: return "rename";
    case FileOp::remove: return "remove";
    case FileOp::make_folder: return "make_folder";
    case FileOp::list: return "list";
  }
  return "?";
}

Env::~Env() { sqlite::forget_vfs(*this); }

Env& Env::posix() {
  static Env env;
  return env;
}

UniqueFd Env::open(const fs::path& path, int flags, int mode) { return open_or_throw(path, flags, mode); }

void Env::write(int fd, const char* data, std::size_t size, const fs::path& path) { write_all(fd, data, size, path); }

void Env::sync_file(int fd, const fs::path& path) {
  if (::fsync(fd) != 0) throw_errno("cannot fsync", path);
}

void Env::sync_filesystem(int fd, const fs::path& path) { syncfs_or_throw(fd, path); }

std::error_code Env::rename(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return {};
  return {errno, std::generic_category()};
}

std::error_code Env::remove(const fs::path& path) {
  if (::unlink(path.c_str()) == 0) return {};
  return {errno, std::generic_category()};
}

void Env::make_folders(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw std::system_error(ec, "cannot create folder " + path.string());
}

std::vector<FolderEntry> Env::list(const fs::path& folder) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(folder.c_str()), ::closedir);
  if (!dir) throw_errno("cannot list", folder);
  std::vector<FolderEntry> entries;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (!entry) break;
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::error_code ec;
    auto type = fs::symlink_status(folder / name, ec).type();
    if (ec) continue;  // gone since the listing
    entries.push_back({std::move(name), type});
  }
  if (errno != 0) throw_errno("cannot list", folder);
  return entries;
}

std::error_code Env::before_index_io(FileOp, const fs::path&) { return {}; }

void sync_path(Env& env, const fs::path& path) {
  UniqueFd fd = env.open(path, O_RDONLY);
  env.sync_file(fd.get(), path);
}

void rethrow_in_step(const std::string& step) {
  try {
    throw;
  } catch (const std::system_error& e) {
    // what() is "<message>: <error text>"; the new one says the same after the step.
    std::string message = e.what();
    const std::string suffix = ": " + e.code().message();
    if (message.ends_with(suffix)) message.resize(message.size() - suffix.size());
    throw std::system_error(e.code(), step + ": " + message);
  } catch (const std::exception& e) {
    throw std::runtime_error(step + ": " + e.what());
  }
}

}  // namespace edihub::archive
