// Read-only checks of an archive: the index's own consistency (SQLite integrity and
// foreign key checks), every raw object re-hashed (its name is the SHA-256 of its
// content), and the index and the store against each other. Nothing here writes: the
// index is opened read-only, so `edihub archive verify` runs beside `edihub serve`
// (a WAL reader sees one committed snapshot; work that commits while the check runs is
// looked at again before it is reported). The start-up check of the pipeline lives here
// too: a run refuses an archive whose index is missing or damaged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/index.h"
#include "archive/sqlite.h"

namespace edihub::archive {

struct StoreCheck {
  std::vector<std::string> problems;  // one line each, naming the object or the row
  std::size_t objects = 0;            // raw objects re-hashed
  std::uint64_t bytes = 0;            // their size
  std::size_t references = 0;         // index rows referring to an object, checked
};

class ArchiveCheck {
 public:
  // Opens <archive_dir>/index.db read-only; throws std::runtime_error naming it when it is
  // missing or cannot be opened.
  explicit ArchiveCheck(const std::filesystem::path& archive_dir);

  // PRAGMA integrity_check (quick_check when `quick`: no index-to-table cross-check, so
  // about as fast as reading the file once) and, unless quick, PRAGMA foreign_key_check.
  // One line per problem; empty when the index is sound.
  std::vector<std::string> index_problems(bool quick);
  // Rows per table, for the summary; a table that cannot be counted is left out.
  std::size_t row_count();
  // Re-hashes every raw object and cross-checks: every files row's object exists with its
  // size, every interchange's content_sha256 and AS2 MDN (mdn_sha256) exists, and every
  // object is referred to by some row (otherwise an orphan). A file still being received
  // (its claim under incoming/) is not missing.
  StoreCheck check_store();
  // Files we sent (direction out), oldest first, and the outbound control counters.
  std::vector<FileRecord> outbound_files();
  std::vector<Index::ControlCounter> control_counters();

 private:
  void find_orphans(const std::map<std::string, std::uint64_t>& sizes, const std::set<std::string>& referred,
                    StoreCheck& check);
  std::filesystem::path archive_dir_;
  sqlite::Db db_;
};

// Thrown by check_index_before_start.
class IndexUnusable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// For the pipeline, before it touches anything: an index that is missing while the raw
// store holds objects (it was lost: a new one would restart control numbers and deliver
// again), or that cannot be opened or fails PRAGMA quick_check, throws IndexUnusable
// naming the index file and `edihub archive verify` / `rebuild` (with `--config
// config_dir`). A new archive (no index, empty store) passes. quick_check reads the whole
// index once (measured: 2.5 s for a 350 MB index of 1.5 million rows, mostly reading).
void check_index_before_start(const std::filesystem::path& archive_dir, const std::string& config_dir);

}  // namespace edihub::archive
