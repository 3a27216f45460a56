// The environment: the one way the archive, the folder channel, the folder sinks and the
// outbox reach the filesystem for the calls the durability protocol depends on (create,
// write, sync, rename, remove, make folders, list), in the spirit of LevelDB's Env.
// Env::posix() makes the real calls; a test derives from Env and overrides the calls it
// wants to fail (ENOSPC, EIO), so every step of the protocol can be made to fail for real.
// The index's own writes and syncs stay SQLite's, but SQLite asks the Env first
// (before_index_io, through a VFS shim: archive/sqlite.cc), so a failed index commit is a
// real failure inside SQLite. Errors are std::system_error naming the path.
// Dependency direction: transports/ and hub/ use archive/env.h; archive/ uses neither.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "archive/posix.h"

namespace edihub::archive {

enum class FileOp { create, write, sync, rename, remove, make_folder, list };
std::string_view op_name(FileOp op);

struct FolderEntry {
  std::string name;
  std::filesystem::file_type type;  // lstat's: a symbolic link is a symlink, never followed
};

class Env {
 public:
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  virtual ~Env();

  // The real POSIX calls (a process-wide instance).
  static Env& posix();

  // open(2), retrying on EINTR; FileOp::create when `flags` has O_CREAT.
  virtual UniqueFd open(const std::filesystem::path& path, int flags, int mode = 0);
  // Writes all of `data` (FileOp::write).
  virtual void write(int fd, const char* data, std::size_t size, const std::filesystem::path& path);
  virtual void sync_file(int fd, const std::filesystem::path& path);        // fsync(2)
  virtual void sync_filesystem(int fd, const std::filesystem::path& path);  // syncfs(2)
  // rename(2) and unlink(2) return their error: the caller words it (a claim treats EXDEV
  // as "copy instead", a removal ENOENT as done).
  virtual std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to);
  virtual std::error_code remove(const std::filesystem::path& path);
  // mkdir -p; an existing folder is fine.
  virtual void make_folders(const std::filesystem::path& path);
  // The entries of a folder (not "." and ".."), unsorted.
  virtual std::vector<FolderEntry> list(const std::filesystem::path& folder);
  // Asked by the index's SQLite before each of its writes (FileOp::write) and syncs
  // (FileOp::sync) of `file` (the database, its WAL or journal); an error makes SQLite
  // fail that call. The POSIX environment never objects.
  virtual std::error_code before_index_io(FileOp op, const std::filesystem::path& file);
};

// fsync of a file or folder by path.
void sync_path(Env& env, const std::filesystem::path& path);

// Rethrows the exception being handled with "<step>: " in front of its message (the path
// stays in it; a std::system_error keeps its code), so an error says which step of the
// durability protocol failed. Call from a catch block.
[[noreturn]] void rethrow_in_step(const std::string& step);

}  // namespace edihub::archive
