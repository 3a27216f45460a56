#include "archive/raw_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <system_error>

#include "archive/sha256.h"

namespace edihub::archive {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// pid and counter make the name unique within this host; the random part keeps it unique
// across pid reuse and across hosts sharing the store.
std::string unique_name() {
  static std::atomic<unsigned long long> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}()};
  char name[64];
  std::snprintf(name, sizeof name, "%d-%llu-%016llx.tmp", static_cast<int>(::getpid()), counter++,
                static_cast<unsigned long long>(random()));
  return name;
}

// A new staging file, hashed as it is written; removed again unless finished.
class StagingWriter {
 public:
  StagingWriter(Env& env, const fs::path& staging_dir)
      : env_(env), path_(staging_dir / unique_name()), fd_(env.open(path_, O_WRONLY | O_CREAT | O_EXCL, 0444)) {}

  ~StagingWriter() {
    if (!finished_) env_.remove(path_);
  }

  void append(const char* data, std::size_t size) {
    hash_.update(data, size);
    env_.write(fd_.get(), data, size, path_);
    size_ += size;
  }

  Staged finish() {
    // close() can report a delayed write error (e.g. NFS); it must not pass silently.
    if (::close(fd_.release()) != 0) throw_errno("cannot write", path_);
    finished_ = true;
    return Staged{path_, hash_.hex_digest(), size_, false, false, ""};
  }

 private:
  Env& env_;
  fs::path path_;
  UniqueFd fd_;
  Sha256 hash_;
  std::uint64_t size_ = 0;
  bool finished_ = false;
};

// Calls `consume` for each chunk of the file, never holding more than one chunk.
template <class Consume>
void for_each_chunk(const fs::path& path, Consume&& consume) {
  UniqueFd in = open_or_throw(path, O_RDONLY);
  auto buffer = std::make_unique<char[]>(kChunk);
  while (std::size_t n = read_some(in.get(), buffer.get(), kChunk, path)) consume(buffer.get(), n);
}

// One level of 256 folders, made once: creating folders on demand cost two mkdirs per
// new content (measured: a third of the pipeline's system time on 10,000 files).
void make_fan_out(Env& env, const fs::path& raw) {
  if (fs::is_directory(raw / "ff")) return;
  env.make_folders(raw);
  char name[3];
  for (int i = 0; i < 256; ++i) {
    std::snprintf(name, sizeof name, "%02x", i);
    env.make_folders(raw / name);
  }
  sync_path(env, raw);
}

void remove_staged(Env& env, const std::vector<Staged>& batch) {
  for (const auto& item : batch) env.remove(item.staging_path);
}

bool same_file_state(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

// A staged copy of a claim, hashed while copied (see RawStore::claim_file).
Staged copy_claim(Env& env, const fs::path& claim, const fs::path& staging_dir) {
  constexpr std::uint64_t kSmallFile = 1 << 20;
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    UniqueFd in = open_or_throw(claim, O_RDONLY);
    struct stat before {}, after {};
    if (::fstat(in.get(), &before) != 0) throw_errno("cannot stat", claim);
    StagingWriter writer(env, staging_dir);
    std::string content;
    std::uint64_t size = 0;
    auto buffer = std::make_unique<char[]>(kChunk);
    while (std::size_t n = read_some(in.get(), buffer.get(), kChunk, claim)) {
      writer.append(buffer.get(), n);
      size += n;
      if (size <= kSmallFile) content.append(buffer.get(), n);
    }
    if (::fstat(in.get(), &after) != 0) throw_errno("cannot stat", claim);
    bool unchanged = same_file_state(before, after) && static_cast<std::uint64_t>(after.st_size) == size;
    if (!unchanged && attempt < kTries) continue;  // written to while copied: copy again
    Staged staged = writer.finish();
    staged.claimed = true;
    staged.source_moved = true;
    if (size <= kSmallFile) staged.content = std::move(content);
    return staged;
  }
}

fs::path object_path(const fs::path& root, const std::string& sha256) {
  if (!is_sha256_hex(sha256)) throw std::invalid_argument("not a SHA-256 (64 lowercase hex digits): '" + sha256 + "'");
  return root / "raw" / sha256.substr(0, 2) / sha256;
}

// Hashes a file in chunks; IntegrityError unless it hashes to `sha256`. `keep` receives
// the bytes when given.
void check_hash(const fs::path& path, const std::string& sha256, std::string* keep) {
  Sha256 hash;
  for_each_chunk(path, [&](const char* data, std::size_t size) {
    hash.update(data, size);
    if (keep) keep->append(data, size);
  });
  if (std::string actual = hash.hex_digest(); actual != sha256) throw IntegrityError(path, sha256, actual);
}

}  // namespace

IntegrityError::IntegrityError(const fs::path& object, const std::string& expected, const std::string& actual)
    : std::runtime_error("raw object " + object.string() + " is damaged: its content hashes to " + actual +
                         ", not to its name " + expected + " (run `edihub archive verify`)") {}

RawStore::RawStore(fs::path root, Env& env) : root_(std::move(root)), env_(env) {
  env_.make_folders(staging_dir());
  make_fan_out(env_, root_ / "raw");
  env_.make_folders(incoming_dir());
  staging_ = env_.open(staging_dir(), O_RDONLY | O_DIRECTORY);
  // Exclusive means no other store is alive: whatever is staged belongs to a dead process.
  if (::flock(staging_.get(), LOCK_EX | LOCK_NB) == 0) {
    for (const auto& entry : fs::directory_iterator(staging_dir())) fs::remove_all(entry.path());
  } else if (errno != EWOULDBLOCK) {
    throw_errno("cannot lock", staging_dir());
  }
  if (::flock(staging_.get(), LOCK_SH) != 0) throw_errno("cannot lock", staging_dir());
}

Staged RawStore::stage_file(const fs::path& source) {
  StagingWriter writer(env_, staging_dir());
  for_each_chunk(source, [&](const char* data, std::size_t size) { writer.append(data, size); });
  return writer.finish();
}

Staged RawStore::claim_file(const fs::path& source, const std::string& claim) {
  try {
    fs::path target = incoming_dir() / claim;
    env_.make_folders(target.parent_path());
    std::error_code moved = env_.rename(source, target);
    if (!moved) return copy_claim(env_, target, staging_dir());
    if (moved != std::errc::cross_device_link)
      throw std::system_error(moved, "cannot move " + source.string() + " to " + target.string());
    // Another filesystem: copy under a temporary name, so a crash never leaves a partial
    // claim. The source stays where it is (the caller removes it once it is recorded).
    Staged copy = stage_file(source);
    if (std::error_code ec = env_.rename(copy.staging_path, target)) {
      env_.remove(copy.staging_path);
      throw std::system_error(ec, "cannot rename " + copy.staging_path.string() + " to " + target.string());
    }
    Staged staged = copy_claim(env_, target, staging_dir());
    staged.source_moved = false;
    return staged;
  } catch (...) {
    rethrow_in_step("claim of " + source.string());
  }
}

void RawStore::rename_claim(const std::string& from, const std::string& to) {
  fs::path target = incoming_dir() / to;
  env_.make_folders(target.parent_path());
  if (std::error_code ec = env_.rename(incoming_dir() / from, target))
    throw std::system_error(ec, "cannot rename claim " + (incoming_dir() / from).string() + " to " + target.string());
}

void RawStore::retire_claim(const std::string& claim) {
  fs::path path = incoming_dir() / claim;
  if (std::error_code ec = env_.remove(path); ec && ec != std::errc::no_such_file_or_directory)
    throw std::system_error(ec, "cannot remove claim " + path.string());
}

void RawStore::discard(const Staged& staged) { env_.remove(staged.staging_path); }

namespace {

void list_claims(Env& env, const fs::path& incoming, const fs::path& folder, std::vector<std::string>& claims) {
  for (const auto& entry : env.list(folder)) {
    if (entry.type == fs::file_type::directory) list_claims(env, incoming, folder / entry.name, claims);
    else if (entry.type == fs::file_type::regular) claims.push_back((folder / entry.name).lexically_relative(incoming).string());
  }
}

}  // namespace

std::vector<std::string> RawStore::pending_claims() const {
  std::vector<std::string> claims;
  list_claims(env_, incoming_dir(), incoming_dir(), claims);
  std::sort(claims.begin(), claims.end());
  return claims;
}

Staged RawStore::reclaim(const std::string& claim) { return copy_claim(env_, incoming_dir() / claim, staging_dir()); }

void RawStore::sync() {
  try {
    env_.sync_filesystem(staging_.get(), incoming_dir());
  } catch (...) {
    rethrow_in_step("sync of the claims");
  }
}

Staged RawStore::stage_bytes(std::string_view bytes) {
  StagingWriter writer(env_, staging_dir());
  writer.append(bytes.data(), bytes.size());
  return writer.finish();
}

void RawStore::publish(std::vector<Staged>& batch) {
  if (batch.empty()) return;
  try {
    // One sync makes the data of the whole batch durable before any of it gets its name.
    env_.sync_filesystem(staging_.get(), staging_dir());

    // Folders first: a failure here leaves nothing of the batch in raw/. They normally
    // exist already (made with the store), so this is a stat per folder, no creation.
    std::set<fs::path> checked;
    for (const auto& item : batch) {
      fs::path folder = path_of(item.sha256).parent_path();
      struct stat st;
      if (checked.insert(folder).second && !(::stat(folder.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
        env_.make_folders(folder);
    }

    for (const auto& item : batch) {
      fs::path target = path_of(item.sha256);
      struct stat st;
      if (::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        env_.remove(item.staging_path);  // same content, already stored
      } else {
        // A claimed file keeps the mode its sender gave it; a stored object is read-only.
        if (item.claimed && ::chmod(item.staging_path.c_str(), 0444) != 0)
          throw_errno("cannot make read-only", item.staging_path);
        if (std::error_code ec = env_.rename(item.staging_path, target))
          throw std::system_error(ec, "cannot rename " + item.staging_path.string() + " to " + target.string());
      }
    }

    // A second sync makes the new folder entries durable. It replaces an fsync of every
    // touched fan-out folder and its parent (~200 for a batch of 100: measured ~40 ms,
    // each one a device flush) with one filesystem sync (~1 ms); it also covers content
    // found already present, whose entry an earlier failed publish may have left unsynced.
    env_.sync_filesystem(staging_.get(), root_ / "raw");
  } catch (...) {
    remove_staged(env_, batch);
    batch.clear();
    rethrow_in_step("publish into " + (root_ / "raw").string());
  }
  batch.clear();
}

bool RawStore::contains(const std::string& sha256) const {
  struct stat st;
  return is_sha256_hex(sha256) && ::stat(path_of(sha256).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

fs::path RawStore::path_of(const std::string& sha256) const { return object_path(root_, sha256); }

std::string RawStore::read(const std::string& sha256) const { return read_raw_object(root_, sha256); }

std::string read_raw_object(const fs::path& root, const std::string& sha256) {
  std::string bytes;
  check_hash(object_path(root, sha256), sha256, &bytes);
  return bytes;
}

void RawStore::verify(const std::string& sha256) const { check_hash(path_of(sha256), sha256, nullptr); }

std::vector<RawObject> list_raw_objects(const fs::path& root) {
  std::vector<RawObject> objects;
  const fs::path raw = root / "raw";
  if (!fs::is_directory(raw)) return objects;
  for (const auto& folder : fs::directory_iterator(raw)) {
    if (!folder.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(folder.path()))
      objects.push_back({entry.path().filename().string(), entry.path()});
  }
  std::sort(objects.begin(), objects.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return objects;
}

std::string sha256_file(const fs::path& path) {
  Sha256 hash;
  for_each_chunk(path, [&](const char* data, std::size_t size) { hash.update(data, size); });
  return hash.hex_digest();
}

}  // namespace edihub::archive
