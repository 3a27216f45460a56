// The archive's writer lock: one process at a time changes an archive (the pipeline of
// `edihub run` / `serve` / `replay`, or `edihub archive rebuild`). An exclusive flock on
// <archive>/.lock, released when the holder exits, however it exits.
#pragma once

#include <filesystem>

#include "archive/env.h"
#include "archive/posix.h"

namespace edihub::archive {

class ArchiveLock {
 public:
  // Creates the archive folder when missing; throws std::runtime_error naming the archive
  // when another process holds the lock.
  explicit ArchiveLock(const std::filesystem::path& archive_dir, Env& env = Env::posix());

 private:
  UniqueFd fd_;
};

}  // namespace edihub::archive
