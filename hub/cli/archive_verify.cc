// edihub archive verify: the index, the raw store and the outbound control counters
// checked against each other, read-only (it runs beside `edihub serve`).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/raw_store.h"
#include "archive/verify.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/pipeline/sent_control_numbers.h"

namespace edihub::hub {

namespace {

// A counter is sound when the number it hands out next is past every number already sent.
void check_counters(archive::ArchiveCheck& check, const std::filesystem::path& archive_dir,
                    std::vector<std::string>& problems, std::size_t& files, std::size_t& counters) {
  SentControlNumbers sent;
  for (const auto& file : check.outbound_files()) {
    std::string bytes;
    try {
      bytes = archive::read_raw_object(archive_dir, file.sha256);
    } catch (const std::exception&) {
      continue;  // missing or damaged: reported by the store check
    }
    sent.add(file, bytes);
    ++files;
  }
  std::map<std::pair<std::string, std::string>, std::uint64_t> next;
  for (const auto& c : check.control_counters()) next[{c.partner, c.kind}] = c.next;
  counters = next.size();
  for (const auto& [key, number] : sent.highest()) {
    const auto& [partner, kind] = key;
    auto found = next.find(key);
    if (found != next.end() && found->second > number.value) continue;
    problems.push_back(fmt::format(
        "control counter {} {}: {}, but F{} ({}) was sent with {} {}: that number would be sent again "
        "(`edihub archive rebuild` raises the counter)",
        partner, kind, found == next.end() ? "missing" : fmt::format("next number {}", found->second), number.file_id,
        number.file_name, control_element(kind), number.value));
  }
}

}  // namespace

int command_archive_verify(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err) {
  std::optional<Config> config;
  std::optional<archive::ArchiveCheck> check;
  try {
    config.emplace(Config::load(config_dir));
    check.emplace(config->archive_dir);
  } catch (const std::exception& e) {
    err << "edihub archive verify: cannot verify: " << e.what() << "\n";
    return 2;
  }
  auto problems = check->index_problems(false);
  const std::size_t rows = check->row_count();
  auto store = check->check_store();
  problems.insert(problems.end(), store.problems.begin(), store.problems.end());
  std::size_t outbound_files = 0, counters = 0;
  try {
    check_counters(*check, config->archive_dir, problems, outbound_files, counters);
  } catch (const std::exception& e) {
    problems.push_back(std::string(e.what()) + " (the control counters could not be checked)");
  }

  const std::string summary = fmt::format(
      "{} index rows (integrity and foreign keys), {} raw objects re-hashed ({} bytes), {} references to the store, "
      "{} control counters against {} outbound files",
      rows, store.objects, store.bytes, store.references, counters, outbound_files);
  if (json) {
    nlohmann::ordered_json j{{"ok", problems.empty()},
                             {"index", config->index_file().string()},
                             {"index_rows", rows},
                             {"raw_objects", store.objects},
                             {"raw_bytes", store.bytes},
                             {"references", store.references},
                             {"control_counters", counters},
                             {"outbound_files", outbound_files},
                             {"problems", problems}};
    out << j.dump(2) << "\n";
  } else {
    for (const auto& problem : problems) out << problem << "\n";
    out << (problems.empty() ? "archive ok: " : fmt::format("{} problem(s) found; checked ", problems.size()))
        << summary << "\n";
  }
  return problems.empty() ? 0 : 1;
}

}  // namespace edihub::hub
