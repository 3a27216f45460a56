#include "archive/verify.h"

#include <sys/stat.h>

#include <map>
#include <set>

#include "archive/raw_store.h"
#include "archive/sha256.h"
#include "archive/tables.h"

namespace edihub::archive {

namespace fs = std::filesystem;

namespace {

// Result rows of a PRAGMA that reports one problem per row, "ok" alone meaning none.
std::vector<std::string> pragma_problems(sqlite::Db& db, const std::string& pragma) {
  sqlite::Statement statement(db, pragma);
  auto cursor = statement.run();
  std::vector<std::string> lines;
  while (cursor.next()) {
    std::string line;
    cursor.get(0, line);
    if (line != "ok") lines.push_back("index " + db.file() + ": " + line);
  }
  return lines;
}

bool regular_file(const fs::path& path, std::uint64_t* size = nullptr) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (size) *size = static_cast<std::uint64_t>(st.st_size);
  return true;
}

bool store_has_objects(const fs::path& archive_dir) {
  const fs::path raw = archive_dir / "raw";
  if (!fs::is_directory(raw)) return false;
  for (const auto& folder : fs::directory_iterator(raw))
    if (folder.is_directory() && fs::directory_iterator(folder.path()) != fs::directory_iterator()) return true;
  return false;
}

}  // namespace

ArchiveCheck::ArchiveCheck(const fs::path& archive_dir)
    : archive_dir_(archive_dir), db_([&] {
        const fs::path file = archive_dir / "index.db";
        if (!fs::exists(file)) throw std::runtime_error("archive index " + file.string() + " does not exist");
        return file;
      }(), sqlite::Db::Mode::read_only) {}

std::vector<std::string> ArchiveCheck::index_problems(bool quick) {
  std::vector<std::string> problems;
  try {
    problems = pragma_problems(db_, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check");
    if (quick) return problems;
    sqlite::Statement statement(db_, "PRAGMA foreign_key_check");
    auto cursor = statement.run();
    while (cursor.next()) {
      std::string table, parent;
      std::int64_t rowid = 0;
      cursor.get(0, table);
      cursor.get(1, rowid);
      cursor.get(2, parent);
      problems.push_back("index " + db_.file() + ": " + table + " row " + std::to_string(rowid) +
                         " refers to a row of " + parent + " that does not exist");
    }
  } catch (const std::exception& e) {
    problems.push_back(e.what());
  }
  return problems;
}

std::size_t ArchiveCheck::row_count() {
  std::vector<std::string> tables;
  {
    sqlite::Statement statement(db_, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    auto cursor = statement.run();
    while (cursor.next()) cursor.get(0, tables.emplace_back());
  }
  std::size_t rows = 0;
  for (const auto& table : tables) {
    try {
      sqlite::Statement statement(db_, "SELECT count(*) FROM \"" + table + "\"");
      auto cursor = statement.run();
      if (cursor.next()) rows += static_cast<std::size_t>(cursor.int64(0));
    } catch (const std::exception&) {
      // Reported by index_problems.
    }
  }
  return rows;
}

StoreCheck ArchiveCheck::check_store() {
  StoreCheck check;
  // The store is listed before the index snapshot is taken, and what looks wrong is looked
  // at again afterwards: a run commits rows before publishing received files, and
  // publishes queued files before their rows commit.
  auto objects = list_raw_objects(archive_dir_);
  std::map<std::string, std::uint64_t> sizes;
  for (const auto& object : objects) {
    if (!is_sha256_hex(object.name) || object.path.parent_path().filename() != object.name.substr(0, 2)) {
      check.problems.push_back("raw object " + object.path.string() + ": the name is not the SHA-256 of a stored object");
      continue;
    }
    std::uint64_t size = 0;
    regular_file(object.path, &size);
    std::string actual = sha256_file(object.path);
    ++check.objects;
    check.bytes += size;
    if (actual != object.name)
      check.problems.push_back("raw object " + object.path.string() + ": content hashes to " + actual +
                               ", not to its name (damaged or changed after it was archived)");
    sizes[object.name] = size;
  }

  struct Reference {
    std::string what;    // "files row F12 (name)"
    std::string sha256;
    std::int64_t size = -1;  // -1: not recorded
    std::string claim;
  };
  std::vector<Reference> references;
  std::set<std::string> referred;
  try {
    sqlite::Statement begin(db_, "BEGIN"), commit(db_, "COMMIT");
    begin.run().done();
    sqlite::Statement files(db_, "SELECT id, sha256, size, source_name, claim FROM files ORDER BY id");
    for (auto c = files.run(); c.next();) {
      Reference r;
      std::int64_t id = 0;
      std::string name;
      c.get(0, id);
      c.get(1, r.sha256);
      c.get(2, r.size);
      c.get(3, name);
      c.get(4, r.claim);
      r.what = "files row F" + std::to_string(id) + " (" + name + ")";
      references.push_back(std::move(r));
    }
    sqlite::Statement interchanges(db_, "SELECT id, content_sha256 FROM interchanges ORDER BY id");
    for (auto c = interchanges.run(); c.next();) {
      Reference r;
      c.get(1, r.sha256);
      r.what = "interchanges row " + std::to_string(c.int64(0)) + " (content_sha256)";
      references.push_back(std::move(r));
    }
    sqlite::Statement mdns(db_, "SELECT id, message_id, mdn_sha256 FROM as2_messages WHERE mdn_sha256 <> '' ORDER BY id");
    for (auto c = mdns.run(); c.next();) {
      Reference r;
      std::string message_id;
      c.get(1, message_id);
      c.get(2, r.sha256);
      r.what = "as2_messages row " + std::to_string(c.int64(0)) + " " + message_id + " (mdn_sha256)";
      references.push_back(std::move(r));
    }
    commit.run().done();
  } catch (const std::exception& e) {
    try {
      db_.exec_script("ROLLBACK", "ending the read");
    } catch (const std::exception&) {
      // The failed statement already ended it.
    }
    check.problems.push_back(std::string(e.what()) + " (the index could not be cross-checked with the store)");
    return check;
  }

  for (const auto& r : references) {
    ++check.references;
    referred.insert(r.sha256);
    if (!is_sha256_hex(r.sha256)) {
      check.problems.push_back(r.what + ": '" + r.sha256 + "' is not a SHA-256");
      continue;
    }
    auto found = sizes.find(r.sha256);
    const fs::path path = archive_dir_ / "raw" / r.sha256.substr(0, 2) / r.sha256;
    std::uint64_t size = 0;
    if (found == sizes.end()) {
      if (regular_file(path)) continue;  // published after the listing
      if (!r.claim.empty() && regular_file(archive_dir_ / "incoming" / r.claim)) continue;  // still being received
      check.problems.push_back(r.what + ": raw object " + path.string() + " is missing");
    } else if (r.size >= 0 && (size = found->second) != static_cast<std::uint64_t>(r.size)) {
      check.problems.push_back(r.what + ": recorded as " + std::to_string(r.size) + " bytes, raw object " +
                               path.string() + " has " + std::to_string(size));
    }
  }

  try {
    find_orphans(sizes, referred, check);
  } catch (const std::exception& e) {
    check.problems.push_back(std::string(e.what()) + " (looking for raw objects no row refers to)");
  }
  return check;
}

void ArchiveCheck::find_orphans(const std::map<std::string, std::uint64_t>& sizes, const std::set<std::string>& referred,
                                StoreCheck& check) {
  sqlite::Statement still(db_,
                          "SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ?1) OR "
                          "EXISTS (SELECT 1 FROM as2_messages WHERE mdn_sha256 = ?1)");
  for (const auto& [name, size] : sizes) {
    if (referred.count(name)) continue;
    auto c = still.run(name);  // a fresh snapshot: its row may have committed meanwhile
    if (c.next() && c.int64(0)) continue;
    check.problems.push_back("raw object " + (archive_dir_ / "raw" / name.substr(0, 2) / name).string() +
                             ": orphan, no index row refers to it (" + std::to_string(size) + " bytes)");
  }
}

std::vector<FileRecord> ArchiveCheck::outbound_files() {
  sqlite::Statement statement(db_, "SELECT " + columns<FileRecord>() + " FROM files WHERE direction = 'out' ORDER BY id");
  std::vector<FileRecord> files;
  for (auto c = statement.run(); c.next();) files.push_back(read_record<FileRecord>(c));
  return files;
}

std::vector<Index::ControlCounter> ArchiveCheck::control_counters() {
  sqlite::Statement statement(db_, "SELECT partner, kind, next FROM control_counters ORDER BY partner, kind");
  std::vector<Index::ControlCounter> counters;
  for (auto c = statement.run(); c.next();) {
    auto& counter = counters.emplace_back();
    c.get(0, counter.partner);
    c.get(1, counter.kind);
    c.get(2, counter.next);
  }
  return counters;
}

void check_index_before_start(const fs::path& archive_dir, const std::string& config_dir) {
  const fs::path file = archive_dir / "index.db";
  const std::string what_to_do = "; nothing was processed. Run `edihub archive verify --config " + config_dir +
                                 "` to see what is damaged, then `edihub archive rebuild --config " + config_dir +
                                 "` to rebuild the index from the raw store and what is readable of the old index";
  if (!fs::exists(file)) {
    if (store_has_objects(archive_dir))
      throw IndexUnusable("archive index " + file.string() + " is missing, but " + (archive_dir / "raw").string() +
                          " holds archived files (a new index would send control numbers again and deliver "
                          "documents twice)" + what_to_do);
    return;
  }
  std::vector<std::string> problems;
  try {
    problems = ArchiveCheck(archive_dir).index_problems(true);
  } catch (const std::exception& e) {
    problems.push_back(e.what());
  }
  if (problems.empty()) return;
  std::string text = "archive index " + file.string() + " is damaged (PRAGMA quick_check):";
  for (std::size_t i = 0; i < problems.size() && i < 5; ++i) text += "\n  " + problems[i];
  if (problems.size() > 5) text += "\n  ... " + std::to_string(problems.size() - 5) + " more";
  throw IndexUnusable(text + "\n" + what_to_do.substr(2));
}

}  // namespace edihub::archive
