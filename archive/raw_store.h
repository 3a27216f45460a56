// Content-addressed raw store: every received file, mapped output and acknowledgment is
// kept as raw/ab/<sha256>. Bytes are staged (hashed while copied), then a whole batch
// is made durable at once (group commit: one filesystem sync for the batch's data, then
// the renames, then one more sync for the new names), so durability costs two syncs per
// batch, not an fsync per file and per folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "archive/posix.h"

namespace edihub::archive {

struct Staged {
  std::filesystem::path staging_path;
  std::string sha256;  // lowercase hex
  std::uint64_t size = 0;
};

// Move-only: it holds the staging folder open (shared lock, see the constructor). Staging
// and publishing are safe from several threads as long as each thread has its own batch.
class RawStore {
 public:
  // Creates root/staging and root/raw when missing; removes leftovers of a crashed
  // batch from staging (they were never published, so nothing refers to them).
  // Every RawStore holds a shared lock on staging, and leftovers are removed only when
  // no other live RawStore (another process, e.g. `edihub archive show` while the service
  // runs) holds it, so a second instance never deletes the first one's staged files.
  explicit RawStore(std::filesystem::path root);

  // Copies a file into staging while hashing it. Not durable until publish().
  Staged stage_file(const std::filesystem::path& source);
  Staged stage_bytes(std::string_view bytes);

  // Makes every staged item durable: data synced, renamed into raw/, folders synced.
  // Content already in the store is not written twice. Clears `batch`.
  // On error it throws (naming the path) and still consumes the batch: the staged copies
  // are removed and none of it counts as published, so stage again from the sources.
  // Fan-out folders are made before any rename, so a folder failure publishes nothing.
  void publish(std::vector<Staged>& batch);

  bool contains(const std::string& sha256) const;  // false for a malformed hash
  std::filesystem::path path_of(const std::string& sha256) const;  // throws std::invalid_argument unless 64 lowercase hex
  std::string read(const std::string& sha256) const;  // throws when missing

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path staging_dir() const { return root_ / "staging"; }
  std::filesystem::path root_;
  UniqueFd staging_;  // holds the shared lock; its syncfs also reports writeback errors seen since open
};

// SHA-256 of bytes, lowercase hex (OpenSSL).
std::string sha256_hex(std::string_view bytes);
// SHA-256 of a file's content, read in chunks; throws naming the path.
std::string sha256_file(const std::filesystem::path& path);

// fsync helpers shared by the store and the folder sinks.
void fsync_path(const std::filesystem::path& path);     // a file or a folder
void sync_filesystem_of(const std::filesystem::path& path);  // syncfs(2) on the fs holding path

}  // namespace edihub::archive
