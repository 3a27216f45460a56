#include "transports/folder.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <system_error>

namespace edihub::transports {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_in_progress_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return true;
  for (const char* suffix : {".tmp", ".part", ".filepart", ".partial", ".crdownload"})
    if (ends_with(name, suffix)) return true;
  return false;
}

FolderInbox::FolderInbox(fs::path folder, std::string pattern, std::chrono::milliseconds settle,
                         std::chrono::milliseconds stale_after, archive::Env& env)
    : folder_(std::move(folder)), pattern_(std::move(pattern)), settle_(settle), stale_after_(stale_after), env_(env) {}

namespace {

// What an entry that is not a regular file is, from its lstat type.
std::string not_a_file(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a folder";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::symlink: return "a symbolic link";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
  }
}

}  // namespace

std::vector<InboundFile> FolderInbox::list(std::vector<SkippedEntry>* skipped) const {
  std::vector<InboundFile> files;
  std::vector<archive::FolderEntry> entries;
  try {
    entries = env_.list(folder_);
  } catch (const std::system_error& e) {
    if (e.code() != std::errc::no_such_file_or_directory)
      throw std::system_error(e.code(), "cannot list inbound folder " + folder_.string());
  }
  const auto now = fs::file_time_type::clock::now();
  for (auto& [name, type] : entries) {  // type from lstat: a FIFO is never opened
    if (type != fs::file_type::regular) {
      if (skipped) skipped->push_back({name, not_a_file(type)});
      continue;
    }
    std::error_code entry_ec;
    const fs::path path = folder_ / name;
    InboundFile file{path, name, fs::file_size(path, entry_ec), fs::last_write_time(path, entry_ec)};
    if (entry_ec) continue;  // gone since the listing
    if (is_in_progress_name(name)) {
      auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - file.mtime);
      if (skipped && age >= stale_after_)
        skipped->push_back({name, std::string(name[0] == '.' ? "a hidden" : "an in-progress") + " name unchanged for " +
                                      std::to_string(std::chrono::duration_cast<std::chrono::hours>(age).count()) +
                                      " h: an upload that never finished?"});
      continue;
    }
    if (fnmatch(pattern_.c_str(), name.c_str(), 0) != 0) continue;
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  if (skipped)
    std::sort(skipped->begin(), skipped->end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

std::vector<InboundFile> FolderInbox::ready(const std::function<void(std::chrono::milliseconds)>& sleep) {
  skipped_.clear();
  auto first = list(&skipped_);
  auto now = fs::file_time_type::clock::now();
  std::vector<InboundFile> settled;
  std::map<std::string, InboundFile> young;
  std::chrono::milliseconds wait{0};
  for (auto& f : first) {
    auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - f.mtime);
    if (age >= settle_) {
      settled.push_back(std::move(f));
    } else {
      wait = std::max(wait, settle_ - age);
      young.emplace(f.name, std::move(f));
    }
  }
  if (young.empty()) return settled;
  sleep(std::min(wait, settle_));
  for (auto& f : list(nullptr)) {
    auto it = young.find(f.name);
    if (it != young.end() && it->second.size == f.size && it->second.mtime == f.mtime) settled.push_back(std::move(f));
  }
  std::sort(settled.begin(), settled.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return settled;
}

void FolderInbox::remove(const fs::path& path, archive::Env& env) {
  std::error_code ec = env.remove(path);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw std::system_error(ec, "cannot remove received file " + path.string());
}

FolderSink::FolderSink(fs::path folder, archive::Env& env) : folder_(std::move(folder)), env_(env) {}

void FolderSink::stage(const std::string& name, const std::string& bytes) {
  env_.make_folders(folder_);
  fs::path final_path = folder_ / name;
  fs::path temp = folder_ / ("." + name + ".tmp");
  {
    archive::UniqueFd fd = env_.open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    env_.write(fd.get(), bytes.data(), bytes.size(), temp);
  }
  staged_.emplace_back(temp, final_path);
}

void FolderSink::commit() {
  if (staged_.empty()) return;
  {
    // One sync of the whole filesystem flushes every staged output (group commit).
    archive::UniqueFd dir = env_.open(folder_, O_RDONLY | O_DIRECTORY);
    env_.sync_filesystem(dir.get(), folder_);
  }
  for (const auto& [temp, final_path] : staged_)
    if (std::error_code ec = env_.rename(temp, final_path))
      throw std::system_error(ec, "cannot rename " + temp.string() + " into place as " + final_path.string());
  staged_.clear();
  archive::UniqueFd dir = env_.open(folder_, O_RDONLY | O_DIRECTORY);
  env_.sync_file(dir.get(), folder_);
}

}  // namespace edihub::transports
