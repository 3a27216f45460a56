// Rebuilding the index, the archive's half (`edihub archive rebuild` adds the rows derived
// from raw objects and the control counters): whatever rows of an old, possibly damaged
// index are still readable are copied into a new one, table by table and row by row
// around damaged pages; the new index then replaces the old one atomically, and the old
// one is kept aside for inspection.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace edihub::archive {

struct TableSalvage {
  std::string table;
  std::size_t recovered = 0;
  // Rows that could not be read (a damaged page: the count is the span of ids skipped, so
  // "at most"), that the current schema refused, or whose required reference was lost.
  std::size_t lost = 0;
  std::size_t references_cleared = 0;  // optional references to a lost row, set to NULL
  std::vector<std::string> notes;      // what was unreadable, e.g. "ids 120..183 unreadable"
};

// Copies every readable row of `old_index` (opened read-only; a missing file gives no
// rows) into `new_index`, which must be an empty index with the current schema and is
// not open elsewhere. Row ids are kept, so references between tables still hold; a
// reference to a row that was lost is cleared when optional, and its row dropped when
// required. One entry per table of the new index, in schema order.
std::vector<TableSalvage> salvage_index(const std::filesystem::path& old_index, const std::filesystem::path& new_index);

// Keeps `index_file` and its -wal and -shm as <index_file>.damaged-<stamp> (and -wal, -shm:
// SQLite opens them together), then renames `built` (closed, no -wal) over `index_file`
// and syncs: the index is replaced atomically. Returns the name the old index got (empty
// when there was none).
std::filesystem::path replace_index(const std::filesystem::path& built, const std::filesystem::path& index_file,
                                    const std::string& stamp);

}  // namespace edihub::archive
