#include "archive/lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <stdexcept>

namespace edihub::archive {

ArchiveLock::ArchiveLock(const std::filesystem::path& archive_dir, Env& env) {
  env.make_folders(archive_dir);
  const auto lock = archive_dir / ".lock";
  fd_ = env.open(lock, O_RDWR | O_CREAT, 0644);
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) == 0) return;
  if (errno != EWOULDBLOCK) throw_errno("cannot lock", lock);
  throw std::runtime_error("another edihub process is working on the archive " + archive_dir.string());
}

}  // namespace edihub::archive
