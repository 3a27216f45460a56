// Content-addressed raw store: every received file, mapped output and acknowledgment is
// kept as raw/ab/<sha256>. Bytes are staged (hashed while copied), then a whole batch
// is made durable at once (group commit: one filesystem sync for the batch's data, then
// the renames, then one more sync for the new names), so durability costs two syncs per
// batch, not an fsync per file and per folder. Published objects are read-only (0444),
// and every read re-hashes the bytes: an object whose content does not match its name is
// never served (IntegrityError).
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "archive/env.h"
#include "archive/posix.h"

namespace edihub::archive {

// A raw object whose bytes do not hash to its name (tampered with, or damaged on disk).
class IntegrityError : public std::runtime_error {
 public:
  IntegrityError(const std::filesystem::path& object, const std::string& expected, const std::string& actual);
};

struct Staged {
  std::filesystem::path staging_path;
  std::string sha256;  // lowercase hex
  std::uint64_t size = 0;
  // A copy of a claim (see claim_file): the claim itself stays under incoming/.
  bool claimed = false;
  // The source was moved, not copied: there is nothing left at the source to remove.
  bool source_moved = false;
  // A claimed file's bytes when it is small (1 MiB at most), read while hashing, so
  // the caller can process it without reading it again.
  std::string content;
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
  // Every write, sync, rename, removal and listing goes through `env` (archive/env.h).
  explicit RawStore(std::filesystem::path root, Env& env = Env::posix());

  // Copies a file into staging while hashing it. Not durable until publish().
  Staged stage_file(const std::filesystem::path& source);

  // Takes a received file over by moving it to root/incoming/<claim> (a rename on the
  // same filesystem: no delete; a copy otherwise), then stages a copy of the claim while
  // hashing it. The copy is what gets published: an uploader that was still writing keeps
  // writing into the claim (the rename does not stop it), never into raw/, so a raw object
  // always hashes to its name. The claim's size and modification time are checked after
  // the copy; while they change, it is copied again (three tries; the last copy is still
  // consistent with its hash, and the change is found by comparing the claim later).
  // A claim is never removed by the store except by retire_claim: after sync() the caller
  // records it, publishes the copy, and keeps the claim a while to see whether it changes;
  // a claim left behind by a crash is found again by pending_claims().
  // `claim` is a relative name the caller makes unique, e.g. "acme/17a3-1__asn.edi".
  Staged claim_file(const std::filesystem::path& source, const std::string& claim);
  std::vector<std::string> pending_claims() const;
  Staged reclaim(const std::string& claim);  // stages a new copy of a pending claim
  std::filesystem::path claim_path(const std::string& claim) const { return incoming_dir() / claim; }
  void rename_claim(const std::string& from, const std::string& to);
  void retire_claim(const std::string& claim);  // removes it: its bytes are in raw/
  void discard(const Staged& staged);           // removes a staged copy that is not published
  // Makes claims (their names and data) durable.
  void sync();
  Staged stage_bytes(std::string_view bytes);

  // Makes every staged item durable: data synced, renamed into raw/, folders synced.
  // Content already in the store is not written twice. Clears `batch`.
  // On error it throws (naming the path) and still consumes the batch: the staged copies
  // are removed and none of it counts as published, so stage again from the sources.
  // Fan-out folders are made before any rename, so a folder failure publishes nothing.
  void publish(std::vector<Staged>& batch);

  bool contains(const std::string& sha256) const;  // false for a malformed hash
  std::filesystem::path path_of(const std::string& sha256) const;  // throws std::invalid_argument unless 64 lowercase hex
  // The object's bytes, hashed while read: throws when missing, IntegrityError when they
  // do not match the name.
  std::string read(const std::string& sha256) const;
  // Re-hashes the object in chunks (for callers that stream it from path_of afterwards);
  // throws like read().
  void verify(const std::string& sha256) const;

  const std::filesystem::path& root() const { return root_; }
  Env& env() const { return env_; }

 private:
  std::filesystem::path staging_dir() const { return root_ / "staging"; }
  std::filesystem::path incoming_dir() const { return root_ / "incoming"; }
  std::filesystem::path root_;
  Env& env_;
  UniqueFd staging_;  // holds the shared lock; its syncfs also reports writeback errors seen since open
};

// SHA-256 of bytes, lowercase hex (OpenSSL).
std::string sha256_hex(std::string_view bytes);
// SHA-256 of a file's content, read in chunks; throws naming the path.
std::string sha256_file(const std::filesystem::path& path);

// The bytes of the object `sha256` of the store at `root`, checked like RawStore::read,
// without opening the store (no folders made, no lock taken): for read-only checks.
std::string read_raw_object(const std::filesystem::path& root, const std::string& sha256);

// Every object under root/raw (fan-out folders only): its name and path, sorted by name.
// Names that are not a SHA-256 are listed too (verify reports them).
struct RawObject {
  std::string name;
  std::filesystem::path path;
};
std::vector<RawObject> list_raw_objects(const std::filesystem::path& root);

// fsync helpers shared by the store and the folder sinks.
void fsync_path(const std::filesystem::path& path);     // a file or a folder
void sync_filesystem_of(const std::filesystem::path& path);  // syncfs(2) on the fs holding path

}  // namespace edihub::archive
