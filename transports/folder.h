// Local folder transports. FolderInbox lists the files of an inbound folder that are safe
// to take: regular files matching the channel's pattern, not hidden or temporary names,
// and settled (same size and modification time for the settle period), so a file still
// being written is never taken. FolderSink writes outputs durably under deterministic
// names: temp file, one filesystem sync per batch, rename, folder fsync. Both reach the
// filesystem through an archive::Env (archive/env.h), so tests can make those calls fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/env.h"

namespace edihub::transports {

struct InboundFile {
  std::filesystem::path path;
  std::string name;
  std::uintmax_t size = 0;
  std::filesystem::file_time_type mtime;
};

// An entry of an inbox that is never taken and that somebody should look at: not a
// regular file (a folder, FIFO, socket, device or symlink: classified with lstat, never
// opened, so a FIFO cannot block a poll), or an in-progress or hidden name older than the
// inbox's `stale_after` (an upload that never finished). Young in-progress names and names
// outside the channel's pattern are skipped without a word.
struct SkippedEntry {
  std::string name;
  std::string why;  // e.g. "a folder", "a FIFO", "an in-progress name unchanged for 26 h"
};

class FolderInbox {
 public:
  static constexpr std::chrono::hours kStaleAfter{24};
  FolderInbox(std::filesystem::path folder, std::string pattern, std::chrono::milliseconds settle,
              std::chrono::milliseconds stale_after = kStaleAfter, archive::Env& env = archive::Env::posix());

  // Files ready to take now. A file younger than the settle period is looked at again
  // once it would be settled (a bounded wait of at most one settle period) and taken only
  // if its size and modification time did not change.
  std::vector<InboundFile> ready(const std::function<void(std::chrono::milliseconds)>& sleep);
  // What the last ready() found and will never take, by name.
  const std::vector<SkippedEntry>& skipped() const { return skipped_; }

  // Removes a file after its durable receipt; a file already gone is not an error
  // (a crash may have happened between the removal and its record).
  static void remove(const std::filesystem::path& path, archive::Env& env = archive::Env::posix());

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::vector<InboundFile> list(std::vector<SkippedEntry>* skipped) const;
  std::filesystem::path folder_;
  std::string pattern_;
  std::chrono::milliseconds settle_, stale_after_;
  archive::Env& env_;
  std::vector<SkippedEntry> skipped_;
};

// True for names an inbound channel must never take: hidden files and the usual
// in-progress names of uploaders (.tmp, .part, .filepart, .partial).
bool is_in_progress_name(const std::string& name);

class FolderSink {
 public:
  explicit FolderSink(std::filesystem::path folder, archive::Env& env = archive::Env::posix());

  // Stages `bytes` for `name` (a name we derive, never a partner's). Nothing is visible
  // in the folder until commit().
  void stage(const std::string& name, const std::string& bytes);
  // Makes every staged output durable and visible; an existing file of the same name is
  // replaced (delivery is idempotent: the name is the idempotency key).
  void commit();

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  archive::Env& env_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, final
};

}  // namespace edihub::transports
